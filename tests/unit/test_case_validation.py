"""Case files: normalization on the way in, and every problem reported at once with its field path."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from overturn.case import InputError, case_from_data, load_case

BASE = {"patient": {"name": "Jane Q. Doe", "birth_date": "1949-05-02"}, "procedure": {"code": "0275T"}}


def errors_of(data: dict) -> dict[str, str]:
    with pytest.raises(InputError) as info:
        case_from_data(data)
    return {e.path: e.message for e in info.value.errors}


def test_minimal_case_is_valid_and_leaves_unknowns_unknown() -> None:
    case = case_from_data(BASE)
    assert case.treatments is None and case.prior_lumbar_procedures is None
    assert case.findings.ligamentum_flavum_mm is None


def test_slashed_zeros_and_missing_dots_are_normalized_everywhere() -> None:
    case = case_from_data(
        {**BASE, "diagnoses": ["M48.Ø62", "m51.362", "M48062"], "procedure": {"code": "Ø275t"}}
    )
    assert case.diagnoses == ["M48.062", "M51.362"]  # duplicates folded after normalization
    assert case.procedure.code == "0275T"


def test_all_problems_are_reported_together_with_paths() -> None:
    found = errors_of(
        {
            "patient": {"name": "", "birth_date": (date.today() + timedelta(days=1)).isoformat()},
            "procedure": {"code": "abc", "levels": ["L4L5x"]},
            "diagnoses": ["M48.069"],
            "physician": {"name": "Dr X", "npi": "1234567890"},
            "findings": {"nprs": 11, "spondylolisthesis_grade": -1},
            "treatments": [{"type": "physical_therapy", "outcome": "great"}],
        }
    )
    assert set(found) == {
        "patient.name",
        "patient.birth_date",
        "procedure.code",
        "procedure.levels[0]",
        "diagnoses[0]",
        "physician.npi",
        "findings.nprs",
        "findings.spondylolisthesis_grade",
        "treatments[0].outcome",
    }
    assert "future" in found["patient.birth_date"]
    assert "2026 code set" in found["diagnoses[0]"]


def test_unknown_keys_are_rejected_with_a_suggestion() -> None:
    found = errors_of({**BASE, "findngs": {}, "procedure": {"code": "0275T", "planed_date": "2027-01-01"}})
    assert found["findngs"] == "unknown key 'findngs'; did you mean 'findings'?"
    assert "did you mean 'planned_date'" in found["procedure.planed_date"]


def test_missing_required_parts_are_named() -> None:
    found = errors_of({"coverage": {}})
    assert found == {"patient": "is required"}  # the procedure code may come from the named pack


@pytest.mark.parametrize(
    "raw,stored",
    [
        ("2026-03-02", "2026-03-02"),
        ("2026-03", "2026-03"),
        ("03/2026", "2026-03"),
        ("3/2/2026", "2026-03-02"),
        ("2026", "2026"),
    ],
)
def test_prior_procedure_dates_may_be_partial(raw: str, stored: str) -> None:
    case = case_from_data({**BASE, "prior_lumbar_procedures": [{"type": "fusion", "date": raw}]})
    assert case.prior_lumbar_procedures[0].date == stored


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13", "1850-01-01", "last spring"])
def test_impossible_dates_are_rejected(raw: str) -> None:
    found = errors_of({**BASE, "prior_lumbar_procedures": [{"type": "fusion", "date": raw}]})
    assert list(found) == ["prior_lumbar_procedures[0].date"]


def test_spinal_levels_are_normalized() -> None:
    case = case_from_data({**BASE, "procedure": {"code": "0275T", "levels": ["l4-5", "L5 - S1", "L3/L4"]}})
    assert case.procedure.levels == ["L4-L5", "L5-S1", "L3-L4"]


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "case.yaml"
    bad.write_text("patient:\n  name: [unclosed\nprocedure: {code: 0275T}\n")
    with pytest.raises(InputError) as info:
        load_case(bad)
    assert "line" in str(info.value) and str(bad) in str(info.value)


def test_a_case_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "case.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(InputError, match="must be a mapping"):
        load_case(bad)


def test_numbers_in_text_fields_are_kept_as_text() -> None:
    case = case_from_data(
        {**BASE, "coverage": {"member_id": 12345}, "physician": {"name": "Dr X", "npi": 1234567893}}
    )
    assert case.coverage.member_id == "12345" and case.physician.npi == "1234567893"


def test_unquoted_impossible_dates_in_yaml_are_field_errors(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "patient: {name: A, birth_date: 1950-02-30}\nprocedure: {code: 0275T, planned_date: 2027-02-30}\n"
    )
    with pytest.raises(InputError) as info:
        load_case(path)
    assert {e.path for e in info.value.errors} == {"patient.birth_date", "procedure.planned_date"}


def test_a_key_written_twice_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("patient: {name: First}\nprocedure: {code: 0275T}\npatient: {name: Second}\n")
    with pytest.raises(InputError, match=r"line 3.*'patient' appears twice"):
        load_case(path)


@pytest.mark.parametrize(
    "field,value",
    [
        ("odi", True),
        ("nprs", False),
        ("ligamentum_flavum_mm", float("nan")),
        ("walking_tolerance_ft", float("inf")),
    ],
)
def test_scores_must_be_real_finite_numbers(field: str, value: object) -> None:
    assert list(errors_of({**BASE, "findings": {field: value}})) == [f"findings.{field}"]


@pytest.mark.parametrize("value", [0, 1949, 1949.5])
def test_a_bare_number_is_not_a_birth_date(value: object) -> None:
    assert (
        "YYYY-MM-DD"
        in errors_of({**BASE, "patient": {"name": "A", "birth_date": value}})["patient.birth_date"]
    )


def test_a_category_is_not_a_billable_diagnosis_and_the_error_names_specific_codes() -> None:
    message = errors_of({**BASE, "diagnoses": ["M48.06"]})["diagnoses[0]"]
    assert "not a billable code" in message and "M48.061" in message and "M48.062" in message


def test_level_by_level_findings_fill_a_missing_summary_with_the_worst_level() -> None:
    case = case_from_data({**BASE, "findings": {"levels": [
        {"level": "L4-L5", "ligamentum_flavum_mm": 4.2, "spondylolisthesis_grade": 3, "stenosis_severity": "moderate"},
        {"level": "L3-L4", "ligamentum_flavum_mm": 2.0, "stenosis_severity": "severe"}]}})
    f = case.findings
    assert (f.ligamentum_flavum_mm, f.spondylolisthesis_grade, f.stenosis_severity) == (4.2, 3, "severe")


def test_a_summary_milder_than_a_level_is_an_error() -> None:
    found = errors_of({**BASE, "findings": {"spondylolisthesis_grade": 1,
                                            "levels": [{"level": "L4-L5", "spondylolisthesis_grade": 3}]}})
    assert "levels gives 3 at L4-L5" in found["findings"]
