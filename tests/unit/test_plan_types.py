"""Every plan type and its common aliases land in the right plan type and plan family."""

from __future__ import annotations

import pytest

from overturn.case import case_from_data
from overturn.case.errors import InputError
from overturn.case.plans import PlanType, parse_plan_type

ALIASES = {
    PlanType.MEDICARE_ADVANTAGE: [
        "medicare_advantage",
        "Medicare Advantage",
        "MEDICARE ADVANTAGE",
        "MA",
        "Part C",
        "Medicare Part C",
        "MAPD",
        "medicare-advantage",
    ],
    PlanType.MEDICARE_SUPPLEMENT: ["medicare_supplement", "Medigap", "Medicare Supplement", "med supp"],
    PlanType.ORIGINAL_MEDICARE: [
        "original_medicare",
        "Original Medicare",
        "Traditional Medicare",
        "Medicare",
        "Medicare Part B",
    ],
    PlanType.COMMERCIAL: ["commercial", "Commercial", "Private", "Employer plan"],
    PlanType.WORKERS_COMP: [
        "workers_comp",
        "W/C",
        "WC",
        "Workers' Compensation",
        "Workers\u2019 Comp",
        "workers compensation",
    ],
    PlanType.VA: ["va", "VA", "Veterans Affairs", "V.A."],
    PlanType.TRICARE: ["tricare", "TRICARE", "Tricare Prime"],
    PlanType.MEDICAID: ["medicaid", "Medicaid", "Managed Medicaid", "Medi-Cal"],
    PlanType.BCBS_FEDERAL: ["bcbs_federal", "BCBS Federal", "FEP", "Federal Employee Program", "BCBS FEP"],
}


@pytest.mark.parametrize("plan,alias", [(p, a) for p, names in ALIASES.items() for a in names])
def test_alias_is_understood(plan: PlanType, alias: str) -> None:
    assert parse_plan_type(alias) is plan


def test_every_plan_type_has_aliases_under_test() -> None:
    assert set(ALIASES) == set(PlanType)


def _case(plan_type: str) -> dict:
    return {"patient": {"name": "A"}, "procedure": {"code": "0275T"}, "coverage": {"plan_type": plan_type}}


def test_a_case_file_may_use_an_alias() -> None:
    assert case_from_data(_case("Medigap")).coverage.plan_type is PlanType.MEDICARE_SUPPLEMENT


def test_a_misspelt_plan_type_names_the_field_and_suggests_one() -> None:
    with pytest.raises(InputError) as info:
        case_from_data(_case("medigapp"))
    (error,) = info.value.errors
    assert error.path == "coverage.plan_type"
    assert "did you mean 'medicare_supplement'" in error.message


def test_an_unrelated_word_is_rejected_with_the_list_of_plan_types() -> None:
    with pytest.raises(InputError) as info:
        case_from_data(_case("spaceship"))
    assert "tricare" in info.value.errors[0].message
