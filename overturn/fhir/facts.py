"""How each case fact is asked in a FHIR Questionnaire: item type, unit, bounds and answer options.

Keyed by case field path, which is also the item's linkId, so a QuestionnaireResponse maps back to the case
without a lookup table. Bounds mirror the case model; labels are field names for people, not clinical text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from overturn.case.model import (
    DenialKind,
    DenialReason,
    PriorProcedureType,
    SpineRegion,
    StenosisSeverity,
    TreatmentOutcome,
    TreatmentType,
)
from overturn.case.plans import PLAN_TYPE_LABELS, PlanType

BASE_URL = "https://overturn.example.org/fhir"  # placeholder canonical base until the product has a domain
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
LEVEL_REGEX = r"^[LTS]\d{1,2}-[LTS]\d{1,2}$"
CPT_REGEX = r"^(\d{5}|\d{4}[FTU]|[A-V]\d{4})$"


def code_system(name: str) -> str:
    return f"{BASE_URL}/CodeSystem/{name}"


def _options(values: list[str], labels: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    labels = labels or {}
    return tuple((v, labels.get(v, v.replace("_", " "))) for v in values)


@dataclass(frozen=True)
class FactItem:
    path: str  # case field path and linkId
    text: str
    type: str  # FHIR Questionnaire item type
    unit: str | None = None  # UCUM code
    min: float | None = None
    max: float | None = None
    options: tuple[tuple[str, str], ...] = ()  # (code, display)
    system: str | None = None  # code system of the options
    repeats: bool = False
    required: bool = False
    regex: str | None = None
    max_length: int | None = None
    children: tuple[FactItem, ...] = field(default_factory=tuple)  # for repeating groups

    @property
    def is_group(self) -> bool:
        return self.type == "group"


def _choice(
    path: str, text: str, enum: type[StrEnum], system: str, labels: dict[str, str] | None = None
) -> FactItem:
    return FactItem(
        path, text, "choice", options=_options([e.value for e in enum], labels), system=code_system(system)
    )


_TREATMENT = FactItem(
    "treatments",
    "Conservative treatment tried",
    "group",
    repeats=True,
    children=(
        _choice("treatments.type", "Kind of treatment", TreatmentType, "treatment-type"),
        _choice("treatments.outcome", "Outcome", TreatmentOutcome, "treatment-outcome"),
        FactItem("treatments.name", "Name (medicine, programme)", "string", max_length=500),
        FactItem("treatments.weeks", "Duration", "decimal", unit="wk", min=0, max=520),
        FactItem("treatments.count", "Number of sessions or injections", "integer", min=1, max=100),
        FactItem("treatments.start", "Start", "date"),
        FactItem("treatments.end", "End", "date"),
    ),
)
_PRIOR = FactItem(
    "prior_lumbar_procedures",
    "Prior spine procedure",
    "group",
    repeats=True,
    children=(
        _choice("prior_lumbar_procedures.type", "Procedure", PriorProcedureType, "prior-procedure-type"),
        FactItem("prior_lumbar_procedures.date", "Date", "date"),
        _choice("prior_lumbar_procedures.region", "Region", SpineRegion, "spine-region"),
        FactItem("prior_lumbar_procedures.levels", "Levels", "string", repeats=True, regex=LEVEL_REGEX),
        FactItem("prior_lumbar_procedures.description", "Description", "string", max_length=500),
    ),
)

FACT_ITEMS: dict[str, FactItem] = {
    item.path: item
    for item in [
        FactItem("patient.name", "Patient name", "string", required=True, max_length=500),
        FactItem("patient.birth_date", "Date of birth", "date"),
        _choice(
            "coverage.plan_type",
            "Plan type",
            PlanType,
            "plan-type",
            {p.value: lbl for p, lbl in PLAN_TYPE_LABELS.items()},
        ),
        FactItem("coverage.insurer", "Insurer", "string", max_length=500),
        FactItem("coverage.plan_name", "Plan name", "string", max_length=500),
        FactItem("coverage.member_id", "Member id", "string", max_length=500),
        _choice("denial.kind", "Denial kind", DenialKind, "denial-kind"),
        _choice("denial.reason", "Denial reason", DenialReason, "denial-reason"),
        FactItem("denial.date", "Denial date", "date"),
        FactItem("diagnoses", "Diagnoses (ICD-10-CM)", "choice", repeats=True, system=ICD10CM),
        FactItem("procedure.code", "Requested procedure (CPT)", "string", required=True, regex=CPT_REGEX),
        FactItem("procedure.planned_date", "Planned date", "date"),
        FactItem("procedure.levels", "Levels", "string", repeats=True, regex=LEVEL_REGEX),
        FactItem("findings.neurogenic_claudication", "Neurogenic claudication", "boolean"),
        FactItem("findings.relief_with_flexion", "Relief with lumbar flexion", "boolean"),
        FactItem(
            "findings.ligamentum_flavum_mm",
            "Ligamentum flavum thickness",
            "decimal",
            unit="mm",
            min=0,
            max=20,
        ),
        FactItem("findings.spondylolisthesis_grade", "Spondylolisthesis grade", "integer", min=0, max=5),
        _choice("findings.stenosis_severity", "Stenosis severity", StenosisSeverity, "stenosis-severity"),
        FactItem("findings.stenosis_levels", "Stenosis levels", "string", repeats=True, regex=LEVEL_REGEX),
        FactItem(
            "findings.standing_tolerance_min", "Standing tolerance", "decimal", unit="min", min=0, max=1440
        ),
        FactItem(
            "findings.walking_tolerance_ft", "Walking tolerance", "decimal", unit="[ft_i]", min=0, max=100_000
        ),
        FactItem("findings.odi", "Oswestry Disability Index", "decimal", unit="%", min=0, max=100),
        FactItem("findings.nprs", "Pain (NPRS 0-10)", "decimal", min=0, max=10),
        FactItem("findings.surgical_candidate", "Candidate for open surgery", "boolean"),
        _TREATMENT,
        _PRIOR,
    ]
}

# Always asked: who, which plan, which procedure. A response then loads as a case on its own.
CONTEXT_FACTS = [
    "patient.name",
    "patient.birth_date",
    "coverage.plan_type",
    "coverage.insurer",
    "coverage.member_id",
    "procedure.code",
    "procedure.planned_date",
    "procedure.levels",
    "diagnoses",
]
# Used when no pack is installed: every clinical fact the case model knows.
DEFAULT_CRITERIA_FACTS = [
    p for p in FACT_ITEMS if p.startswith(("findings.", "treatments", "prior_", "denial."))
]

# The list groups distinguish "none" ([]) from "not known" (absent) with a yes/no gate question.
GATE_SUFFIX = ".any"
GATE_TEXT = {
    "treatments": "Any conservative treatment tried?",
    "prior_lumbar_procedures": "Any prior spine procedure?",
}


def fact_for_path(path: str) -> FactItem | None:
    """The item for a fact path as criteria write it: ``treatments[type=physical_therapy].weeks`` ->
    the treatments group; ``findings.odi`` -> itself; unknown paths -> None."""
    clean = re.sub(r"\[[^\]]*\]", "", path).strip(".")
    while clean:
        if clean in FACT_ITEMS:
            return FACT_ITEMS[clean]
        if "." not in clean:
            break
        clean = clean.rsplit(".", 1)[0]
    return None
