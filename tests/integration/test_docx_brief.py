"""The DOCX brief: real Word styles, superscript citations, editable text, and LibreOffice opens it."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn

from overturn.document import model as m
from overturn.packs.load import load_pack
from overturn.render import render
from overturn.service import build_document, prepare_file

TODAY = date(2026, 12, 4)
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "packs" / "mild" / "examples"
DEMO = EXAMPLES / "medicare_advantage.yaml"
DEMO_CASES = ("commercial", "medicare_advantage", "original_medicare_gaps")
ARTIFACTS = ROOT / "test-artifacts" / "docx"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    prepared = prepare_file(DEMO, None, TODAY)
    return {
        layout: render(build_document(prepared, layout, TODAY), "docx") for layout in ("brief", "call-sheet")
    }


def styles_used(data: bytes) -> set[str]:
    d = docx.Document(io.BytesIO(data))
    return {p.style.name for p in d.paragraphs} | {t.style.name for t in d.tables if t.style is not None}


def test_the_brief_uses_real_word_styles(files):
    used = styles_used(files["brief"])
    assert {"Title", "Heading 1", "Heading 2", "List Bullet", "Light Grid Accent 1", "Table Grid"} <= used


def test_the_call_sheet_uses_real_word_styles(files):
    assert {"Title", "Heading 1", "List Bullet"} <= styles_used(files["call-sheet"])


def test_citations_are_superscript_runs(files):
    d = docx.Document(io.BytesIO(files["brief"]))
    runs = [r for p in d.paragraphs for r in p.runs if r.font.superscript]
    assert runs and all(r.text.replace(",", "").isdigit() for r in runs)


def test_the_text_is_editable_and_the_page_is_us_letter(files):
    package = zipfile.ZipFile(io.BytesIO(files["brief"]))
    settings = package.read("word/settings.xml").decode("utf-8")
    assert "documentProtection" not in settings
    assert "w:sdt" not in package.read("word/document.xml").decode("utf-8")  # no locked content controls
    section = docx.Document(io.BytesIO(files["brief"])).sections[0]
    assert (round(section.page_width.inches, 2), round(section.page_height.inches, 2)) == (8.5, 11.0)


def test_the_footer_names_the_date_and_pack_and_counts_pages(files):
    footer = docx.Document(io.BytesIO(files["brief"])).sections[0].footer
    xml = footer._element.xml
    assert f"Prepared on 2026-12-04 · pack mild {load_pack('mild').version}" in footer.paragraphs[0].text
    assert 'w:instr="PAGE"' in xml and 'w:instr="NUMPAGES"' in xml


def test_control_characters_are_stripped_not_fatal():
    doc = m.Document(
        "T\x00itle", "S\x1bub", "brief", "2026-12-04", "mild", "1.0.0", (("Patient", "Jane\x07 Doe\u202e"),),
        (m.Section("s", "Sec\x0ction", (m.para("a\x00b\x08c\ufffe d\r\ne"),)),),
    )  # fmt: skip
    d = docx.Document(io.BytesIO(render(doc, "docx")))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Title" in text and "Section" in text and "abc d\ne" in text


def test_only_web_and_mail_links_become_hyperlinks():
    doc = m.Document(
        "T", "S", "brief", "2026-12-04", "mild", "1.0.0", (),
        (m.Section("s", "Links", (m.Paragraph((m.Link("bad", "javascript:x"), m.Link("ok", "mailto:a@b.org"))),)),),
    )  # fmt: skip
    rels = zipfile.ZipFile(io.BytesIO(render(doc, "docx"))).read("word/_rels/document.xml.rels").decode()
    assert "mailto:a@b.org" in rels and "javascript" not in rels


def column_count(section: Any) -> int:
    cols = section._sectPr.find(qn("w:cols"))
    return 1 if cols is None else int(cols.get(qn("w:num"), "1"))


def test_the_call_sheet_sets_its_references_in_two_balanced_columns(files):
    sections = docx.Document(io.BytesIO(files["call-sheet"])).sections
    # Body in one column, references in two, then a continuous break (which balances the columns).
    assert [column_count(s) for s in sections] == [1, 2, 1]
    assert [s.start_type for s in sections[1:]] == [WD_SECTION.CONTINUOUS] * 2


def test_the_brief_keeps_one_column_and_its_margins(files):
    sections = docx.Document(io.BytesIO(files["brief"])).sections
    assert [column_count(s) for s in sections] == [1]
    assert round(sections[0].top_margin.inches, 2) == round(sections[0].left_margin.inches, 2) == 0.75


def libreoffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (Debian package libreoffice-writer-nogui)")
    return soffice


def convert_to_pdf(soffice: str, sources: list[Path], outdir: Path) -> None:
    # A private profile folder: a second LibreOffice (or a user's) cannot lock ours.
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), *map(str, sources)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


@pytest.fixture(scope="module")
def call_sheet_pdfs(tmp_path_factory) -> dict[str, Path]:
    """Every demo case's DOCX call sheet, converted by LibreOffice in one run (page images kept)."""
    soffice = libreoffice()
    outdir = tmp_path_factory.mktemp("call-sheets")
    sources = []
    for case in DEMO_CASES:
        prepared = prepare_file(EXAMPLES / f"{case}.yaml", None, TODAY)
        sources.append(outdir / f"{case}.docx")
        sources[-1].write_bytes(render(build_document(prepared, "call-sheet", TODAY), "docx"))
    convert_to_pdf(soffice, sources, outdir)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    for case in DEMO_CASES:
        pdf = outdir / f"{case}.pdf"
        if pdf.exists():
            shutil.copy(pdf, ARTIFACTS / f"{case}-call-sheet-libreoffice.pdf")
            if pdftoppm:
                prefix = ARTIFACTS / f"{case}-call-sheet-libreoffice"
                subprocess.run([pdftoppm, "-png", "-r", "70", str(pdf), str(prefix)], check=True, timeout=60)
    return {case: outdir / f"{case}.pdf" for case in DEMO_CASES}


@pytest.mark.slow
@pytest.mark.parametrize("case", DEMO_CASES)
def test_the_docx_call_sheet_is_one_page_in_libreoffice(call_sheet_pdfs, case):
    pdf = call_sheet_pdfs[case]
    assert pdf.exists(), f"LibreOffice did not convert the {case} call sheet"
    reader = pypdf.PdfReader(pdf)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "References" in text and "The ask" in text  # the whole sheet, down to its last section
    assert len(reader.pages) == 1, f"{case}: the DOCX call sheet runs to {len(reader.pages)} pages"


@pytest.mark.slow
def test_libreoffice_opens_and_converts_both_layouts(files, tmp_path):
    soffice = libreoffice()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for layout, data in files.items():
        source = tmp_path / f"{layout}.docx"
        source.write_bytes(data)
        convert_to_pdf(soffice, [source], tmp_path)
        pdf = tmp_path / f"{layout}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert the {layout}"
        shutil.copy(pdf, ARTIFACTS / f"medicare_advantage-{layout}-libreoffice.pdf")
        reader = pypdf.PdfReader(pdf)
        text = " ".join(p.extract_text() for p in reader.pages)
        assert "Jane Q. Doe" in text and "Humana" in text
        assert len(reader.pages) >= 1
