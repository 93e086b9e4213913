"""The mild pack's criteria at and around their thresholds; missing facts are unknown, never met."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from overturn.case import case_from_data
from overturn.criteria import Status, evaluate_criteria
from overturn.packs.load import load_pack

TODAY = date(2026, 12, 4)
PLANNED = "2027-01-12"


@pytest.fixture(scope="module")
def pack():
    return load_pack("mild")


def make_case(**overrides: Any) -> Any:
    data: dict[str, Any] = {
        "patient": {"name": "Test Patient", "birth_date": "1950-01-01"},
        "coverage": {"plan_type": "medicare_advantage"},
        "diagnoses": ["M48.062"],
        "procedure": {"code": "0275T", "planned_date": PLANNED},
        "findings": {
            "neurogenic_claudication": True,
            "ligamentum_flavum_mm": 4.0,
            "spondylolisthesis_grade": 1,
        },
        "treatments": [{"type": "physical_therapy", "weeks": 6, "outcome": "failed"}],
        "prior_lumbar_procedures": [],
    }
    for key, value in overrides.items():
        if "__" in key:
            outer, inner = key.split("__")
            data[outer] = {**data[outer], inner: value}
        else:
            data[key] = value
    return case_from_data(data)


def status(pack, case, criterion: str) -> Status | None:
    return evaluate_criteria(case, pack, TODAY).status(criterion)


def test_complete_medicare_case_meets_every_criterion(pack) -> None:
    ev = evaluate_criteria(make_case(), pack, TODAY)
    assert [r.id for r in ev.results] == [
        "clinical.lss_diagnosis",
        "clinical.neurogenic_claudication",
        "clinical.ligamentum_flavum",
        "clinical.spondylolisthesis",
        "clinical.conservative_care",
        "ced.medicare_beneficiary",
        "ced.lss_with_nc",
        "ced.no_recent_lumbar_procedure",
    ]
    assert all(r.status is Status.MET for r in ev.results)
    assert ev.gaps == []


@pytest.mark.parametrize(
    "mm,expected",
    [
        (2.4, Status.UNMET),
        (2.49, Status.UNMET),
        (2.5, Status.MET),
        (2.51, Status.MET),
        (None, Status.UNKNOWN),
    ],
)
def test_ligamentum_flavum_threshold_is_2_5_mm_inclusive(pack, mm, expected) -> None:
    assert (
        status(pack, make_case(findings__ligamentum_flavum_mm=mm), "clinical.ligamentum_flavum") is expected
    )


def test_ligamentum_flavum_result_carries_fact_reason_and_citation(pack) -> None:
    ev = evaluate_criteria(make_case(findings__ligamentum_flavum_mm=2.4), pack, TODAY)
    result = next(r for r in ev.results if r.id == "clinical.ligamentum_flavum")
    assert result.facts == {"findings.ligamentum_flavum_mm": 2.4}
    assert "2.4" in result.reason and "2.5" in result.reason
    assert 8 in result.citations and result.gap is None


@pytest.mark.parametrize(
    "grade,expected",
    [(0, Status.MET), (2, Status.MET), (3, Status.UNMET), (4, Status.UNMET), (None, Status.UNKNOWN)],
)
def test_spondylolisthesis_up_to_grade_2(pack, grade, expected) -> None:
    assert (
        status(pack, make_case(findings__spondylolisthesis_grade=grade), "clinical.spondylolisthesis")
        is expected
    )


@pytest.mark.parametrize(
    "value,expected", [(True, Status.MET), (False, Status.UNMET), (None, Status.UNKNOWN)]
)
def test_neurogenic_claudication_flag(pack, value, expected) -> None:
    case = make_case(findings__neurogenic_claudication=value)
    assert status(pack, case, "clinical.neurogenic_claudication") is expected
    assert status(pack, case, "ced.lss_with_nc") is expected


@pytest.mark.parametrize(
    "codes,expected",
    [
        (["M48.062"], Status.MET),
        (["M48.061"], Status.UNMET),
        ([], Status.UNKNOWN),
        (["M51.362", "M48.062"], Status.MET),
    ],
)
def test_lss_diagnosis_code(pack, codes, expected) -> None:
    assert status(pack, make_case(diagnoses=codes), "clinical.lss_diagnosis") is expected


@pytest.mark.parametrize(
    "treatments,expected",
    [
        (None, Status.UNKNOWN),
        ([], Status.UNMET),
        ([{"type": "physical_therapy", "outcome": "improved"}], Status.UNMET),
        ([{"type": "physical_therapy"}], Status.UNKNOWN),
        ([{"type": "epidural_steroid_injection", "count": 2, "outcome": "temporary_relief"}], Status.MET),
        ([{"type": "medication", "name": "gabapentin", "outcome": "failed"}], Status.MET),
    ],
)
def test_conservative_care(pack, treatments, expected) -> None:
    assert status(pack, make_case(treatments=treatments), "clinical.conservative_care") is expected


def prior(kind: str, when: str | None, region: str = "lumbar") -> list[dict[str, Any]]:
    entry: dict[str, Any] = {"type": kind, "region": region}
    if when:
        entry["date"] = when
    return [entry]


@pytest.mark.parametrize(
    "procedures,expected",
    [
        (None, Status.UNKNOWN),  # never asked: unknown, not met
        ([], Status.MET),  # asked: none
        (prior("laminectomy", "2026-01-12"), Status.UNMET),  # exactly 12 months before: inside the window
        (prior("laminectomy", "2026-01-11"), Status.MET),  # a day earlier: outside
        (prior("fusion", "2027-01-11"), Status.UNMET),  # the day before the procedure
        (prior("fusion", "2027-01-12"), Status.MET),  # same day is not prior
        (prior("mild", "2026-06-01"), Status.UNMET),
        (prior("interspinous_process_decompression", "2026-06"), Status.UNMET),  # month inside the window
        (prior("laminotomy", "2026-01"), Status.UNKNOWN),  # January 2026 straddles the 12 January edge
        (prior("laminotomy", "2025-12"), Status.MET),  # whole month before the window
        (prior("laminotomy", None), Status.UNKNOWN),  # undated
        (prior("fusion", "2026-06-01", "cervical"), Status.MET),  # not lumbar
        (prior("other", "2026-06-01"), Status.MET),  # not an excluding procedure type
    ],
)
def test_no_lumbar_procedure_in_the_12_months_before_the_planned_date(pack, procedures, expected) -> None:
    case = make_case(prior_lumbar_procedures=procedures)
    assert status(pack, case, "ced.no_recent_lumbar_procedure") is expected


def test_recent_procedure_is_named_in_the_reason(pack) -> None:
    ev = evaluate_criteria(make_case(prior_lumbar_procedures=prior("laminectomy", "2026-03-02")), pack, TODAY)
    result = next(r for r in ev.results if r.id == "ced.no_recent_lumbar_procedure")
    assert "laminectomy" in result.reason and "2026-03-02" in result.reason


def test_unknown_planned_date_with_a_dated_procedure_is_unknown(pack) -> None:
    case = make_case(procedure={"code": "0275T"}, prior_lumbar_procedures=prior("fusion", "2026-06-01"))
    assert status(pack, case, "ced.no_recent_lumbar_procedure") is Status.UNKNOWN


def test_leap_day_window_starts_on_28_february(pack) -> None:
    base = {"procedure": {"code": "0275T", "planned_date": "2028-02-29"}}
    assert (
        status(
            pack,
            make_case(**base, prior_lumbar_procedures=prior("fusion", "2027-02-28")),
            "ced.no_recent_lumbar_procedure",
        )
        is Status.UNMET
    )
    assert (
        status(
            pack,
            make_case(**base, prior_lumbar_procedures=prior("fusion", "2027-02-27")),
            "ced.no_recent_lumbar_procedure",
        )
        is Status.MET
    )


@pytest.mark.parametrize("plan", ["medicare_advantage", "medicare_supplement", "original_medicare"])
def test_medicare_family_gets_ced_criteria_and_z00_6(pack, plan) -> None:
    ev = evaluate_criteria(make_case(coverage={"plan_type": plan}), pack, TODAY)
    assert ev.family is not None and ev.family.id == "medicare"
    assert ev.diagnosis_codes == ("M48.062", "Z00.6")
    assert {r.id for r in ev.results if r.id.startswith("ced.")} == {
        "ced.medicare_beneficiary",
        "ced.lss_with_nc",
        "ced.no_recent_lumbar_procedure",
    }


@pytest.mark.parametrize("plan", ["commercial", "workers_comp", "va", "tricare", "medicaid", "bcbs_federal"])
def test_non_medicare_family_has_no_ced_criteria_and_no_z00_6(pack, plan) -> None:
    ev = evaluate_criteria(make_case(coverage={"plan_type": plan}), pack, TODAY)
    assert ev.family is not None and ev.family.id == "non_medicare"
    assert ev.diagnosis_codes == ("M48.062",)
    assert not any(r.id.startswith("ced.") for r in ev.results)


def test_missing_plan_type_keeps_ced_criteria_unknown_with_a_gap(pack) -> None:
    ev = evaluate_criteria(make_case(coverage={}), pack, TODAY)
    assert ev.family is None
    assert ev.status("ced.medicare_beneficiary") is Status.UNKNOWN
    assert any("plan" in g.lower() for g in ev.gaps)


def test_an_empty_case_is_unknown_everywhere_and_says_what_to_document(pack) -> None:
    case = case_from_data(
        {"patient": {"name": "X"}, "procedure": {"code": "0275T"}, "coverage": {"plan_type": "Medigap"}}
    )
    ev = evaluate_criteria(case, pack, TODAY)
    assert {r.status for r in ev.results} == {
        Status.UNKNOWN,
        Status.MET,
    }  # only medicare_beneficiary is known
    unknown = [r for r in ev.results if r.status is Status.UNKNOWN]
    assert all(r.gap for r in unknown)
    assert len(ev.gaps) == len(unknown)


@pytest.mark.parametrize(
    "statuses,all_of,any_of",
    [
        (["met", "met"], "met", "met"),
        (["met", "unknown"], "unknown", "met"),
        (["unmet", "unknown"], "unmet", "unknown"),
        (["unknown", "unmet"], "unmet", "unknown"),
        (["met", "unmet"], "unmet", "met"),
        (["unknown", "unknown"], "unknown", "unknown"),
        (["unmet", "unmet"], "unmet", "unmet"),
    ],
)
def test_all_and_any_follow_three_valued_logic(statuses, all_of, any_of) -> None:
    from overturn.criteria.engine import _combine, _Outcome

    parts = [_Outcome(Status(s)) for s in statuses]
    assert _combine(parts, Status.UNMET, Status.MET).status is Status(all_of)
    assert _combine(parts, Status.MET, Status.UNMET).status is Status(any_of)
