"""``overturn extract``: JSON fragment, merge into a case, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from overturn.case.load import case_from_data
from overturn.cli.extract import extract_command

NOTE = (
    "HPI: neurogenic claudication, relieved by sitting. Failed 8 weeks of PT. Two ESIs gave temporary relief.\n"
    "MRI: severe central stenosis at L4-5 with LF 5.4 mm. Grade 1 anterolisthesis of L4 on L5.\n"
    "Plan: mild procedure at L4-L5. Dx M48.062.\n"
)
CASE = {"patient": {"name": "Test Patient"}, "procedure": {"code": "0275T"}, "findings": {"nprs": 7}}


@pytest.fixture
def app() -> typer.Typer:
    # The project CLI registers the same function with app.command("extract"); a local app keeps this
    # test independent of the other commands.
    app = typer.Typer()
    app.command("extract")(extract_command)
    app.command("version")(lambda: None)
    return app


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_json_prints_a_fragment_with_the_case_keys_evidence_and_conflicts(
    app: typer.Typer, note: Path
) -> None:
    result = CliRunner().invoke(app, ["extract", str(note), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["findings"]["neurogenic_claudication"] is True
    assert data["findings"]["ligamentum_flavum_mm"] == 5.4
    assert data["procedure"] == {"levels": ["L4-L5"]}
    assert data["diagnoses"] == ["M48.062"]
    assert {t["type"] for t in data["treatments"]} == {"physical_therapy", "epidural_steroid_injection"}
    assert data["conflicts"] == []
    assert all(e["note"] == str(note) for e in data["evidence"])


def test_the_table_is_readable_and_exits_zero(app: typer.Typer, note: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(note)], env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    assert "neurogenic_claudication" in result.stdout


def test_merge_writes_a_valid_case_and_reports_changes_on_stderr(
    app: typer.Typer, note: Path, tmp_path: Path
) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(CASE), encoding="utf-8")
    out = tmp_path / "merged.yaml"
    result = CliRunner().invoke(app, ["extract", str(note), "--merge-into", str(case), "-o", str(out)])
    assert result.exit_code == 0, result.output
    merged = yaml.safe_load(out.read_text(encoding="utf-8"))
    case_from_data(merged)
    assert merged["findings"]["nprs"] == 7
    assert merged["findings"]["stenosis_levels"] == ["L4-L5"]
    assert merged["findings"]["levels"] == [
        {
            "level": "L4-L5",
            "ligamentum_flavum_mm": 5.4,
            "stenosis_severity": "severe",
            "spondylolisthesis_grade": 1,
        }
    ]
    assert "findings.stenosis_levels: filled" in result.stderr
    assert f"findings.levels[L4-L5].ligamentum_flavum_mm: filled with 5.4 [{note}:" in result.stderr


def test_an_unreadable_note_exits_2_with_the_error_on_stderr(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "cannot read the note" in result.stderr


def test_an_invalid_case_to_merge_into_exits_2(app: typer.Typer, note: Path, tmp_path: Path) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text("patient: {name: X}\nprocedure: {code: nope}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(note), "--merge-into", str(case)])
    assert result.exit_code == 2
    assert "procedure.code" in result.stderr
