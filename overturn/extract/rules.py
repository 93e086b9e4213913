"""Target and ConText rules: which words mark a concept, and which cues change what a mention means.

Targets are keywords (regular expressions over the note text); the values next to them are read by the
extractors in ``findings.py``, ``scores.py`` and ``care.py``. Keeping targets small means ConText
decides negation and hypotheticals for exactly the concept word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# ---- target labels ---------------------------------------------------------------------------------------------

FINDING_LABELS = (
    "NC", "FLEXION", "LF", "LISTHESIS", "ALIGNMENT", "STENOSIS", "STANDING", "WALKING", "ODI",
    "PAIN_SCORE", "SURGICAL_CANDIDATE",
)  # fmt: skip
TREATMENT_LABELS = (
    "TX_PT", "TX_ESI", "TX_MED", "TX_CHIRO", "TX_ACUP", "TX_BRACE", "TX_HEP", "TX_FACET", "TX_RFA",
    "TX_OTHER", "TX_CONSERVATIVE",
)  # fmt: skip
PROCEDURE_LABELS = (
    "PX_LAMINECTOMY", "PX_LAMINOTOMY", "PX_FUSION", "PX_IPD", "PX_MILD", "PX_OTHER", "PX_ANY",
)  # fmt: skip
CODE_LABELS = ("ICD10",)

# Medication names (brand and generic) -> the name written to the case. Injectates used during an epidural
# (lidocaine, bupivacaine, Depo-Medrol, contrast) are left out on purpose: they are not a trial of medication.
MEDICATIONS = {
    "gabapentin": "gabapentin", "neurontin": "gabapentin", "pregabalin": "pregabalin", "lyrica": "pregabalin",
    "ibuprofen": "ibuprofen", "motrin": "ibuprofen", "advil": "ibuprofen", "naproxen": "naproxen",
    "aleve": "naproxen", "naprosyn": "naproxen", "meloxicam": "meloxicam", "mobic": "meloxicam",
    "celecoxib": "celecoxib", "celebrex": "celecoxib", "diclofenac": "diclofenac", "voltaren": "diclofenac",
    "etodolac": "etodolac", "nabumetone": "nabumetone", "indomethacin": "indomethacin",
    "acetaminophen": "acetaminophen", "tylenol": "acetaminophen", "tramadol": "tramadol",
    "ultram": "tramadol", "oxycodone": "oxycodone", "percocet": "oxycodone", "oxycontin": "oxycodone",
    "hydrocodone": "hydrocodone", "norco": "hydrocodone", "vicodin": "hydrocodone", "lortab": "hydrocodone",
    "morphine": "morphine", "codeine": "codeine", "tapentadol": "tapentadol", "nucynta": "tapentadol",
    "cyclobenzaprine": "cyclobenzaprine", "flexeril": "cyclobenzaprine", "methocarbamol": "methocarbamol",
    "robaxin": "methocarbamol", "tizanidine": "tizanidine", "zanaflex": "tizanidine", "baclofen": "baclofen",
    "carisoprodol": "carisoprodol", "soma": "carisoprodol", "metaxalone": "metaxalone",
    "skelaxin": "metaxalone", "duloxetine": "duloxetine", "cymbalta": "duloxetine",
    "amitriptyline": "amitriptyline", "elavil": "amitriptyline", "nortriptyline": "nortriptyline",
    "prednisone": "prednisone", "medrol dosepak": "methylprednisolone", "medrol dose pack": "methylprednisolone",
    "medrol dosepack": "methylprednisolone", "lidoderm": "lidocaine patch",
    "nsaids": "NSAIDs", "nsaid": "NSAIDs", "anti-inflammatories": "NSAIDs", "anti-inflammatory medications":
    "NSAIDs", "anti-inflammatory medication": "NSAIDs", "muscle relaxants": "muscle relaxants",
    "muscle relaxant": "muscle relaxants", "opioids": "opioids", "narcotics": "opioids",
    "narcotic pain medication": "opioids", "oral steroids": "oral steroids",
}  # fmt: skip


def medication_key(text: str) -> str:
    """Spelling-insensitive key: "Anti-inflammatories", "anti inflammatories" and "antiinflammatories" agree."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


MEDICATION_NAMES = {medication_key(written): name for written, name in MEDICATIONS.items()}


def _alternatives(words: list[str]) -> str:
    return "|".join(
        w.replace(" ", r"\s+").replace("-", r"[- ]?") for w in sorted(words, key=len, reverse=True)
    )


# (label, regular expression). Case-insensitive unless the pattern starts with (?-i) semantics noted below:
# abbreviations (PT, ESI, LF, NC) are matched case-sensitively, since "pt" and "lf" in lower case are other words.
TARGET_PATTERNS: list[tuple[str, str]] = [
    (
        "NC",
        r"(?i)\b(?:neurogenic\s+(?:intermittent\s+)?)?(?:pseudo-?)?(?:claudicat\w*|claudation|cladicat\w*)",
    ),
    ("NC", r"\bNC\b"),
    (
        "FLEXION",
        r"(?i)\b(?:relie(?:f|ved|ves)|improv(?:es|ed|ement)|better|eas(?:es|ed)|alleviat\w+|resolv\w+|helps?)"
        r"\s+(?:\w+\s+){0,3}?(?:by|with|when|on|upon|if|after)\s+(?:\w+\s+){0,2}?"
        r"(?:sitting|sits|bending\s+forward|forward\s+(?:flexion|bending|lean\w*)|flexion|flexing|"
        r"lean\w*\s+(?:forward|over|on)|stooping|stooped|squatting|sitting\s+down|a\s+(?:shopping\s+)?cart)",
    ),
    (
        "FLEXION",
        r"(?i)\b(?:sitting|forward\s+flexion|flexion|bending\s+forward|leaning\s+forward|stooping)\s+"
        r"(?:down\s+)?(?:relieves|improves|helps|eases|alleviates|resolves)\b",
    ),
    (
        "FLEXION",
        r"(?i)\b(?:shopping[- ]cart\s+sign|lean\w*\s+(?:on|over)\s+(?:a|the|his|her)\s+(?:shopping\s+|grocery\s+)?cart)",
    ),
    ("LF", r"(?i)\bligament\w*\s+f(?:la|al)v\w*|\bflaval\b"),
    ("LF", r"\bLFH?\b"),
    ("LISTHESIS", r"(?i)\b(?:spond[yi]lo|antero|retro)?-?l[iy]s?th?es[ie]s\b"),
    (
        "ALIGNMENT",
        r"(?i)\b(?:alignment\s+is\s+(?:normal|anatomic|maintained|preserved|within\s+normal\s+limits)|"
        r"(?:normal|anatomic)\s+(?:lumbar\s+)?(?:spinal\s+)?alignment)\b",
    ),
    ("STENOSIS", r"(?i)\bsteno(?:sis|ses|tic)\b|\b(?:canal|thecal\s+sac|central)\s+narrowing\b"),
    ("STENOSIS", r"\bLSS\b"),
    ("STANDING", r"(?i)\bstand(?:ing|s)?\b"),
    ("WALKING", r"(?i)\b(?:walk(?:ing|s|ed)?|ambulat\w*)\b"),
    (
        "ODI",
        r"(?i)\bODI\b|\bOswestry(?:\s+(?:Disability|Low\s+Back\s+Pain))?(?:\s+(?:Index|Questionnaire|score))*",
    ),
    (
        "PAIN_SCORE",
        r"(?i)\b(?:NPRS|NRS|VAS|(?:numeric\s+)?pain\s+(?:score|scale|level|rating(?:\s+scale)?|intensity))\b",
    ),
    ("PAIN_SCORE", r"(?i)\b\d{1,2}(?:\.\d)?(?:\s*(?:-|to)\s*\d{1,2})?\s*(?:/|out\s+of)\s*10\b(?!\s*/)"),
    (
        "SURGICAL_CANDIDATE",
        r"(?i)\b(?:surgical|operative|surgery)\s+candidate\b|\bcandidate\s+for\s+"
        r"(?:(?:open|spinal|spine|lumbar|back|decompressive|major|further|any|traditional)\s+)*"
        r"(?:surgery|surgical\s+\w+|operative\s+\w+|open\s+decompression|decompression|laminectomy|fusion)\b",
    ),
    # treatments
    (
        "TX_PT",
        r"(?i)\b(?:physical|physcial|phsyical|phyiscal)\s+the(?:rapy|rpay|rpy|rapies|rapist)\b|\bphysiotherapy\b|"
        r"\baqua(?:tic)?\s+therapy\b|\bpool\s+therapy\b",
    ),
    ("TX_PT", r"\bP\.?T\b\.?"),
    (
        "TX_ESI",
        r"(?i)\b(?:lumbar\s+|caudal\s+|interlaminar\s+|transforaminal\s+)?epidural\s+(?:steroid|steriod)\s+"
        r"injections?\b|\bepidural\s+(?:steroids?|injections?|blocks?)\b|\bepidurals?\b(?!\s+(?:steroid|steriod|"
        r"injection|block|fat|space|hematoma|lipomatosis|abscess|venous|veins?|scar|fibrosis|catheter|needle|"
        r"analgesia|anesthesia|space))|\btransforaminal\s+(?:steroid\s+)?injections?\b",
    ),
    ("TX_ESI", r"\b(?:TF|L|IL|C)?ESIs?\b"),
    ("TX_MED", r"(?i)\b(?:" + _alternatives(list(MEDICATIONS)) + r")\b"),
    ("TX_CHIRO", r"(?i)\bchiropract\w*|\bchiro\b|\bspinal\s+manipulation\b|\bosteopathic\s+manipulat\w*"),
    ("TX_ACUP", r"(?i)\bacupunct\w*"),
    ("TX_BRACE", r"(?i)\b(?:lumbar\s+|back\s+)?(?:brace|bracing|corset)\b|\bLSO\b"),
    ("TX_HEP", r"(?i)\bhome\s+exercises?(?:\s+program)?\b|\bHEP\b"),
    (
        "TX_FACET",
        r"(?i)\bfacet\s+(?:joint\s+)?(?:injections?|blocks?)\b|\bmedial\s+branch\s+blocks?\b|\bMBBs?\b",
    ),
    ("TX_RFA", r"(?i)\bradiofrequency\s+(?:ablation|neurotomy|rhizotomy|lesioning)\b|\bRFA\b|\brhizotomy\b"),
    ("TX_OTHER", r"(?i)\bmassage(?:\s+therapy)?\b|\bTENS(?:\s+unit)?\b|\btraction\b|\bdry\s+needling\b"),
    (
        "TX_CONSERVATIVE",
        r"(?i)\bconservative\s+(?:care|therapy|therapies|treatment|treatments|management|measures)\b",
    ),
    # prior procedures
    ("PX_LAMINECTOMY", r"(?i)\b(?:hemi-?)?laminectom(?:y|ies)\b|\bpost-?\s?laminectomy\b"),
    ("PX_LAMINOTOMY", r"(?i)\b(?:hemi-?)?laminotom(?:y|ies)\b"),
    (
        "PX_FUSION",
        r"(?i)\b(?:spinal\s+|lumbar\s+|posterior\s+|anterior\s+|instrumented\s+|interbody\s+|posterolateral\s+)*"
        r"fusions?\b|\barthrodesis\b|\b(?:PLIF|TLIF|ALIF|XLIF|LLIF|OLIF)\b",
    ),
    (
        "PX_IPD",
        r"(?i)\binterspinous\s+(?:process\s+)?(?:spacers?|devices?|decompression|implants?|distraction)\b|"
        r"\bX-?STOP\b|\bSuperion\b|\bcoflex\b",
    ),
    (
        "PX_MILD",
        r"(?i)\bmild\s*(?:®|\(r\))|\bmild\s+(?:procedure|lumbar\s+decompression|decompression\s+procedure)\b|"
        r"\bminimally\s+invasive\s+lumbar\s+decompression\b|\bpercutaneous\s+(?:image[- ]guided\s+)?lumbar\s+"
        r"decompression\b|\bPILD\b|\b0275T\b",
    ),
    (
        "PX_OTHER",
        r"(?i)\b(?:micro-?)?dis[ck]ectom(?:y|ies)\b|\bforaminotom(?:y|ies)\b|\bfacetectom(?:y|ies)\b",
    ),
    ("PX_ANY", r"(?i)\b(?:lumbar|back|spine|spinal|low\s+back)\s+(?:surgery|surgeries|operations?)\b"),
    # codes written in the note; the extractor keeps only those in the ICD-10-CM code set
    (
        "ICD10",
        r"\b[A-TV-Z][0-9\u00d8][0-9A-Z\u00d8](?:\.[0-9A-Z\u00d8]{1,4}|[0-9\u00d8][0-9A-Z\u00d8]{0,3})\b",
    ),
]

# ---- ConText rules added to medspaCy's defaults ---------------------------------------------------------------

_PLANNED_TARGETS = set(TREATMENT_LABELS) | set(PROCEDURE_LABELS)

_PLAN_CUES = (
    "consider", "considering", "recommend", "recommends", "recommended", "we recommend", "plan", "plan for",
    "plans", "planning", "will", "would", "schedule", "scheduled for", "refer", "referred", "referral",
    "referral to", "discuss", "discussed", "may benefit", "might benefit", "could", "option", "options",
    "candidate for", "pending", "request", "requesting", "requested", "to undergo", "would like",
    "interested in", "wants", "wishes", "start", "begin", "initiate", "prescribe", "trial of",
    "proceed with", "ordered", "order", "try", "authorization for",
)  # fmt: skip

_PLANNED_AFTER_CUES = (
    "is recommended", "was recommended", "recommended", "planned", "scheduled", "pending", "ordered",
    "was discussed", "were discussed", "requested", "is requested", "was ordered", "was denied",
)  # fmt: skip

_OUTCOME_PHRASES = (
    "no relief", "no significant relief", "no lasting relief", "no improvement", "no benefit", "no help",
    "not help", "did not help", "didn", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ",
    ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ",
)  # fmt: skip

# (literal, category, direction, allowed target labels or None for all, max scope in tokens or None)
CONTEXT_RULES: list[tuple[str, str, str, set[str] | None, int | None]] = [
    # Plans and recommendations: "consider PT", "recommend ESI", "candidate for laminectomy" are not history.
    *[(cue, "HYPOTHETICAL", "FORWARD", _PLANNED_TARGETS, None) for cue in _PLAN_CUES],
    *[(cue, "HYPOTHETICAL", "BACKWARD", _PLANNED_TARGETS, 4) for cue in _PLANNED_AFTER_CUES],
    # Outcome phrases hold negation words but do not deny that the treatment happened ("no relief from PT").
    *[(cue, "PSEUDO", "PSEUDO", set(TREATMENT_LABELS), None) for cue in _OUTCOME_PHRASES],
    # Limits are not negations: "cannot stand for more than 5 minutes" still states a standing tolerance.
    *[
        (cue, "PSEUDO", "PSEUDO", {"STANDING", "WALKING"}, None)
        for cue in ("no more than", "not more than", "no longer than", "not able", "not longer than")
    ],
    # Family members the default "family" cue misses.
    *[
        (cue, "FAMILY", "BIDIRECTIONAL", None, 6)
        for cue in ("mother", "father", "brother", "sister", "son", "daughter", "sibling", "aunt", "uncle")
    ],
    ("s/p", "HISTORICAL", "FORWARD", None, None),
    ("status post", "HISTORICAL", "FORWARD", None, None),
    ("previous", "HISTORICAL", "FORWARD", None, None),
    ("prior", "HISTORICAL", "FORWARD", None, None),
    ("previously", "HISTORICAL", "BIDIRECTIONAL", None, 6),
    ("questionable", "POSSIBLE_EXISTENCE", "FORWARD", None, None),
    ("probable", "POSSIBLE_EXISTENCE", "FORWARD", None, None),
    ("cannot exclude", "POSSIBLE_EXISTENCE", "BIDIRECTIONAL", None, None),
    ("vs", "POSSIBLE_EXISTENCE", "BIDIRECTIONAL", None, 4),
    ("versus", "POSSIBLE_EXISTENCE", "BIDIRECTIONAL", None, 4),
    ("however", "TERMINATE", "TERMINATE", None, None),
    ("although", "TERMINATE", "TERMINATE", None, None),
    ("which", "TERMINATE", "TERMINATE", None, None),
    ("and now", "TERMINATE", "TERMINATE", None, None),
    ("now", "TERMINATE", "TERMINATE", _PLANNED_TARGETS, None),
]

# medspaCy's default rule ": no" negates backward ("Fever: no"), and as the longer match it beats the forward
# "no" in "L5-S1: No stenosis.", negating the level instead of the stenosis. It is replaced by a rule that reads
# both ways: forward always, backward only when "no" ends the clause ("Claudication: no." or at the end).
DEFAULT_CONTEXT_RULES_DROPPED = {": no"}


def colon_no_modifies(target: Any, modifier: Any, between: Any) -> bool:
    if target.start >= modifier.end:
        return True
    doc = modifier.doc
    return modifier.end >= len(doc) or not doc[modifier.end].is_alpha


# (literal, category, direction, spaCy token pattern, on_modifies callback)
CONTEXT_PATTERN_RULES: list[tuple[str, str, str, list[dict[str, Any]], Callable[[Any, Any, Any], bool]]] = [
    (": no", "NEGATED_EXISTENCE", "BIDIRECTIONAL", [{"ORTH": ":"}, {"LOWER": "no"}], colon_no_modifies),
]
