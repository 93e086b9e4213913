"""FHIR import: pre-R4 Condition statuses written as strings are repaired and reported; the note extractor's
level-by-level findings and walking tolerance in words reach the case, merged across documents."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from overturn.fhir.importer import import_fhir
from overturn.fhir.report import IGNORED, NEEDED, PROBLEM, REPAIRED, TAKEN

PATIENT = {"resourceType": "Patient", "id": "p1", "name": [{"given": ["Ada"], "family": "Lovelace"}]}
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in (PATIENT, *resources)],
    }


def condition(clinical: Any, verification: Any = "confirmed", code: str = "M48.062") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": "c1",
        "clinicalStatus": clinical,
        "verificationStatus": verification,
        "code": {"coding": [{"system": ICD10, "code": code}]},
        "subject": {"reference": "Patient/p1"},
    }


def lines(result: Any, action: str) -> list[tuple[str, str]]:
    return [(line.where, line.detail) for line in result.report.of(action)]


# ---- pre-R4 statuses --------------------------------------------------------------------------------------------


def test_string_statuses_are_wrapped_into_codeable_concepts_and_reported_with_their_path() -> None:
    result = import_fhir(bundle(condition("active", "confirmed")), extractor=None)
    assert result.case["diagnoses"] == ["M48.062"]
    repairs = [detail for _, detail in lines(result, REPAIRED)]
    assert repairs == [
        "entry[1].resource.clinicalStatus: pre-R4 status 'active' read as the code 'active' of "
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        "entry[1].resource.verificationStatus: pre-R4 status 'confirmed' read as the code 'confirmed' of "
        "http://terminology.hl7.org/CodeSystem/condition-ver-status",
    ]
    assert lines(result, PROBLEM) == []


def test_a_repaired_resolved_status_still_means_resolved() -> None:
    result = import_fhir(bundle(condition("resolved")), extractor=None)
    assert "diagnoses" not in result.case
    assert any("condition is confirmed, resolved" in detail for _, detail in lines(result, IGNORED))


def test_a_refuted_verification_written_as_a_string_is_not_a_diagnosis() -> None:
    result = import_fhir(bundle(condition("active", "refuted")), extractor=None)
    assert "diagnoses" not in result.case


def test_case_and_blanks_of_a_known_code_do_not_matter() -> None:
    result = import_fhir(bundle(condition(" Active", "Confirmed")), extractor=None)
    assert result.case["diagnoses"] == ["M48.062"]
    assert len(lines(result, REPAIRED)) == 2


@pytest.mark.parametrize("status", ["ongoing", "yes", ""])
def test_a_string_that_is_not_a_status_code_stays_a_problem(status: str) -> None:
    result = import_fhir(bundle(condition(status, {"coding": [{"code": "confirmed"}]})), extractor=None)
    assert "diagnoses" not in result.case
    assert [where for where, _ in lines(result, PROBLEM)] == ["entry[1].resource.clinicalStatus"]
    assert lines(result, REPAIRED) == []


def test_a_single_condition_resource_is_repaired_with_a_path_from_its_root() -> None:
    result = import_fhir(condition("active", {"coding": [{"code": "confirmed"}]}), extractor=None)
    assert [detail.split(":")[0] for _, detail in lines(result, REPAIRED)] == ["clinicalStatus"]
    assert result.case["diagnoses"] == ["M48.062"]


def test_the_input_is_not_changed_by_a_repair() -> None:
    data = bundle(condition("active"))
    import_fhir(data, extractor=None)
    assert data["entry"][1]["resource"]["clinicalStatus"] == "active"


# ---- extractor fields through DiagnosticReport text ----------------------------------------------------------------


def report(rid: str, text: str) -> dict[str, Any]:
    return {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "status": "final",
        "code": {"text": "MRI lumbar spine"},
        "subject": {"reference": "Patient/p1"},
        "presentedForm": [{"contentType": "text/plain", "data": base64.b64encode(text.encode()).decode()}],
    }


def test_the_real_extractor_fills_levels_and_walking_words_from_report_text() -> None:
    mri = report(
        "mri", "L3-4: Mild central canal stenosis.\nL4-5: LF 5.8 mm with severe central canal stenosis."
    )
    clinic = report("clinic", "He can walk 2 blocks before he must sit.")
    result = import_fhir(bundle(mri, clinic))  # extractor="auto": overturn.extract is installed
    findings = result.case["findings"]
    assert findings["walking_tolerance_text"] == "2 blocks"
    assert findings["levels"] == [
        {"level": "L3-L4", "stenosis_severity": "mild"},
        {"level": "L4-L5", "ligamentum_flavum_mm": 5.8, "stenosis_severity": "severe"},
    ]
    taken = [detail for _, detail in lines(result, TAKEN)]
    assert "findings.levels[L4-L5].ligamentum_flavum_mm = 5.8 (note extractor)" in taken
    assert "findings.walking_tolerance_text = 2 blocks (note extractor)" in taken


def fake_extractor(text: str) -> dict[str, Any]:
    # a stand-in for overturn.extract: "L4-L5 5.0 severe" -> one level entry
    level, mm, severity = text.split()
    return {
        "findings.levels": [
            {"level": level, "ligamentum_flavum_mm": float(mm), "stenosis_severity": severity}
        ]
    }


def test_levels_from_two_reports_merge_and_a_disagreement_is_left_for_the_office() -> None:
    result = import_fhir(
        bundle(
            report("a", "L4-L5 5.0 severe"), report("b", "L4-L5 6.0 severe"), report("c", "L3-L4 3.0 mild")
        ),
        extractor=fake_extractor,
    )
    assert result.case["findings"]["levels"] == [
        {"level": "L3-L4", "ligamentum_flavum_mm": 3.0, "stenosis_severity": "mild"},
        {"level": "L4-L5", "stenosis_severity": "severe"},
    ]
    [(where, detail)] = lines(result, NEEDED)
    assert where == "findings.levels[L4-L5].ligamentum_flavum_mm"
    assert "5.0 in DiagnosticReport/a, 6.0 in DiagnosticReport/b" in detail


def test_a_third_report_does_not_revive_a_disputed_value() -> None:
    result = import_fhir(
        bundle(
            report("a", "L4-L5 5.0 severe"), report("b", "L4-L5 6.0 severe"), report("c", "L4-L5 5.0 severe")
        ),
        extractor=fake_extractor,
    )
    assert result.case["findings"]["levels"] == [{"level": "L4-L5", "stenosis_severity": "severe"}]
    assert any("not used, the sources disagree" in detail for _, detail in lines(result, IGNORED))


@pytest.mark.parametrize(
    "text", ["L4-L5 5.0 severe", "Severe stenosis at L4-5; walks 2 blocks.", "Ligamentum flavum 5 mm"]
)
def test_attachment_text_arrives_intact(text: str) -> None:
    # fhir.resources has already decoded base64Binary; decoding again garbled these texts
    seen: list[str] = []
    import_fhir(bundle(report("r", text)), extractor=lambda t: seen.append(t) or {})
    assert seen == [text]
