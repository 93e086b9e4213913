"""Parsing values written in notes: levels, sizes, grades, severities, durations, distances, dates."""

from __future__ import annotations

import pytest

from overturn.extract import values as v


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("L4-5", ["L4-L5"]),
        ("L4-L5", ["L4-L5"]),
        ("L4/5", ["L4-L5"]),
        ("L5-S1", ["L5-S1"]),
        ("L4 on L5", ["L4-L5"]),
        ("L3 through L5", ["L3-L4", "L4-L5"]),
        ("T12-L1", ["T12-L1"]),
        ("L5-4", []),
    ],
)
def test_it_reads_spinal_levels(text: str, levels: list[str]) -> None:
    assert [lv for m in v.find_levels(text) for lv in m.levels] == levels


@pytest.mark.parametrize(("text", "mm"), [("5.2 mm", 5.2), ("0.6 cm", 6.0), ("4-5 mm", 5.0), ("5mm", 5.0)])
def test_it_converts_sizes_to_millimetres(text: str, mm: float) -> None:
    match = v.MEASURE.search(text)
    assert match is not None
    assert v.millimetres(match) == mm


@pytest.mark.parametrize(
    ("text", "grade"),
    [("grade 1", 1), ("Grade II", 2), ("grade I-II", 2), ("first-degree", 1), ("grade one", 1)],
)
def test_it_reads_roman_arabic_and_word_grades(text: str, grade: int) -> None:
    match = v.GRADE_BEFORE.search(text)
    assert match is not None
    assert v.grade_value(match) == grade


def test_a_severity_range_reads_as_its_worse_end() -> None:
    found = [v.severity_value(m) for m in v.SEVERITY.finditer("moderate to severe")]
    assert v.worst_severity([s for s in found if s]) == "severe"


@pytest.mark.parametrize(
    ("text", "feet", "text_value"),
    [
        ("100 feet", 100.0, None),
        ("50 yards", 150.0, None),
        ("a quarter mile", 1320.0, None),
        ("2 blocks", None, "2 blocks"),
        ("half a block", None, "half a block"),
    ],
)
def test_yards_and_miles_become_feet_but_blocks_stay_text(
    text: str, feet: float | None, text_value: str | None
) -> None:
    match = v.DISTANCE.search(text)
    assert match is not None
    assert v.distance(match) == (feet, text_value)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("walks 2  blocks", (None, "2 blocks")),
        ("a few blocks at most", (None, "a few blocks")),
        ("a block or two", (None, "a block or two")),
        ("about 1-2 blocks", (None, "1-2 blocks")),
        ("200 feet, about 1 block", (200.0, None)),
        ("to the mailbox", None),
    ],
)
def test_walking_distance_is_feet_or_the_words_for_blocks(
    text: str, found: tuple[float | None, str | None] | None
) -> None:
    assert v.walking_distance(text) == found


def test_block_counts_written_in_words_or_digits_agree() -> None:
    assert v.blocks_key("two blocks") == v.blocks_key("2 Blocks") != v.blocks_key("3 blocks")


def test_durations_become_minutes_and_weeks() -> None:
    minutes = v.DURATION.search("half an hour")
    assert minutes is not None and v.minutes(minutes) == 30
    weeks = v.DURATION.search("3 months")
    assert weeks is not None and v.weeks(weeks) == 13.0


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("in March 2015", "2015-03"),
        ("on 06/12/2019", "2019-06-12"),
        ("2/2018", "2018-02"),
        ("in 2012", "2012"),
        ("Sept. 3, 2019", "2019-09-03"),
    ],
)
def test_it_reads_full_and_partial_dates(text: str, date: str) -> None:
    assert [d for d, _, _ in v.dates_in(text)] == [date]
