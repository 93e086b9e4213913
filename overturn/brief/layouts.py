"""Document layouts by name. A layout is a builder: (case, pack, evaluation, *, today, include_unverified) -> Document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from overturn.brief.build import build_brief
from overturn.document.model import Document

LAYOUTS: dict[str, Callable[..., Document]] = {"brief": build_brief}


def register_layout(name: str, builder: Callable[..., Any]) -> None:
    LAYOUTS[name] = builder
