"""The case: one patient, one denied procedure, one upcoming peer-to-peer review.

Field names are the public contract shared by case files, the CLI, the API and integrations.
A missing fact is ``None`` (unknown); the criteria engine never treats unknown as met.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from overturn.case.codes import (
    cpt_shape_ok,
    icd10_billable_children,
    icd10_exists,
    icd10_is_billable,
    icd10_shape_ok,
    normalize_cpt,
    normalize_icd10,
    npi_is_valid,
)
from overturn.case.dates import PartialDate
from overturn.case.plans import PlanType, parse_plan_type, plan_type_suggestion


class Strict(BaseModel):
    """Base for every case object: unknown keys are errors, numbers in text fields are accepted as text."""

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
        validate_assignment=True,
        allow_inf_nan=False,
    )


# ---- reusable field types -------------------------------------------------------------------------------


def _icd10(value: str) -> str:
    code = normalize_icd10(value)
    if not icd10_shape_ok(code):
        raise ValueError(
            f"'{value}' is not shaped like an ICD-10-CM code (letter, 2 characters, optional . and up to 4)"
        )
    if not icd10_exists(code):
        raise ValueError(f"'{code}' is not in the ICD-10-CM 2026 code set")
    if not icd10_is_billable(code):
        children = icd10_billable_children(code)
        raise ValueError(
            f"'{code}' is a category, not a billable code; use a specific code"
            + (f" such as {', '.join(children)}" if children else "")
        )
    return code


def _cpt(value: str) -> str:
    code = normalize_cpt(value)
    if not cpt_shape_ok(code):
        raise ValueError(f"'{value}' is not a CPT or HCPCS code (e.g. 0275T, 64483, G0260)")
    return code


def _npi(value: str) -> str:
    npi = re.sub(r"[\s-]", "", value)
    if not npi_is_valid(npi):
        raise ValueError(f"'{value}' is not a valid NPI (10 digits with a correct check digit)")
    return npi


_LEVEL = re.compile(r"^([LTS])(\d{1,2})\s*[-/–]\s*([LTS])?(\d{1,2})$")


def _spinal_level(value: str) -> str:
    text = value.strip().upper().replace(" ", "")
    match = _LEVEL.match(text)
    if not match:
        raise ValueError(f"'{value}' is not a spinal level such as L4-L5 or L5-S1")
    region, first, region2, second = match.groups()
    return f"{region}{first}-{region2 or region}{second}"


def _not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError(f"{value.isoformat()} is in the future")
    if value.year < 1900:
        raise ValueError(f"{value.isoformat()} is before 1900")
    return value


def _plausible(value: date) -> date:
    if not 1990 <= value.year <= date.today().year + 5:
        raise ValueError(f"{value.isoformat()} is not a plausible date for this field")
    return value


def _no_number_dates(value: Any) -> Any:
    # pydantic reads 0 or 1949 as seconds since 1970; in a case file a bare number is a mistake.
    if isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD (e.g. 1949-05-02)")
    return value


def _no_bool_numbers(value: Any) -> Any:
    # YAML reads yes/no/true/false as booleans, and pydantic would take them as 1 and 0.
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number")
    return value


ICD10Code = Annotated[str, AfterValidator(_icd10)]
CPTCode = Annotated[str, AfterValidator(_cpt)]
NPI = Annotated[str, AfterValidator(_npi)]
SpinalLevel = Annotated[str, AfterValidator(_spinal_level)]
PastDate = Annotated[date, BeforeValidator(_no_number_dates), AfterValidator(_not_in_future)]
PlausibleDate = Annotated[date, BeforeValidator(_no_number_dates), AfterValidator(_plausible)]
Moment = Annotated[datetime, BeforeValidator(_no_number_dates)]
Number = Annotated[float, BeforeValidator(_no_bool_numbers)]
Whole = Annotated[int, BeforeValidator(_no_bool_numbers)]
Text = Annotated[str, Field(max_length=20_000)]
ShortText = Annotated[str, Field(max_length=500)]


def _pack_id(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", value):
        raise ValueError(f"'{value[:80]}' is not a pack id (such as 'mild'); a case names an installed pack")
    return value


def _plan_type(value: Any) -> Any:
    if isinstance(value, PlanType) or value is None:
        return value
    if isinstance(value, str):
        plan = parse_plan_type(value)
        if plan is not None:
            return plan
        hint = plan_type_suggestion(value)
        allowed = ", ".join(p.value for p in PlanType)
        raise ValueError(
            f"'{value}' is not a plan type; "
            + (f"did you mean '{hint}'? " if hint else "")
            + f"use one of {allowed}"
        )
    return value


# ---- the parts of a case --------------------------------------------------------------------------------


class Patient(Strict):
    name: ShortText = Field(min_length=1)
    birth_date: PastDate | None = None
    sex: ShortText | None = None
    mrn: ShortText | None = None


class Coverage(Strict):
    plan_type: Annotated[PlanType | None, BeforeValidator(_plan_type)] = None
    insurer: ShortText | None = None
    plan_name: ShortText | None = None
    member_id: ShortText | None = None
    group_number: ShortText | None = None


class DenialKind(StrEnum):
    PRE_SERVICE = "pre_service"
    POST_SERVICE = "post_service"


class DenialReason(StrEnum):
    INVESTIGATIONAL = "investigational"
    NOT_MEDICALLY_NECESSARY = "not_medically_necessary"
    INSUFFICIENT_DOCUMENTATION = "insufficient_documentation"
    CONSERVATIVE_CARE_NOT_EXHAUSTED = "conservative_care_not_exhausted"
    OTHER = "other"


class Denial(Strict):
    kind: DenialKind | None = None
    reason: DenialReason | None = None
    reason_text: Text | None = None
    date: PastDate | None = None
    reference: ShortText | None = None


class Procedure(Strict):
    code: CPTCode | None = None  # may be left out when the case names its pack
    planned_date: PlausibleDate | None = None
    levels: list[SpinalLevel] = Field(default_factory=list, max_length=10)


class Physician(Strict):
    name: ShortText = Field(min_length=1)
    npi: NPI | None = None
    specialty: ShortText | None = None
    phone: ShortText | None = None


class Facility(Strict):
    name: ShortText = Field(min_length=1)
    address: ShortText | None = None


class Review(Strict):
    scheduled_at: Moment | None = None
    reviewer: ShortText | None = None
    phone: ShortText | None = None


class StenosisSeverity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class LevelFinding(Strict):
    """What imaging reports at one level; the summary fields of Findings carry the worst level."""

    level: SpinalLevel
    ligamentum_flavum_mm: Number | None = Field(default=None, gt=0, le=20)
    stenosis_severity: StenosisSeverity | None = None
    spondylolisthesis_grade: Whole | None = Field(default=None, ge=0, le=5)


class Findings(Strict):
    neurogenic_claudication: bool | None = None
    relief_with_flexion: bool | None = None
    ligamentum_flavum_mm: Number | None = Field(default=None, gt=0, le=20)
    spondylolisthesis_grade: Whole | None = Field(default=None, ge=0, le=5)
    stenosis_severity: StenosisSeverity | None = None
    stenosis_levels: list[SpinalLevel] = Field(default_factory=list, max_length=10)
    standing_tolerance_min: Number | None = Field(default=None, ge=0, le=1440)
    walking_tolerance_ft: Number | None = Field(default=None, ge=0, le=100_000)
    walking_tolerance_text: ShortText | None = None  # when the note gives no distance in feet: "2 blocks"
    odi: Number | None = Field(default=None, ge=0, le=100)
    nprs: Number | None = Field(default=None, ge=0, le=10)
    surgical_candidate: bool | None = None
    symptoms: Text | None = None
    levels: list[LevelFinding] = Field(default_factory=list, max_length=10)

    @model_validator(mode="before")
    @classmethod
    def _summary_from_levels(cls, data: Any) -> Any:
        """A case that gives imaging findings only level by level gets the worst level as its summary.

        The criteria read the summary fields; without this, "L4-L5: grade 3" would leave the
        spondylolisthesis criterion unknown instead of unmet. A summary the office wrote is kept.
        """
        if not isinstance(data, dict) or not isinstance(data.get("levels"), list):
            return data
        data = dict(data)
        for key in ("ligamentum_flavum_mm", "spondylolisthesis_grade"):
            if data.get(key) is None:
                values = [lv.get(key) for lv in data["levels"] if isinstance(lv, dict)]
                numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
                if numbers:
                    data[key] = max(numbers)
        if data.get("stenosis_severity") is None:
            order = [s.value for s in StenosisSeverity]
            found = [lv.get("stenosis_severity") for lv in data["levels"] if isinstance(lv, dict)]
            ranked = [f for f in found if f in order]
            if ranked:
                data["stenosis_severity"] = max(ranked, key=order.index)
        return data

    @model_validator(mode="after")
    def _summary_is_the_worst_level(self) -> Findings:
        for key, unit in (("ligamentum_flavum_mm", " mm"), ("spondylolisthesis_grade", "")):
            summary = getattr(self, key)
            worst = max(
                (lv for lv in self.levels if getattr(lv, key) is not None),
                key=lambda lv: getattr(lv, key),
                default=None,
            )
            if summary is not None and worst is not None and getattr(worst, key) > summary:
                raise ValueError(
                    f"{key} is {summary}{unit} but levels gives {getattr(worst, key)}{unit} at "
                    f"{worst.level}; the summary must be the worst level"
                )
        return self


class TreatmentType(StrEnum):
    PHYSICAL_THERAPY = "physical_therapy"
    HOME_EXERCISE = "home_exercise"
    EPIDURAL_STEROID_INJECTION = "epidural_steroid_injection"
    MEDICATION = "medication"
    CHIROPRACTIC = "chiropractic"
    ACUPUNCTURE = "acupuncture"
    ACTIVITY_MODIFICATION = "activity_modification"
    BRACING = "bracing"
    FACET_INJECTION = "facet_injection"
    RADIOFREQUENCY_ABLATION = "radiofrequency_ablation"
    OTHER = "other"


class TreatmentOutcome(StrEnum):
    FAILED = "failed"
    TEMPORARY_RELIEF = "temporary_relief"
    IMPROVED = "improved"


class Treatment(Strict):
    type: TreatmentType
    outcome: TreatmentOutcome | None = None
    name: ShortText | None = None
    weeks: Number | None = Field(default=None, gt=0, le=520)
    count: Whole | None = Field(default=None, ge=1, le=100)
    start: PartialDate | None = None
    end: PartialDate | None = None
    notes: Text | None = None


class PriorProcedureType(StrEnum):
    LAMINECTOMY = "laminectomy"
    LAMINOTOMY = "laminotomy"
    FUSION = "fusion"
    INTERSPINOUS_PROCESS_DECOMPRESSION = "interspinous_process_decompression"
    MILD = "mild"
    OTHER = "other"


class SpineRegion(StrEnum):
    LUMBAR = "lumbar"
    THORACIC = "thoracic"
    CERVICAL = "cervical"


class PriorProcedure(Strict):
    type: PriorProcedureType
    date: PartialDate | None = None
    region: SpineRegion = SpineRegion.LUMBAR
    levels: list[SpinalLevel] = Field(default_factory=list, max_length=10)
    description: ShortText | None = None


class Narrative(Strict):
    current_findings: Text | None = None
    why_this_procedure: Text | None = None
    history: Text | None = None


class Case(Strict):
    # An installed pack's id, never a path: a case file must not make the server read a file of its choosing.
    pack: Annotated[str, AfterValidator(_pack_id)] | None = None
    patient: Patient
    coverage: Coverage = Field(default_factory=Coverage)
    denial: Denial = Field(default_factory=Denial)
    diagnoses: list[ICD10Code] = Field(default_factory=list, max_length=25)
    # Conditions on record that carry no ICD-10-CM code (SNOMED CT, ICD-9-CM, free text), kept as words.
    other_conditions: list[ShortText] = Field(default_factory=list, max_length=50)
    procedure: Procedure = Field(default_factory=Procedure)
    physician: Physician | None = None
    facility: Facility | None = None
    review: Review = Field(default_factory=Review)
    findings: Findings = Field(default_factory=Findings)
    treatments: list[Treatment] | None = Field(default=None, max_length=50)
    prior_lumbar_procedures: list[PriorProcedure] | None = Field(default=None, max_length=50)
    narrative: Narrative = Field(default_factory=Narrative)

    @field_validator("diagnoses")
    @classmethod
    def _unique_diagnoses(cls, codes: list[str]) -> list[str]:
        return list(dict.fromkeys(codes))

    def age_on(self, day: date) -> int | None:
        born = self.patient.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
