"""PDF writer: the document tree goes to a Typst template as JSON, and Typst lays it out.

Why this shape:
- Case text never becomes Typst markup. The whole tree is serialised to JSON and handed over through
  ``sys_inputs``; the template (``typst/brief.typ``) only ever displays the strings it reads, so ``#read``,
  ``$``, ``*`` or ``]`` in a patient name print as themselves.
- The Typst project root is the template folder, which holds only the template and the vendored fonts:
  even a template bug could not read a file outside it.
- Fonts are vendored (``typst/fonts``) and system fonts are ignored, so a brief looks the same on every
  machine; Typst's own bundled fonts (part of the pinned ``typst`` wheel) remain as a last fallback for
  scripts Inter does not cover.
- One compiler per process is kept and reused: it caches parsed fonts and the template, which makes a brief
  several times faster than building a fresh one per call.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from overturn.document.model import Document
from overturn.document.serialize import to_data
from overturn.render.text import clean_text

TEMPLATE_ROOT = Path(__file__).resolve().parent / "typst"
FONT_DIR = TEMPLATE_ROOT / "fonts"
TEMPLATE = TEMPLATE_ROOT / "brief.typ"


def _clean(data: Any) -> Any:
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, list):
        return [_clean(x) for x in data]
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items()}
    return data


def template_data(doc: Document) -> str:
    """The JSON the template reads: the document tree with every string cleaned."""
    return json.dumps(_clean(to_data(doc)), ensure_ascii=False, separators=(",", ":"))


_lock = threading.Lock()
_compiler: Any = None


def _get_compiler() -> Any:
    global _compiler
    if _compiler is None:
        import typst  # imported here: the CLI should not pay for it unless a PDF is asked for

        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)]
        )
        _compiler = typst.Compiler(
            str(TEMPLATE), root=str(TEMPLATE_ROOT), font_paths=fonts, ignore_system_fonts=True
        )
    return _compiler


def render_pdf(doc: Document) -> bytes:
    payload = template_data(doc)
    with _lock:  # a Typst compiler is not meant to be shared between threads mid-compile
        pdf = _get_compiler().compile(format="pdf", sys_inputs={"data": payload})
    if not isinstance(pdf, bytes):  # pragma: no cover - only multi-page PNG/SVG output returns a list
        raise RuntimeError("Typst returned no PDF")
    return pdf
