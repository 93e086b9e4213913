"""Exports: the pack Questionnaire, case -> QuestionnaireResponse -> case round trips, DocumentReference and
Bundle validated with the R4B models; the fhir CLI's exit codes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from overturn.case.load import case_from_data, case_to_data, load_case
from overturn.cli.fhir import app
from overturn.fhir.export import export_case
from overturn.fhir.facts import FACT_ITEMS
from overturn.fhir.questionnaire import iter_items, questionnaire_for_pack
from overturn.fhir.response import response_to_case
from overturn.fhir.validate_qr import validate_questionnaire, validate_response

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "packs" / "mild" / "examples").glob("*.yaml"))
FAKE_PDF = b"%PDF-1.7\n% a stand-in for the rendered brief\n%%EOF\n"


def asked(questionnaire: dict[str, Any]) -> set[str]:
    return {i["linkId"] for i in iter_items(questionnaire["item"]) if i["linkId"] in FACT_ITEMS}


def test_the_questionnaire_asks_every_fact_the_mild_criteria_read() -> None:
    questionnaire, facts = questionnaire_for_pack("mild")
    assert facts.unknown == []
    assert set(facts.facts) <= asked(questionnaire)
    assert {
        "findings.ligamentum_flavum_mm",
        "findings.spondylolisthesis_grade",
        "treatments",
        "coverage.plan_type",
    } <= set(facts.facts)
    assert validate_questionnaire(questionnaire) == []
    lf = next(i for i in iter_items(questionnaire["item"]) if i["linkId"] == "findings.ligamentum_flavum_mm")
    assert lf["type"] == "decimal" and lf["extension"][0]["valueCoding"]["code"] == "mm"
    plan = next(i for i in iter_items(questionnaire["item"]) if i["linkId"] == "coverage.plan_type")
    assert len(plan["answerOption"]) == 9


def _pick(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        data = (data or {}).get(key)  # type: ignore[assignment]
    return data


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_case_to_questionnaire_response_to_case_keeps_every_asked_fact(example: Path) -> None:
    questionnaire, _ = questionnaire_for_pack("mild")
    original = case_to_data(load_case(example))
    response = export_case(original, "questionnaire-response")
    assert validate_response(response, questionnaire) == []
    back = case_to_data(case_from_data(response_to_case(response)))
    for path in asked(questionnaire):
        assert _pick(back, path) == _pick(original, path), path


def test_unknown_lists_stay_unknown_and_empty_lists_stay_empty() -> None:
    case = case_to_data(load_case(EXAMPLES[0]))
    case["treatments"] = []
    case.pop("prior_lumbar_procedures", None)
    back = response_to_case(export_case(case, "questionnaire-response"))
    assert back["treatments"] == []
    assert "prior_lumbar_procedures" not in back


def test_the_document_reference_carries_the_pdf_and_the_bundle_holds_both() -> None:
    case = case_to_data(load_case(EXAMPLES[0]))
    doc = export_case(case, "document-reference", pdf=FAKE_PDF)
    attachment = doc["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]) == FAKE_PDF and attachment["size"] == len(FAKE_PDF)
    bundle = export_case(case, "bundle", pdf=lambda: FAKE_PDF)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "QuestionnaireResponse",
        "DocumentReference",
    ]


def test_cli_import_writes_a_case_and_reports_to_stderr(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    bundle = shared_dir / "realdata/fhir/davinci_dtr_test_kit/pat015_bundle.json"
    result = CliRunner().invoke(app, ["import", str(bundle), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "G30.0" in out.read_text()


def test_cli_import_of_malformed_json_exits_2_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"resourceType": "Bundle", "type": "collection", "entry": [1]}')
    result = CliRunner().invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "entry[0]" in result.output and "Traceback" not in result.output


def test_cli_questionnaire_export_and_validation_agree(tmp_path: Path) -> None:
    runner = CliRunner()
    q, qr = tmp_path / "q.json", tmp_path / "qr.json"
    assert runner.invoke(app, ["questionnaire", "mild", "-o", str(q)]).exit_code == 0
    assert (
        runner.invoke(
            app, ["export", str(EXAMPLES[0]), "--as", "questionnaire-response", "-o", str(qr)]
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["validate-qr", str(qr), "--questionnaire", str(q)]).exit_code == 0
    broken = json.loads(qr.read_text())
    broken["item"][0]["item"].append({"linkId": "nonsense", "answer": [{"valueString": "x"}]})
    qr.write_text(json.dumps(broken))
    result = runner.invoke(app, ["validate-qr", str(qr), "--questionnaire", str(q)])
    assert result.exit_code == 2 and "nonsense" in result.output
