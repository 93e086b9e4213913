"""Code tables and small mapping functions from FHIR codes to case values.

These are terminology mappings (which CPT code is a lumbar laminectomy), not clinical content: thresholds,
wording and criteria stay in the pack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from overturn.case.plans import PlanType, parse_plan_type

ICD10CM_SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-10-cm",
    "http://hl7.org/fhir/sid/icd-10",
    "urn:oid:2.16.840.1.113883.6.90",
}
CPT_SYSTEMS = {"http://www.ama-assn.org/go/cpt", "urn:oid:2.16.840.1.113883.6.12"}
HCPCS_SYSTEMS = {
    "https://bluebutton.cms.gov/resources/codesystem/hcpcs",
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "urn:oid:2.16.840.1.113883.6.285",
}
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"

# The procedure under review: CPT 0275T and the Medicare coverage-with-evidence code for the same operation.
MILD_CODES = {"0275T", "G0276"}

# Prior lumbar spine operations by CPT code (lumbar-specific codes only, so the region is known).
PRIOR_PROCEDURE_BY_CPT: dict[str, str] = {
    **dict.fromkeys(["63005", "63012", "63017", "63047", "63048"], "laminectomy"),
    **dict.fromkeys(["63030", "63035", "63042", "63044"], "laminotomy"),
    **dict.fromkeys(
        ["22533", "22534", "22558", "22612", "22614", "22630", "22632", "22633", "22634"], "fusion"
    ),
    **dict.fromkeys(["22867", "22868", "22869", "22870"], "interspinous_process_decompression"),
    **dict.fromkeys(sorted(MILD_CODES), "mild"),
}

# Words in a procedure's text or display, for SNOMED and uncoded procedures. Order matters: the first
# match wins, so "hemilaminectomy" is read as a laminotomy before "laminectomy" can claim it.
PRIOR_PROCEDURE_WORDS: list[tuple[str, str]] = [
    (r"\bmild\b|percutaneous image[- ]guided lumbar decompression|\bpild\b", "mild"),
    (r"hemilaminectomy|laminotomy", "laminotomy"),
    (r"laminectomy", "laminectomy"),
    (r"interspinous|interlaminar (?:spacer|device|stabili)", "interspinous_process_decompression"),
    (r"fusion|arthrodesis", "fusion"),
]
SPINE_REGION_WORDS = {
    "lumbar": r"lumbar|lumbosacral|\bL[1-5]\b",
    "cervical": r"cervical|\bC[1-7]\b",
    "thoracic": r"thoracic|\bT(?:[1-9]|1[0-2])\b",
}

# Conservative care billed as procedures (lumbar codes), mapped to case treatment types.
TREATMENT_BY_CPT: dict[str, str] = {
    **dict.fromkeys(["62322", "62323", "64483", "64484"], "epidural_steroid_injection"),
    **dict.fromkeys(["64493", "64494", "64495"], "facet_injection"),
    **dict.fromkeys(["64635", "64636"], "radiofrequency_ablation"),
    **dict.fromkeys(
        ["97110", "97112", "97140", "97530", "97161", "97162", "97163", "97164"], "physical_therapy"
    ),
    **dict.fromkeys(["98940", "98941", "98942"], "chiropractic"),
    **dict.fromkeys(["97810", "97811", "97813", "97814"], "acupuncture"),
}
TREATMENT_WORDS: list[tuple[str, str]] = [
    (r"epidural (?:steroid )?injection|\besi\b", "epidural_steroid_injection"),
    (r"facet (?:joint )?injection|medial branch block", "facet_injection"),
    (r"radiofrequency ablation|rhizotomy", "radiofrequency_ablation"),
    (r"physical therapy|physiotherapy", "physical_therapy"),
    (r"chiropractic|spinal manipulation", "chiropractic"),
    (r"acupuncture", "acupuncture"),
]

# Medicines tried for back and leg pain. Other medicines (antibiotics, contraceptives...) say nothing about
# conservative care for stenosis and would only clutter the brief.
PAIN_MEDICINE_WORDS = re.compile(
    r"ibuprofen|naproxen|meloxicam|diclofenac|celecoxib|etodolac|nabumetone|ketorolac|aspirin|"
    r"acetaminophen|paracetamol|tylenol|gabapentin|pregabalin|duloxetine|amitriptyline|nortriptyline|"
    r"cyclobenzaprine|methocarbamol|tizanidine|baclofen|carisoprodol|metaxalone|tramadol|oxycodone|"
    r"hydrocodone|morphine|hydromorphone|codeine|tapentadol|fentanyl|buprenorphine|methylprednisolone|"
    r"prednisone|dexamethasone|lidocaine",
    re.IGNORECASE,
)

# Observations: LOINC codes first, then words in the code text. ODI 97909-6 (Oswestry disability index
# score), NPRS 72514-3 (pain severity 0-10 verbal numeric rating).
OBSERVATION_LOINC = {"97909-6": "odi", "72514-3": "nprs"}
OBSERVATION_WORDS: list[tuple[str, str]] = [
    (r"oswestry|\bodi\b", "odi"),
    (r"numeric (?:pain )?rating|\bnprs\b|\bnrs\b|pain (?:severity|score|intensity)", "nprs"),
    (r"ligament(?:um)? flav|\blf thickness", "ligamentum_flavum_mm"),
]
LENGTH_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0}

# PHDSC Source of Payment Typology (https://nahdo.org/sopt): the leading digits say who pays.
SOPT_SYSTEMS = {"https://nahdo.org/sopt", "urn:oid:2.16.840.1.113883.3.221.5"}
SOPT_PREFIXES: list[tuple[str, PlanType]] = [
    ("11", PlanType.MEDICARE_ADVANTAGE),
    ("12", PlanType.ORIGINAL_MEDICARE),
    ("2", PlanType.MEDICAID),
    ("311", PlanType.TRICARE),
    ("32", PlanType.VA),
    ("523", PlanType.MEDICARE_SUPPLEMENT),
    ("5", PlanType.COMMERCIAL),
    ("95", PlanType.WORKERS_COMP),
]
AGENCY_NAME = re.compile(r"(?i)\bcenters? for medicare (?:and|&) medicaid services\b|\(?\bCMS\b\)?")
# Words in plan names, class values and payor names. "Medicare Part A/B" is Original Medicare; Part C is MA.
PLAN_WORDS: list[tuple[str, PlanType]] = [
    (r"medicare advantage|part c\b|\bmapd\b", PlanType.MEDICARE_ADVANTAGE),
    (r"medigap|medicare supplement", PlanType.MEDICARE_SUPPLEMENT),
    (r"medicare part [ab]\b|original medicare|traditional medicare|medicare ffs", PlanType.ORIGINAL_MEDICARE),
    (r"medicaid|medi-cal", PlanType.MEDICAID),
    (r"tricare|champus", PlanType.TRICARE),
    (r"veterans|\bva community care\b", PlanType.VA),
    (r"federal employee program|\bfep\b", PlanType.BCBS_FEDERAL),
    (r"workers'? ?comp|workman'?s comp", PlanType.WORKERS_COMP),
]


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str


def codings(concept: Any) -> list[Code]:
    """The codings of a CodeableConcept model (blank codes left out)."""
    if concept is None:
        return []
    out = []
    for c in concept.coding or []:
        if c.code:
            out.append(Code(str(c.system or ""), str(c.code).strip(), str(c.display or "")))
    return out


def concept_text(concept: Any) -> str:
    """Human words of a CodeableConcept: its text, else the displays of its codings."""
    if concept is None:
        return ""
    if concept.text:
        return str(concept.text)
    return "; ".join(c.display for c in codings(concept) if c.display)


def first_match(text: str, table: Iterable[tuple[str, Any]]) -> Any:
    for pattern, value in table:
        if re.search(pattern, text, re.IGNORECASE):
            return value
    return None


def cpt_codes(concept: Any) -> list[str]:
    from overturn.case.codes import normalize_cpt

    return [normalize_cpt(c.code) for c in codings(concept) if c.system in CPT_SYSTEMS | HCPCS_SYSTEMS]


def spine_region(text: str) -> str | None:
    found = [
        region for region, pattern in SPINE_REGION_WORDS.items() if re.search(pattern, text, re.IGNORECASE)
    ]
    return found[0] if len(found) == 1 else None


def plan_type_signals(coverage: Any, payor_names: list[str]) -> list[tuple[str, PlanType]]:
    """Every hint the Coverage gives about the plan type, as (where it came from, plan type)."""
    signals: list[tuple[str, PlanType]] = []
    for c in codings(coverage.type):
        if c.system in SOPT_SYSTEMS:
            plan = next((p for prefix, p in SOPT_PREFIXES if c.code.startswith(prefix)), None)
            if plan:
                signals.append((f"Coverage.type SOPT {c.code}", plan))
    texts = [("Coverage.type", concept_text(coverage.type))]
    for cls in coverage.class_fhir or []:
        texts += [
            ("Coverage.class.value", str(cls.value or "")),
            ("Coverage.class.name", str(cls.name or "")),
        ]
    texts += [("payor", name) for name in payor_names]
    for where, text in texts:
        # The agency's name says "Medicare and Medicaid" whatever the plan: it is no plan-type signal.
        text = AGENCY_NAME.sub("", text).strip()
        if not text:
            continue
        plan = parse_plan_type(text) or first_match(text, PLAN_WORDS)
        if plan:
            signals.append((f"{where} {text!r}", plan))
    return signals


def length_in_mm(value: float, unit: str | None) -> float | None:
    factor = LENGTH_TO_MM.get((unit or "mm").strip().lower())
    return None if factor is None else round(value * factor, 2)
