"""Imaging findings level by level: one entry per lumbar level, merged across notes, conflicts reported.

The summary fields (``findings.ligamentum_flavum_mm``, ``spondylolisthesis_grade``, ``stenosis_severity``)
carry the worst level; ``findings.levels`` keeps what each level showed:

- stenosis severity and listhesis grade: one value per level; two different values at one level are a
  conflict, and that level's value is left empty (so is the summary, as before);
- ligamentum flavum: within one note the maximum at a level counts (left and right, a range "4-5 mm");
  two notes that give a level different thicknesses are a conflict and the level's value is left empty.
  The summary keeps the thickest reading over all levels and notes, as it always has.

Only facts that name a lumbar level (or T12-L1) make a level entry; a level with no value makes none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from overturn.extract import values as v
from overturn.extract.facts import Conflict, Fact

LEVEL_ATTRIBUTES = ("ligamentum_flavum_mm", "stenosis_severity", "spondylolisthesis_grade")
# A ligamentum flavum conflict leaves the level's value empty but not the summary: it is named apart.
LF_LEVEL_CONFLICT = "findings.levels.ligamentum_flavum_mm"


def level_key(level: str) -> int:
    upper = level.split("-")[0]
    return v.VERTEBRAE.index(upper) if upper in v.VERTEBRAE else 99


def distinct(facts: list[Fact]) -> list[Any]:
    out: list[Any] = []
    for fact in facts:
        if fact.value not in out:
            out.append(fact.value)
    return out


def per_level(
    name: str, used: dict[str, list[Fact]], conflicts: list[Conflict], worst: Callable[[list[Any]], Any]
) -> tuple[Any, dict[str, Any]]:
    """(the worst value over levels or None, {level: value}); a disagreement at a level is a conflict.

    A value without a level ("no spondylolisthesis") contradicts a different value at any level: that is one
    conflict over all the facts, and neither the summary nor the disagreeing levels are filled.
    """
    by_level: dict[str | None, list[Fact]] = defaultdict(list)
    for fact in used.get(name, []):
        by_level[fact.level].append(fact)
    if not by_level:
        return None, {}
    chosen: dict[str | None, Any] = {}
    clash = False
    for level, group in by_level.items():
        values = distinct(group)
        if len(values) > 1:
            conflicts.append(Conflict(name, group, level))
            clash = True
        else:
            chosen[level] = values[0]
    leveled = {lv: val for lv, val in chosen.items() if lv is not None}
    if None in chosen and chosen[None] in (0, False):
        disagree = {lv for lv, val in leveled.items() if val != chosen[None]}
        if disagree:
            conflicts.append(Conflict(name, [f for fs in by_level.values() for f in fs]))
            return None, {lv: val for lv, val in leveled.items() if lv not in disagree}
    if clash:
        return None, leveled
    return worst(list(chosen.values())), leveled


def flavum_per_level(used: dict[str, list[Fact]], conflicts: list[Conflict]) -> dict[str, float]:
    """Ligamentum flavum per level: the maximum within each note; notes that disagree are a conflict."""
    by_level: dict[str, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for fact in used.get("findings.ligamentum_flavum_mm", []):
        if fact.level is not None:
            by_level[fact.level][fact.note].append(fact)
    out: dict[str, float] = {}
    for level, notes in by_level.items():
        readings = [max(group, key=lambda f: f.value) for group in notes.values()]
        values = distinct(readings)
        if len(values) == 1:
            out[level] = values[0]
        else:
            conflicts.append(Conflict(LF_LEVEL_CONFLICT, readings, level))
    return out


def level_entries(values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``{attribute: {level: value}}`` -> ``[{"level": ..., attribute: value, ...}]``, lumbar levels in order."""
    levels = {lv for by_level in values.values() for lv in by_level}
    out = []
    for level in sorted(v.lumbar_only(sorted(levels)), key=level_key):
        entry: dict[str, Any] = {"level": level}
        for attribute in LEVEL_ATTRIBUTES:
            if level in values.get(attribute, {}):
                entry[attribute] = values[attribute][level]
        if len(entry) > 1:
            out.append(entry)
    return out
