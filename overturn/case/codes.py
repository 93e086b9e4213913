"""Normalization and validation of the codes a case carries: ICD-10-CM, CPT/HCPCS, NPI.

Payer letters and Word templates often print a slashed zero (``M48.Ø62``); the real codes use the
digit 0. Every code entering the system goes through :func:`clean_code` first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType

# Characters that stand for the digit zero in letters and templates: Latin O with stroke (both cases),
# the empty-set sign and the diameter sign, which fonts draw alike.
_ZERO_LOOKALIKES = str.maketrans({"\u00d8": "0", "\u00f8": "0", "\u2205": "0", "\u2300": "0"})
_SPACES = re.compile(r"[\s\u00a0\u200b]+")

ICD10_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
CPT_SHAPE = re.compile(r"^(\d{5}|\d{4}[FTU]|[A-V]\d{4})$")


def clean_code(raw: str) -> str:
    """Upper-case, strip blanks and turn zero look-alikes into the digit 0."""
    return _SPACES.sub("", raw.translate(_ZERO_LOOKALIKES)).upper()


def normalize_icd10(raw: str) -> str:
    """``m48062`` -> ``M48.062``; ``M48.Ø62`` -> ``M48.062``. Does not check that the code exists."""
    code = clean_code(raw).replace(",", ".")
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    return code.rstrip(".")


def icd10_shape_ok(code: str) -> bool:
    return bool(ICD10_SHAPE.match(code))


@lru_cache(maxsize=1)
def _icd10cm() -> ModuleType:
    # simple_icd_10_cm parses the whole tabular list on import (over a second): load it only when needed.
    import simple_icd_10_cm

    return simple_icd_10_cm


@lru_cache(maxsize=4096)
def icd10_exists(code: str) -> bool:
    """True when ``code`` (normalized) is a code or category of the ICD-10-CM 2026 code set."""
    return icd10_shape_ok(code) and bool(_icd10cm().is_valid_item(code))


@lru_cache(maxsize=4096)
def icd10_is_billable(code: str) -> bool:
    """True when ``code`` is a leaf of the 2026 tabular list (a code that may be reported on a claim)."""
    return icd10_exists(code) and bool(_icd10cm().is_leaf(code))


@lru_cache(maxsize=4096)
def icd10_description(code: str) -> str | None:
    if not icd10_exists(code):
        return None
    return str(_icd10cm().get_description(code))


def normalize_cpt(raw: str) -> str:
    """``Ø275T`` -> ``0275T``, ``0275t`` -> ``0275T``."""
    return clean_code(raw)


def cpt_shape_ok(code: str) -> bool:
    """CPT category I (5 digits), II (4 digits + F), III (4 digits + T), PLA (4 digits + U) or HCPCS II."""
    return bool(CPT_SHAPE.match(code))


def npi_is_valid(npi: str) -> bool:
    """Check a 10-digit NPI with the Luhn check digit over the ``80840`` prefix (CMS NPI standard)."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(ch) for ch in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(npi[9])
