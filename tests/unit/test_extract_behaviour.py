"""What the extractor must never do, and what every fact must carry."""

from __future__ import annotations

import pytest

from overturn.case.load import case_from_data
from overturn.extract.combine import extract
from overturn.extract.facts import Note
from overturn.extract.merge import merge_fragment


def run(text: str, note_id: str = "note") -> dict:
    return extract([Note(note_id, text)]).as_json()


def test_denied_claudication_is_a_fact_of_absence_not_a_positive() -> None:
    assert run("Patient denies claudication.")["findings"] == {"neurogenic_claudication": False}


def test_no_spondylolisthesis_is_grade_zero() -> None:
    assert run("No spondylolisthesis.")["findings"] == {"spondylolisthesis_grade": 0}


@pytest.mark.parametrize(
    "text",
    [
        "If symptoms persist, consider PT.",
        "We recommend a course of physical therapy.",
        "Physical therapy was discussed.",
        "Her sister had physical therapy for back pain.",
    ],
)
def test_hypothetical_and_family_treatments_never_fill_the_case(text: str) -> None:
    result = run(text)
    assert "treatments" not in result
    assert all(not e["used"] for e in result["evidence"] if e["field"] == "treatments")


@pytest.mark.parametrize(
    "text",
    [
        "The ligamentum flavum was removed with a 3 mm Kerrison.",
        "An 8 mm interbody spacer was placed; the ligamentum flavum had been resected.",
        "A 22-gauge needle was passed through the ligamentum flavum.",
        "Using a 2 mm Kerrison punch, the LF was taken down.",
    ],
)
def test_instruments_never_become_ligament_thickness(text: str) -> None:
    assert "ligamentum_flavum_mm" not in run(text).get("findings", {})


def test_every_fact_points_back_to_its_words_in_the_note() -> None:
    text = "HPI: neurogenic claudication.\nMRI: severe stenosis at L4-5, LF 5.1 mm. Failed 6 weeks of PT."
    result = run(text, "mri.txt")
    assert result["evidence"]
    for item in result["evidence"]:
        assert item["note"] == "mri.txt"
        assert text[item["start"] : item["end"]] == item["text"]
        assert item["text"] in item["sentence"]
        assert set(item["context"]) <= {"negated", "historical", "hypothetical", "family", "uncertain"}


def test_context_flags_are_carried_on_the_evidence() -> None:
    result = run("History of L4-5 laminectomy. Possible spondylolisthesis.")
    flags = {e["field"]: e["context"] for e in result["evidence"]}
    assert "historical" in flags["prior_lumbar_procedures"]
    assert "uncertain" in flags["findings.spondylolisthesis_grade"]


def test_conflicting_values_are_reported_and_left_empty() -> None:
    result = extract([Note("a", "Neurogenic claudication."), Note("b", "Denies claudication.")])
    assert "neurogenic_claudication" not in result.fragment.get("findings", {})
    [conflict] = result.conflicts
    assert conflict.field == "findings.neurogenic_claudication"
    assert {f.note for f in conflict.facts} == {"a", "b"}


def test_ligamentum_flavum_takes_the_maximum_over_levels_and_keeps_each_level_in_evidence() -> None:
    result = run("LF 4.1 mm at L3-4 and 5.5 mm at L4-5.")
    assert result["findings"]["ligamentum_flavum_mm"] == 5.5
    levels = {
        e["level"]: e["value"] for e in result["evidence"] if e["field"] == "findings.ligamentum_flavum_mm"
    }
    assert levels == {"L3-L4": 4.1, "L4-L5": 5.5}


def test_diagnosis_codes_are_normalized_and_validated() -> None:
    result = run("Dx: M48.Ø62, M48062 and Z99.999.")
    assert result["diagnoses"] == ["M48.062"]


CASE = {
    "patient": {"name": "Test Patient"},
    "procedure": {"code": "0275T"},
    "findings": {"ligamentum_flavum_mm": 3.2},
    "treatments": [{"type": "physical_therapy", "weeks": 12, "outcome": "failed"}],
}


def test_merge_fills_only_empty_fields_and_reports_each_change() -> None:
    result = extract(
        [Note("n", "LF 5.5 mm at L4-5. Neurogenic claudication. Failed 6 weeks of PT. CPT 0275T at L4-5.")]
    )
    merged, changes = merge_fragment(CASE, result.fragment, result.facts)
    assert merged["findings"]["ligamentum_flavum_mm"] == 3.2
    assert merged["findings"]["neurogenic_claudication"] is True
    assert merged["treatments"] == CASE["treatments"]
    assert merged["procedure"]["levels"] == ["L4-L5"]
    actions = {c.path: c.action for c in changes}
    assert actions["findings.ligamentum_flavum_mm"] == "kept"
    assert actions["findings.neurogenic_claudication"] == "filled"
    assert all(c.sources for c in changes)
    case_from_data(merged)


def test_merge_with_overwrite_replaces_values() -> None:
    result = extract([Note("n", "LF 5.5 mm at L4-5.")])
    merged, changes = merge_fragment(CASE, result.fragment, result.facts, overwrite=True)
    assert merged["findings"]["ligamentum_flavum_mm"] == 5.5
    assert {c.path: c.action for c in changes} == {
        "findings.ligamentum_flavum_mm": "overwritten",
        "findings.levels[L4-L5].ligamentum_flavum_mm": "filled",  # the case had no level entries
    }


def test_a_colon_before_no_negates_the_finding_after_it_not_the_level_before_it() -> None:
    # medspaCy's default ": no" rule negates backward only; "L5-S1: No stenosis." must not add L5-S1.
    assert "findings" not in run("L5-S1: No stenosis.")
    assert run("Claudication: no.")["findings"] == {"neurogenic_claudication": False}


def test_goals_are_not_current_findings() -> None:
    result = run("GOALS:\nWalk 4 blocks without stopping.\nStand for 30 minutes.")
    assert "findings" not in result
    assert {e["reason"] for e in result["evidence"]} == {"a goal, not a current finding"}


def test_merge_leaves_a_level_empty_when_it_would_contradict_a_kept_summary() -> None:
    result = extract([Note("n", "LF 5.5 mm at L4-5.")])
    merged, changes = merge_fragment(CASE, result.fragment, result.facts)
    assert merged["findings"]["ligamentum_flavum_mm"] == 3.2
    assert "ligamentum_flavum_mm" not in merged["findings"].get("levels", [{}])[0]
    conflict = next(c for c in changes if c.path == "findings.levels[L4-L5].ligamentum_flavum_mm")
    assert conflict.action == "conflict" and "worse than the case's summary 3.2" in str(conflict)
