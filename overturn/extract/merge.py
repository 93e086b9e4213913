"""Merge an extracted fragment into a case: fill empty fields (or overwrite on request) and say what changed.

"Empty" means unknown: ``None``, or an empty list for the list fields that default to empty
(``diagnoses``, ``findings.stenosis_levels``, ``procedure.levels``). For ``treatments`` and
``prior_lumbar_procedures`` an empty list is a statement ("none tried", "no prior surgery") and is kept
unless ``overwrite`` is set.

``findings.levels`` is merged level by level and value by value: a level the case lacks is added, a value
the case's level lacks is filled, and each is its own change (``findings.levels[L4-L5].stenosis_severity``).
Levels the notes do not mention are left as they are.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from overturn.case.load import case_from_data, case_to_data
from overturn.extract.facts import Fact
from overturn.extract.levels import level_key

_EMPTY_LIST_IS_UNKNOWN = {"diagnoses", "findings.stenosis_levels", "procedure.levels"}


@dataclass(frozen=True)
class MergeChange:
    path: str
    # "filled", "overwritten", "kept" (the case already had a different value) or "conflict" (left empty: the
    # value would contradict a summary the case keeps)
    action: str
    old: Any
    new: Any
    sources: tuple[str, ...]

    def __str__(self) -> str:
        where = "; ".join(self.sources) or "notes"
        if self.action == "kept":
            return f"{self.path}: kept {self.old!r} (notes say {self.new!r}; use --overwrite to replace) [{where}]"
        if self.action == "conflict":
            return (
                f"{self.path}: left empty: notes say {self.new!r}, worse than the case's summary "
                f"{self.old!r} (use --overwrite, or correct the summary) [{where}]"
            )
        if self.action == "overwritten":
            return f"{self.path}: {self.old!r} -> {self.new!r} [{where}]"
        return f"{self.path}: filled with {self.new!r} [{where}]"


def _is_empty(path: str, value: Any) -> bool:
    return value is None or (value == [] and path in _EMPTY_LIST_IS_UNKNOWN)


_LEVEL_PATH = re.compile(r"^findings\.levels\[(?P<level>[^\]]+)\]\.(?P<attr>\w+)$")


def _sources(path: str, facts: list[Fact]) -> tuple[str, ...]:
    top = (
        path.split(".")[0]
        if path.split(".")[0] in ("treatments", "prior_lumbar_procedures", "diagnoses")
        else path
    )
    level = None
    at_level = _LEVEL_PATH.match(path)
    if at_level:  # findings.levels[L4-L5].stenosis_severity comes from findings.stenosis_severity at L4-L5
        top, level = f"findings.{at_level['attr']}", at_level["level"]
    found = []
    for fact in facts:
        if fact.used and fact.field == top and (level is None or fact.level == level):
            found.append(f"{fact.note}:{fact.start}-{fact.end} {fact.sentence[:80]!r}")
    return tuple(dict.fromkeys(found))[:5]


def _merge_levels(
    findings: dict[str, Any],
    new_levels: list[dict[str, Any]],
    apply: Callable[[str, dict[str, Any], str, Any], None],
) -> None:
    current: list[dict[str, Any]] = findings.setdefault("levels", [])
    by_level = {entry["level"]: entry for entry in current}
    for new in new_levels:
        level = new["level"]
        target = by_level.get(level)
        if target is None:
            target = by_level[level] = {"level": level}
            current.append(target)
        for key, value in new.items():
            if key != "level":
                apply(f"findings.levels[{level}].{key}", target, key, value)
    current.sort(key=lambda entry: level_key(entry["level"]))
    if not current:
        del findings["levels"]


def _keep_levels_within_summary(findings: dict[str, Any], changes: list[MergeChange]) -> list[MergeChange]:
    """The case's summary is its worst level. A level value filled from the notes that is worse than a summary
    the merge kept would make the case contradict itself: leave it empty and say so."""
    out = []
    for change in changes:
        match = _LEVEL_PATH.match(change.path)
        summary = findings.get(match["attr"]) if match else None
        if (
            match
            and change.action == "filled"
            and isinstance(summary, int | float)
            and isinstance(change.new, int | float)
            and change.new > summary
        ):
            entry = next(e for e in findings.get("levels", []) if e["level"] == match["level"])
            entry.pop(match["attr"], None)
            change = MergeChange(change.path, "conflict", summary, change.new, change.sources)
        out.append(change)
    return out


def merge_fragment(
    case_data: dict[str, Any], fragment: dict[str, Any], facts: list[Fact], overwrite: bool = False
) -> tuple[dict[str, Any], list[MergeChange]]:
    """Return the merged case data (validated) and the list of changes. Raises ``InputError`` when the case
    itself is invalid."""
    base = case_to_data(case_from_data(case_data))
    merged = copy.deepcopy(base)
    changes: list[MergeChange] = []

    def apply(path: str, container: dict[str, Any], key: str, new: Any) -> None:
        old = container.get(key)
        if old == new:
            return
        if _is_empty(path, old):
            container[key] = new
            changes.append(MergeChange(path, "filled", old, new, _sources(path, facts)))
        elif overwrite:
            container[key] = new
            changes.append(MergeChange(path, "overwritten", old, new, _sources(path, facts)))
        else:
            changes.append(MergeChange(path, "kept", old, new, _sources(path, facts)))

    findings = merged.setdefault("findings", {})
    for key, value in fragment.get("findings", {}).items():
        if key == "levels":
            _merge_levels(findings, value, apply)
        else:
            apply(f"findings.{key}", findings, key, value)
    for key in ("treatments", "prior_lumbar_procedures", "diagnoses"):
        if key in fragment:
            apply(key, merged, key, fragment[key])
    levels = fragment.get("procedure", {}).get("levels")
    if levels:
        apply("procedure.levels", merged.setdefault("procedure", {}), "levels", levels)
    changes = _keep_levels_within_summary(findings, changes)
    # Validate what we wrote: extraction only emits model values, but a case must never be saved unvalidated.
    return case_to_data(case_from_data(merged)), changes
