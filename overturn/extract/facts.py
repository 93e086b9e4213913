"""What extraction produces: facts with provenance and context flags, and conflicts between them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from typing import Any


@dataclass(frozen=True)
class ContextFlags:
    """medspaCy ConText attributes of the mention a fact comes from."""

    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    family: bool = False
    uncertain: bool = False

    def names(self) -> list[str]:
        return [name for name, on in asdict(self).items() if on]


@dataclass(frozen=True)
class Note:
    """One clinical note: ``id`` is what provenance points back to (usually the file name)."""

    id: str
    text: str


@dataclass
class Fact:
    """One reading of one case field from one mention in one note.

    ``field`` is the case-file path (``findings.ligamentum_flavum_mm``, ``treatments``...). ``value`` is in the
    case file's own terms; for list entries (a treatment, a prior procedure) it is the entry's mapping.
    ``start``/``end`` are character offsets of the mention in the note text. ``used`` is False when the mention
    was seen but must not fill the case (hypothetical, family, uncertain, no value stated...): ``reason`` says why.
    """

    field: str
    value: Any
    note: str
    sentence: str
    start: int
    end: int
    text: str
    flags: ContextFlags = dataclass_field(default_factory=ContextFlags)
    level: str | None = None
    used: bool = True
    reason: str | None = None

    def skip(self, reason: str) -> Fact:
        self.used = False
        self.reason = reason
        return self

    def as_evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "field": self.field,
            "value": self.value,
            "note": self.note,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "sentence": self.sentence,
            "context": self.flags.names(),
            "used": self.used,
        }
        if self.level:
            out["level"] = self.level
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class Conflict:
    """Facts that disagree about one field (and level); the field is left empty for a person to decide."""

    field: str
    facts: list[Fact]
    level: str | None = None

    @property
    def values(self) -> list[Any]:
        seen: list[Any] = []
        for fact in self.facts:
            if fact.value not in seen:
                seen.append(fact.value)
        return seen

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "field": self.field,
            "values": self.values,
            "sources": [
                {"value": f.value, "note": f.note, "start": f.start, "end": f.end, "sentence": f.sentence}
                for f in self.facts
            ],
        }
        if self.level:
            out["level"] = self.level
        return out
