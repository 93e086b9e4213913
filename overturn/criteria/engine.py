"""Three-valued evaluation of a pack's criteria against a case.

Each criterion is met, unmet or unknown. A missing fact gives unknown, never met, and an unknown result
carries the pack's gap hint: what the office must go and document before the call.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from overturn.case.dates import partial_date_bounds
from overturn.case.model import Case
from overturn.criteria.values import case_values, number, read_fact
from overturn.packs.schema import (
    AllRule,
    AnyRule,
    CompareRule,
    Criterion,
    CriterionRefRule,
    FlagRule,
    HasCodeRule,
    InFamilyRule,
    NoRecentProcedureRule,
    Pack,
    PlanFamily,
    TreatmentTriedRule,
)
from overturn.packs.templates import PLACEHOLDER, fill


class Status(StrEnum):
    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Result:
    id: str
    title: str
    status: Status
    reason: str
    facts: dict[str, Any]
    citations: tuple[int, ...]
    source: str
    gap: str | None = None


@dataclass(frozen=True)
class Evaluation:
    pack_id: str
    pack_version: str
    family: PlanFamily | None
    diagnosis_codes: tuple[str, ...]
    results: tuple[Result, ...]
    values: dict[str, str | None] = field(default_factory=dict)

    def status(self, criterion_id: str) -> Status | None:
        return next((r.status for r in self.results if r.id == criterion_id), None)

    @property
    def gaps(self) -> list[str]:
        return [r.gap for r in self.results if r.status is Status.UNKNOWN and r.gap]


@dataclass
class _Outcome:
    status: Status
    facts: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)


def _combine(parts: Iterable[_Outcome], decisive: Status, otherwise: Status) -> _Outcome:
    """Kleene logic: one ``decisive`` part settles it (unmet for AND, met for OR); else any unknown
    leaves it unknown; else ``otherwise``."""
    out = _Outcome(otherwise)
    for p in parts:
        out.facts.update(p.facts)
        out.extra.update(p.extra)
        if p.status is decisive:
            out.status = decisive
        elif p.status is Status.UNKNOWN and out.status is not decisive:
            out.status = Status.UNKNOWN
    return out


_COMPARE = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
}


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` earlier; 29 February a year back becomes 28 February."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


class _Evaluator:
    def __init__(self, case: Case, pack: Pack, family: PlanFamily | None, today: date):
        self.case, self.pack, self.family, self.today = case, pack, family, today
        self.done: dict[str, Status] = {}

    def rule(self, rule: Any) -> _Outcome:
        if isinstance(rule, AllRule):
            return _combine((self.rule(r) for r in rule.rules), Status.UNMET, Status.MET)
        if isinstance(rule, AnyRule):
            return _combine((self.rule(r) for r in rule.rules), Status.MET, Status.UNMET)
        if isinstance(rule, CriterionRefRule):
            return _Outcome(
                self.done.get(rule.id, Status.UNKNOWN), {f"criterion:{rule.id}": self.done.get(rule.id)}
            )
        return getattr(self, f"_{rule.op}")(rule)

    def _compare(self, rule: CompareRule) -> _Outcome:
        value = read_fact(self.case, rule.fact)
        extra = {"threshold": number(rule.value) or str(rule.value)}
        if value is None:
            return _Outcome(Status.UNKNOWN, {rule.fact: None}, extra)
        ok = _COMPARE[rule.cmp](float(value), rule.value)
        return _Outcome(Status.MET if ok else Status.UNMET, {rule.fact: value}, extra)

    def _is_true(self, rule: FlagRule) -> _Outcome:
        value = read_fact(self.case, rule.fact)
        if value is None:
            return _Outcome(Status.UNKNOWN, {rule.fact: None})
        return _Outcome(Status.MET if value is (rule.op == "is_true") else Status.UNMET, {rule.fact: value})

    _is_false = _is_true

    def _has_code(self, rule: HasCodeRule) -> _Outcome:
        codes = self.case.diagnoses
        found = [c for c in codes if c in rule.codes]
        facts = {"diagnoses": list(codes)}
        if found:
            return _Outcome(Status.MET, facts, {"found": ", ".join(found)})
        if not codes:
            return _Outcome(Status.UNKNOWN, facts)
        return _Outcome(Status.UNMET, facts, {"found": ", ".join(codes)})

    def _in_family(self, rule: InFamilyRule) -> _Outcome:
        plan = self.case.coverage.plan_type
        facts = {"coverage.plan_type": plan.value if plan else None}
        if plan is None:
            return _Outcome(Status.UNKNOWN, facts)
        ok = self.family is not None and self.family.id == rule.family
        return _Outcome(Status.MET if ok else Status.UNMET, facts)

    def _treatment_tried(self, rule: TreatmentTriedRule) -> _Outcome:
        treatments = self.case.treatments
        if treatments is None:
            return _Outcome(Status.UNKNOWN, {"treatments": None})
        relevant = [t for t in treatments if not rule.types or t.type in rule.types]
        facts = {"treatments": [t.model_dump(mode="json", exclude_none=True) for t in relevant]}
        counted = [t for t in relevant if t.outcome in rule.outcomes]
        if len(counted) >= rule.at_least:
            return _Outcome(Status.MET, facts)
        if any(t.outcome is None for t in relevant):
            return _Outcome(Status.UNKNOWN, facts)
        return _Outcome(Status.UNMET, facts)

    def _no_recent_procedure(self, rule: NoRecentProcedureRule) -> _Outcome:
        prior = self.case.prior_lumbar_procedures
        planned = self.case.procedure.planned_date
        facts: dict[str, Any] = {"procedure.planned_date": planned.isoformat() if planned else None}
        if prior is None:
            facts["prior_lumbar_procedures"] = None
            return _Outcome(Status.UNKNOWN, facts)
        relevant = [p for p in prior if p.type in rule.types and p.region.value == rule.region]
        facts["prior_lumbar_procedures"] = [p.model_dump(mode="json", exclude_none=True) for p in relevant]
        if not relevant:
            return _Outcome(Status.MET, facts)
        if planned is None:
            return _Outcome(Status.UNKNOWN, facts)
        start = months_before(planned, rule.months)
        status = Status.MET
        for p in relevant:
            if p.date is None:
                status = Status.UNKNOWN
                continue
            earliest, latest = partial_date_bounds(p.date)
            if latest < start or earliest >= planned:
                continue  # outside the window (before it, or not prior to the index procedure)
            if earliest >= start and latest < planned:
                return _Outcome(
                    Status.UNMET, facts, {"recent_procedure": f"{p.type.value.replace('_', ' ')} on {p.date}"}
                )
            status = Status.UNKNOWN  # a month- or year-only date straddles the window edge
        return _Outcome(status, facts)

    def criterion(self, crit: Criterion, values: dict[str, str | None]) -> Result:
        outcome = self.rule(crit.rule)
        self.done[crit.id] = outcome.status
        merged = {**values, **outcome.extra}
        template = {Status.MET: crit.met, Status.UNMET: crit.unmet, Status.UNKNOWN: crit.unknown}[
            outcome.status
        ]
        reason = fill(template, merged) or PLACEHOLDER.sub(
            lambda m: merged.get(m[1]) or "not recorded", template
        )
        gap = None
        if outcome.status is Status.UNKNOWN:
            gap = fill(crit.gap, merged) or crit.gap
        return Result(
            crit.id,
            crit.title,
            outcome.status,
            reason,
            outcome.facts,
            tuple(sorted(crit.citations)),
            crit.source,
            gap,
        )


def applicable_criteria(pack: Pack, family: PlanFamily | None) -> list[Criterion]:
    """Criteria for the case's plan family; with no plan type yet, every criterion (family ones stay unknown)."""
    return [c for c in pack.criteria if not c.families or family is None or family.id in c.families]


def diagnosis_codes_for(case: Case, family: PlanFamily | None) -> list[str]:
    codes = list(case.diagnoses)
    if family:
        codes += [c for c in family.extra_diagnoses if c not in codes]
    return codes


def evaluate_criteria(case: Case, pack: Pack, today: date | None = None) -> Evaluation:
    today = today or date.today()
    family = pack.family_of(case.coverage.plan_type)
    codes = diagnosis_codes_for(case, family)
    values = case_values(case, pack, family, today, codes)
    evaluator = _Evaluator(case, pack, family, today)
    results = tuple(evaluator.criterion(c, values) for c in applicable_criteria(pack, family))
    return Evaluation(pack.id, pack.version, family, tuple(codes), results, values)
