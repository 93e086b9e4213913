"""The command line: exit 0 on valid input whatever the criteria say, 2 on invalid input naming the field."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overturn.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "packs" / "mild" / "examples"
MA = EXAMPLES / "medicare_advantage.yaml"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_check_json_has_the_documented_shape() -> None:
    result = run("check", MA, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pack"] == "mild" and report["plan_family"] == "medicare"
    assert report["diagnosis_codes"] == ["M48.062", "Z00.6"]
    lf = next(c for c in report["criteria"] if c["id"] == "clinical.ligamentum_flavum")
    assert lf["status"] == "met" and lf["citations"] == [8] and lf["reason"]
    assert report["gaps"] == []


def test_check_exits_0_when_criteria_are_unmet(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "patient: {name: A}\nprocedure: {code: 0275T}\ncoverage: {plan_type: commercial}\n"
        "findings: {ligamentum_flavum_mm: 1.2, spondylolisthesis_grade: 3}\n"
    )
    result = run("check", case, "--json")
    assert result.exit_code == 0
    statuses = {c["id"]: c["status"] for c in json.loads(result.stdout)["criteria"]}
    assert (
        statuses["clinical.ligamentum_flavum"] == "unmet"
        and statuses["clinical.spondylolisthesis"] == "unmet"
    )
    assert len(json.loads(result.stdout)["gaps"]) >= 3


def test_bad_input_exits_2_and_names_every_field(tmp_path: Path) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text(
        "patient: {name: A, birth_date: 2099-01-01}\nprocedure: {code: 0275T}\n"
        "coverage: {plan_type: medigapp}\ndiagnoses: [M48.999]\nfindngs: {}\n"
    )
    result = run("check", case)
    assert result.exit_code == 2
    for expected in (
        "patient.birth_date",
        "coverage.plan_type",
        "did you mean 'medicare_supplement'",
        "diagnoses[0]",
        "unknown key 'findngs'",
    ):
        assert expected in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_missing_case_file_exits_2(tmp_path: Path) -> None:
    result = run("check", tmp_path / "nope.yaml")
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_no_pack_for_the_procedure_names_procedure_code(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("patient: {name: A}\nprocedure: {code: 64483}\n")
    result = run("check", case)
    assert result.exit_code == 2 and "procedure.code" in result.stderr


@pytest.mark.parametrize(
    "fmt,marker",
    [
        ("md", "# Peer-to-peer review brief"),
        ("html", "<!DOCTYPE html>"),
        ("json", '"schema": "overturn.document/1"'),
    ],
)
def test_brief_writes_each_text_format(tmp_path: Path, fmt: str, marker: str) -> None:
    out = tmp_path / f"brief.{fmt}"
    result = run("brief", MA, "-f", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert marker in out.read_text()


def test_brief_to_stdout() -> None:
    result = run("brief", MA, "-f", "md")
    assert result.exit_code == 0 and "NCT03072927" in result.stdout


def test_unknown_format_exits_2(tmp_path: Path) -> None:
    result = run("brief", MA, "-f", "rtf", "-o", tmp_path / "x.rtf")
    assert result.exit_code == 2 and "--format" in result.stderr


def test_batch_reports_failures_and_renders_the_rest(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("patient: {name: A}\nprocedure: {code: nonsense}\n")
    out = tmp_path / "out"
    result = run("brief", MA, EXAMPLES / "commercial.yaml", bad, "-f", "md", "-o", out)
    assert result.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["commercial.md", "medicare_advantage.md"]
    assert "procedure.code" in result.stderr


def test_pack_check_reports_file_key_and_line(tmp_path: Path) -> None:
    good = (EXAMPLES.parent / "pack.yaml").read_text()
    broken = tmp_path / "pack.yaml"
    broken.write_text(
        re.sub(r"(?m)^version: .*$", "version: one", good, count=1).replace(
            "schema: overturn.pack/1", "schema: overturn.pack/1\nflavour: x"
        )
    )
    result = run("pack", "check", broken)
    assert result.exit_code == 2
    assert (
        str(broken) in result.stderr
        and "version (line" in result.stderr
        and "unknown key 'flavour'" in result.stderr
    )
    assert run("pack", "check", EXAMPLES.parent).exit_code == 0


def test_demo_writes_every_format(tmp_path: Path) -> None:
    result = run("demo", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert {p.suffix for p in tmp_path.iterdir()} >= {".md", ".html", ".json"}


def test_the_installed_command_runs_as_a_process(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "overturn", "check", str(MA), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pack"] == "mild"
    bad = tmp_path / "bad.json"
    bad.write_text('{"patient": {"name": "A"}, "procedure": {"code": "0275T"}, "review": {"reviewr": "x"}}')
    proc = subprocess.run(
        [sys.executable, "-m", "overturn", "check", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert (
        proc.returncode == 2 and "review.reviewr" in proc.stderr and "did you mean 'reviewer'" in proc.stderr
    )


def test_a_case_naming_its_pack_may_leave_out_the_procedure_code(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("pack: mild\npatient: {name: A}\ncoverage: {plan_type: FEP}\n")
    result = run("brief", case, "-f", "md")
    assert result.exit_code == 0 and "CPT 0275T" in result.stdout


@pytest.mark.parametrize("text,message", [
    ("patient: {name: A}\n", "is required to choose a pack"),
    ("pack: mild\npatient: {name: A}\nprocedure: {code: 64483}\n", "serves CPT 0275T, not 64483"),
    ("pack: nosuch\npatient: {name: A}\n", "no pack named 'nosuch'"),
])
def test_pack_and_procedure_must_agree(tmp_path: Path, text: str, message: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(text)
    result = run("check", case)
    assert result.exit_code == 2 and message in result.stderr


def test_an_output_path_that_looks_like_markup_is_printed_as_is(tmp_path: Path) -> None:
    out = tmp_path / "[/draft] :thumbs_up: brief.md"
    result = run("brief", MA, "-f", "md", "-o", out)
    assert result.exit_code == 0 and out.exists()
    assert f"wrote {out}" in result.stderr


def test_a_case_cannot_point_pack_at_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("token: hunter2\n")
    case = tmp_path / "case.yaml"
    case.write_text(f"pack: {secret}\npatient: {{name: A}}\nprocedure: {{code: 0275T}}\n")
    result = run("check", case)
    assert result.exit_code == 2 and "not a pack id" in result.stderr
    assert "hunter2" not in result.stderr and "token" not in result.stderr


def test_case_text_that_looks_like_rich_markup_prints_as_is(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text('patient: {name: "Doe [/x] Jane"}\nprocedure: {code: 0275T}\n'
                    'treatments: [{type: medication, name: "[/red]", outcome: failed}]\n')
    result = run("check", case)
    assert result.exit_code == 0, result.output
    assert "Doe [/x] Jane" in result.stdout
