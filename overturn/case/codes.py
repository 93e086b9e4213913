"""Normalization and validation of the codes a case carries: ICD-10-CM, CPT/HCPCS, NPI.

Payer letters and Word templates often print a slashed zero (``M48.Ø62``); the real codes use the
digit 0. Every code entering the system goes through :func:`clean_code` first.
"""

from __future__ import annotations

import html
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

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


def _icd10cm_data_dir() -> Path:
    """simple_icd_10_cm's data folder, found without importing the package.

    Importing simple_icd_10_cm parses the whole tabular XML (about 2 s); a command-line run that only
    checks a handful of codes needs the code list (15 ms) and a few descriptions.
    """
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("simple-icd-10-cm is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@lru_cache(maxsize=1)
def _code_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(every code and category, the leaves), as undotted codes, from the 2026 code list."""
    lists = sorted(_icd10cm_data_dir().glob("code-list-*.txt"))
    if not lists:
        raise RuntimeError("simple-icd-10-cm ships no code list")
    codes = sorted(c for c in lists[-1].read_text(encoding="utf-8").split() if "-" not in c and len(c) >= 3)
    # In sorted order a code's children follow it directly, so a code is a leaf when the next one
    # does not extend it.
    leaves = {c for i, c in enumerate(codes) if not (i + 1 < len(codes) and codes[i + 1].startswith(c))}
    return frozenset(codes), frozenset(leaves)


@lru_cache(maxsize=1)
def _tabular_text() -> str:
    tabular = sorted(_icd10cm_data_dir().glob("icd10c-tabular-*.xml"))
    return tabular[-1].read_text(encoding="utf-8") if tabular else ""


@lru_cache(maxsize=4096)
def icd10_exists(code: str) -> bool:
    """True when ``code`` (normalized) is a code or category of the ICD-10-CM 2026 code set."""
    return icd10_shape_ok(code) and code.replace(".", "") in _code_sets()[0]


@lru_cache(maxsize=4096)
def icd10_is_billable(code: str) -> bool:
    """True when ``code`` is a leaf of the 2026 tabular list (a code that may be reported on a claim)."""
    return icd10_exists(code) and code.replace(".", "") in _code_sets()[1]


def icd10_billable_children(code: str, limit: int = 6) -> list[str]:
    """Billable codes under a category, dotted, for "did you mean" hints."""
    stem = code.replace(".", "")
    leaves = sorted(c for c in _code_sets()[1] if c.startswith(stem) and c != stem)
    return [f"{c[:3]}.{c[3:]}" for c in leaves[:limit]]


@lru_cache(maxsize=4096)
def icd10_description(code: str) -> str | None:
    if not icd10_exists(code):
        return None
    found = re.search(rf"<name>{re.escape(code)}</name>\s*<desc>([^<]*)</desc>", _tabular_text())
    if found:
        return html.unescape(found.group(1))
    # Codes with a 7th character are described by composition in the tabular list; let the library do it.
    import simple_icd_10_cm

    return str(simple_icd_10_cm.get_description(code))


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
