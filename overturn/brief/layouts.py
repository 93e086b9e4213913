"""Document layouts by name. A layout is a builder: (case, pack, evaluation, *, today, include_unverified) -> Document."""

from __future__ import annotations

from collections.abc import Callable

from overturn.brief.build import build_brief
from overturn.brief.call_sheet import build_call_sheet
from overturn.document.model import Document

LAYOUTS: dict[str, Callable[..., Document]] = {"brief": build_brief, "call-sheet": build_call_sheet}
