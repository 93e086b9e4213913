"""Writers, registered by format name and imported only when used (PDF and DOCX pull in heavy libraries)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from overturn.document.model import Document

# format -> "module:function"; each function takes a Document (and options) and returns bytes.
WRITERS: dict[str, str] = {
    "md": "overturn.render.markdown:render_markdown",
    "html": "overturn.render.html:render_html",
    "json": "overturn.render.json:render_json",
    "pdf": "overturn.render.pdf:render_pdf",
    "docx": "overturn.render.docx:render_docx",
}
EXTENSIONS = {"md": ".md", "html": ".html", "json": ".json", "pdf": ".pdf", "docx": ".docx"}


def writer_for(fmt: str) -> Any:
    try:
        module, func = WRITERS[fmt].split(":")
    except KeyError:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(WRITERS)}") from None
    return getattr(import_module(module), func)


def render(doc: Document, fmt: str, **options: Any) -> bytes:
    out: bytes = writer_for(fmt)(doc, **options)
    return out
