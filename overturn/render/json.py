"""The versioned JSON dump of the document tree (golden tests, API clients, the PDF template's data)."""

from __future__ import annotations

import json

from overturn.document.model import Document
from overturn.document.serialize import to_data


def render_json(doc: Document) -> bytes:
    return (json.dumps(to_data(doc), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
