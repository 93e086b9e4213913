"""Import of the clinical resources: Condition, Procedure, Observation, MedicationRequest, and the free text
of DiagnosticReport and DocumentReference (handed to the note extractor when it is installed)."""

from __future__ import annotations

import base64
import html
import re
from collections import defaultdict
from typing import Any

from overturn.case.codes import icd10_exists, icd10_is_billable, normalize_icd10
from overturn.fhir.context import ImportContext, iso_day, period_start
from overturn.fhir.mapping import (
    ICD10CM_SYSTEMS,
    LOINC,
    OBSERVATION_LOINC,
    OBSERVATION_WORDS,
    PAIN_MEDICINE_WORDS,
    PRIOR_PROCEDURE_BY_CPT,
    PRIOR_PROCEDURE_WORDS,
    TREATMENT_BY_CPT,
    TREATMENT_WORDS,
    codings,
    concept_text,
    cpt_codes,
    first_match,
    length_in_mm,
    spine_region,
)
from overturn.fhir.parse import Entry
from overturn.fhir.report import NOT_EXTRACTED, NOTE

INACTIVE_CLINICAL = {"inactive", "resolved", "remission"}
NOT_TRUE = {"refuted", "entered-in-error"}
SYSTEM_NAMES = {"http://snomed.info/sct": "SNOMED CT", "http://hl7.org/fhir/sid/icd-9-cm": "ICD-9-CM"}


def import_condition(ctx: ImportContext, entry: Entry) -> None:
    cond = entry.model
    clinical = {c.code for c in codings(cond.clinicalStatus)}
    verification = {c.code for c in codings(cond.verificationStatus)}
    if clinical & INACTIVE_CLINICAL or verification & NOT_TRUE:
        ctx.ignore(entry, f"condition is {', '.join(sorted(clinical | verification))}")
        return
    codes = codings(cond.code)
    for c in codes:
        if c.system not in ICD10CM_SYSTEMS:
            continue
        code = normalize_icd10(c.code)
        if not icd10_exists(code):
            ctx.ignore(entry, f"ICD-10-CM code {c.code!r} is not in the 2026 code set")
            continue
        if not icd10_is_billable(code):
            # A category cannot go on a claim and the case model rejects it; keep it as words so nothing is
            # lost, and tell the office to pick the specific code.
            line = f"{c.display or concept_text(cond.code) or code} (ICD-10-CM category {code})"
            ctx.case.setdefault("other_conditions", []).append(line)
            ctx.take(entry, "other_conditions", line, "a category, not a billable code")
            ctx.report.add(
                NOTE,
                entry.path,
                entry.label,
                f"{code} is a category, not a billable code: pick the specific code before the call",
            )
            return
        ctx.append("diagnoses", code, entry, why=c.display or "ICD-10-CM")
        return
    # Not ICD-10-CM (SNOMED CT, ICD-9-CM, text only): the case lists ICD-10-CM codes only, so the condition
    # is kept as words in other_conditions, where the brief and the physician can still see it.
    words = concept_text(cond.code) or "unnamed condition"
    coded = ", ".join(f"{SYSTEM_NAMES.get(c.system, c.system or 'no system')} {c.code}" for c in codes)
    line = f"{words} ({coded})" if coded else words
    ctx.case.setdefault("other_conditions", []).append(line)
    ctx.take(entry, "other_conditions", line, "kept as text: no ICD-10-CM code")


def _procedure_date(proc: Any) -> str | None:
    return iso_day(proc.performedDateTime) or period_start(proc.performedPeriod)


def import_procedures(ctx: ImportContext, entries: list[Entry]) -> None:
    """Prior spine operations become prior_lumbar_procedures; conservative care becomes treatments,
    one treatment per kind with the number of sessions and the first and last date."""
    sessions: dict[str, list[tuple[Entry, str | None]]] = defaultdict(list)
    for entry in entries:
        proc = entry.model
        if str(proc.status) in {"entered-in-error", "not-done", "preparation"}:
            ctx.ignore(entry, f"status {proc.status}")
            continue
        text = concept_text(proc.code)
        cpts = cpt_codes(proc.code)
        kind = next((PRIOR_PROCEDURE_BY_CPT[c] for c in cpts if c in PRIOR_PROCEDURE_BY_CPT), None)
        region = "lumbar" if kind else None
        kind = kind or first_match(text, PRIOR_PROCEDURE_WORDS)
        if kind:
            region = region or spine_region(" ".join([text, *(concept_text(b) for b in proc.bodySite or [])]))
            if region is None:
                ctx.ignore(
                    entry, f"spine operation '{text}' without a region; add it by hand if it was lumbar"
                )
                continue
            item: dict[str, Any] = {"type": kind, "region": region}
            when = _procedure_date(proc)
            if when:
                item["date"] = when
            if text:
                item["description"] = text[:500]
            ctx.append("prior_lumbar_procedures", item, entry, why=", ".join(cpts) or "by name")
            continue
        treatment = next((TREATMENT_BY_CPT[c] for c in cpts if c in TREATMENT_BY_CPT), None)
        treatment = treatment or first_match(text, TREATMENT_WORDS)
        if treatment:
            sessions[treatment].append((entry, _procedure_date(proc)))
        else:
            ctx.ignore(
                entry, f"'{text or 'uncoded procedure'}' is neither a spine operation nor conservative care"
            )
    for kind, done in sessions.items():
        dates = sorted(d for _, d in done if d)
        item = {"type": kind, "count": len(done)}
        if dates:
            item["start"], item["end"] = dates[0], dates[-1]
        ctx.append("treatments", item, done[0][0], why=f"{len(done)} procedure(s)")
        for entry, _ in done[1:]:
            ctx.used.add(id(entry))


def _observation_value(obs: Any) -> tuple[float | None, str | None]:
    if obs.valueQuantity is not None and obs.valueQuantity.value is not None:
        q = obs.valueQuantity
        return float(q.value), str(q.code or q.unit or "") or None
    if obs.valueInteger is not None:
        return float(obs.valueInteger), None
    if obs.valueString:
        m = re.search(r"(\d+(?:\.\d+)?)\s*(mm|cm)?", str(obs.valueString))
        if m:
            return float(m.group(1)), m.group(2)
    return None, None


def import_observation(ctx: ImportContext, entry: Entry) -> None:
    obs = entry.model
    if str(obs.status) in {"entered-in-error", "cancelled"}:
        ctx.ignore(entry, f"status {obs.status}")
        return
    fact = next(
        (
            OBSERVATION_LOINC[c.code]
            for c in codings(obs.code)
            if c.system == LOINC and c.code in OBSERVATION_LOINC
        ),
        None,
    )
    fact = fact or first_match(concept_text(obs.code), OBSERVATION_WORDS)
    if fact is None:
        ctx.ignore(
            entry, f"'{concept_text(obs.code) or 'uncoded'}' is not ODI, NPRS or ligamentum flavum thickness"
        )
        return
    value, unit = _observation_value(obs)
    if value is None:
        ctx.ignore(entry, f"{fact}: no numeric value")
        return
    when = iso_day(obs.effectiveDateTime) or period_start(obs.effectivePeriod) or iso_day(obs.issued)
    if fact == "ligamentum_flavum_mm":
        mm = length_in_mm(value, unit)
        if mm is None:
            ctx.ignore(entry, f"ligamentum flavum thickness in unknown unit {unit!r}")
            return
        current = ctx.case.get("findings", {}).get("ligamentum_flavum_mm")
        # the thickest level is the one that shows hypertrophy; thinner levels do not overrule it
        if current is not None and mm <= current:
            ctx.ignore(entry, f"ligamentum flavum {mm} mm is not thicker than {current} mm already taken")
            return
        ctx.case.setdefault("findings", {})["ligamentum_flavum_mm"] = mm
        ctx.take(entry, "findings.ligamentum_flavum_mm", mm, "thickest level kept")
        return
    limit = 100 if fact == "odi" else 10
    if not 0 <= value <= limit:
        ctx.ignore(entry, f"{fact} {value} is outside 0-{limit}")
        return
    ctx.offer(f"findings.{fact}", value, entry, when=when, why=f"observed {when}" if when else "")


def _medicine_name(ctx: ImportContext, entry: Entry) -> str:
    req = entry.model
    if req.medicationCodeableConcept is not None:
        return concept_text(req.medicationCodeableConcept)
    contained = ctx.contained(entry, req.medicationReference)
    if contained is not None:
        code = contained.get("code") or {}
        return str(code.get("text") or next((c.get("display") for c in code.get("coding", [])), "") or "")
    med = ctx.resolve(req.medicationReference)
    if med is not None and med.model is not None:
        ctx.used.add(id(med))
        return concept_text(med.model.code)
    return str(getattr(req.medicationReference, "display", "") or "")


def import_medications(ctx: ImportContext, entries: list[Entry]) -> None:
    """One medication treatment per medicine (its first and last prescription), pain medicines only."""
    by_name: dict[str, list[tuple[Entry, str | None]]] = defaultdict(list)
    for entry in entries:
        req = entry.model
        if str(req.status) in {"entered-in-error", "draft", "cancelled"}:
            ctx.ignore(entry, f"status {req.status}")
            continue
        name = _medicine_name(ctx, entry)
        if not PAIN_MEDICINE_WORDS.search(name):
            ctx.ignore(
                entry,
                f"'{name or 'unnamed medicine'}' is not a pain medicine; add it by hand if it was tried",
            )
            continue
        by_name[name.strip()[:500]].append((entry, iso_day(req.authoredOn)))
    for name, prescriptions in by_name.items():
        dates = sorted(d for _, d in prescriptions if d)
        item: dict[str, Any] = {"type": "medication", "name": name}
        if dates:
            item["start"], item["end"] = dates[0], dates[-1]
        ctx.append("treatments", item, prescriptions[0][0], why=f"{len(prescriptions)} prescription(s)")
        for entry, _ in prescriptions[1:]:
            ctx.used.add(id(entry))


def attachment_text(attachment: Any) -> tuple[str | None, str]:
    """(text, why not) of a FHIR Attachment: inline plain text or HTML only; PDFs and URLs are not read."""
    kind = str(attachment.contentType or "")
    if attachment.data is None:
        return None, f"attachment at {attachment.url} not fetched" if attachment.url else "empty attachment"
    if not kind.startswith(("text/", "application/xhtml")):
        return None, f"{kind or 'untyped'} attachment not read"
    if isinstance(attachment.data, bytes):
        # fhir.resources validates base64Binary by decoding it: the model already holds the content. Decoding
        # it a second time garbled most texts (and worked only when that failed on the padding).
        content = attachment.data
    else:
        try:
            content = base64.b64decode(str(attachment.data), validate=False)
        except ValueError:
            content = str(attachment.data).encode()
    text = content.decode("utf-8", errors="replace")
    if "html" in kind:
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text).strip() or None, "no text"


def import_document(ctx: ImportContext, entry: Entry) -> None:
    texts: list[str] = []
    reasons: list[str] = []
    model = entry.model
    if entry.resource_type == "DiagnosticReport":
        if model.conclusion:
            texts.append(str(model.conclusion))
        attachments = list(model.presentedForm or [])
    else:
        attachments = [c.attachment for c in model.content or []]
    for attachment in attachments:
        text, why = attachment_text(attachment)
        if text:
            texts.append(text)
        else:
            reasons.append(why)
    if not texts:
        ctx.ignore(entry, "; ".join(reasons) or "no conclusion or text")
        return
    text = "\n".join(texts)
    if ctx.extractor is None:
        ctx.report.add(
            NOT_EXTRACTED,
            entry.path,
            entry.label,
            f"note extractor not installed; text kept here for the office: {text[:1000]!r}",
        )
        return
    try:
        facts = ctx.extractor(text)
    except Exception as exc:  # noqa: BLE001 - a broken optional extractor must not lose the rest of the import
        ctx.report.add(
            NOT_EXTRACTED, entry.path, entry.label, f"note extractor failed ({exc}); text: {text[:1000]!r}"
        )
        return
    if not facts:
        ctx.ignore(entry, "the note extractor found no case facts in the text")
    for path, value in facts.items():
        if path == "findings.levels":
            ctx.offer_levels(value, entry, why="note extractor")
        elif isinstance(value, list):
            for item in value:
                ctx.append(path, item, entry, why="note extractor")
        else:
            ctx.offer(path, value, entry, why="note extractor")
