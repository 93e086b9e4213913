"""Plan types and the many ways offices write them."""

from __future__ import annotations

import re
from enum import StrEnum


class PlanType(StrEnum):
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICARE_SUPPLEMENT = "medicare_supplement"
    ORIGINAL_MEDICARE = "original_medicare"
    COMMERCIAL = "commercial"
    WORKERS_COMP = "workers_comp"
    VA = "va"
    TRICARE = "tricare"
    MEDICAID = "medicaid"
    BCBS_FEDERAL = "bcbs_federal"


PLAN_TYPE_LABELS: dict[PlanType, str] = {
    PlanType.MEDICARE_ADVANTAGE: "Medicare Advantage",
    PlanType.MEDICARE_SUPPLEMENT: "Medicare Supplement (Medigap)",
    PlanType.ORIGINAL_MEDICARE: "Original Medicare",
    PlanType.COMMERCIAL: "Commercial",
    PlanType.WORKERS_COMP: "Workers' Compensation",
    PlanType.VA: "VA",
    PlanType.TRICARE: "TRICARE",
    PlanType.MEDICAID: "Medicaid",
    PlanType.BCBS_FEDERAL: "BCBS Federal Employee Program",
}

_ALIASES: dict[str, PlanType] = {}


def _add(plan: PlanType, *names: str) -> None:
    for name in (plan.value, PLAN_TYPE_LABELS[plan], *names):
        _ALIASES[alias_key(name)] = plan


def alias_key(text: str) -> str:
    """Fold case, apostrophes, dots and separators: "Workers' Comp." and "workers_comp" meet."""
    text = text.lower().replace("\u2019", "'").replace("&", " and ")
    text = re.sub(r"['.()]", "", text)
    return re.sub(r"[\s_/\-]+", " ", text).strip()


_add(
    PlanType.MEDICARE_ADVANTAGE,
    "MA",
    "MAPD",
    "MA-PD",
    "Medicare Part C",
    "Part C",
    "Medicare Advantage HMO",
    "Medicare Advantage PPO",
    "Medicare Adv",
    "Medicare HMO",
    "Medicare PPO",
)
_add(
    PlanType.MEDICARE_SUPPLEMENT,
    "Medigap",
    "Medicare Supplement",
    "Med Supp",
    "MedSupp",
    "Medicare Supp",
    "Medicare Supplemental",
)
_add(
    PlanType.ORIGINAL_MEDICARE,
    "Medicare",
    "Traditional Medicare",
    "Medicare FFS",
    "Fee-for-service Medicare",
    "Medicare Part B",
    "Part B",
    "Medicare Parts A and B",
)
_add(
    PlanType.COMMERCIAL,
    "Private",
    "Employer",
    "Employer plan",
    "Group health",
    "Commercial insurance",
    "Marketplace",
    "Exchange",
    "ACA",
)
_add(
    PlanType.WORKERS_COMP,
    "W/C",
    "WC",
    "Workers Comp",
    "Workers' Compensation",
    "Workers Compensation",
    "Workmans Comp",
    "Workman's Comp",
)
_add(PlanType.VA, "Veterans Affairs", "Veterans Administration", "VA Community Care", "Community Care")
_add(PlanType.TRICARE, "Champus", "Tricare Prime", "Tricare Select", "Tricare for Life")
_add(PlanType.MEDICAID, "Managed Medicaid", "Medicaid MCO", "Medi-Cal", "State Medicaid")
_add(
    PlanType.BCBS_FEDERAL,
    "BCBS Federal",
    "FEP",
    "BCBS FEP",
    "Federal Employee Program",
    "Blue Cross Blue Shield Federal",
    "Federal Blue",
    "Blue Cross Federal",
)


def parse_plan_type(text: str) -> PlanType | None:
    """The plan type for an alias, or None when the text names none."""
    return _ALIASES.get(alias_key(text))


def plan_type_suggestion(text: str) -> str | None:
    """The closest known plan type for an unknown alias (for "did you mean" in errors)."""
    import difflib

    match = difflib.get_close_matches(alias_key(text), list(_ALIASES), n=1, cutoff=0.6)
    return _ALIASES[match[0]].value if match else None
