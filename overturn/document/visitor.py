"""Writers are visitors: one ``visit_<node>`` method per node type, looked up by name."""

from __future__ import annotations

import re
from typing import Any

from overturn.document.model import NODE_TYPES


def node_name(cls: type) -> str:
    """``KeyValueTable`` -> ``key_value_table``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


NODE_NAMES: tuple[str, ...] = tuple(node_name(cls) for cls in NODE_TYPES)


class Visitor:
    """Base for writers. ``visit(node)`` calls ``visit_<node_name>(node)``; a missing method is a bug."""

    def visit(self, node: Any) -> Any:
        method = getattr(self, f"visit_{node_name(type(node))}", None)
        if method is None:
            raise NotImplementedError(f"{type(self).__name__} cannot render {type(node).__name__}")
        return method(node)

    @classmethod
    def missing_node_types(cls) -> list[str]:
        return [name for name in NODE_NAMES if not callable(getattr(cls, f"visit_{name}", None))]
