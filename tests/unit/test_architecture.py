"""The shape of the system: a pure core with no Django, and imports that point inward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "overturn"

# package -> overturn packages it may import (besides itself). Outer layers may import inner ones only.
ALLOWED: dict[str, set[str]] = {
    "case": set(),
    "document": set(),
    "packs": {"case"},
    "criteria": {"case", "packs"},
    "render": {"document"},
    "extract": {"case"},
    "brief": {"case", "packs", "criteria", "document"},
    "fhir": {"case", "packs", "criteria", "extract", "document"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    return [p for p in PKG.rglob("*.py") if "web" not in p.relative_to(PKG).parts]


def test_the_core_never_imports_django() -> None:
    offenders = [str(p) for p in core_files() if any(n.split(".")[0] == "django" for n in imports_of(p))]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_inward(package: str) -> None:
    bad = []
    for path in (PKG / package).rglob("*.py"):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] != "overturn" or len(parts) < 2:
                continue
            target = parts[1]
            if target != package and target not in ALLOWED[package] and target != "__init__":
                bad.append(f"{path.relative_to(PKG)} imports {name}")
    assert bad == []
