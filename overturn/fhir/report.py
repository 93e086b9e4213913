"""The import report: what was taken into the case, what was ignored and why, what the office must still add."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

TAKEN = "taken"
IGNORED = "ignored"
REPAIRED = "repaired"
PROBLEM = "problem"
NEEDED = "needed"
NOT_EXTRACTED = "not extracted"
REFERENCE = "reference"
NOTE = "note"

_ORDER = [NEEDED, PROBLEM, TAKEN, REPAIRED, NOT_EXTRACTED, IGNORED, REFERENCE, NOTE]


@dataclass(frozen=True)
class ReportLine:
    action: str
    where: str  # JSON path in the input, or the case field for NEEDED lines
    resource: str  # "Coverage/123", or "" when the line is not about one resource
    detail: str

    def __str__(self) -> str:
        what = f"{self.resource} " if self.resource else ""
        return (
            f"[{self.action}] {what}({self.where}): {self.detail}"
            if self.where
            else f"[{self.action}] {what}{self.detail}"
        )


@dataclass
class ImportReport:
    source: str | None = None
    bundle_type: str | None = None
    lines: list[ReportLine] = field(default_factory=list)
    resource_types: Counter[str] = field(default_factory=Counter)
    used: set[str] = field(default_factory=set)  # resources that contributed, also indirectly (a payor)

    def add(self, action: str, where: str, resource: str, detail: str) -> None:
        self.lines.append(ReportLine(action, where, resource, detail))

    def of(self, action: str) -> list[ReportLine]:
        return [line for line in self.lines if line.action == action]

    def resources_used(self) -> set[str]:
        return self.used | {line.resource for line in self.lines if line.action == TAKEN and line.resource}

    def render(self) -> str:
        kind = f"{self.bundle_type} bundle" if self.bundle_type else "single resource"
        total = sum(self.resource_types.values())
        head = f"Import of {self.source or 'input'} ({kind}, {total} resource{'s' if total != 1 else ''}): "
        head += f"{len(self.of(TAKEN))} value(s) taken, {len(self.of(IGNORED))} item(s) ignored"
        out = [head]
        for action in _ORDER:
            for line in self.of(action):
                out.append(f"  {line}")
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "bundle_type": self.bundle_type,
            "resource_types": dict(self.resource_types),
            "lines": [line.__dict__ for line in self.lines],
        }
