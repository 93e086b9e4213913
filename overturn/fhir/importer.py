"""FHIR R4 bundle or single resource -> case data (the case-file mapping) and an import report.

Usage: ``result = import_fhir(json_data)``; ``result.case`` is a plain dict in the case-file format (load it
with ``overturn.case.case_from_data`` once the office has filled what the report lists as needed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from overturn.case.errors import InputError
from overturn.fhir import admin, clinical
from overturn.fhir.context import Extractor, ImportContext, delete_path
from overturn.fhir.parse import Entry, collect_entries, iter_references
from overturn.fhir.report import IGNORED, NEEDED, NOTE, PROBLEM, REFERENCE, REPAIRED, ImportReport

# Resource types that carry nothing a peer-to-peer case holds; said once per type in the report.
NOT_USED = "not used by a peer-to-peer case"
REQUIRED_HINT = {"patient": "patient.name", "procedure": "procedure.code (0275T)"}


@dataclass
class ImportResult:
    case: dict[str, Any]
    report: ImportReport


def find_extractor() -> Extractor | None:
    """The note extractor of ``overturn.extract`` when installed, adapted to text -> {case path: value}."""
    try:
        from overturn.extract.combine import extract
        from overturn.extract.facts import Note
    except ImportError:
        return None

    def run(text: str) -> dict[str, Any]:
        # the extractor leaves a field empty when its mentions conflict, so the fragment holds agreed facts
        return _flatten(extract([Note(id="fhir", text=text)]).fragment)

    return run


def _flatten(fragment: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"findings": {"odi": 40}, "treatments": [...]}`` -> ``{"findings.odi": 40, "treatments": [...]}``."""
    out: dict[str, Any] = {}
    for key, value in fragment.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, path))
        elif value is not None and value != []:
            out[path] = value
    return out


def import_fhir(
    data: Any, source: str | None = None, *, extractor: Extractor | None | Literal["auto"] = "auto"
) -> ImportResult:
    """Map a parsed FHIR JSON document to case data. Raises InputError only for an unreadable envelope.

    ``extractor="auto"`` uses the note extractor when installed; None keeps document text unextracted.
    """
    bundle_type, entries = collect_entries(data, source)
    report = ImportReport(source=source, bundle_type=bundle_type)
    ctx = ImportContext(entries, report, find_extractor() if extractor == "auto" else extractor)
    valid: list[Entry] = []
    for entry in entries:
        report.resource_types[entry.resource_type] += 1
        for repair in entry.repairs:
            report.add(REPAIRED, entry.path, entry.label, repair)
        if entry.problems:
            for problem in entry.problems:
                report.add(PROBLEM, problem.path, entry.label, problem.message)
            report.add(IGNORED, entry.path, entry.label, "not valid FHIR R4 (see the problems above)")
        else:
            valid.append(entry)
    if not entries:
        report.add(NOTE, "entry", "", "the input holds no resources: nothing to import")
    _report_references(ctx, valid)
    _dispatch(ctx, valid)
    report.used = {e.label for e in entries if id(e) in ctx.used}
    _check_case(ctx)
    return ImportResult(ctx.case, report)


def _report_references(ctx: ImportContext, entries: list[Entry]) -> None:
    """Dangling references are reported, never fatal: the rest of the record is still worth importing."""
    if ctx.report.bundle_type is None:
        return  # a single resource points outside itself by nature
    dangling: dict[str, list[tuple[str, str]]] = {}
    for entry in entries:
        for path, ref in iter_references(entry.raw, entry.path):
            if ctx.refs.resolve(ref) is None:
                dangling.setdefault(ref, []).append((path, entry.label))
    for ref, places in dangling.items():
        if "?" in ref:
            why = f"conditional reference {ref!r} not followed"
        elif ref.startswith(("http://", "https://")):
            why = f"external reference {ref!r} not followed"
        else:
            why = f"dangling reference: {ref!r} is not in the bundle"
        if len(places) > 1:
            why += f" (and {len(places) - 1} more place(s))"
        ctx.report.add(REFERENCE, places[0][0], places[0][1], why)


def _patient_of(entry: Entry) -> Any:
    model = entry.model
    return (
        getattr(model, "subject", None)
        or getattr(model, "patient", None)
        or getattr(model, "beneficiary", None)
    )


def _dispatch(ctx: ImportContext, entries: list[Entry]) -> None:
    patients = [e for e in entries if e.resource_type == "Patient"]
    main_patient = patients[0] if patients else None
    if main_patient is not None:
        admin.import_patient(ctx, main_patient)
        for other in patients[1:]:
            ctx.ignore(other, f"a second patient; only {main_patient.label} is imported")
    by_type: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.resource_type == "Patient":
            continue
        owner = ctx.resolve(_patient_of(entry))
        if owner is not None and owner.resource_type == "Patient" and owner is not main_patient:
            ctx.ignore(
                entry, f"belongs to {owner.label}, not to {main_patient.label if main_patient else '?'}"
            )
            continue
        by_type.setdefault(entry.resource_type, []).append(entry)

    coverages = by_type.pop("Coverage", [])
    chosen = admin.choose_coverage(ctx, coverages)
    if chosen is not None:
        admin.import_coverage(ctx, chosen)
    for other in coverages:
        if other is not chosen:
            ctx.ignore(
                other, f"another coverage; the case holds one ({chosen.label if chosen else ''} taken)"
            )
    single = {
        "ServiceRequest": admin.import_service_request,
        "Claim": admin.import_claim,
        "ClaimResponse": admin.import_claim_response,
        "Condition": clinical.import_condition,
        "Observation": clinical.import_observation,
        "DiagnosticReport": clinical.import_document,
        "DocumentReference": clinical.import_document,
        "QuestionnaireResponse": _import_questionnaire_response,
    }
    grouped = {"Procedure": clinical.import_procedures, "MedicationRequest": clinical.import_medications}
    for rtype, group in by_type.items():
        if rtype in single:
            for entry in group:
                single[rtype](ctx, entry)
        elif rtype in grouped:
            grouped[rtype](ctx, group)
    for rtype, group in by_type.items():
        if rtype in single or rtype in grouped:
            continue
        unused = [e for e in group if id(e) not in ctx.used]
        if unused:
            labels = ", ".join(e.label for e in unused[:5]) + (" ..." if len(unused) > 5 else "")
            ctx.report.add(IGNORED, "", rtype, f"{len(unused)} {rtype} resource(s) {NOT_USED}: {labels}")


def _import_questionnaire_response(ctx: ImportContext, entry: Entry) -> None:
    from overturn.fhir.response import import_response_answers

    import_response_answers(ctx, entry)


def _check_case(ctx: ImportContext) -> None:
    """Report what the case still needs; drop (and report) any imported value the case model refuses."""
    from overturn.case.load import case_from_data

    for _ in range(10):
        try:
            case_from_data(ctx.case)
            return
        except InputError as exc:
            refused = [e for e in exc.errors if e.message != "is required"]
            if refused and _drop(ctx.case, refused[0].path):
                ctx.report.add(PROBLEM, refused[0].path, "", f"imported value refused: {refused[0].message}")
                continue
            for err in exc.errors:
                if err.message == "is required":
                    field = REQUIRED_HINT.get(err.path, err.path)
                    ctx.report.add(NEEDED, field, "", "is required: not in the FHIR input, add it by hand")
                else:
                    ctx.report.add(NOTE, err.path, "", err.message)
            return


def _drop(case: dict[str, Any], path: str) -> bool:
    """Remove the value at a case path; inside a list, the whole list item goes (``treatments[2].start``)."""
    match = re.match(r"^([a-z_.]+)\[(\d+)\]", path)
    if match:
        items = _get(case, match.group(1))
        if isinstance(items, list) and int(match.group(2)) < len(items):
            del items[int(match.group(2))]
            return True
        return False
    if not path or _get(case, path) is None:
        return False
    delete_path(case, path)
    return True


def _get(case: dict[str, Any], path: str) -> Any:
    data: Any = case
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
