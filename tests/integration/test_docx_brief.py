"""The DOCX brief: real Word styles, superscript citations, editable text, and LibreOffice opens it."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pypdf
import pytest

from overturn.document import model as m
from overturn.packs.load import load_pack
from overturn.render import render
from overturn.service import build_document, prepare_file

TODAY = date(2026, 12, 4)
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "packs" / "mild" / "examples" / "medicare_advantage.yaml"
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


@pytest.mark.slow
def test_libreoffice_opens_and_converts_both_layouts(files, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (Debian package libreoffice-writer-nogui)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for layout, data in files.items():
        source = tmp_path / f"{layout}.docx"
        source.write_bytes(data)
        # A private profile folder: a second LibreOffice (or a user's) cannot lock ours.
        profile = (tmp_path / "lo-profile").as_uri()
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        pdf = tmp_path / f"{layout}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert the {layout}"
        shutil.copy(pdf, ARTIFACTS / f"medicare_advantage-{layout}-libreoffice.pdf")
        reader = pypdf.PdfReader(pdf)
        text = " ".join(p.extract_text() for p in reader.pages)
        assert "Jane Q. Doe" in text and "Humana" in text
        assert len(reader.pages) >= 1
