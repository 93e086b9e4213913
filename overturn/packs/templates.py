"""Placeholders in pack text: ``{lf_mm}`` is filled from the case; nothing else is interpreted.

Only bare names in braces are recognised (no attribute access, no format specs), so a pack cannot reach
into Python objects, and case text filled into a template stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

# name -> what it holds; the brief builder computes the values (overturn/brief/values.py).
PLACEHOLDERS: dict[str, str] = {
    "age": "patient's age in years on the day of the review (or today)",
    "lf_mm": "ligamentum flavum thickness in mm, as recorded",
    "spondy_grade": "spondylolisthesis grade (0 = none)",
    "spondylolisthesis": "the grade in words: 'no spondylolisthesis' or 'grade 1 spondylolisthesis'",
    "prior_procedures": "every prior lumbar procedure on record with its date, e.g. 'fusion (2019-05)'",
    "standing_min": "standing tolerance in minutes",
    "walking_ft": "walking tolerance in feet",
    "walking_text": "walking tolerance in the note's own words (e.g. '2 blocks'), when no distance in feet is known",
    "level_details": "imaging findings level by level, e.g. 'L4-L5: ligamentum flavum 4.2 mm, severe stenosis'",
    "odi": "Oswestry Disability Index score",
    "nprs": "pain score on the 0-10 numeric rating scale",
    "stenosis_severity": "stenosis severity word (mild, moderate, severe)",
    "levels": "planned procedure levels, e.g. 'L3-L4 and L4-L5'",
    "stenosis_levels": "levels where imaging shows stenosis (findings.stenosis_levels)",
    "symptoms": "symptoms in the office's own words",
    "treatments_failed": "conservative treatments that failed or gave only temporary relief, as a phrase",
    "treatments_improved": "conservative treatments that helped, as a phrase",
    "plan_type_label": "plan type in words, e.g. 'Medicare Advantage'",
    "insurer": "insurer name",
    "family_label": "plan family label, e.g. 'Medicare plans'",
    "planned_date": "planned procedure date",
    "recent_procedure": "the lumbar procedure inside the look-back window, with its date",
    "diagnosis_codes": "diagnosis codes of the brief, joined",
    "other_conditions": "conditions on record without an ICD-10-CM code, joined",
    "threshold": "in a criterion: the number its compare rule tests against",
    "found": "in a criterion: the codes or values it found",
}


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def fill(text: str, values: Mapping[str, str | None]) -> str | None:
    """The text with every placeholder filled, or None when one of them has no value."""
    missing = False

    def sub(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1))
        if value is None or value == "":
            missing = True
            return ""
        return value

    out = PLACEHOLDER.sub(sub, text)
    return None if missing else out
