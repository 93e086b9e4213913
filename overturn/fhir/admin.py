"""Import of the administrative resources: Patient, Coverage (+ payor), the requested procedure
(ServiceRequest or Claim item), the requesting Practitioner and a PAS ClaimResponse that denies."""

from __future__ import annotations

import re
from typing import Any

from overturn.case.codes import icd10_exists, normalize_icd10, npi_is_valid
from overturn.fhir.context import ImportContext, iso_day, period_start
from overturn.fhir.mapping import (
    ICD10CM_SYSTEMS,
    MILD_CODES,
    NPI_SYSTEM,
    codings,
    concept_text,
    cpt_codes,
    plan_type_signals,
)
from overturn.fhir.parse import Entry
from overturn.fhir.report import NEEDED

_LEVEL = re.compile(r"\b([LS]\d)\s*[-/–]\s*([LS]?\d)\b", re.IGNORECASE)
X12_REVIEW_ACTION = "extension-reviewAction"
DENIED_REVIEW_CODES = {"A3"}  # X12 306 "Not Certified"
CERTIFIED_REVIEW_CODES = {"A1", "A2", "A6"}


def human_name(names: Any) -> str | None:
    """The usual (else first current) HumanName as "Given Family"."""
    if not names:
        return None
    ranked = sorted(
        names, key=lambda n: {"official": 0, "usual": 1}.get(str(n.use), 2) if n.use != "old" else 9
    )
    name = ranked[0]
    if name.text:
        return str(name.text)
    parts = [*(name.given or []), name.family or ""]
    text = " ".join(str(p) for p in parts if p).strip()
    return text or None


def import_patient(ctx: ImportContext, entry: Entry) -> None:
    p = entry.model
    ctx.offer("patient.name", human_name(p.name), entry)
    if p.birthDate:
        ctx.offer("patient.birth_date", iso_day(p.birthDate), entry)
    if p.gender:
        ctx.offer("patient.sex", str(p.gender), entry)
    for ident in p.identifier or []:
        if any(c.code == "MR" for c in codings(ident.type)) and ident.value:
            ctx.offer("patient.mrn", str(ident.value), entry, why="identifier type MR")
            break


def choose_coverage(ctx: ImportContext, coverages: list[Entry]) -> Entry | None:
    """The Coverage a Claim names as focal, else the first active one, else the first."""
    for entry in ctx.entries:
        if entry.resource_type == "Claim" and entry.model is not None:
            for ins in entry.model.insurance or []:
                target = ctx.resolve(ins.coverage)
                if ins.focal and target in coverages:
                    return target
    active = [c for c in coverages if str(c.model.status) == "active"]
    candidates = active or coverages
    return candidates[0] if candidates else None


def import_coverage(ctx: ImportContext, entry: Entry) -> None:
    cov = entry.model
    payor_names: list[str] = []
    for payor in cov.payor or []:
        org = ctx.resolve(payor)
        name = (
            org.model.name
            if org is not None and org.model is not None and hasattr(org.model, "name")
            else None
        )
        if org is not None and name:
            ctx.used.add(id(org))
        name = name or payor.display
        if name:
            payor_names.append(str(name))
    if payor_names:
        ctx.offer("coverage.insurer", payor_names[0], entry, why="payor")
    for cls in cov.class_fhir or []:
        kinds = {c.code for c in codings(cls.type)}
        if "plan" in kinds:
            ctx.offer("coverage.plan_name", str(cls.name or cls.value), entry, why="class plan")
        if "group" in kinds and cls.value:
            ctx.offer("coverage.group_number", str(cls.value), entry, why="class group")
    member = cov.subscriberId
    if not member:
        for ident in cov.identifier or []:
            if any(c.code == "MB" for c in codings(ident.type)):
                member = ident.value
    if member:
        ctx.offer("coverage.member_id", str(member), entry)
    signals = plan_type_signals(cov, payor_names)
    plans = {plan for _, plan in signals}
    if len(plans) == 1:
        ctx.offer("coverage.plan_type", next(iter(plans)).value, entry, why="; ".join(s for s, _ in signals))
    else:
        looked = (
            [concept_text(cov.type)]
            + [str(c.value or c.name or "") for c in cov.class_fhir or []]
            + payor_names
        )
        looked += [f"{c.system} {c.code}" for c in codings(cov.type)]
        seen = (
            "; ".join(f"{s} -> {p.value}" for s, p in signals)
            or "nothing in "
            + (", ".join(repr(t) for t in looked if t) or "an empty Coverage")
            + " names a plan type"
        )
        ctx.report.add(
            NEEDED,
            "coverage.plan_type",
            entry.label,
            f"choose the plan type: the Coverage does not settle it ({seen})",
        )


def _levels(concepts: Any) -> list[str]:
    levels: list[str] = []
    for concept in concepts or []:
        for first, second in _LEVEL.findall(concept_text(concept)):
            second = second if second[0].isalpha() else first[0] + second
            levels.append(f"{first.upper()}-{second.upper()}")
    return list(dict.fromkeys(levels))


def import_service_request(ctx: ImportContext, entry: Entry) -> None:
    sr = entry.model
    codes = [c for c in cpt_codes(sr.code) if c in MILD_CODES]
    if not codes:
        ctx.ignore(
            entry, f"requests {concept_text(sr.code) or 'another service'}, not the mild procedure (0275T)"
        )
        return
    if str(sr.status) in {"entered-in-error", "revoked"}:
        ctx.ignore(entry, f"status {sr.status}")
        return
    ctx.offer("procedure.code", codes[0], entry)
    when = iso_day(sr.occurrenceDateTime) or period_start(sr.occurrencePeriod)
    if when and len(when) == 10:
        ctx.offer("procedure.planned_date", when, entry)
    for level in _levels(sr.bodySite):
        ctx.append("procedure.levels", level, entry)
    import_practitioner(ctx, sr.requester, entry)


def import_claim(ctx: ImportContext, entry: Entry) -> None:
    claim = entry.model
    took = False
    for i, item in enumerate(claim.item or []):
        codes = [c for c in cpt_codes(item.productOrService) if c in MILD_CODES]
        if not codes:
            continue
        took = ctx.offer("procedure.code", codes[0], entry, why=f"item[{i}]") or took
        when = iso_day(item.servicedDate) or period_start(item.servicedPeriod)
        if when and len(when) == 10:
            ctx.offer("procedure.planned_date", when, entry, why=f"item[{i}]")
    for dx in claim.diagnosis or []:
        for c in codings(dx.diagnosisCodeableConcept):
            if c.system in ICD10CM_SYSTEMS and icd10_exists(code := normalize_icd10(c.code)):
                ctx.append("diagnoses", code, entry, why="Claim.diagnosis")
                took = True
    if took:
        import_practitioner(ctx, claim.provider, entry)
    else:
        ctx.ignore(entry, "no item for the mild procedure (0275T) and no ICD-10-CM diagnosis")


def import_practitioner(ctx: ImportContext, reference: Any, via: Entry) -> None:
    target = ctx.resolve(reference)
    if target is not None and target.resource_type == "PractitionerRole" and target.model is not None:
        target = ctx.resolve(target.model.practitioner)
    if target is None or target.resource_type != "Practitioner" or target.model is None:
        return
    name = human_name(target.model.name)
    if not name or ctx.has("physician"):
        return
    physician: dict[str, Any] = {"name": name}
    for ident in target.model.identifier or []:
        if ident.system == NPI_SYSTEM and ident.value and npi_is_valid(str(ident.value)):
            physician["npi"] = str(ident.value)
    ctx.case["physician"] = physician
    ctx.take(target, "physician", physician, f"requester of {via.label}")


def _review_action_codes(data: Any) -> set[str]:
    """X12 306 review-action codes anywhere in a PAS ClaimResponse (header or item adjudication)."""
    found: set[str] = set()
    if isinstance(data, dict):
        url = str(data.get("url", ""))
        if url.endswith(("extension-reviewAction", "extension-reviewActionCode")):
            if isinstance(data.get("valueString"), str):
                found.add(data["valueString"])
            for coding in (data.get("valueCodeableConcept") or {}).get("coding", []):
                found.add(str(coding.get("code")))
        for value in data.values():
            found |= _review_action_codes(value)
    elif isinstance(data, list):
        for value in data:
            found |= _review_action_codes(value)
    return found


def import_claim_response(ctx: ImportContext, entry: Entry) -> None:
    cr = entry.model
    codes = _review_action_codes(entry.raw)
    disposition = str(cr.disposition or "")
    denied = bool(codes & DENIED_REVIEW_CODES) or bool(
        re.search(r"\bden(y|ied|ial)|not certified", disposition, re.I)
    )
    if not denied:
        why = f"review action {', '.join(sorted(codes))}" if codes else f"outcome {cr.outcome}"
        ctx.ignore(entry, f"not a denial ({why}{'; ' + disposition if disposition else ''})")
        return
    ctx.offer("denial.kind", "pre_service" if str(cr.use) == "preauthorization" else "post_service", entry)
    ctx.offer("denial.date", iso_day(cr.created), entry)
    reference = cr.preAuthRef or next((str(i.value) for i in cr.identifier or [] if i.value), None)
    ctx.offer("denial.reference", reference, entry)
    notes = [disposition] + [str(n.text) for n in cr.processNote or [] if n.text]
    text = " ".join(n for n in notes if n).strip()
    if text:
        ctx.offer("denial.reason_text", text, entry)
        if re.search(r"investigational|experimental|unproven", text, re.I):
            ctx.offer("denial.reason", "investigational", entry, why="wording of the response")
        elif re.search(r"medically necessary|medical necessity", text, re.I):
            ctx.offer("denial.reason", "not_medically_necessary", entry, why="wording of the response")
