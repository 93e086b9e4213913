"""Level-by-level imaging findings (findings.levels) and walking tolerance in words (walking_tolerance_text):
what the extractor fills, where notes disagree, and how both merge into a case."""

from __future__ import annotations

from typing import Any

from overturn.case.load import case_from_data
from overturn.extract.combine import Extraction, extract
from overturn.extract.facts import Note
from overturn.extract.merge import merge_fragment


def notes(*texts: str) -> Extraction:
    return extract([Note(f"note{i}", text) for i, text in enumerate(texts, 1)])


def findings(result: Extraction) -> dict[str, Any]:
    return result.fragment.get("findings", {})


# ---- walking tolerance in words ---------------------------------------------------------------------------------


def test_blocks_fill_the_walking_tolerance_in_words() -> None:
    result = notes("She can walk 2 blocks before her legs give out.")
    assert findings(result) == {"walking_tolerance_text": "2 blocks"}
    [fact] = result.facts
    assert fact.field == "findings.walking_tolerance_text" and fact.used


def test_words_are_not_used_when_a_distance_in_feet_is_known() -> None:
    result = notes("Walks 2 blocks.", "Walking tolerance is 300 feet.")
    assert findings(result) == {"walking_tolerance_ft": 300}
    [words] = [f for f in result.facts if f.field == "findings.walking_tolerance_text"]
    assert not words.used and words.reason == "a walking distance in feet is known"


def test_the_same_distance_written_two_ways_agrees() -> None:
    result = notes("Walks 2 blocks.", "She can walk two blocks.")
    assert findings(result) == {"walking_tolerance_text": "2 blocks"}
    assert result.conflicts == []


def test_two_different_block_counts_are_a_conflict() -> None:
    result = notes("Walks 2 blocks.", "Walks 4 blocks.")
    assert "walking_tolerance_text" not in findings(result)
    [conflict] = result.conflicts
    assert conflict.field == "findings.walking_tolerance_text"
    assert conflict.values == ["2 blocks", "4 blocks"]


# ---- level by level -----------------------------------------------------------------------------------------------


def test_one_entry_per_level_merged_across_notes() -> None:
    result = notes(
        "MRI: Severe central canal stenosis at L4-5. Moderate stenosis at L3-4.",
        "Op note review: ligamentum flavum 5.2 mm at L4-5. Grade 1 anterolisthesis of L4 on L5.",
    )
    assert findings(result)["levels"] == [
        {"level": "L3-L4", "stenosis_severity": "moderate"},
        {
            "level": "L4-L5",
            "ligamentum_flavum_mm": 5.2,
            "stenosis_severity": "severe",
            "spondylolisthesis_grade": 1,
        },
    ]
    assert result.conflicts == []


def test_the_summary_fields_still_carry_the_worst_level() -> None:
    result = notes("LF 4.1 mm at L3-4 and 5.5 mm at L4-5. Mild stenosis at L3-4, severe stenosis at L4-5.")
    assert findings(result)["ligamentum_flavum_mm"] == 5.5
    assert findings(result)["stenosis_severity"] == "severe"
    assert [lv["level"] for lv in findings(result)["levels"]] == ["L3-L4", "L4-L5"]


def test_left_and_right_thickness_in_one_note_take_the_maximum_at_the_level() -> None:
    result = notes("At L4-5 the ligamentum flavum measures 4.9 mm on the left and 5.6 mm on the right.")
    assert findings(result)["levels"] == [{"level": "L4-L5", "ligamentum_flavum_mm": 5.6}]
    assert result.conflicts == []


def test_two_notes_with_different_thickness_at_a_level_are_a_conflict_left_empty() -> None:
    result = notes("LF 5.0 mm at L4-5. Severe stenosis at L4-5.", "LF 6.1 mm at L4-5.")
    [conflict] = result.conflicts
    assert (conflict.field, conflict.level, conflict.values) == (
        "findings.levels.ligamentum_flavum_mm",
        "L4-L5",
        [5.0, 6.1],
    )
    assert {f.note for f in conflict.facts} == {"note1", "note2"}
    assert findings(result)["levels"] == [{"level": "L4-L5", "stenosis_severity": "severe"}]
    # the summary keeps the thickest reading, as before
    assert findings(result)["ligamentum_flavum_mm"] == 6.1


def test_a_severity_conflict_at_one_level_leaves_the_other_levels_filled() -> None:
    result = notes("Severe stenosis at L4-5. Mild stenosis at L3-4.", "Moderate stenosis at L4-5.")
    [conflict] = result.conflicts
    assert (conflict.field, conflict.level) == ("findings.stenosis_severity", "L4-L5")
    assert "stenosis_severity" not in findings(result)
    assert findings(result)["levels"] == [{"level": "L3-L4", "stenosis_severity": "mild"}]


def test_no_listhesis_anywhere_against_a_graded_level_is_a_conflict_and_fills_no_grade() -> None:
    result = notes("No spondylolisthesis.", "Grade 1 anterolisthesis of L4 on L5.")
    assert [c.field for c in result.conflicts] == ["findings.spondylolisthesis_grade"]
    assert "levels" not in findings(result) and "spondylolisthesis_grade" not in findings(result)


def test_cervical_levels_make_no_entry_and_no_thickness() -> None:
    result = notes("Ligamentum flavum thickening of 4 mm at C5-6 with moderate canal stenosis.")
    assert findings(result) == {}
    [fact] = [f for f in result.facts if f.field == "findings.ligamentum_flavum_mm"]
    assert fact.reason == "not a lumbar level"


def test_negated_and_hypothetical_findings_make_no_level_entry() -> None:
    result = notes("No stenosis at L2-3. If the stenosis at L3-4 becomes severe, we will reimage.")
    assert "levels" not in findings(result)


# ---- merge --------------------------------------------------------------------------------------------------------

CASE: dict[str, Any] = {
    "patient": {"name": "Test Patient"},
    "procedure": {"code": "0275T"},
    "findings": {
        "walking_tolerance_text": "1 block",
        "levels": [{"level": "L4-L5", "stenosis_severity": "moderate"}],
    },
}
NOTE = "She walks 3 blocks. Severe stenosis at L4-5 with LF 5.4 mm. Mild stenosis at L3-4."


def test_merge_fills_levels_value_by_value_and_names_each_change_and_source() -> None:
    result = notes(NOTE)
    merged, changes = merge_fragment(CASE, result.fragment, result.facts)
    case_from_data(merged)
    assert merged["findings"]["walking_tolerance_text"] == "1 block"
    assert merged["findings"]["levels"] == [
        {"level": "L3-L4", "stenosis_severity": "mild"},
        {"level": "L4-L5", "ligamentum_flavum_mm": 5.4, "stenosis_severity": "moderate"},
    ]
    actions = {c.path: c.action for c in changes}
    assert actions["findings.walking_tolerance_text"] == "kept"
    assert actions["findings.levels[L3-L4].stenosis_severity"] == "filled"
    assert actions["findings.levels[L4-L5].ligamentum_flavum_mm"] == "filled"
    assert actions["findings.levels[L4-L5].stenosis_severity"] == "kept"
    by_path = {c.path: c for c in changes}
    [source] = by_path["findings.levels[L3-L4].stenosis_severity"].sources
    assert source.startswith("note1:") and "Mild stenosis at L3-4" in source
    [source] = by_path["findings.levels[L4-L5].ligamentum_flavum_mm"].sources
    assert "LF 5.4 mm" in source
    assert "kept 'moderate'" in str(by_path["findings.levels[L4-L5].stenosis_severity"])


def test_merge_with_overwrite_replaces_level_values_and_the_words() -> None:
    result = notes(NOTE)
    merged, changes = merge_fragment(CASE, result.fragment, result.facts, overwrite=True)
    assert merged["findings"]["walking_tolerance_text"] == "3 blocks"
    assert merged["findings"]["levels"][1]["stenosis_severity"] == "severe"
    actions = {c.path: c.action for c in changes}
    assert actions["findings.levels[L4-L5].stenosis_severity"] == "overwritten"
    assert actions["findings.walking_tolerance_text"] == "overwritten"


def test_merge_keeps_levels_the_notes_do_not_mention() -> None:
    case = {**CASE, "findings": {"levels": [{"level": "L2-L3", "spondylolisthesis_grade": 1}]}}
    result = notes("Severe stenosis at L4-5.")
    merged, _ = merge_fragment(case, result.fragment, result.facts, overwrite=True)
    assert [lv["level"] for lv in merged["findings"]["levels"]] == ["L2-L3", "L4-L5"]
