"""Case facts as the words that fill pack templates (``{lf_mm}`` -> ``"4.1"``).

Labels here are display words for enum values, not claims; claims live in packs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from overturn.case.model import (
    Case,
    PriorProcedureType,
    SpineRegion,
    Treatment,
    TreatmentOutcome,
    TreatmentType,
)
from overturn.case.plans import PLAN_TYPE_LABELS
from overturn.packs.schema import Pack, PlanFamily

TREATMENT_LABELS: dict[TreatmentType, str] = {
    TreatmentType.PHYSICAL_THERAPY: "physical therapy",
    TreatmentType.HOME_EXERCISE: "a home exercise program",
    TreatmentType.EPIDURAL_STEROID_INJECTION: "epidural steroid injection",
    TreatmentType.MEDICATION: "medication",
    TreatmentType.CHIROPRACTIC: "chiropractic care",
    TreatmentType.ACUPUNCTURE: "acupuncture",
    TreatmentType.ACTIVITY_MODIFICATION: "activity modification",
    TreatmentType.BRACING: "bracing",
    TreatmentType.FACET_INJECTION: "facet injection",
    TreatmentType.RADIOFREQUENCY_ABLATION: "radiofrequency ablation",
    TreatmentType.OTHER: "other conservative care",
}

OUTCOME_LABELS: dict[TreatmentOutcome, str] = {
    TreatmentOutcome.FAILED: "no adequate relief",
    TreatmentOutcome.TEMPORARY_RELIEF: "temporary relief only",
    TreatmentOutcome.IMPROVED: "improvement",
}


def number(value: float | int | None) -> str | None:
    """4.0 -> "4", 4.10 -> "4.1", 3956 -> "3,956"."""
    if value is None:
        return None
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def join_words(items: list[str]) -> str | None:
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_treatment(t: Treatment) -> str:
    label = TREATMENT_LABELS[t.type]
    if t.type is TreatmentType.MEDICATION and t.name:
        return t.name
    if t.type is TreatmentType.EPIDURAL_STEROID_INJECTION and t.count:
        return f"{t.count} epidural steroid injection{'s' if t.count != 1 else ''}"
    if t.weeks:
        return f"{number(t.weeks)} weeks of {label}"
    if t.name:
        return f"{label} ({t.name})"
    return label


def _treatments(case: Case, outcomes: set[TreatmentOutcome]) -> str | None:
    if not case.treatments:
        return None
    return join_words([describe_treatment(t) for t in case.treatments if t.outcome in outcomes])


def _level_details(case: Case) -> str | None:
    parts = []
    for lv in case.findings.levels:
        bits = []
        if lv.ligamentum_flavum_mm is not None:
            bits.append(f"ligamentum flavum {number(lv.ligamentum_flavum_mm)} mm")
        if lv.stenosis_severity is not None:
            bits.append(f"{lv.stenosis_severity.value} stenosis")
        if lv.spondylolisthesis_grade:
            bits.append(f"grade {lv.spondylolisthesis_grade} spondylolisthesis")
        if bits:
            parts.append(f"{lv.level}: {', '.join(bits)}")
    return "; ".join(parts) or None


def _spondylolisthesis(grade: int | None) -> str | None:
    if grade is None:
        return None
    return "no spondylolisthesis" if grade == 0 else f"grade {grade} spondylolisthesis"


def _prior_procedures(case: Case) -> str | None:
    items = []
    for p in case.prior_lumbar_procedures or []:
        label = (
            p.description
            if p.type is PriorProcedureType.OTHER and p.description
            else p.type.value.replace("_", " ")
        )
        details = [
            x
            for x in (p.date, ", ".join(p.levels), None if p.region is SpineRegion.LUMBAR else p.region.value)
            if x
        ]
        items.append(f"{label} ({'; '.join(details)})" if details else label)
    return join_words(items)


def _age(case: Case, today: date) -> str | None:
    review = case.review.scheduled_at.date() if case.review.scheduled_at else today
    age = case.age_on(review)
    return str(age) if age is not None else None


def case_values(
    case: Case, pack: Pack, family: PlanFamily | None, today: date, diagnosis_codes: list[str]
) -> dict[str, str | None]:
    f = case.findings
    plan = case.coverage.plan_type
    return {
        "age": _age(case, today),
        "lf_mm": number(f.ligamentum_flavum_mm),
        "spondy_grade": number(f.spondylolisthesis_grade),
        "spondylolisthesis": _spondylolisthesis(f.spondylolisthesis_grade),
        "prior_procedures": _prior_procedures(case),
        "standing_min": number(f.standing_tolerance_min),
        "walking_ft": number(f.walking_tolerance_ft),
        "walking_text": f.walking_tolerance_text if f.walking_tolerance_ft is None else None,
        "level_details": _level_details(case),
        "odi": number(f.odi),
        "nprs": number(f.nprs),
        "stenosis_severity": f.stenosis_severity.value if f.stenosis_severity else None,
        "levels": join_words(case.procedure.levels),
        "stenosis_levels": join_words(f.stenosis_levels),
        "symptoms": f.symptoms,
        "treatments_failed": _treatments(case, {TreatmentOutcome.FAILED, TreatmentOutcome.TEMPORARY_RELIEF}),
        "treatments_improved": _treatments(case, {TreatmentOutcome.IMPROVED}),
        "plan_type_label": PLAN_TYPE_LABELS[plan] if plan else None,
        "insurer": case.coverage.insurer,
        "family_label": family.label if family else None,
        "planned_date": case.procedure.planned_date.isoformat() if case.procedure.planned_date else None,
        "recent_procedure": None,
        "diagnosis_codes": ", ".join(diagnosis_codes) or None,
        "other_conditions": "; ".join(case.other_conditions) or None,
        "threshold": None,
        "found": None,
    }


def read_fact(case: Case, path: str) -> Any:
    """``findings.odi`` -> case.findings.odi (paths are checked against known facts when a pack loads)."""
    value: Any = case
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value
