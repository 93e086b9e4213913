"""Code normalization: slashed zeros, missing dots, case, NPI check digits."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overturn.case.codes import (
    clean_code,
    cpt_shape_ok,
    icd10_description,
    icd10_exists,
    icd10_is_billable,
    normalize_cpt,
    normalize_icd10,
    npi_is_valid,
)

ZERO_LOOKALIKES = ["\u00d8", "\u00f8", "\u2205"]
CODE_CHARS = string.ascii_uppercase + string.digits


@st.composite
def icd10_codes(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(string.ascii_uppercase)) + draw(st.sampled_from(string.digits))
    head += draw(st.sampled_from(CODE_CHARS))
    tail = draw(st.text(CODE_CHARS, min_size=0, max_size=4))
    return head + ("." + tail if tail else "")


def disguise(code: str, data: st.DataObject) -> str:
    """Write a code the way letters do: any case, zeros as Ø/ø, maybe without its dot, padded."""
    out = []
    for ch in code:
        if ch == "0" and data.draw(st.booleans()):
            ch = data.draw(st.sampled_from(ZERO_LOOKALIKES))
        elif ch.isalpha() and data.draw(st.booleans()):
            ch = ch.lower()
        out.append(ch)
    text = "".join(out)
    if data.draw(st.booleans()):
        text = text.replace(".", "")
    return data.draw(st.sampled_from(["", " ", "\t"])) + text + data.draw(st.sampled_from(["", " ", "\n"]))


@given(icd10_codes(), st.data())
def test_any_disguised_icd10_code_normalizes_back_to_itself(code: str, data: st.DataObject) -> None:
    assert normalize_icd10(disguise(code, data)) == code


@given(icd10_codes())
def test_icd10_normalization_is_idempotent(code: str) -> None:
    once = normalize_icd10(code)
    assert normalize_icd10(once) == once


@given(st.text(max_size=20))
def test_clean_code_never_leaves_zero_lookalikes_or_blanks(text: str) -> None:
    cleaned = clean_code(text)
    assert not any(ch in cleaned for ch in ZERO_LOOKALIKES)
    assert not any(ch.isspace() for ch in cleaned)


@pytest.mark.parametrize("raw", ["M48.Ø62", "m48062", "M48.ø62", " M48.062 ", "M48062"])
def test_guide_spellings_of_lss_code_become_m48_062(raw: str) -> None:
    assert normalize_icd10(raw) == "M48.062"


@pytest.mark.parametrize("raw", ["ZØØ.6", "z006", "Z00.6"])
def test_guide_spellings_of_research_code_become_z00_6(raw: str) -> None:
    assert normalize_icd10(raw) == "Z00.6"


def test_icd10_2026_set_knows_real_codes_and_rejects_invented_ones() -> None:
    assert icd10_exists("M48.062") and icd10_is_billable("M48.062")
    assert icd10_exists("M48.06") and not icd10_is_billable("M48.06")  # a category, not billable
    assert not icd10_exists("M48.069")
    assert not icd10_exists("724.02")  # ICD-9 spelling


def test_every_code_of_the_2026_billable_list_is_known(shared_dir) -> None:
    codes = (shared_dir / "realdata/icd10cm/icd10cm_2026_billable_codes.txt").read_text().split()
    assert len(codes) > 70_000
    sample = codes[:: max(1, len(codes) // 2000)]
    assert all(icd10_is_billable(c) for c in sample)


@pytest.mark.parametrize(
    "raw,code", [("Ø275T", "0275T"), ("0275t", "0275T"), ("64483", "64483"), ("g0260", "G0260")]
)
def test_cpt_codes_normalize(raw: str, code: str) -> None:
    assert normalize_cpt(raw) == code and cpt_shape_ok(code)


@pytest.mark.parametrize("bad", ["275T", "02755T", "ABCDE", "0275X", ""])
def test_malformed_cpt_codes_are_rejected(bad: str) -> None:
    assert not cpt_shape_ok(normalize_cpt(bad))


def test_npi_check_digit() -> None:
    assert npi_is_valid("1234567893")  # CMS's published example
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")
    assert not npi_is_valid("12345678a3")


@given(st.from_regex(r"\A[0-9]{9}\Z"))
def test_exactly_one_check_digit_makes_an_npi_valid(prefix: str) -> None:
    assert sum(npi_is_valid(prefix + str(d)) for d in range(10)) == 1


def test_fast_code_lookup_agrees_with_simple_icd_10_cm(shared_dir) -> None:
    import simple_icd_10_cm as lib

    spine = (shared_dir / "realdata/icd10cm/icd10cm_2026_spine_subset.csv").read_text().splitlines()[1:]
    codes = [line.split(",")[0] for line in spine]
    codes += ["S32.001A", "M48.069", "Z00.6", "A00", "M48.0", "U07.1", "Q99.9", "M54.50"]
    for code in codes:
        assert icd10_exists(code) == bool(lib.is_valid_item(code)), code
        if icd10_exists(code):
            assert icd10_is_billable(code) == bool(lib.is_leaf(code)), code
            assert icd10_description(code) == lib.get_description(code), code
