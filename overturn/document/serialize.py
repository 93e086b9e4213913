"""A versioned JSON form of the document tree: the golden-test format, and the data the PDF template reads."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from overturn.document import model as m
from overturn.document.visitor import node_name

SCHEMA = "overturn.document/1"
_BY_NAME: dict[str, type] = {node_name(cls): cls for cls in m.NODE_TYPES}


def to_data(node: Any) -> Any:
    """Dataclass tree -> plain JSON-ready data; every node carries its ``type``."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"type": node_name(type(node))}
        for f in dataclasses.fields(node):
            out[f.name] = to_data(getattr(node, f.name))
        if isinstance(node, m.Document):
            out = {"schema": SCHEMA, **out}
        return out
    if isinstance(node, Enum):
        return node.value
    if isinstance(node, tuple | list):
        return [to_data(x) for x in node]
    return node


def from_data(data: Any) -> Any:
    """Inverse of :func:`to_data` (used by tests to prove the dump is lossless)."""
    if isinstance(data, dict) and "type" in data:
        cls = _BY_NAME[data["type"]]
        kwargs = {}
        for f in dataclasses.fields(cls):
            value = from_data(data[f.name])
            kwargs[f.name] = value
        if cls is m.CheckItem:
            kwargs["mark"] = m.Mark(kwargs["mark"])
        if cls is m.Note:
            kwargs["kind"] = m.NoteKind(kwargs["kind"])
        return cls(**kwargs)
    if isinstance(data, list):
        items = [from_data(x) for x in data]
        return tuple(tuple(x) if isinstance(x, list) else x for x in items)
    return data
