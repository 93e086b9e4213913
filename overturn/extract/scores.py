"""Findings stated as numbers or verdicts: standing and walking tolerance, ODI, pain score, surgical candidacy."""

from __future__ import annotations

import re

from overturn.extract import values as v
from overturn.extract.facts import Fact
from overturn.extract.findings import Extractor, make_fact
from overturn.extract.pipeline import Mention

_DURATION_BEFORE = re.compile(rf"(?P<d>{v.DURATION.pattern})\s+of\s+(?:prolonged\s+)?$", re.IGNORECASE)


def standing_tolerance(m: Mention) -> list[Fact]:
    window = m.after[:60]
    for match in v.DURATION.finditer(window):
        value = v.minutes(match)
        if value is not None and "." not in window[: match.start()].replace("..", ""):
            return [make_fact(m, "findings.standing_tolerance_min", value)]
        break
    before = _DURATION_BEFORE.search(m.before[-40:])
    if before:
        value = v.minutes(v.DURATION.search(before.group("d")))  # type: ignore[arg-type]
        if value is not None:
            return [make_fact(m, "findings.standing_tolerance_min", value)]
    return []


_DISTANCE_BEFORE = re.compile(rf"(?P<d>{v.DISTANCE.pattern})\s+(?:of\s+)?$", re.IGNORECASE)


def walking_tolerance(m: Mention) -> list[Fact]:
    """Feet when the note gives a measured distance; the words ("2 blocks") when it gives blocks."""
    found = v.walking_distance(m.after[:60])
    if found is None:
        before = _DISTANCE_BEFORE.search(m.before[-40:])
        found = v.walking_distance(before.group("d")) if before else None
    if found is None:
        return []
    feet, words = found
    if feet is not None:
        return [make_fact(m, "findings.walking_tolerance_ft", feet)]
    return [make_fact(m, "findings.walking_tolerance_text", words)]


_SCORE_AFTER = re.compile(
    r"^[\s:=,(]*(?:score\s*|index\s*)?(?:of\s*|is\s*|was\s*|=\s*|at\s*|:\s*)*"
    r"(?P<n>\d{1,3}(?:\.\d+)?)\s*(?P<scale>%|percent|/\s*50|/\s*100|out\s+of\s+(?:50|100)|mm)?",
    re.IGNORECASE,
)


def oswestry(m: Mention) -> list[Fact]:
    match = _SCORE_AFTER.match(m.after[:40])
    if not match:
        return []
    value = float(match["n"])
    if match["scale"] and "50" in match["scale"]:
        value *= 2
    fact = make_fact(m, "findings.odi", value)
    return [fact if 0 <= value <= 100 else fact.skip("not an ODI score (0-100)")]


_OUT_OF_TEN = re.compile(r"(?P<a>\d{1,2}(?:\.\d)?)(?:\s*(?:-|to)\s*(?P<b>\d{1,2}))?\s*(?:/|out\s+of)\s*10")
_PAIN_WORDS = re.compile(r"(?i)pain|hurt|ache|aching|VAS|NPRS|NRS|score|rates?|rated|severity|discomfort")


def pain_score(m: Mention) -> list[Fact]:
    scale = _OUT_OF_TEN.match(m.text)
    if scale:
        if not _PAIN_WORDS.search(m.sentence):
            return []
        value = v.range_max(scale["a"], scale["b"])
    else:
        match = _SCORE_AFTER.match(m.after[:30])
        if not match or _OUT_OF_TEN.match(m.after[match.start("n") :]):
            return []  # the "x/10" that follows is a target of its own
        value = float(match["n"])
        if match["scale"] and ("100" in match["scale"] or match["scale"] == "mm"):
            value /= 10
    if value is None:
        return []
    fact = make_fact(m, "findings.nprs", value)
    return [fact if 0 <= value <= 10 else fact.skip("not a 0-10 pain score")]


_POOR = re.compile(
    r"(?i)\b(?:poor|not\s+an?\s+(?:good|ideal|suitable|appropriate)|unsuitable|high[- ]risk|non-?|"
    r"not\s+a)\s*$"
)


def surgical_candidate(m: Mention) -> list[Fact]:
    poor = bool(_POOR.search(m.before[-30:])) or m.text.lower().startswith("non")
    return [make_fact(m, "findings.surgical_candidate", not (m.flags.negated or poor))]


SCORE_EXTRACTORS: dict[str, Extractor] = {
    "STANDING": standing_tolerance,
    "WALKING": walking_tolerance,
    "ODI": oswestry,
    "PAIN_SCORE": pain_score,
    "SURGICAL_CANDIDATE": surgical_candidate,
}
