"""From facts to a case fragment: which facts count, how agreeing facts combine, and where they conflict.

Rules, in one place so they can be read and argued with:

- a mention that is hypothetical, about a family member, uncertain, or in an allergy, family-history or
  goals section never fills the case (it stays in the evidence with ``used: false`` and the reason);
- a negated finding is a fact of absence ("denies claudication" -> ``neurogenic_claudication: false``,
  "no spondylolisthesis" -> grade 0); a negated treatment or procedure fills nothing;
- ligamentum flavum: per level the maximum reported; the case field takes the maximum over levels;
- stenosis levels, planned levels and diagnoses are unions; severity is the worst over levels;
- ``findings.levels`` keeps ligamentum flavum, stenosis severity and listhesis grade level by level
  (``levels.py``: a level where notes disagree is a conflict and that value is left empty);
- walking tolerance in words ("2 blocks") fills ``walking_tolerance_text`` only when no distance in feet
  was read;
- any other disagreement (two grades for one level, "claudication" and "denies claudication", two PT
  durations) is a conflict: the field is left empty and the conflict lists every source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from overturn.extract import values as v
from overturn.extract.care import CARE_EXTRACTORS
from overturn.extract.facts import Conflict, Fact, Note
from overturn.extract.findings import FINDING_EXTRACTORS
from overturn.extract.levels import distinct, flavum_per_level, level_entries, level_key, per_level
from overturn.extract.pipeline import Mention, find_mentions
from overturn.extract.scores import SCORE_EXTRACTORS

EXTRACTORS = {**FINDING_EXTRACTORS, **SCORE_EXTRACTORS, **CARE_EXTRACTORS}

SCALAR_FINDINGS = (
    "neurogenic_claudication", "relief_with_flexion", "standing_tolerance_min", "walking_tolerance_ft", "odi",
    "nprs", "surgical_candidate",
)  # fmt: skip
WALKING_TEXT = "findings.walking_tolerance_text"


@dataclass
class Extraction:
    fragment: dict[str, Any]
    facts: list[Fact]
    conflicts: list[Conflict] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.fragment,
            "evidence": [f.as_evidence() for f in self.facts],
            "conflicts": [c.as_json() for c in self.conflicts],
        }


def _context_reason(m: Mention) -> str | None:
    if m.flags.family or m.section == "family_history":
        return "family history"
    if m.section == "allergies":
        return "allergy list"
    if m.section == "goals":
        return "a goal, not a current finding"
    if m.flags.hypothetical and m.label != "PX_MILD":
        return "hypothetical or planned"
    if m.flags.uncertain:
        return "uncertain"
    return None


def extract_facts(notes: list[Note]) -> list[Fact]:
    facts: list[Fact] = []
    for mention in find_mentions(notes):
        extractor = EXTRACTORS.get(mention.label)
        if extractor is None:
            continue
        produced = extractor(mention)
        reason = _context_reason(mention)
        for fact in produced:
            if reason and fact.used:
                fact.skip(reason)
        facts += produced
    return facts


def extract(notes: list[Note]) -> Extraction:
    facts = extract_facts(notes)
    fragment, conflicts = combine(facts)
    return Extraction(fragment, facts, conflicts)


def combine(facts: list[Fact]) -> tuple[dict[str, Any], list[Conflict]]:
    _words_only_without_feet(facts)
    used: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.used:
            used[fact.field].append(fact)
    findings: dict[str, Any] = {}
    conflicts: list[Conflict] = []

    for name in SCALAR_FINDINGS:
        group = used.get(f"findings.{name}", [])
        values = distinct(group)
        if len(values) == 1:
            findings[name] = values[0]
        elif len(values) > 1:
            conflicts.append(Conflict(f"findings.{name}", group))
    walking = _walking_text(used.get(WALKING_TEXT, []), conflicts)
    if walking is not None:
        findings["walking_tolerance_text"] = walking

    flavum = used.get("findings.ligamentum_flavum_mm", [])
    if flavum:
        findings["ligamentum_flavum_mm"] = max(f.value for f in flavum)

    grade, grades = per_level("findings.spondylolisthesis_grade", used, conflicts, worst=max)
    if grade is not None:
        findings["spondylolisthesis_grade"] = grade

    levels = sorted({f.value for f in used.get("findings.stenosis_levels", [])}, key=level_key)
    if levels:
        findings["stenosis_levels"] = levels
    severity, severities = per_level("findings.stenosis_severity", used, conflicts, worst=v.worst_severity)
    if severity is not None:
        findings["stenosis_severity"] = severity
    by_level = level_entries(
        {
            "ligamentum_flavum_mm": flavum_per_level(used, conflicts),
            "stenosis_severity": severities,
            "spondylolisthesis_grade": grades,
        }
    )
    if by_level:
        findings["levels"] = by_level

    fragment: dict[str, Any] = {}
    if findings:
        fragment["findings"] = findings
    treatments = _combine_treatments(used.get("treatments", []), conflicts)
    if treatments:
        fragment["treatments"] = treatments
    procedures = _combine_procedures(used.get("prior_lumbar_procedures", []), conflicts)
    if procedures is not None:
        fragment["prior_lumbar_procedures"] = procedures
    diagnoses = distinct(used.get("diagnoses", []))
    if diagnoses:
        fragment["diagnoses"] = diagnoses
    planned = sorted({f.value for f in used.get("procedure.levels", [])}, key=level_key)
    if planned:
        fragment["procedure"] = {"levels": planned}
    return fragment, conflicts


def _words_only_without_feet(facts: list[Fact]) -> None:
    """The case keeps walking tolerance in words only when no distance in feet is known."""
    if any(f.used and f.field == "findings.walking_tolerance_ft" for f in facts):
        for fact in facts:
            if fact.used and fact.field == WALKING_TEXT:
                fact.skip("a walking distance in feet is known")


def _walking_text(facts: list[Fact], conflicts: list[Conflict]) -> str | None:
    """One wording of the walking tolerance; "2 blocks" and "two blocks" agree, "2" and "4 blocks" do not."""
    groups: dict[tuple[object, ...], list[Fact]] = {}
    for fact in facts:
        groups.setdefault(v.blocks_key(fact.value), []).append(fact)
    if len(groups) > 1:
        conflicts.append(Conflict(WALKING_TEXT, facts))
        return None
    return facts[0].value if facts else None


_TREATMENT_ATTRS = ("weeks", "count", "outcome")


def _combine_treatments(facts: list[Fact], conflicts: list[Conflict]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str | None], list[Fact]] = defaultdict(list)
    for fact in facts:
        groups[(fact.value["type"], fact.value.get("name"))].append(fact)
    out = []
    for (kind, name), group in groups.items():
        entry: dict[str, Any] = {"type": kind}
        if name:
            entry["name"] = name
        for attr in _TREATMENT_ATTRS:
            with_attr = [f for f in group if f.value.get(attr) is not None]
            values = list(dict.fromkeys(f.value[attr] for f in with_attr))
            if len(values) == 1:
                entry[attr] = values[0]
            elif len(values) > 1:
                label = f"treatments[{kind}{':' + name if name else ''}].{attr}"
                conflicts.append(_attr_conflict(label, with_attr, attr))
        out.append(entry)
    return out


def _attr_conflict(label: str, facts: list[Fact], attr: str) -> Conflict:
    # Conflicts list the disputed attribute's value, not the whole treatment entry.
    copies = [
        Fact(label, f.value[attr], f.note, f.sentence, f.start, f.end, f.text, f.flags, f.level)
        for f in facts
    ]
    return Conflict(label, copies)


def _dates_agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _combine_procedures(facts: list[Fact], conflicts: list[Conflict]) -> list[dict[str, Any]] | None:
    if not facts:
        return None
    none_stated = [f for f in facts if f.value == []]
    done = [f for f in facts if f.value != []]
    if none_stated and done:
        conflicts.append(Conflict("prior_lumbar_procedures", none_stated + done))
        return None
    if none_stated:
        return []
    merged: list[dict[str, Any]] = []
    for fact in done:
        entry = fact.value
        for existing in merged:
            same_type = existing["type"] == entry["type"]
            levels_a, levels_b = set(existing.get("levels", [])), set(entry.get("levels", []))
            levels_ok = not levels_a or not levels_b or bool(levels_a & levels_b)
            if same_type and levels_ok and _dates_agree(existing.get("date"), entry.get("date")):
                if levels_a | levels_b:
                    existing["levels"] = sorted(levels_a | levels_b, key=level_key)
                dates = [d for d in (existing.get("date"), entry.get("date")) if d]
                if dates:
                    existing["date"] = max(dates, key=len)
                break
        else:
            merged.append(dict(entry))
    return merged
