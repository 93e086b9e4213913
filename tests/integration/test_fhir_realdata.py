"""FHIR import on the real, externally written bundles in shared/realdata/fhir (US Core, Da Vinci PAS/DTR,
the prior-auth reference implementation, Synthea), including the deliberately broken ones."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from overturn.case.errors import InputError
from overturn.fhir.importer import ImportResult, import_fhir
from overturn.fhir.report import IGNORED, NEEDED, PROBLEM, REFERENCE, REPAIRED, TAKEN


@pytest.fixture(scope="module")
def fhir_dir(shared_dir: Path) -> Path:
    return shared_dir / "realdata" / "fhir"


def load(fhir_dir: Path, name: str) -> ImportResult:
    return import_fhir(json.loads((fhir_dir / name).read_text()), name, extractor=None)


def test_the_leading_space_code_is_repaired_and_imported(fhir_dir: Path) -> None:
    result = load(fhir_dir, "davinci_dtr_test_kit/pat015_bundle.json")
    assert result.case["diagnoses"] == ["J44.9", "R09.02", "G30.0"]
    assert any("' G30.0'" in line.detail for line in result.report.of(REPAIRED))
    assert result.case["coverage"]["plan_type"] == "original_medicare"  # class plan "Medicare Part A"


def test_the_icd9_code_is_kept_as_text(fhir_dir: Path) -> None:
    result = load(fhir_dir, "davinci_prior_auth_ri/bundle-request.json")
    assert "diagnoses" not in result.case
    assert any("ICD-9-CM 410.90" in c for c in result.case["other_conditions"])


def test_the_missing_practitioner_is_a_reported_dangling_reference(fhir_dir: Path) -> None:
    result = load(fhir_dir, "davinci_pas_test_kit/missing_referenced_resource_request_bundle.json")
    assert any(
        "Practitioner/ReferralPractitionerExample" in line.detail for line in result.report.of(REFERENCE)
    )
    assert result.case["diagnoses"] == ["G89.4"]
    assert result.case["patient"]["name"] == "JOE SMITH"


def test_the_misspelled_reference_type_is_reported(fhir_dir: Path) -> None:
    result = load(fhir_dir, "davinci_prior_auth_ri/Claim.json")
    assert any("Organizarion/org014" in line.detail for line in result.report.of(REFERENCE))


def test_the_near_empty_bundle_imports_nothing_and_says_what_is_needed(fhir_dir: Path) -> None:
    result = load(fhir_dir, "davinci_pas_test_kit/nonconformant_pas_bundle_v110.json")
    assert result.case == {}
    assert {line.where for line in result.report.of(NEEDED)} >= {"patient.name"}


def test_the_pas_denial_is_taken_and_the_approval_is_not(fhir_dir: Path) -> None:
    denied = load(fhir_dir, "davinci_pas_test_kit/valid_pa_response_bundle_denial.json")
    approved = load(fhir_dir, "davinci_pas_test_kit/valid_pa_response_bundle.json")
    assert denied.case["denial"]["kind"] == "pre_service"
    assert denied.case["denial"]["date"] == "2005-05-02"
    assert "denial" not in approved.case
    assert any("A1" in line.detail for line in approved.report.of(IGNORED))


def test_an_ambiguous_coverage_asks_for_the_plan_type(fhir_dir: Path) -> None:
    result = load(fhir_dir, "us_core/coverage-example.json")  # type PPO: commercial or Medicare Advantage?
    assert "plan_type" not in result.case["coverage"]
    assert result.case["coverage"]["member_id"] == "888009335"
    assert any(line.where == "coverage.plan_type" for line in result.report.of(NEEDED))


def test_synthea_pain_medicines_become_treatments(fhir_dir: Path) -> None:
    result = load(fhir_dir, "synthea_r4/Werner_Funk_88980c97-df54-464c-9fd9-ba079f2f1d98.json")
    names = {t.get("name", "").lower() for t in result.case["treatments"]}
    assert any("oxycodone" in n for n in names) and any("naproxen" in n for n in names)
    assert all(t["type"] == "medication" for t in result.case["treatments"])


def _fhir_files(fhir_dir: Path) -> list[Path]:
    files = []
    for path in sorted(fhir_dir.rglob("*.json")):
        data = json.loads(path.read_text())
        if isinstance(data, dict) and "resourceType" in data:  # CDS Hooks JSON and lists are not FHIR input
            files.append(path)
    return files


def test_every_real_fhir_file_imports_or_fails_with_a_json_path(fhir_dir: Path) -> None:
    used: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    invalid = 0
    for path in _fhir_files(fhir_dir):
        try:
            result = import_fhir(json.loads(path.read_text()), path.name, extractor=None)
        except InputError as exc:
            assert all(e.path for e in exc.errors), exc.render()
            continue
        seen.update(result.report.resource_types)
        used.update(label.split("/")[0] for label in result.report.resources_used())
        invalid += len({line.resource for line in result.report.of(PROBLEM) if line.resource})
        assert all(line.resource for line in result.report.of(TAKEN))
    total = sum(seen.values())
    print(
        f"\nFHIR import over {len(_fhir_files(fhir_dir))} real files: {total} resources, "
        f"{sum(used.values())} contributed to a case, {invalid} not valid R4"
    )
    for rtype, count in seen.most_common():
        print(f"  {rtype:22} {used[rtype]:4} / {count}")
    assert used["Patient"] > 0 and used["Coverage"] > 0 and used["Condition"] > 0


def test_pre_r4_string_statuses_are_repaired_and_the_three_diagnoses_arrive(fhir_dir: Path) -> None:
    # bundle-dtr.json (Da Vinci prior-auth RI) writes "clinicalStatus": "active", "verificationStatus": "confirmed"
    result = load(fhir_dir, "davinci_prior_auth_ri/bundle-dtr.json")
    assert result.case["diagnoses"] == ["J44.9", "R09.02", "E11.21"]
    repaired = {line.detail.split(":")[0] for line in result.report.of(REPAIRED)}
    assert repaired == {
        f"entry[{i}].resource.{field}"
        for i in (4, 5, 6)
        for field in ("clinicalStatus", "verificationStatus")
    }
    assert not any(line.resource.startswith("Condition/") for line in result.report.of(PROBLEM))


def test_the_agency_name_is_not_read_as_a_medicaid_plan(fhir_dir: Path) -> None:
    # Payor "Centers for Medicare and Medicaid Services" with a "Medicare Part D" plan: no plan type is safe.
    result = load(fhir_dir, "davinci_prior_auth_ri/bundle-prior-auth.json")
    assert "plan_type" not in result.case.get("coverage", {})
    assert any("choose the plan type" in line.detail for line in result.report.lines)
