"""The content-pack format (``schema: overturn.pack/1``): everything a brief says about one procedure.

A pack is data: codes, plan families, criteria as rule trees, evidence statements with citation numbers,
rebuttals, likely reviewer questions, closing words and the bibliography. See docs/pack-format.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from overturn.case.model import DenialReason, PriorProcedureType, TreatmentOutcome, TreatmentType
from overturn.case.plans import PlanType

PACK_SCHEMA = "overturn.pack/1"
Status = Literal["verified", "partially", "unverified"]
Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]


class PackModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


# ---- rules: criteria are trees of these, each leaf naming the case fact it reads -------------------------


class CompareRule(PackModel):
    op: Literal["compare"]
    fact: str  # a numeric case path, e.g. findings.ligamentum_flavum_mm
    cmp: Literal[">=", ">", "<=", "<", "=="]
    value: float


class FlagRule(PackModel):
    op: Literal["is_true", "is_false"]
    fact: str  # a yes/no case path, e.g. findings.neurogenic_claudication


class HasCodeRule(PackModel):
    op: Literal["has_code"]
    codes: list[str] = Field(min_length=1)  # any of these ICD-10-CM codes among case.diagnoses


class InFamilyRule(PackModel):
    op: Literal["in_family"]
    family: Ident  # coverage.plan_type belongs to this plan family


class TreatmentTriedRule(PackModel):
    op: Literal["treatment_tried"]
    outcomes: list[TreatmentOutcome] = Field(
        min_length=1
    )  # outcomes that count (e.g. failed, temporary_relief)
    types: list[TreatmentType] = Field(default_factory=list)  # empty: any conservative treatment
    at_least: int = Field(default=1, ge=1)


class NoRecentProcedureRule(PackModel):
    op: Literal["no_recent_procedure"]
    types: list[PriorProcedureType] = Field(min_length=1)
    region: Literal["lumbar", "thoracic", "cervical"] = "lumbar"
    months: int = Field(ge=1, le=120)


class CriterionRefRule(PackModel):
    op: Literal["criterion"]
    id: str  # the result of another criterion of the same pack


class AllRule(PackModel):
    op: Literal["all"]
    rules: list[Rule] = Field(min_length=1)


class AnyRule(PackModel):
    op: Literal["any"]
    rules: list[Rule] = Field(min_length=1)


Rule = Annotated[
    CompareRule
    | FlagRule
    | HasCodeRule
    | InFamilyRule
    | TreatmentTriedRule
    | NoRecentProcedureRule
    | CriterionRefRule
    | AllRule
    | AnyRule,
    Field(discriminator="op"),
]
AllRule.model_rebuild()
AnyRule.model_rebuild()


class Criterion(PackModel):
    id: Ident
    title: str
    families: list[Ident] = Field(default_factory=list)  # empty: applies to every plan family
    rule: Rule
    met: str  # templates: {placeholders} are filled from the case (see docs/pack-format.md)
    unmet: str
    unknown: str
    gap: str  # what the office should go and document when the result is unknown
    citations: list[int] = Field(default_factory=list)
    source: str  # where the criterion comes from, in a few words


# ---- statements: every sentence a brief may say ----------------------------------------------------------


class When(PackModel):
    """A condition on the case. Give exactly one of:

    - ``criterion`` + ``status``: a criterion of this pack has one of these results;
    - ``fact`` + ``equals``: a yes/no finding has this value;
    - ``plan_types``: the case's plan type is one of these;
    - ``treatment_types`` (+ optional ``treatment_outcomes``): such a treatment is recorded (with such an outcome);
    - ``checklist``: ``all_met`` when every criterion of the brief is met, ``not_all_met`` otherwise.

    A statement's ``when`` may be a list of conditions, all of which must hold.
    """

    criterion: str | None = None
    status: list[Literal["met", "unmet", "unknown"]] = Field(default_factory=list)
    fact: str | None = None
    equals: bool | None = None
    plan_types: list[PlanType] = Field(default_factory=list)
    treatment_types: list[TreatmentType] = Field(default_factory=list)
    treatment_outcomes: list[TreatmentOutcome] = Field(default_factory=list)
    checklist: Literal["all_met", "not_all_met"] | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> When:
        given = [
            self.criterion is not None or bool(self.status),
            self.fact is not None or self.equals is not None,
            bool(self.plan_types),
            bool(self.treatment_types) or bool(self.treatment_outcomes),
            self.checklist is not None,
        ]
        if sum(given) != 1:
            raise ValueError(
                "give exactly one condition: criterion + status, fact + equals, plan_types, "
                "treatment_types (+ treatment_outcomes) or checklist"
            )
        if given[0] and not (self.criterion and self.status):
            raise ValueError("criterion needs both 'criterion' and 'status'")
        if given[1] and (self.fact is None or self.equals is None):
            raise ValueError("a fact condition needs both 'fact' and 'equals'")
        if given[3] and not self.treatment_types:
            raise ValueError("treatment_outcomes needs treatment_types")
        return self


Conditions = When | list[When]


def conditions(when: Conditions | None) -> list[When]:
    if when is None:
        return []
    return when if isinstance(when, list) else [when]


class Statement(PackModel):
    text: str
    citations: list[int] = Field(default_factory=list)
    status: Status | None = None  # the claim's own status when it rests on no numbered source
    caveat: str | None = None  # for pack authors: why the wording is careful; not printed
    families: list[Ident] = Field(default_factory=list)
    when: Conditions | None = None
    id: str | None = None


class QuestionEntry(PackModel):
    question: str
    answer: Statement
    families: list[Ident] = Field(default_factory=list)
    rank: int = Field(default=50, ge=1, le=100)  # 1 = likeliest question


class PlanFamily(PackModel):
    id: Ident
    label: str
    plan_types: list[PlanType] = Field(min_length=1)
    extra_diagnoses: list[str] = Field(default_factory=list)  # added to the brief's codes for this family
    extra_diagnoses_note: str | None = None


class InfoField(PackModel):
    label: str
    value: Literal[
        "patient_name",
        "patient_birth_age",
        "diagnoses",
        "procedure",
        "insurance_plan",
        "plan_type",
        "physician",
        "facility",
        "review_time",
        "reviewer",
    ]


class ReferenceBlock(PackModel):
    heading: str
    statements: list[Statement] = Field(min_length=1)


class ProcedureInfo(PackModel):
    codes: list[str] = Field(min_length=1)  # CPT/HCPCS codes this pack serves; chooses the pack
    name: str
    apc: str | None = None
    description: list[Statement] = Field(min_length=1)


class Contact(PackModel):
    organization: str
    email: str | None = None
    phone: str | None = None
    evidence_url: str | None = None
    note: str | None = None


class Narrative(PackModel):
    """Sentence templates; a template is used only when every placeholder in it has a value."""

    current_findings: list[Statement] = Field(default_factory=list)
    why_this_procedure: list[Statement] = Field(default_factory=list)
    history: list[Statement] = Field(default_factory=list)


class BibliographyEntry(PackModel):
    n: int = Field(ge=1)
    citation: str
    status: Status
    identifiers: dict[Literal["pmid", "pmcid", "doi", "url", "nct", "k510", "ncd"], str] = Field(
        default_factory=dict
    )
    caveat: str | None = None  # printed under the entry: how far the source supports the guide's claim


class CallSheet(PackModel):
    """What the one-page call sheet says beyond the criteria (issue: call-sheet layout)."""

    ask: str
    strongest_points: dict[Ident, list[Statement]] = Field(default_factory=dict)  # per family


class Pack(PackModel):
    schema_: Literal["overturn.pack/1"] = Field(alias="schema")
    id: Ident
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str
    disclaimer: str
    unverified_label: str
    procedure: ProcedureInfo
    primary_diagnoses: list[str] = Field(min_length=1)
    plan_families: list[PlanFamily] = Field(min_length=1)
    patient_information: list[InfoField] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    narrative: Narrative = Field(default_factory=Narrative)
    reference_material: dict[Ident, ReferenceBlock]
    rebuttals: dict[DenialReason, list[Statement]]
    reviewer_questions: list[QuestionEntry] = Field(default_factory=list)
    closing: list[Statement] = Field(min_length=1)
    contact: Contact
    call_sheet: CallSheet | None = None
    bibliography: list[BibliographyEntry] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def family_of(self, plan_type: PlanType | None) -> PlanFamily | None:
        if plan_type is None:
            return None
        return next((f for f in self.plan_families if plan_type in f.plan_types), None)

    def criterion(self, ident: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == ident), None)

    def bib(self, n: int) -> BibliographyEntry | None:
        return next((b for b in self.bibliography if b.n == n), None)


def walk_statements(pack: Pack) -> list[tuple[str, Statement]]:
    """Every statement of a pack with the key path it sits at (for validation and audits)."""
    out: list[tuple[str, Statement]] = []
    for i, s in enumerate(pack.procedure.description):
        out.append((f"procedure.description[{i}]", s))
    for part in ("current_findings", "why_this_procedure", "history"):
        for i, s in enumerate(getattr(pack.narrative, part)):
            out.append((f"narrative.{part}[{i}]", s))
    for fam, block in pack.reference_material.items():
        for i, s in enumerate(block.statements):
            out.append((f"reference_material.{fam}.statements[{i}]", s))
    for reason, items in pack.rebuttals.items():
        for i, s in enumerate(items):
            out.append((f"rebuttals.{reason.value}[{i}]", s))
    for i, q in enumerate(pack.reviewer_questions):
        out.append((f"reviewer_questions[{i}].answer", q.answer))
    for i, s in enumerate(pack.closing):
        out.append((f"closing[{i}]", s))
    if pack.call_sheet:
        for fam, items in pack.call_sheet.strongest_points.items():
            for i, s in enumerate(items):
                out.append((f"call_sheet.strongest_points.{fam}[{i}]", s))
    return out


def rule_leaves(rule: Any) -> list[Any]:
    if isinstance(rule, AllRule | AnyRule):
        return [leaf for r in rule.rules for leaf in rule_leaves(r)]
    return [rule]
