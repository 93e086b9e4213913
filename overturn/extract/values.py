"""Parsing the values written in clinical text: spinal levels, sizes, grades, durations, distances, dates.

Pure functions over strings, no spaCy: the extractors call them on a sentence or a window of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from overturn.case.dates import parse_partial_date

# ---- numbers -------------------------------------------------------------------------------------------------

WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "once": 1, "two": 2, "twice": 2, "couple": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "half": 0.5, "quarter": 0.25, "half a": 0.5, "half an": 0.5, "a half": 0.5, "a quarter": 0.25,
    "quarter of a": 0.25, "a quarter of a": 0.25, "a couple of": 2, "couple of": 2,
}  # fmt: skip
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}

NUMBER = r"(?:\d+(?:\.\d+)?|\.\d+|\d+\s*/\s*\d+)"
NUMBER_WORD = (
    r"\b(?:" + "|".join(w.replace(" ", r"\s+") for w in sorted(WORD_NUMBERS, key=len, reverse=True)) + r")\b"
)
ANY_NUMBER = rf"(?:{NUMBER}|{NUMBER_WORD})"
RANGE = rf"(?P<low>{ANY_NUMBER})(?:\s*(?:-|–|to|or)\s*(?P<high>{ANY_NUMBER}))?"


def to_number(text: str) -> float | None:
    """``"8"`` -> 8.0, ``"1/2"`` -> 0.5, ``"two"`` -> 2.0; anything else -> None."""
    word = " ".join(text.lower().split())
    if word in WORD_NUMBERS:
        return float(WORD_NUMBERS[word])
    if "/" in word:
        top, _, bottom = word.partition("/")
        try:
            return float(top) / float(bottom) if float(bottom) else None
        except ValueError:
            return None
    try:
        return float(word)
    except ValueError:
        return None


def range_max(low: str | None, high: str | None) -> float | None:
    """A written range ("4-5 mm", "moderate to severe") stands for its upper end: the worst reported."""
    values = [v for v in (to_number(low or ""), to_number(high or "")) if v is not None]
    return max(values) if values else None


# ---- spinal levels ---------------------------------------------------------------------------------------------

VERTEBRAE = [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]
VERTEBRAE += ["S1"]
_INDEX = {name: i for i, name in enumerate(VERTEBRAE)}

# "L4-5", "L4-L5", "L4/5", "L5-S1", "L4 on L5", "L3 through L5", "T12-L1"; the first letter anchors the region.
LEVEL = re.compile(
    r"\b(?P<r1>[CTLS])\s?(?P<n1>\d{1,2})\s*(?:-|–|/|\bto\b|\bthrough\b|\bon\b|\bover\b)\s*"
    r"(?P<r2>[CTLS])?\s?(?P<n2>\d{1,2})\b"
)
SINGLE_VERTEBRA = re.compile(r"\b(?P<r1>[TLS])(?P<n1>\d{1,2})\b")


@dataclass(frozen=True)
class LevelMention:
    levels: tuple[str, ...]
    start: int
    end: int


def segments_between(upper: str, lower: str) -> tuple[str, ...]:
    """``L3``, ``L5`` -> ``("L3-L4", "L4-L5")``; empty when the pair is not a run of lumbar/thoracic segments."""
    if upper not in _INDEX or lower not in _INDEX:
        return ()
    i, j = _INDEX[upper], _INDEX[lower]
    if not 0 < j - i <= 5:
        return ()
    return tuple(f"{VERTEBRAE[k]}-{VERTEBRAE[k + 1]}" for k in range(i, j))


def find_levels(text: str) -> list[LevelMention]:
    out: list[LevelMention] = []
    for m in LEVEL.finditer(text):
        r1, n1, r2, n2 = m["r1"], m["n1"], m["r2"] or m["r1"], m["n2"]
        found = segments_between(f"{r1}{n1}", f"{r2}{n2}")
        if found:
            out.append(LevelMention(found, m.start(), m.end()))
    return out


def lumbar_only(levels: tuple[str, ...] | list[str]) -> list[str]:
    return [lv for lv in levels if lv.startswith("L") or lv.endswith("S1") or lv == "T12-L1"]


# ---- sizes, grades, severities -----------------------------------------------------------------------------------

MEASURE = re.compile(
    rf"(?P<low>{NUMBER})(?:\s*(?:-|–|to)\s*(?P<high>{NUMBER}))?\s*(?P<unit>mm|millimeters?|cm|centimeters?)\b",
    re.IGNORECASE,
)


def millimetres(match: re.Match[str]) -> float | None:
    value = range_max(match["low"], match["high"])
    if value is None:
        return None
    if match["unit"].lower().startswith("c"):
        value *= 10
    return round(value, 2)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
GRADE_WORD = r"(?:[1-5]|i{1,3}|iv|v|one|two|three|four|five)"
GRADE_BEFORE = re.compile(
    rf"(?:grade|gr\.?)\s*(?P<g1>{GRADE_WORD})(?:\s*(?:-|to|/)\s*(?P<g2>{GRADE_WORD}))?\b|"
    r"(?P<ord>first|second|third|1st|2nd|3rd)[\s-]+degree",
    re.IGNORECASE,
)


def grade_value(match: re.Match[str]) -> int | None:
    if match["ord"]:
        return {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}[match["ord"].lower()]
    values = []
    for raw in (match["g1"], match["g2"]):
        if not raw:
            continue
        word = raw.lower()
        values.append(_ROMAN.get(word) or int(to_number(word) or 0))
    values = [v for v in values if v]
    return max(values) if values else None


SEVERITY = re.compile(
    r"\b(?P<a>minimal|mild|moderate|moderately|severe|marked|markedly|critical|high[- ]grade)"
    r"(?:\s*(?:-|to|/)\s*(?P<b>mild|moderate|severe|marked|critical|high[- ]grade))?",
    re.IGNORECASE,
)
_SEVERITY_RANK = {"mild": 1, "moderate": 2, "severe": 3}
_SEVERITY_WORD = {
    "minimal": "mild", "mild": "mild", "moderate": "moderate", "severe": "severe", "marked": "severe",
    "markedly": "severe", "critical": "severe", "high-grade": "severe", "high grade": "severe",
}  # fmt: skip


def severity_value(match: re.Match[str]) -> str | None:
    words = [w.lower() for w in (match["a"], match["b"]) if w]
    # "moderately severe" is written "moderately" + "severe" with a space: read the pair as severe.
    if words == ["moderately"]:
        return None
    names = [_SEVERITY_WORD.get(w) for w in words if w != "moderately"]
    ranked = [n for n in names if n]
    return max(ranked, key=lambda n: _SEVERITY_RANK[n]) if ranked else None


def worst_severity(values: list[str]) -> str | None:
    return max(values, key=lambda n: _SEVERITY_RANK[n]) if values else None


# ---- durations and distances --------------------------------------------------------------------------------------

DURATION = re.compile(
    rf"{RANGE}\s*(?:-\s*)?(?P<unit>minutes?|mins?|hours?|hrs?|weeks?|wks?|months?|mos?|sessions?|visits?)\b",
    re.IGNORECASE,
)


def minutes(match: re.Match[str]) -> float | None:
    value = range_max(match["low"], match["high"])
    unit = match["unit"].lower()
    if value is None:
        return None
    if unit.startswith("h"):
        return value * 60
    return value if unit.startswith("min") else None


def weeks(match: re.Match[str]) -> float | None:
    value = range_max(match["low"], match["high"])
    unit = match["unit"].lower()
    if value is None:
        return None
    if unit.startswith("w"):
        return value
    if unit.startswith("mo"):
        return round(value * 52 / 12, 1)
    return None


DISTANCE = re.compile(
    rf"{RANGE}\s*(?P<unit>feet|foot|ft\b|'|yards?|yds?\b|meters?|metres?|m\b|miles?|mi\b|blocks?)",
    re.IGNORECASE,
)
_FEET_PER = {"f": 1.0, "'": 1.0, "y": 3.0, "m": 3.28084, "mi": 5280.0}


def distance(match: re.Match[str]) -> tuple[float | None, str | None]:
    """Feet for feet/yards/metres/miles; blocks have no fixed length, so they come back as text."""
    value = range_max(match["low"], match["high"])
    unit = match["unit"].lower()
    if value is None:
        return None, None
    if unit.startswith("block"):
        return None, match.group(0).strip()
    key = "mi" if unit.startswith("mi") else unit[0]
    return round(value * _FEET_PER[key], 1), None


# "a few blocks", "several blocks": no number, but still the patient's walking tolerance in words.
VAGUE_BLOCKS = re.compile(r"\b(?:(?:a\s+few|few|several)\s+blocks?|a\s+block\s+or\s+two)\b", re.IGNORECASE)


def walking_distance(text: str) -> tuple[float | None, str | None] | None:
    """The first distance in ``text`` as (feet, words): feet for measured units; blocks and vague amounts
    ("a few blocks", "a block or two") come back as words, whitespace collapsed. None when there is none."""
    found: list[tuple[int, int, float | None, str | None]] = []
    match = DISTANCE.search(text)
    if match is not None:
        feet, words = distance(match)
        if feet is not None or words is not None:
            found.append((match.start(), match.end(), feet, " ".join(words.split()) if words else None))
    vague = VAGUE_BLOCKS.search(text)
    if vague is not None:
        found.append((vague.start(), vague.end(), None, " ".join(vague.group(0).split())))
    if not found:
        return None
    _, _, feet, words = min(found, key=lambda item: (item[0], -item[1]))
    return feet, words


def blocks_key(words: str) -> tuple[object, ...]:
    """Spelling-insensitive key for walking tolerance in words: "2 blocks", "two blocks" and "2  Blocks" agree."""
    match = DISTANCE.fullmatch(words.strip())
    if match is not None:
        return (to_number(match["low"]), to_number(match["high"] or ""), match["unit"].lower().rstrip("s"))
    return (" ".join(words.lower().split()),)


# ---- dates -------------------------------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for m in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
DATE = re.compile(
    r"\b(?P<iso>(?:19|20)\d{2}-\d{1,2}(?:-\d{1,2})?)\b"
    r"|\b(?P<us>\d{1,2}/(?:\d{1,2}/)?(?:19|20)\d{2})\b"
    rf"|\b{_MONTH}\s+(?:(?P<mday>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?:of\s+)?(?P<myear>(?:19|20)\d{{2}})\b"
    r"|\b(?:in|on|during|circa|since|from|of|dated?|back in)\s+(?P<year>(?:19|20)\d{2})\b"
    r"|\((?P<pyear>(?:19|20)\d{2})\)",
    re.IGNORECASE,
)


def parse_date(match: re.Match[str]) -> str | None:
    """The partial date a match stands for (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), or None if implausible."""
    if match["iso"] or match["us"]:
        raw = match["iso"] or match["us"]
    elif match["month"]:
        month = _MONTHS[match["month"].lower()]
        raw = f"{match['myear']}-{month:02d}" + (f"-{int(match['mday']):02d}" if match["mday"] else "")
    else:
        raw = match["year"] or match["pyear"]
    try:
        return parse_partial_date(raw)
    except ValueError:
        return None


def dates_in(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in DATE.finditer(text):
        value = parse_date(m)
        if value:
            out.append((value, m.start(), m.end()))
    return out
