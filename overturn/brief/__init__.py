"""Build the peer-to-peer brief (a Document) from a case and a pack."""

from __future__ import annotations

from overturn.brief.build import build_brief

__all__ = ["build_brief"]
