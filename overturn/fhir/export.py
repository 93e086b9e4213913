"""Exports of a case: the QuestionnaireResponse answering the pack Questionnaire, a DocumentReference
carrying the PDF brief, or a collection Bundle of both. Every export is validated with the R4B models
before it is returned; the QuestionnaireResponse is also validated against its Questionnaire."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from overturn.case.errors import FieldError, InputError
from overturn.fhir.questionnaire import questionnaire_for_pack
from overturn.fhir.response import case_to_response
from overturn.fhir.validate_qr import ERROR, validate_response

EXPORT_KINDS = ("questionnaire-response", "document-reference", "bundle")
PdfSource = bytes | Callable[[], bytes]


def export_questionnaire_response(
    case_data: dict[str, Any], pack: str = "mild", authored: datetime | None = None
) -> dict[str, Any]:
    questionnaire, _ = questionnaire_for_pack(pack)
    response = case_to_response(case_data, questionnaire, authored)
    errors = [i for i in validate_response(response, questionnaire) if i.severity == ERROR]
    if errors:
        # the case passed its own model, so a failure here means the fact table and the model disagree
        raise InputError(
            [FieldError(i.link_id or i.expression, i.message) for i in errors], "QuestionnaireResponse"
        )
    return response


def export_document_reference(
    case_data: dict[str, Any], pdf: PdfSource, created: datetime | None = None
) -> dict[str, Any]:
    """A DocumentReference with the brief PDF inline (base64), its size and SHA-1 as FHIR asks."""
    from fhir.resources.R4B.documentreference import DocumentReference

    content = pdf() if callable(pdf) else pdf
    if not content.startswith(b"%PDF"):
        raise InputError([FieldError("pdf", "the brief is not a PDF (it does not start with %PDF)")])
    when = (created or datetime.now(UTC)).isoformat(timespec="seconds")
    name = (case_data.get("patient") or {}).get("name")
    data: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "final",
        "type": {"text": "Peer-to-peer review brief"},
        "description": "Brief prepared for the peer-to-peer review of a prior-authorization denial",
        "date": when,
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(content).decode("ascii"),
                    "size": len(content),
                    "hash": base64.b64encode(hashlib.sha1(content).digest()).decode("ascii"),
                    "title": "Peer-to-peer brief.pdf",
                    "creation": when,
                }
            }
        ],
    }
    if name:
        data["subject"] = {"display": name}
    DocumentReference.model_validate(data)
    return data


def export_bundle(resources: list[dict[str, Any]], timestamp: datetime | None = None) -> dict[str, Any]:
    from fhir.resources.R4B.bundle import Bundle

    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": (timestamp or datetime.now(UTC)).isoformat(timespec="seconds"),
        "entry": [{"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": r} for r in resources],
    }
    Bundle.model_validate(data)
    return data


def export_case(
    case_data: dict[str, Any], kind: str, *, pack: str = "mild", pdf: PdfSource | None = None
) -> dict[str, Any]:
    """One export by kind; ``pdf`` (bytes or a callable giving them) is needed for the document kinds."""
    if kind not in EXPORT_KINDS:
        raise InputError(
            [FieldError("--as", f"'{kind}' is not an export; use one of {', '.join(EXPORT_KINDS)}")]
        )
    if kind == "questionnaire-response":
        return export_questionnaire_response(case_data, pack)
    if pdf is None:
        raise InputError([FieldError("--as", f"{kind} needs the PDF brief, and no PDF writer is available")])
    document = export_document_reference(case_data, pdf)
    if kind == "document-reference":
        return document
    return export_bundle([export_questionnaire_response(case_data, pack), document])
