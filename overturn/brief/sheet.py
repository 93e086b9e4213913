"""The patient information sheet and the header band, from the case and the pack's field list."""

from __future__ import annotations

from datetime import datetime

from overturn.case.codes import icd10_description
from overturn.case.model import Case, DenialKind
from overturn.case.plans import PLAN_TYPE_LABELS
from overturn.criteria.engine import Evaluation
from overturn.packs.schema import Pack

NOT_RECORDED = "not recorded"


def format_when(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    text = moment.strftime("%A %d %B %Y, %H:%M")
    if moment.tzinfo is not None:
        offset = moment.strftime("%z")
        text += f" (UTC{offset[:3]}:{offset[3:]})"
    return text


def _diagnoses(case: Case, pack: Pack, evaluation: Evaluation) -> str | None:
    family = evaluation.family
    extra = set(family.extra_diagnoses) if family else set()
    parts = []
    for code in evaluation.diagnosis_codes:
        label = icd10_description(code) or ""
        added = (
            family is not None
            and family.extra_diagnoses_note
            and code in extra
            and code not in case.diagnoses
        )
        note = f" — {family.extra_diagnoses_note}" if added and family else ""
        parts.append(f"{code} {label}{note}".strip())
    return "; ".join(parts) or None


def _plan(case: Case) -> str | None:
    c = case.coverage
    parts = [p for p in (c.insurer, c.plan_name) if p]
    if c.member_id:
        parts.append(f"member ID {c.member_id}")
    return " — ".join(parts) or None


def information_values(case: Case, pack: Pack, evaluation: Evaluation) -> dict[str, str | None]:
    p = case.patient
    age = evaluation.values.get("age")
    born = p.birth_date.isoformat() if p.birth_date else None
    procedure = f"{pack.procedure.name} (CPT {case.procedure.code})"
    if case.procedure.levels:
        procedure += f", {', '.join(case.procedure.levels)}"
    if case.procedure.planned_date:
        done = case.denial.kind is DenialKind.POST_SERVICE
        procedure += f", {'performed' if done else 'planned'} {case.procedure.planned_date.isoformat()}"
    physician = None
    if case.physician:
        physician = case.physician.name + (f" (NPI {case.physician.npi})" if case.physician.npi else "")
    plan_type = case.coverage.plan_type
    return {
        "patient_name": p.name,
        "patient_birth_age": f"{born} (age {age})" if born and age else born,
        "diagnoses": _diagnoses(case, pack, evaluation),
        "procedure": procedure,
        "insurance_plan": _plan(case),
        "plan_type": PLAN_TYPE_LABELS[plan_type] if plan_type else None,
        "physician": physician,
        "facility": case.facility.name if case.facility else None,
        "review_time": format_when(case.review.scheduled_at),
        "reviewer": case.review.reviewer,
    }


def information_rows(case: Case, pack: Pack, evaluation: Evaluation) -> tuple[tuple[str, str], ...]:
    values = information_values(case, pack, evaluation)
    return tuple((f.label, values[f.value] or NOT_RECORDED) for f in pack.patient_information)


def header_band(case: Case, evaluation: Evaluation) -> tuple[tuple[str, str], ...]:
    plan_type = case.coverage.plan_type
    plan = " · ".join(
        x for x in (case.coverage.insurer, PLAN_TYPE_LABELS[plan_type] if plan_type else None) if x
    )
    review = format_when(case.review.scheduled_at) or NOT_RECORDED
    if case.review.reviewer:
        review += f" with {case.review.reviewer}"
    age = evaluation.values.get("age")
    return (
        ("Patient", case.patient.name + (f", {age}" if age else "")),
        ("Plan", plan or NOT_RECORDED),
        (
            "Procedure",
            f"CPT {case.procedure.code}"
            + (f" {', '.join(case.procedure.levels)}" if case.procedure.levels else ""),
        ),
        ("Review", review),
    )
