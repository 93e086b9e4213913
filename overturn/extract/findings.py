"""Findings: neurogenic claudication, flexion relief, ligamentum flavum, listhesis, stenosis (tolerances and
scores are in ``scores.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from overturn.extract import values as v
from overturn.extract.facts import Fact
from overturn.extract.pipeline import Mention

Extractor = Callable[[Mention], list[Fact]]


def make_fact(m: Mention, field: str, value: Any, level: str | None = None) -> Fact:
    return Fact(
        field=field,
        value=value,
        note=m.note.id,
        sentence=" ".join(m.sentence.split()),
        start=m.start,
        end=m.end,
        text=m.text,
        flags=m.flags,
        level=level,
    )


# ---- levels near a mention ---------------------------------------------------------------------------------------

_AFTER_LINK = re.compile(
    r"^[\s,:(]*(?:(?:is|are|was|were|seen|present|noted|identified|most\s+\w+|worst|greatest|especially|"
    r"particularly|predominantly|mainly|at|of|in|involving|from|on|the|levels?|both|bilaterally|bilateral|"
    r"centrally|on\s+the\s+(?:left|right)|\w+ly)[\s,:(]*)*$",
    re.IGNORECASE,
)
_LIST_LINK = re.compile(r"^[\s,]*(?:and|&|as\s+well\s+as|or)?[\s,]*(?:at\s+)?(?:the\s+)?$", re.IGNORECASE)


def levels_near(m: Mention) -> list[str]:
    """Levels a mention speaks of: a list right after it, else the nearest before it in the sentence, else the
    last level named earlier in the paragraph ("At the L4-5 level, ... There is severe stenosis.")."""
    after = m.after
    found = v.find_levels(after)
    if found and _AFTER_LINK.match(after[: found[0].start]):
        return _level_run(after, found)
    before = m.before
    found = v.find_levels(before)
    if found:
        run = [found[-1]]
        for prev in reversed(found[:-1]):
            if _LIST_LINK.match(before[prev.end : run[0].start]):
                run.insert(0, prev)
            else:
                break
        return [lv for mention in run for lv in mention.levels]
    paragraph = m.note.text[m.paragraph_start : m.sentence_start]
    found = v.find_levels(paragraph)
    return list(found[-1].levels) if found else []


def _level_run(text: str, found: list[v.LevelMention]) -> list[str]:
    run = [found[0]]
    for nxt in found[1:]:
        if _LIST_LINK.match(text[run[-1].end : nxt.start]):
            run.append(nxt)
        else:
            break
    return [lv for mention in run for lv in mention.levels]


def lumbar_levels(m: Mention) -> list[str]:
    return v.lumbar_only(levels_near(m))


# ---- neurogenic claudication and flexion relief -------------------------------------------------------------------

_SPINE_CONTEXT = re.compile(
    r"(?i)\b(?:legs?|buttocks?|thighs?|calf|calves|walk\w*|stand\w*|stenosis|claudicat\w*|LSS|spin\w*|lumbar|"
    r"back)\b"
)
_VASCULAR = re.compile(r"(?i)\b(?:vascular|arterial|peripheral\s+arter\w*|PAD|PVD|ABIs?|ischemi\w*)\b")
_LOCAL_NEGATION = re.compile(r"(?i)\b(?:no|not|without|never|denies|deny|nor|n't)\b(?:\s+\w+){0,3}\s*$")


def neurogenic_claudication(m: Mention) -> list[Fact]:
    if m.text == "NC" and not _SPINE_CONTEXT.search(m.sentence):
        return []
    fact = make_fact(m, "findings.neurogenic_claudication", not m.flags.negated)
    specific = re.match(r"(?i)neurogenic|pseudo", m.text)
    if not specific and _VASCULAR.search(m.sentence):
        return [fact.skip("vascular claudication")]
    return [fact]


def flexion_relief(m: Mention) -> list[Fact]:
    negated = (
        m.flags.negated
        or bool(_LOCAL_NEGATION.search(m.before))
        or bool(re.search(r"(?i)\b(?:not|no|never)\b", m.text))
    )
    return [make_fact(m, "findings.relief_with_flexion", not negated)]


# ---- ligamentum flavum ---------------------------------------------------------------------------------------------

_LF_LINK = re.compile(
    r"^[\s,:(\-]*(?:(?:hypertroph\w*|thicken\w*|thickness|thick|measur\w*|of|is|was|are|were|up\s+to|"
    r"approximately|approx\.?|about|to|at|the|levels?|which|that|bilateral(?:ly)?|left|right|on|and|"
    r"[CTLS]\d{1,2}(?:\s*[-/]\s*[LS]?\d{1,2})?|~|=|>|<|\u2265)[\s,:()\-=]*)*$",
    re.IGNORECASE,
)
_INSTRUMENT = re.compile(
    r"(?i)^\s*(?:\w+\s+)?(?:kerrison|spacer|needle|gauge|cage|screws?|rods?|drill|burr?|curette|cannula|trocar|"
    r"implant|graft|osteotome|rongeur|blade|catheter|dilator|tube|retractor|plate|punch|portal|incision|"
    r"disc|disk|osteophyte|bulge|protrusion|herniation|cyst|extrusion|nodule|lesion|mass|"
    # a distance, not a size: "5 mm lateral to midline", "2 cm deep to the skin"
    r"lateral|medial|from|above|below|deep|superficial|away|off|anterior|posterior|caudal|cranial|distal|"
    r"proximal|inferior|superior|beyond|past|into|further)"
)
_LF_BEFORE = re.compile(
    rf"(?P<m>{v.MEASURE.pattern})\s+(?:of\s+)?(?:thick(?:ened|ening)?\s+)?(?:bilateral\s+)?(?:hypertrophied\s+)?$",
    re.IGNORECASE,
)


def ligamentum_flavum(m: Mention) -> list[Fact]:
    if m.flags.negated:
        return []
    facts: list[Fact] = []
    after = m.after
    cursor = 0
    near = levels_near(m)
    default_levels = v.lumbar_only(near)
    if near and not default_levels:
        default_levels = near  # cervical or thoracic: the facts are made, then skipped as not lumbar
    for match in v.MEASURE.finditer(after):
        if not _LF_LINK.match(after[cursor : match.start()]) or _INSTRUMENT.match(after[match.end() :]):
            break
        mm = v.millimetres(match)
        level = _level_after_size(after[match.end() :])
        named = v.find_levels(after[cursor : match.start()]) or v.find_levels(after[: match.start()])
        if level is None:
            level = named[-1].levels[0] if named else (default_levels[0] if default_levels else None)
        if mm is not None:
            facts.append(_lf_fact(m, mm, level))
        cursor = match.end()
    if not facts:
        before = _LF_BEFORE.search(m.before)
        if before:
            mm = v.millimetres(v.MEASURE.match(before.group("m")))  # type: ignore[arg-type]
            if mm is not None:
                # "6 mm ligamentum flavum thickening at L4-5": the level after the words names it
                named = v.find_levels(after)
                if named and _LF_LINK.match(after[: named[0].start]):
                    default_levels = v.lumbar_only(named[0].levels) or default_levels
                facts.append(_lf_fact(m, mm, default_levels[0] if default_levels else None))
    return facts


_AT_LEVEL = re.compile(r"^[\s,]*\)?[\s,]*(?:at|@|in)\s+(?:the\s+)?(?=[CTL]\d)", re.IGNORECASE)


def _level_after_size(text: str) -> str | None:
    """ "5.5 mm at L4-5": the level that follows a size names it."""
    at = _AT_LEVEL.match(text)
    if not at:
        return None
    found = v.find_levels(text[at.end() : at.end() + 12])
    return found[0].levels[0] if found and found[0].start == 0 else None


def _lf_fact(m: Mention, mm: float, level: str | None) -> Fact:
    fact = make_fact(m, "findings.ligamentum_flavum_mm", mm, level)
    if not 0 < mm <= 20:
        fact.skip("not a plausible ligamentum flavum thickness")
    elif level is not None and not v.lumbar_only([level]):
        fact.skip("not a lumbar level")
    return fact


# ---- spondylolisthesis -------------------------------------------------------------------------------------------------

_GRADE_AFTER = re.compile(
    r"^[\s,:(]*(?:(?:of|at)\s+)?(?:[TL]\d{1,2}\s*(?:on|over|/|-)\s*[LS]?\d{1,2}\s*)?(?:level\s*)?[\s,:(]*"
    r"(?:(?:is|which\s+is|measuring|that\s+is)\s+)?(?:Meyerding\s+)?(?P<grade>"
    + v.GRADE_BEFORE.pattern
    + ")",
    re.IGNORECASE,
)
_GRADE_GAP = re.compile(
    r"^[\s,(]*(?:(?:anterior|posterior|degenerative|isthmic|stable|unstable|mild|minimal|slight|"
    r"spondylolytic|lytic|[TL]\d{1,2}(?:\s*(?:-|/|on|over)\s*[LS]?\d{1,2})?)[\s,]*)*$",
    re.IGNORECASE,
)
_SINGLE_OF = re.compile(r"^\s*of\s+(?:the\s+)?(?P<v>[TL]\d{1,2})\b(?!\s*(?:-|/|on|over))")


def spondylolisthesis(m: Mention) -> list[Fact]:
    levels = lumbar_levels(m)
    single = _SINGLE_OF.match(m.after)
    if single and not v.find_levels(m.after[:25]):
        below = v.VERTEBRAE[v.VERTEBRAE.index(single["v"]) + 1] if single["v"] in v.VERTEBRAE[:-1] else None
        levels = [f"{single['v']}-{below}"] if below else levels
    level = levels[0] if levels else None
    if m.flags.negated:
        return [make_fact(m, "findings.spondylolisthesis_grade", 0, level)]
    grade = None
    for match in v.GRADE_BEFORE.finditer(m.before):
        if _GRADE_GAP.match(m.before[match.end() :]):
            grade = v.grade_value(match)
    after = _GRADE_AFTER.match(m.after)
    if grade is None and after:
        inner = v.GRADE_BEFORE.search(after.group("grade"))
        grade = v.grade_value(inner) if inner else None
        if level is None:
            # "spondylolisthesis, grade II, at L4-L5": the level follows the grade
            rest = m.after[after.end() :]
            found = v.find_levels(rest)
            if found and _AFTER_LINK.match(rest[: found[0].start]):
                level = next(iter(v.lumbar_only(found[0].levels)), None)
    fact = make_fact(m, "findings.spondylolisthesis_grade", grade, level)
    return [fact if grade is not None else fact.skip("spondylolisthesis named without a grade")]


def normal_alignment(m: Mention) -> list[Fact]:
    if m.flags.negated:
        return []
    return [make_fact(m, "findings.spondylolisthesis_grade", 0)]


# ---- stenosis ------------------------------------------------------------------------------------------------------

_NOT_SPINE = re.compile(
    r"(?i)aortic|mitral|valv|pulmon|carotid|renal|arter|tracheal|subglottic|urethral|pyloric|meatal|biliary|"
    r"esophag|ostial|stent|coronary|vertebral\s+arter"
)
_CLAUSE_CUT = re.compile(r"(?is).*(?:stenosis|stenoses|narrowing|;|,\s|\bbut\b)")
_FORAMINAL = re.compile(r"(?i)foramin")
_CENTRAL = re.compile(r"(?i)central|canal|spinal|thecal|recess|subarticular|lumbar|\bLSS\b")
_SEVERITY_AFTER = re.compile(r"^[\s,(]*(?:which\s+is\s+|that\s+is\s+|is\s+|,\s*)?", re.IGNORECASE)


# "stenosis from L3 through L5, severe": a severity word after the levels, not naming another finding.
_LATE_SEVERITY = re.compile(
    r"^[^.;]{0,45}?[\s,](?=" + v.SEVERITY.pattern + r"\s*(?:[.;]|$))",
    re.IGNORECASE,
)
# "mild stenosis at L2-3, moderate at L3-4, and severe stenosis at L4-5": the middle item names no finding.
_ELLIPSIS = re.compile(
    r",\s*(?:and\s+)?(?P<sev>(?:mild|moderate|severe|minimal|marked|critical)(?:\s*(?:-|to)\s*\w+)?)\s+"
    r"(?:at\s+)?(?:the\s+)?(?P<lvl>[TL]\d{1,2}\s*[-/]\s*[LS]?\d{1,2})(?![\w-])(?!\s*(?:level\s*)?[,]?\s*\w*\s*"
    r"(?:stenosis|narrowing|foramin|disc|disk|bulge|protrusion|facet|arthr))",
    re.IGNORECASE,
)
_NEXT_STENOSIS = re.compile(r"(?i)stenosis|narrowing")


def _elliptical_levels(m: Mention) -> list[Fact]:
    after = m.after
    stop = _NEXT_STENOSIS.search(after)
    window = after[: stop.start()] if stop else after
    facts: list[Fact] = []
    for match in _ELLIPSIS.finditer(window):
        found = v.find_levels(match["lvl"])
        sev = v.SEVERITY.match(match["sev"])
        severity = v.severity_value(sev) if sev else None
        for lv in v.lumbar_only(found[0].levels if found else ()):
            facts.append(make_fact(m, "findings.stenosis_levels", lv, lv))
            if severity:
                facts.append(make_fact(m, "findings.stenosis_severity", severity, lv))
    return facts


def stenosis(m: Mention) -> list[Fact]:
    clause = _CLAUSE_CUT.sub("", m.before[-80:])
    if _NOT_SPINE.search(clause + m.text) or _NOT_SPINE.search(m.after[:30]):
        return []
    if _FORAMINAL.search(clause) and not _CENTRAL.search(clause):
        return []
    all_levels = levels_near(m)
    levels = v.lumbar_only(all_levels)
    if all_levels and not levels:
        return []
    severities = [s for s in (v.severity_value(x) for x in v.SEVERITY.finditer(clause)) if s]
    tail = m.after[_SEVERITY_AFTER.match(m.after).end() :]  # type: ignore[union-attr]
    follow = v.SEVERITY.match(tail)
    if follow and v.severity_value(follow):
        severities.append(v.severity_value(follow))  # type: ignore[arg-type]
    if not severities:
        late = _LATE_SEVERITY.match(m.after)
        if late and v.severity_value(late):
            severities.append(v.severity_value(late))  # type: ignore[arg-type]
    severity = v.worst_severity(severities)
    facts = [make_fact(m, "findings.stenosis_levels", lv, lv) for lv in levels]
    if severity:
        targets: list[str | None] = list(levels) or [None]
        facts += [make_fact(m, "findings.stenosis_severity", severity, lv) for lv in targets]
    facts += _elliptical_levels(m)
    if m.flags.negated:
        return [f.skip("negated") for f in facts]
    return facts


FINDING_EXTRACTORS: dict[str, Extractor] = {
    "NC": neurogenic_claudication,
    "FLEXION": flexion_relief,
    "LF": ligamentum_flavum,
    "LISTHESIS": spondylolisthesis,
    "ALIGNMENT": normal_alignment,
    "STENOSIS": stenosis,
}
