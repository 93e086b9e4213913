"""Shared state of one import: the case being filled, the report, and reference resolution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from overturn.fhir.parse import Entry, References
from overturn.fhir.report import IGNORED, NEEDED, TAKEN, ImportReport

# A note extractor takes free text and returns {case field path: value}; see importer.find_extractor.
Extractor = Callable[[str], dict[str, Any]]


class ImportContext:
    def __init__(self, entries: list[Entry], report: ImportReport, extractor: Extractor | None):
        self.entries = entries
        self.refs = References(entries)
        self.report = report
        self.extractor = extractor
        self.case: dict[str, Any] = {}
        self._stamp: dict[str, tuple[str, str]] = {}  # field path -> (date it was true on, resource label)
        self._level_source: dict[str, tuple[Any, str]] = {}  # findings.levels[L4-L5].x -> (value, label)
        self._disputed: set[str] = set()
        self.used: set[int] = set()  # ids of entries that contributed

    # ---- writing case values -----------------------------------------------------------------------

    def offer(self, path: str, value: Any, entry: Entry, when: str | None = None, why: str = "") -> bool:
        """Set a scalar case field unless a newer value is already there; report either way."""
        if value is None or value == "" or value == []:
            return False
        stamp = when or ""
        if path in self._stamp:
            old_when, old_label = self._stamp[path]
            if stamp <= old_when:
                self.ignore(entry, f"{path}: {value!r} is not newer than the value from {old_label}")
                return False
            self.report.add(IGNORED, path, old_label, f"{path}: replaced by a newer value from {entry.label}")
        _set_path(self.case, path, value)
        self._stamp[path] = (stamp, entry.label)
        self.take(entry, path, value, why)
        return True

    def append(self, path: str, value: Any, entry: Entry, why: str = "") -> None:
        items = _get_path(self.case, path)
        if items is None:
            items = []
            _set_path(self.case, path, items)
        if value not in items:
            items.append(value)
            self.take(entry, path, value, why)

    def offer_levels(self, levels: list[dict[str, Any]], entry: Entry, why: str = "") -> None:
        """Merge ``findings.levels`` entries level by level and value by value.

        A value a level lacks is filled. Two resources that give one level different values (two MRI reports,
        4.5 and 5.5 mm at L4-L5) are not resolved here: the value is left empty and the report says the office
        must choose, naming both sources.
        """
        current: list[dict[str, Any]] = self.case.setdefault("findings", {}).setdefault("levels", [])
        by_level = {item["level"]: item for item in current}
        for new in levels:
            level = str(new.get("level", ""))
            target = by_level.get(level)
            if target is None:
                target = by_level[level] = {"level": level}
                current.append(target)
            for key, value in new.items():
                path = f"findings.levels[{level}].{key}"
                if key == "level" or value is None:
                    continue
                if path in self._disputed:
                    self.ignore(entry, f"{path}: {value!r} not used, the sources disagree (see needed)")
                    continue
                if key not in target:
                    target[key] = value
                    self._level_source[path] = (value, entry.label)
                    self.take(entry, path, value, why)
                elif target[key] != value:
                    old_value, old_label = self._level_source.get(path, (target[key], "?"))
                    del target[key]
                    self._disputed.add(path)
                    self.used.add(id(entry))
                    self.report.add(
                        NEEDED,
                        path,
                        "",
                        f"sources disagree: {old_value!r} in {old_label}, {value!r} in {entry.label}; "
                        "left empty, choose one",
                    )
        current[:] = [item for item in current if len(item) > 1]
        current.sort(key=lambda item: _level_order(item["level"]))
        if not current:
            del self.case["findings"]["levels"]

    def take(self, entry: Entry, path: str, value: Any, why: str = "") -> None:
        self.used.add(id(entry))
        shown = value if not isinstance(value, dict) else ", ".join(f"{k}={v}" for k, v in value.items())
        self.report.add(TAKEN, entry.path, entry.label, f"{path} = {shown}" + (f" ({why})" if why else ""))

    def ignore(self, entry: Entry, why: str) -> None:
        self.report.add(IGNORED, entry.path, entry.label, why)

    def has(self, path: str) -> bool:
        return _get_path(self.case, path) is not None

    # ---- reading references --------------------------------------------------------------------------

    def resolve(self, reference: Any) -> Entry | None:
        """The entry a Reference model points to (None when absent or dangling)."""
        if reference is None or not getattr(reference, "reference", None):
            return None
        return self.refs.resolve(str(reference.reference))

    def contained(self, entry: Entry, reference: Any) -> dict[str, Any] | None:
        ref = getattr(reference, "reference", None)
        if not ref or not str(ref).startswith("#"):
            return None
        for item in entry.raw.get("contained") or []:
            if isinstance(item, dict) and item.get("id") == str(ref)[1:]:
                return item
        return None


_VERTEBRAE = [f"{r}{i}" for r, n in (("C", 7), ("T", 12), ("L", 5)) for i in range(1, n + 1)] + ["S1"]


def _level_order(level: str) -> int:
    upper = level.split("-")[0]
    return _VERTEBRAE.index(upper) if upper in _VERTEBRAE else len(_VERTEBRAE)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def _get_path(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def delete_path(data: dict[str, Any], path: str) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        data = data.get(key, {})
        if not isinstance(data, dict):
            return
    data.pop(keys[-1], None)


def iso_day(value: Any) -> str | None:
    """A FHIR date/dateTime (model value or string) as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text[:10] if len(text) >= 10 else text


def period_start(period: Any) -> str | None:
    return iso_day(getattr(period, "start", None)) if period is not None else None
