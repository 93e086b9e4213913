"""The brief says the right things for the plan family, the denial and the facts on file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from overturn.brief import build_brief
from overturn.case import case_from_data, load_case
from overturn.criteria import evaluate_criteria
from overturn.document.model import BibEntry, Checklist, Cite, Document, Section, cited_numbers, walk
from overturn.document.serialize import from_data
from overturn.packs.load import load_pack
from overturn.render import render

TODAY = date(2026, 12, 4)
EXAMPLES = Path(__file__).resolve().parents[2] / "packs" / "mild" / "examples"


@pytest.fixture(scope="module")
def pack():
    return load_pack("mild")


def brief_of(pack, case, **kw) -> Document:
    return build_brief(case, pack, today=TODAY, **kw)


def text_of(doc: Document) -> str:
    return render(doc, "md").decode()


def section(doc: Document, ident: str) -> Section:
    return next(n for n in walk(doc) if isinstance(n, Section) and n.ident == ident)


@pytest.fixture(scope="module")
def ma_doc(pack):
    return brief_of(pack, load_case(EXAMPLES / "medicare_advantage.yaml"))


@pytest.fixture(scope="module")
def commercial_doc(pack):
    return brief_of(pack, load_case(EXAMPLES / "commercial.yaml"))


def test_sections_follow_the_guide(ma_doc) -> None:
    assert [s.ident for s in ma_doc.sections] == [
        "about",
        "patient",
        "denial",
        "findings",
        "criteria",
        "reference-material",
        "rebuttals",
        "questions",
        "procedure",
        "closing",
        "references",
    ]


def test_medicare_advantage_brief_carries_z00_6_the_study_and_ced_criteria(ma_doc) -> None:
    text = text_of(ma_doc)
    assert "Z00.6" in text and "NCT03072927" in text
    checklist = next(n for n in walk(ma_doc) if isinstance(n, Checklist))
    assert {"ced.medicare_beneficiary", "ced.lss_with_nc", "ced.no_recent_lumbar_procedure"} <= {
        i.ident for i in checklist.items
    }


def test_commercial_brief_has_no_medicare_material_but_fda_and_mist(commercial_doc) -> None:
    text = text_of(commercial_doc)
    for absent in ("Z00.6", "NCT03072927", "ced."):
        assert absent not in text
    checklist = next(n for n in walk(commercial_doc) if isinstance(n, Checklist))
    assert not any(i.ident.startswith("ced.") for i in checklist.items)
    for present in ("K062038", "K233800", "MIST", "2.5 mm"):
        assert present in text


@pytest.mark.parametrize("name", ["ma_doc", "commercial_doc"])
def test_every_citation_resolves_to_a_bibliography_entry(name, request) -> None:
    doc = request.getfixturevalue(name)
    listed = {n.number for n in walk(doc) if isinstance(n, BibEntry)}
    assert cited_numbers(doc) and cited_numbers(doc) <= listed
    assert listed <= cited_numbers(doc)  # and nothing uncited is listed


def test_unverified_statements_are_marked_and_can_be_left_out(pack, commercial_doc) -> None:
    label = pack.unverified_label
    assert label in text_of(commercial_doc)
    strict = brief_of(pack, load_case(EXAMPLES / "commercial.yaml"), include_unverified=False)
    assert label not in text_of(strict)
    unverified_refs = {b.n for b in pack.bibliography if b.status == "unverified"}
    assert not cited_numbers(strict) & unverified_refs


def test_narrative_is_generated_from_findings_unless_overridden(pack) -> None:
    data = json.loads(json.dumps(load_case(EXAMPLES / "medicare_advantage.yaml").model_dump(mode="json")))
    generated = text_of(brief_of(pack, case_from_data(data)))
    assert "150 feet" in generated and "46" in generated
    data["narrative"] = {"current_findings": "Seen today; walks with a cane.\n\nSecond paragraph."}
    overridden = brief_of(pack, case_from_data(data))
    current = section(overridden, "current-findings")
    assert "Seen today; walks with a cane." in text_of(overridden)
    assert (
        len(current.children) == 2
        and "150 feet" not in render(Document("t", "s", "brief", "", "", "", (), (current,)), "md").decode()
    )


def test_missing_facts_show_as_gaps_to_document(commercial_doc) -> None:
    gaps = section(commercial_doc, "gaps")
    text = render(Document("t", "s", "brief", "", "", "", (), (gaps,)), "md").decode().lower()
    assert "spondylolisthesis" in text


@pytest.mark.parametrize(
    "reason,heading",
    [
        ("investigational", "investigational / experimental"),
        ("not_medically_necessary", "not medically necessary"),
        ("insufficient_documentation", "insufficient documentation"),
        ("conservative_care_not_exhausted", "conservative care not exhausted"),
        ("other", "other"),
    ],
)
def test_rebuttals_follow_the_denial_reason(pack, reason, heading) -> None:
    case = load_case(EXAMPLES / "commercial.yaml").model_copy(deep=True)
    case.denial.reason = reason
    rebuttals = section(brief_of(pack, case), "rebuttals")
    titles = [c.title for c in rebuttals.children if isinstance(c, Section)]
    assert titles == [f"If the reviewer says: {heading}"] or (reason == "other" and not titles)


def test_json_dump_is_lossless_and_versioned(ma_doc) -> None:
    data = json.loads(render(ma_doc, "json"))
    assert data["schema"] == "overturn.document/1" and data["type"] == "document"
    assert from_data(data) == ma_doc


def test_criteria_in_the_brief_match_the_engine(pack) -> None:
    case = load_case(EXAMPLES / "commercial.yaml")
    ev = evaluate_criteria(case, pack, TODAY)
    checklist = next(n for n in walk(brief_of(pack, case)) if isinstance(n, Checklist))
    assert [(i.ident, i.mark.value) for i in checklist.items] == [(r.id, r.status.value) for r in ev.results]


def test_citations_in_checklist_come_from_the_pack(ma_doc, pack) -> None:
    checklist = next(n for n in walk(ma_doc) if isinstance(n, Checklist))
    lf = next(i for i in checklist.items if i.ident == "clinical.ligamentum_flavum")
    cites = [n for n in walk(lf) if isinstance(n, Cite)]
    assert cites and set(cites[0].numbers) == set(pack.criterion("clinical.ligamentum_flavum").citations)


def test_walking_in_blocks_and_level_by_level_findings_reach_the_narrative(pack) -> None:
    case = case_from_data({
        "patient": {"name": "A"}, "procedure": {"code": "0275T"}, "coverage": {"plan_type": "commercial"},
        "findings": {"walking_tolerance_text": "2 blocks", "levels": [
            {"level": "L4-5", "ligamentum_flavum_mm": 4.2, "stenosis_severity": "severe"},
            {"level": "L3-L4", "spondylolisthesis_grade": 1}]},
    })
    text = text_of(brief_of(pack, case))
    assert "Walking is limited to about 2 blocks." in text
    assert "L4-L5: ligamentum flavum 4.2 mm, severe stenosis; L3-L4: grade 1 spondylolisthesis" in text
    with_feet = case.model_copy(update={"findings": case.findings.model_copy(update={"walking_tolerance_ft": 300})})
    text = text_of(brief_of(pack, with_feet))
    assert "about 300 feet" in text and "2 blocks" not in text  # feet win over words


@pytest.mark.parametrize("plan", ["original_medicare", "medicare_supplement"])
@pytest.mark.parametrize("reason", ["investigational", "not_medically_necessary", "other"])
def test_medicare_advantage_rules_stay_out_of_other_medicare_briefs(pack, plan, reason) -> None:
    data = load_case(EXAMPLES / "medicare_advantage.yaml").model_dump(mode="json", exclude_none=True)
    data["coverage"]["plan_type"] = plan
    data["denial"]["reason"] = reason
    text = text_of(brief_of(pack, case_from_data(data)))
    for claim in ("CMS-4201-F", "Medicare Advantage plan", "Medicare Advantage denial", "Medicare Advantage member"):
        assert claim not in text, claim


def test_rebuttals_do_not_claim_failed_conservative_care_when_none_is_recorded(pack) -> None:
    data = load_case(EXAMPLES / "commercial.yaml").model_dump(mode="json", exclude_none=True)
    data["treatments"] = []
    data["denial"]["reason"] = "conservative_care_not_exhausted"
    text = text_of(brief_of(pack, case_from_data(data)))
    assert "after failed conservative care" not in text and "has already tried" not in text


def test_bidi_overrides_never_reach_markdown_or_html(pack) -> None:
    data = load_case(EXAMPLES / "commercial.yaml").model_dump(mode="json", exclude_none=True)
    data["patient"]["name"] = "Jane \u202eeod\u202c Doe"
    doc = brief_of(pack, case_from_data(data))
    for fmt in ("md", "html"):
        out = render(doc, fmt).decode()
        assert "\u202e" not in out and "\u202c" not in out and "Jane eod Doe" in out


def test_the_pdf_metadata_carries_no_patient_name(pack) -> None:
    import io

    from pypdf import PdfReader

    doc = brief_of(pack, load_case(EXAMPLES / "commercial.yaml"))
    meta = PdfReader(io.BytesIO(render(doc, "pdf"))).metadata
    assert "Chen" not in str(meta.title) and meta.title == doc.title
