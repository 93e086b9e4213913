"""The QuestionnaireResponse validator against the HL7 fhir-test-cases suite and the Inferno DTR fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overturn.fhir.suite import run_suite, summary
from overturn.fhir.validate_qr import validate_response

# Agreement per question with the HL7 Java validator's expected outcome. The misses left are terminology
# checks (value sets named by URL need a terminology server) and one unknown-extension error.
THRESHOLD = 0.90


def test_agreement_with_the_reference_validator_per_question(shared_dir: Path) -> None:
    results = run_suite(shared_dir / "realdata" / "fhir_qr_validation_suite")
    figures = summary(results)
    print(
        f"\nQR suite: {figures['cases']} cases, {figures['questions']} questions; agreement per question "
        f"{figures['question_agreement']:.1%}, per case (same set of questions in error) {figures['case_agreement']:.1%}"
    )
    for r in results:
        if not r.exact:
            print(f"  differs: {r.name}: expected {sorted(r.expected)}, found {sorted(r.found)}")
    assert figures["question_agreement"] >= THRESHOLD
    assert figures["case_agreement"] >= THRESHOLD


ENABLE_WHEN = "realdata/fhir/davinci_dtr_test_kit/enable_when"


@pytest.mark.parametrize("base", ["enable_when_multiple_parent", "enable_when_search"])
def test_enable_when_fixtures_valid_pass_and_invalid_fail_where_marked(shared_dir: Path, base: str) -> None:
    folder = shared_dir / ENABLE_WHEN
    q = json.loads((folder / f"{base}_questionnaire.json").read_text())
    valid = json.loads((folder / f"{base}_valid_response.json").read_text())
    invalid = json.loads((folder / f"{base}_invalid_response.json").read_text())
    assert validate_response(valid, q) == []
    marked = json.dumps(invalid).count("expected error")
    assert len([i for i in validate_response(invalid, q) if i.severity == "error"]) == marked
