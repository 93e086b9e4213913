"""FHIR import on small hand-made resources: one behaviour per test."""

from __future__ import annotations

from typing import Any

import pytest

from overturn.case.errors import InputError
from overturn.fhir.importer import import_fhir
from overturn.fhir.report import IGNORED, NEEDED, NOT_EXTRACTED, PROBLEM, REFERENCE, REPAIRED, TAKEN

PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "name": [{"given": ["Ada"], "family": "Lovelace"}],
    "birthDate": "1950-03-04",
}
CPT = "http://www.ama-assn.org/go/cpt"


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in (PATIENT, *resources)]}


def run(data: dict[str, Any]) -> Any:
    return import_fhir(data, extractor=None)


def details(result: Any, action: str) -> list[str]:
    return [line.detail for line in result.report.of(action)]


def test_it_reads_a_single_patient_resource() -> None:
    result = run(PATIENT)
    assert result.case["patient"] == {"name": "Ada Lovelace", "birth_date": "1950-03-04"}
    assert result.report.bundle_type is None


@pytest.mark.parametrize("kind", ["transaction", "collection", "searchset"])
def test_it_accepts_the_common_bundle_types(kind: str) -> None:
    assert run(bundle(kind=kind)).case["patient"]["name"] == "Ada Lovelace"


def test_malformed_envelope_errors_name_the_json_path() -> None:
    bad = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": PATIENT}, 7, {"resource": {"id": "x"}}],
    }
    with pytest.raises(InputError) as caught:
        run(bad)
    assert [e.path for e in caught.value.errors] == ["entry[1]", "entry[2].resource"]


def test_an_unknown_resource_type_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        run({"resourceType": "Chicken"})
    assert caught.value.errors[0].path == "resourceType"


def test_an_invalid_entry_is_reported_with_its_path_and_the_rest_imported() -> None:
    broken = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "onsetDateTime": "yesterday",
    }
    result = run(bundle(broken))
    assert result.case["patient"]["name"] == "Ada Lovelace"
    assert any(line.where == "entry[1].resource.onsetDateTime" for line in result.report.of(PROBLEM))


def test_blanks_around_a_code_are_repaired_and_reported() -> None:
    cond = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": " M48.062"}]},
    }
    result = run(bundle(cond))
    assert result.case["diagnoses"] == ["M48.062"]
    assert result.report.of(REPAIRED)


def test_non_icd10_conditions_are_kept_as_text_not_as_diagnoses() -> None:
    cond = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p1"},
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/sid/icd-9-cm", "code": "724.02"}],
            "text": "Spinal stenosis, lumbar",
        },
    }
    result = run(bundle(cond))
    assert "diagnoses" not in result.case
    assert result.case["other_conditions"] == ["Spinal stenosis, lumbar (ICD-9-CM 724.02)"]
    assert "narrative" not in result.case  # the generated history narrative stays in charge


def test_resolved_conditions_are_ignored() -> None:
    cond = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p1"},
        "clinicalStatus": {"coding": [{"code": "resolved"}]},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M48.062"}]},
    }
    assert "diagnoses" not in run(bundle(cond)).case


def test_a_dangling_reference_is_reported_not_fatal() -> None:
    cov = {
        "resourceType": "Coverage",
        "status": "active",
        "beneficiary": {"reference": "Patient/p1"},
        "payor": [{"reference": "Organization/missing"}],
        "subscriberId": "M1",
    }
    result = run(bundle(cov))
    assert result.case["coverage"]["member_id"] == "M1"
    assert any("Organization/missing" in d for d in details(result, REFERENCE))


def coverage(**extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Coverage",
        "status": "active",
        "beneficiary": {"reference": "Patient/p1"},
        "payor": [{"reference": "Organization/o1"}],
        **extra,
    }


ORG = {"resourceType": "Organization", "id": "o1", "name": "Humana"}


def test_plan_type_comes_from_the_payment_typology_code() -> None:
    cov = coverage(type={"coding": [{"system": "https://nahdo.org/sopt", "code": "111"}]})
    result = run(bundle(cov, ORG))
    assert result.case["coverage"]["plan_type"] == "medicare_advantage"
    assert result.case["coverage"]["insurer"] == "Humana"


def test_plan_type_is_left_empty_when_the_signals_disagree() -> None:
    cov = coverage(
        **{
            "type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "111"}]},
            "class": [{"type": {"coding": [{"code": "plan"}]}, "value": "Medicaid Managed Care"}],
        }
    )
    result = run(bundle(cov, ORG))
    assert "plan_type" not in result.case["coverage"]
    assert any(
        line.where == "coverage.plan_type" and "choose the plan type" in line.detail
        for line in result.report.of(NEEDED)
    )


def test_a_mild_service_request_fills_the_procedure() -> None:
    sr = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": CPT, "code": "0275T"}]},
        "occurrenceDateTime": "2026-05-01",
        "bodySite": [{"text": "L4-5"}],
    }
    result = run(bundle(sr))
    assert result.case["procedure"] == {"code": "0275T", "planned_date": "2026-05-01", "levels": ["L4-L5"]}
    assert not [line for line in result.report.of(NEEDED) if line.where.startswith("procedure")]


def procedure(code: str | None, text: str, when: str) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text}
    if code:
        concept["coding"] = [{"system": CPT, "code": code}]
    return {
        "resourceType": "Procedure",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "code": concept,
        "performedDateTime": when,
    }


def test_prior_lumbar_operations_and_conservative_care_are_told_apart() -> None:
    result = run(
        bundle(
            procedure("63047", "Lumbar laminectomy", "2019-06"),
            procedure("97110", "Therapeutic exercise", "2025-01-05"),
            procedure("97110", "Therapeutic exercise", "2025-02-20"),
            procedure(None, "Cervical fusion", "2015"),
            procedure(None, "Spinal fusion", "2016"),
        )
    )
    prior = result.case["prior_lumbar_procedures"]
    assert {
        "type": "laminectomy",
        "region": "lumbar",
        "date": "2019-06",
        "description": "Lumbar laminectomy",
    } in prior
    assert {"type": "fusion", "region": "cervical", "date": "2015", "description": "Cervical fusion"} in prior
    assert len(prior) == 2  # "Spinal fusion" names no region and is left for a person
    assert result.case["treatments"] == [
        {"type": "physical_therapy", "count": 2, "start": "2025-01-05", "end": "2025-02-20"}
    ]


def observation(code: dict[str, Any], value: dict[str, Any], when: str = "2026-01-10") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "subject": {"reference": "Patient/p1"},
        "code": code,
        "effectiveDateTime": when,
        **value,
    }


def test_odi_by_loinc_and_the_newest_value_wins() -> None:
    odi = {"coding": [{"system": "http://loinc.org", "code": "97909-6"}]}
    result = run(
        bundle(
            observation(odi, {"valueQuantity": {"value": 52}}, "2026-02-01"),
            observation(odi, {"valueQuantity": {"value": 30}}, "2025-02-01"),
        )
    )
    assert result.case["findings"]["odi"] == 52


def test_ligamentum_flavum_in_cm_is_converted_and_the_thickest_level_kept() -> None:
    lf = {"text": "Ligamentum flavum thickness L4-5"}
    result = run(
        bundle(
            observation(lf, {"valueQuantity": {"value": 0.41, "unit": "cm"}}),
            observation(lf, {"valueString": "3.1 mm"}),
        )
    )
    assert result.case["findings"]["ligamentum_flavum_mm"] == 4.1


def test_only_pain_medicines_become_treatments() -> None:
    def med(name: str, when: str) -> dict[str, Any]:
        return {
            "resourceType": "MedicationRequest",
            "status": "stopped",
            "intent": "order",
            "subject": {"reference": "Patient/p1"},
            "medicationCodeableConcept": {"text": name},
            "authoredOn": when,
        }

    result = run(
        bundle(
            med("Gabapentin 300 MG", "2025-01-01"),
            med("Gabapentin 300 MG", "2025-04-01"),
            med("Amoxicillin 500 MG", "2025-02-01"),
        )
    )
    assert result.case["treatments"] == [
        {"type": "medication", "name": "Gabapentin 300 MG", "start": "2025-01-01", "end": "2025-04-01"}
    ]
    assert any("Amoxicillin" in d for d in details(result, IGNORED))


def test_a_pas_denial_fills_the_denial() -> None:
    cr = {
        "resourceType": "ClaimResponse",
        "status": "active",
        "type": {"coding": [{"code": "professional"}]},
        "use": "preauthorization",
        "patient": {"reference": "Patient/p1"},
        "created": "2026-03-02",
        "insurer": {"display": "Humana"},
        "outcome": "complete",
        "preAuthRef": "PA-1",
        "disposition": "Denied: investigational procedure",
    }
    denial = run(bundle(cr)).case["denial"]
    assert denial == {
        "kind": "pre_service",
        "date": "2026-03-02",
        "reference": "PA-1",
        "reason_text": "Denied: investigational procedure",
        "reason": "investigational",
    }


def test_document_text_is_kept_when_no_extractor_is_installed() -> None:
    doc = {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "code": {"text": "MRI lumbar"},
        "subject": {"reference": "Patient/p1"},
        "conclusion": "Severe stenosis at L4-5",
    }
    result = run(bundle(doc))
    assert any("Severe stenosis at L4-5" in d for d in details(result, NOT_EXTRACTED))


def test_document_text_goes_through_the_extractor_when_given() -> None:
    doc = {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "code": {"text": "MRI lumbar"},
        "subject": {"reference": "Patient/p1"},
        "conclusion": "Ligamentum flavum 4 mm",
    }
    result = import_fhir(
        bundle(doc), extractor=lambda text: {"findings.ligamentum_flavum_mm": 4.0} if "4 mm" in text else {}
    )
    assert result.case["findings"]["ligamentum_flavum_mm"] == 4.0
    assert any("note extractor" in d for d in details(result, TAKEN))


def test_resources_of_another_patient_are_ignored() -> None:
    other = {"resourceType": "Patient", "id": "p2", "name": [{"text": "Someone Else"}]}
    cond = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p2"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M48.062"}]},
    }
    result = run(bundle(other, cond))
    assert result.case["patient"]["name"] == "Ada Lovelace"
    assert "diagnoses" not in result.case


def test_a_category_code_is_kept_as_words_so_the_imported_case_validates() -> None:
    from overturn.case import case_from_data

    cond = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M48.06",
                             "display": "Spinal stenosis, lumbar region"}]},
    }
    result = run(bundle(cond))
    assert "diagnoses" not in result.case
    assert result.case["other_conditions"] == ["Spinal stenosis, lumbar region (ICD-10-CM category M48.06)"]
    case_from_data({**result.case, "patient": {"name": "A"}, "procedure": {"code": "0275T"}})
