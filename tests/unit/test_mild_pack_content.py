"""Content checks for the mild® pack: it loads, copies no run of the source guide, keeps the bibliography's
statuses, and keeps the accuracy caveats of ../shared/facts/references.yaml in its wording."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from overturn.packs.load import load_pack_file
from overturn.packs.schema import Pack, walk_statements

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "packs" / "mild"
PACK_FILE = PACK_DIR / "pack.yaml"
GUIDE = "seed/000_37bc1fac4bfbadbf.txt"
RUN = 12  # no run of this many consecutive words of the guide may appear in the pack

# Verification status of each reference, as recorded in ../shared/facts/references.yaml.
EXPECTED_STATUS = {
    1: "verified",
    2: "verified",
    3: "unverified",
    4: "partially",
    5: "unverified",
    6: "unverified",
    7: "verified",
    8: "partially",
    9: "partially",
    10: "partially",
    11: "partially",
    12: "verified",
    13: "verified",
    14: "verified",
    15: "partially",
    16: "verified",
}


def words(text: str) -> list[str]:
    text = text.replace("Ø", "0").replace("ø", "0").replace("\u2019", "'").lower()
    return re.findall(r"[a-z0-9]+", text)


def runs(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack_file(PACK_DIR)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(PACK_FILE.read_text(encoding="utf-8"))


def block_text(pack: Pack, family: str) -> str:
    block = pack.reference_material[family]
    return "\n".join([block.heading, *(s.text for s in block.statements)])


def test_pack_loads_with_the_stable_criteria(pack: Pack) -> None:
    assert pack.id == "mild"
    assert pack.procedure.codes == ["0275T"]
    assert pack.primary_diagnoses == ["M48.062"]
    assert [c.id for c in pack.criteria] == [
        "clinical.lss_diagnosis",
        "clinical.neurogenic_claudication",
        "clinical.ligamentum_flavum",
        "clinical.spondylolisthesis",
        "clinical.conservative_care",
        "ced.medicare_beneficiary",
        "ced.lss_with_nc",
        "ced.no_recent_lumbar_procedure",
    ]
    medicare = next(f for f in pack.plan_families if f.id == "medicare")
    assert medicare.extra_diagnoses == ["Z00.6"]
    assert [f.value for f in pack.patient_information] == [
        "patient_name",
        "patient_birth_age",
        "diagnoses",
        "procedure",
        "insurance_plan",
        "plan_type",
        "physician",
        "facility",
        "review_time",
        "reviewer",
    ]
    for reason in (
        "investigational",
        "not_medically_necessary",
        "insufficient_documentation",
        "conservative_care_not_exhausted",
        "other",
    ):
        assert 3 <= len([s for r, s in pack.rebuttals.items() if r.value == reason][0]) <= 8


def test_no_run_of_the_guide_is_copied(shared_dir: Path) -> None:
    guide = runs(words((shared_dir / GUIDE).read_text(encoding="utf-8")), RUN)
    copied = runs(words(PACK_FILE.read_text(encoding="utf-8")), RUN) & guide
    assert not copied, "copied from the guide: " + "; ".join(" ".join(r) for r in sorted(copied))


GUIDE_REFS = range(1, 17)  # the guide's numbered references; 17 and up are rules from shared/facts/rules.md


def test_every_reference_is_present_with_its_status(pack: Pack) -> None:
    assert {b.n: b.status for b in pack.bibliography if b.n in GUIDE_REFS} == EXPECTED_STATUS
    for b in pack.bibliography:
        assert b.citation.strip()
        if b.status != "verified" or b.n in (1, 2, 7, 12, 14, 15, 16):
            assert b.caveat, f"reference {b.n} needs a printed caveat"


def test_statuses_match_the_shared_bibliography(pack: Pack, shared_dir: Path) -> None:
    facts = yaml.safe_load((shared_dir / "facts/references.yaml").read_text(encoding="utf-8"))
    expected = {r["ref"]: r["status"] for r in facts["references"]}
    assert {b.n: b.status for b in pack.bibliography if b.n in GUIDE_REFS} == expected


def test_rule_references_are_cited_where_the_pack_states_plan_rules(pack: Pack) -> None:
    from overturn.packs.schema import walk_statements

    extra = {b.n for b in pack.bibliography if b.n not in GUIDE_REFS}
    assert extra == {17, 18, 19, 20, 21, 22}
    cited = {n for _, st in walk_statements(pack) for n in st.citations}
    assert extra <= cited
    for _, st in walk_statements(pack):
        if "CMS-4201-F" in st.text:
            assert 17 in st.citations, st.text


def test_identifiers_are_exact(pack: Pack) -> None:
    ids = {b.n: b.identifiers for b in pack.bibliography}
    assert ids[2]["nct"] == "NCT03072927"
    assert ids[1]["ncd"] == ids[7]["ncd"] == "150.13"
    assert ids[12] == {
        "pmid": "30199512",
        "doi": "10.1097/AAP.0000000000000868",
        "url": "https://rapm.bmj.com/content/43/7/789",
    }
    assert ids[13]["pmid"] == "22651852"
    assert ids[14]["pmid"] == "33942964" and ids[14]["pmcid"] == "PMC9291913"
    assert ids[15]["doi"] == "10.1111/papr.13293"
    assert ids[16]["doi"] == "10.1016/j.inpm.2024.100412"
    for n in (3, 5, 6):
        assert ids[n] == {}


def test_claims_study_states_both_directions(pack: Pack) -> None:
    texts = [s.text for _, s in walk_statements(pack) if 16 in s.citations]
    assert texts
    for number in ("9.0%", "5.5%", "1.9%", "5.8%"):
        assert any(number in t for t in texts), number
    # wherever the similar composite is quoted, both opposite differences are quoted with it
    for t in texts:
        if "10.8%" in t:
            assert all(x in t for x in ("9.0%", "5.5%", "1.9%", "5.8%")), t


def test_study_approval_date_is_never_an_effective_date(raw: dict[str, Any]) -> None:
    dated = [s for s in strings(raw) if re.search(r"February 16, 2017|2017-02-16|02/16/2017", s)]
    assert dated
    for s in dated:
        assert re.search(r"approv", s, re.I), s
        assert not re.search(r"effective\s+(on\s+)?(February 16, 2017|2017-02-16|02/16/2017)", s), s


def test_motion_figures_are_not_a_comparison(pack: Pack) -> None:
    texts = [s.text for _, s in walk_statements(pack) if "14.6" in s.text or "197%" in s.text]
    assert texts
    for t in texts:
        assert "arm" in t and "vs" not in t, t
    statements = [s.text for _, s in walk_statements(pack) if 15 in s.citations]
    assert any("comparison" in t and "crossed over" in t for t in statements)


def test_ncd_coverage_is_conditional(pack: Pack) -> None:
    for family in ("medicare", "non_medicare"):
        text = block_text(pack, family)
        assert "150.13" in text and "only" in text and "1862(a)(1)(A)" in text


def test_medicare_block_carries_the_ced_study(pack: Pack) -> None:
    text = block_text(pack, "medicare")
    assert "NCT03072927" in text
    assert "M48.062" in text and "12 months" in text
    assert "clm104c04" in text
    for word in ("fusion", "laminectomy", "laminotomy", "interspinous process decompression"):
        assert word in text


def test_non_medicare_block_carries_fda_and_mist(pack: Pack) -> None:
    text = block_text(pack, "non_medicare")
    for needle in (
        "K062038",
        "K233800",
        "2.5 mm",
        "grade 2",
        "Grade A",
        "1-A",
        "100,000",
        "3,956",
        "88%",
        "66 of 75",
    ):
        assert needle in text, needle
    assert "NCT03072927" not in text and "Z00.6" not in text


def test_unverified_claims_are_marked(pack: Pack) -> None:
    by_id = {s.id: s for _, s in walk_statements(pack) if s.id}
    for ident in (
        "proc.code",
        "non.fda_2010",
        "non.specialties",
        "non.evidence_count",
        "non.stenosis_types",
        "non.safety_esi",
        "non.recovery",
    ):
        assert by_id[ident].status == "unverified", ident
    for ident in ("non.fda_2006", "non.fda_2024"):
        assert by_id[ident].status == "verified", ident
        assert "K093062" not in by_id[ident].text


def test_call_sheet_and_contact(pack: Pack) -> None:
    assert pack.call_sheet is not None
    for family in ("medicare", "non_medicare"):
        assert len(pack.call_sheet.strongest_points[family]) == 5
    assert pack.contact.email == "reimbursement@vertosmed.com"
    assert pack.contact.phone == "(855) 848-6453"
    assert pack.contact.evidence_url == "https://www.vertosmed.com/healthcare-professionals/#evidence"
    assert 8 <= len({q.question for q in pack.reviewer_questions}) <= 14  # variants per plan type share a question
