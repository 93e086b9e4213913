"""Treatments tried, prior lumbar procedures, the planned mild® levels, and ICD-10-CM codes written in notes."""

from __future__ import annotations

import re
from typing import Any

from overturn.case.codes import icd10_exists, icd10_is_billable, normalize_icd10
from overturn.extract import values as v
from overturn.extract.facts import Fact
from overturn.extract.findings import Extractor, levels_near, lumbar_levels, make_fact
from overturn.extract.pipeline import Mention
from overturn.extract.rules import MEDICATION_NAMES, MEDICATIONS, medication_key

# ---- treatments ------------------------------------------------------------------------------------------------

TREATMENT_TYPES = {
    "TX_PT": "physical_therapy", "TX_ESI": "epidural_steroid_injection", "TX_MED": "medication",
    "TX_CHIRO": "chiropractic", "TX_ACUP": "acupuncture", "TX_BRACE": "bracing", "TX_HEP": "home_exercise",
    "TX_FACET": "facet_injection", "TX_RFA": "radiofrequency_ablation", "TX_OTHER": "other",
    "TX_CONSERVATIVE": "other",
}  # fmt: skip

_FAILED = (
    r"fail\w*|without\s+(?:significant\s+|any\s+|lasting\s+|much\s+|meaningful\s+)?(?:relief|improvement|benefit|"
    r"success|help)|no\s+(?:significant\s+|lasting\s+|sustained\s+|durable\s+|real\s+|meaningful\s+)?(?:relief|"
    r"improvement|benefit|help|response)|did(?:n't|\s+not)\s+(?:help|improve|work|provide|give)|not\s+(?:helpful|"
    r"effective|improved|help\w*)|ineffective|unsuccessful|minimal\s+(?:relief|improvement|benefit)|"
    r"little\s+(?:relief|improvement|benefit)|refractory|no\s+better|despite|exhausted|unhelpful|"
    r"(?:did\s+not|unable\s+to|could\s+not)\s+tolerate|intoleran\w*|side\s+effects|persistent|continues?\s+to|"
    r"unresponsive|non-?responsive|did\s+not\s+respond|failed\s+to\s+respond"
)
_TEMPORARY = (
    r"temporar\w*|transient\w*|short[- ]?(?:term|lived)|wore\s+off|wearing\s+off|brief\s+relief|partial\s+relief|"
    r"(?:relief|improvement|benefit)\s+(?:for|lasting)\s+(?:only\s+)?(?:about\s+|approximately\s+)?"
    r"[\w-]+\s+(?:days?|weeks?|months?)|help\w*\s+for\s+(?:only\s+)?(?:about\s+|approximately\s+|a\s+few\s+)?"
    r"(?:[\w-]+\s+)?(?:days?|weeks?|months?)|only\s+lasted|(?:pain|symptoms)\s+(?:returned|recurred)|returned|recurred"
)
_IMPROVED = (
    r"improv\w*|help(?:ed|s|ful)|good\s+(?:relief|response|results?|benefit)|significant\s+(?:relief|improvement)|"
    r"relief|benefit\w*|better|resolved|effective|responded\s+well"
)
_OUTCOMES = [("failed", re.compile(_FAILED, re.I)), ("temporary_relief", re.compile(_TEMPORARY, re.I)),
             ("improved", re.compile(_IMPROVED, re.I))]  # fmt: skip
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b|\bwhile\b", re.I)
_TREATMENT_WORD = re.compile(
    r"(?i)therap|\bPT\b|inject|ESI|epidural|medicat|chiro|acupunct|brace|exercise|"
    + "|".join(re.escape(k) for k in MEDICATIONS if " " not in k)
)


def _cues(text: str) -> list[tuple[int, int, str]]:
    """Outcome cues in ``text``; a stronger cue hides a weaker one it overlaps ("no relief" is not "relief")."""
    found: list[tuple[int, int, str]] = []
    for name, rx in _OUTCOMES:
        for m in rx.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), name))
    return found


def outcome_of(m: Mention) -> str | None:
    sentence, at = m.sentence, m.start - m.sentence_start
    bounds = [0] + [b.end() for b in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence) + 1]
    index = max(i for i, b in enumerate(bounds[:-1]) if b <= at)
    clause_start, clause_end = bounds[index], bounds[index + 1]
    own = _cues(sentence[clause_start:clause_end])
    nearest = None
    if own:
        mid = at - clause_start
        nearest = min(own, key=lambda c: min(abs(c[0] - mid), abs(c[1] - mid)))[2]
    if index + 2 < len(bounds):
        following = sentence[clause_end : bounds[index + 2]]
        later = _cues(following)
        # "ESI helped, but the pain returned": a later clause with no other treatment qualifies this one.
        if later and not _TREATMENT_WORD.search(following) and nearest in (None, "improved"):
            return later[0][2]
    return nearest


_PT_NOT_THERAPY_AFTER = re.compile(
    r"^\s*(?:/\s*INR|INR|is\b|was\b|has\b|had\b|states|reports|denies|presents|complains|c/o|'s|will\b|returns|"
    r"comes|underwent|notes|feels|tolerated|pulses?|[12]\+|\d+\s*(?:sec|s\b))",
    re.I,
)
_PT_NOT_THERAPY_BEFORE = re.compile(r"(?i)(?:\bDP\s*(?:and|/|,)\s*|prothrombin\s+time\s*\(?\s*|INR\s*/\s*)$")
_WEEKS_BEFORE = re.compile(
    rf"(?P<d>{v.DURATION.pattern})\s+(?:of\s+)?(?:formal\s+|outpatient\s+|supervised\s+|aggressive\s+)?$",
    re.I,
)
_COUNT_BEFORE = re.compile(
    rf"(?:(?<![-/\w])(?P<n>\d{{1,2}}|{v.NUMBER_WORD})|(?P<ord>first|second|third|fourth|fifth|sixth))\s+"
    r"(?:(?:separate|prior|previous|lumbar|caudal|interlaminar|transforaminal|epidural|steroid|sets?\s+of|"
    r"series\s+of|total|additional)\s+)*$",
    re.I,
)
_COUNT_AFTER = re.compile(
    r"^\s*\(?\s*(?:x|×|times)\s*(?P<n>\d{1,2})\b|^\s*,?\s*(?P<w>\d{1,2})\s+total\b", re.I
)


def treatment(m: Mention) -> list[Fact]:
    kind = TREATMENT_TYPES[m.label]
    is_pt_abbreviation = m.label == "TX_PT" and m.text.replace(".", "") == "PT"
    if is_pt_abbreviation and (
        _PT_NOT_THERAPY_AFTER.match(m.after) or _PT_NOT_THERAPY_BEFORE.search(m.before)
    ):
        return []  # "PT is a 68 year old", "PT/INR", "DP and PT pulses"
    if m.label == "TX_ESI" and _OBSTETRIC.search(m.sentence):
        return []  # an epidural for labour or anaesthesia is not an epidural steroid injection
    if m.label == "TX_OTHER" and _OPERATIVE.search(m.sentence):
        return []  # "traction was applied between the screws" is a surgical step, not a conservative treatment
    entry: dict[str, Any] = {"type": kind}
    if m.label == "TX_MED":
        entry["name"] = MEDICATION_NAMES.get(medication_key(m.text), m.text.lower())
    elif m.label == "TX_CONSERVATIVE":
        entry["name"] = "conservative care"
    elif m.label == "TX_OTHER":
        entry["name"] = " ".join(m.text.lower().split())
    outcome = outcome_of(m)
    if outcome:
        entry["outcome"] = outcome
    if kind in ("physical_therapy", "chiropractic", "home_exercise", "acupuncture"):
        weeks = _weeks(m)
        if weeks:
            entry["weeks"] = weeks
    if kind in ("epidural_steroid_injection", "facet_injection", "radiofrequency_ablation"):
        count = _count(m)
        if count:
            entry["count"] = count
    fact = make_fact(m, "treatments", entry)
    if m.flags.negated:
        fact.skip("negated: the treatment was not given")
    elif m.section == "plan" and not re.search(r"(?i)\bcontinu|\bcurrent|\bongoing|\bremain", m.sentence):
        fact.skip("in the plan: not yet tried")
    return [fact]


def _weeks(m: Mention) -> float | None:
    before = _WEEKS_BEFORE.search(m.before[-40:])
    if before:
        value = v.weeks(v.DURATION.search(before.group("d")))  # type: ignore[arg-type]
        if value:
            return value
    window = re.split(r"[,;.]", m.after[:45], maxsplit=1)[0]
    for match in v.DURATION.finditer(window):
        value = v.weeks(match)
        if value and 0 < value <= 520:
            return value
    return None


def _count(m: Mention) -> int | None:
    before = _COUNT_BEFORE.search(m.before[-45:])
    if before:
        if before["ord"]:
            return v.ORDINALS[before["ord"].lower()]
        number = v.to_number(before["n"])
        if number and number >= 2 or (number == 1 and before["n"].lower() in ("1", "one", "single")):
            return int(number)
    after = _COUNT_AFTER.match(m.after)
    if after:
        return int(after["n"] or after["w"])
    return None


# ---- prior procedures and the planned mild® ----------------------------------------------------------------------

PROCEDURE_TYPES = {
    "PX_LAMINECTOMY": "laminectomy", "PX_LAMINOTOMY": "laminotomy", "PX_FUSION": "fusion",
    "PX_IPD": "interspinous_process_decompression", "PX_MILD": "mild", "PX_OTHER": "other", "PX_ANY": "other",
}  # fmt: skip
_PAST = re.compile(
    r"(?i)\b(?:s/p|status\s+post|underwent|had\s+(?:an?\s+)?|prior|previous(?:ly)?|history\s+of|h/o|"
    r"post-?\s?(?:op|operative)|in\s+(?:19|20)\d\d|ago|performed|received)\b"
)
_PLANNED = re.compile(
    r"(?i)\b(?:plan\w*|schedul\w*|recommend\w*|request\w*|authoriz\w*|candidate|proceed|pending|denied|denial|"
    r"will|would|propos\w*|indicated|appeal|peer[- ]to[- ]peer)\b"
)
_NOT_LUMBAR = re.compile(r"(?i)\b(?:cervical|thoracic|ACDF|neck)\b")


_OPERATIVE = re.compile(r"(?i)\bscrews?\b|\brods?\b|retract|distract|intraoperativ|\bdura\b|\bincision|tongs")
_OBSTETRIC = re.compile(
    r"(?i)\blabou?r\b|deliver|childbirth|c-section|cesarean|caesarean|obstetric|epidural\s+anesth"
)


def procedure(m: Mention) -> list[Fact]:
    kind = PROCEDURE_TYPES[m.label]
    levels = levels_near(m)
    lumbar = v.lumbar_only(levels)
    if m.label == "PX_MILD":
        # A sentence about the requested mild® names its target levels anywhere ("0275T requested for L4-L5").
        named = [lv for found in v.find_levels(m.sentence) for lv in found.levels]
        return _mild(m, lumbar or v.lumbar_only(list(dict.fromkeys(named))))
    if m.label == "PX_ANY" and m.flags.negated:
        return [make_fact(m, "prior_lumbar_procedures", [])]
    entry: dict[str, Any] = {"type": kind}
    if lumbar:
        entry["levels"] = lumbar
    if kind == "other" or m.label == "PX_IPD":
        entry["description"] = " ".join(m.text.split())
    date = _nearest_date(m)
    if date:
        entry["date"] = date
    fact = make_fact(m, "prior_lumbar_procedures", entry)
    if m.flags.negated:
        fact.skip("negated: the procedure was not done")
    elif (levels and not lumbar) or (not lumbar and _NOT_LUMBAR.search(m.sentence)):
        fact.skip("not a lumbar procedure")
    elif m.section == "plan":
        fact.skip("in the plan: not yet done")
    return [fact]


def _mild(m: Mention, lumbar: list[str]) -> list[Fact]:
    past = bool(_PAST.search(m.sentence)) and not (m.flags.hypothetical or _PLANNED.search(m.sentence))
    if past:
        entry: dict[str, Any] = {"type": "mild"}
        if lumbar:
            entry["levels"] = lumbar
        date = _nearest_date(m)
        if date:
            entry["date"] = date
        fact = make_fact(m, "prior_lumbar_procedures", entry)
        return [fact.skip("negated") if m.flags.negated else fact]
    facts = [make_fact(m, "procedure.levels", lv, lv) for lv in lumbar]
    if m.flags.negated:
        return [f.skip("negated") for f in facts]
    return facts


def _nearest_date(m: Mention) -> str | None:
    at = m.start - m.sentence_start
    found = v.dates_in(m.sentence)
    if not found:
        return None
    return min(found, key=lambda d: min(abs(d[1] - at), abs(d[2] - at)))[0]


# ---- diagnosis codes ------------------------------------------------------------------------------------------------

_CODE_CONTEXT = re.compile(r"(?i)\bICD|diagnos|\bdx\b|\bcodes?\b")


def diagnosis_code(m: Mention) -> list[Fact]:
    raw = m.text
    if "." not in raw and not _CODE_CONTEXT.search(m.sentence):
        return []
    code = normalize_icd10(raw)
    if not icd10_exists(code):
        return []
    fact = make_fact(m, "diagnoses", code)
    if m.flags.negated or m.flags.uncertain:
        return [fact.skip("ruled out or uncertain")]
    if not icd10_is_billable(code):
        # The case model accepts billable codes only; the fact stays in the evidence for the office to refine.
        return [fact.skip("a category, not a billable code: choose a more specific code")]
    return [fact]


CARE_EXTRACTORS: dict[str, Extractor] = {
    **{label: treatment for label in TREATMENT_TYPES},
    **{label: procedure for label in PROCEDURE_TYPES},
    "ICD10": diagnosis_code,
}

__all__ = ["CARE_EXTRACTORS", "lumbar_levels"]
