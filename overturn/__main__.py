from __future__ import annotations

from overturn.cli import main

main()
