"""The PDF brief and call sheet: page counts, key texts, page images, fonts, links and the template's sandbox.

Page images go to test-artifacts/pdf/ (gitignored) so a person can look at them after a run.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdf
import pytest

from overturn.document import model as m
from overturn.packs.load import load_pack
from overturn.render import render
from overturn.render.pdf import FONT_DIR, TEMPLATE_ROOT
from overturn.service import build_document, prepare_file

TODAY = date(2026, 12, 4)
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "packs" / "mild" / "examples").glob("*.yaml"))
ARTIFACTS = ROOT / "test-artifacts" / "pdf"
MAX_PAGES = {"brief": 4, "call-sheet": 1}


@pytest.fixture(scope="module")
def pdfs() -> dict[tuple[str, str], bytes]:
    out = {}
    for path in EXAMPLES:
        prepared = prepare_file(path, None, TODAY)
        for layout in MAX_PAGES:
            out[(path.stem, layout)] = render(build_document(prepared, layout, TODAY), "pdf")
    return out


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_there_are_demo_cases():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("layout", sorted(MAX_PAGES))
def test_each_demo_case_fits_its_page_budget(pdfs, layout):
    for (case, lay), pdf in pdfs.items():
        if lay == layout:
            count = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
            assert 1 <= count <= MAX_PAGES[layout], f"{case} {layout}: {count} pages"


def test_pages_are_us_letter(pdfs):
    for pdf in pdfs.values():
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_the_brief_shows_its_key_texts(pdfs):
    pages = pages_text(pdfs[("medicare_advantage", "brief")])
    text = flat(" ".join(pages))
    for expected in (
        "Peer-to-peer review brief",
        "Jane Q. Doe",
        "Humana",
        "CPT 0275T",
        "Dr. R. Smith",  # the review slot in the header band
        "Patient information",
        "Coverage criteria checklist",
        "✓ MET",
        "References",
        "PMID",
        "DOI",
    ):
        assert expected in text, expected
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in flat(page)
        assert f"Prepared on 2026-12-04 · pack mild {load_pack('mild').version}" in flat(page)


def test_the_call_sheet_shows_what_the_call_needs(pdfs):
    text = flat(" ".join(pages_text(pdfs[("commercial", "call-sheet")])))
    for expected in (
        "Peer-to-peer call sheet",
        "Robert L. Chen",
        "Aetna",
        "not medically necessary",
        "Criteria met",
        "Strongest evidence points",
        "The two likeliest questions",
        "The ask",
        "Please overturn the denial",
    ):
        assert expected in text, expected


def test_unknown_and_unmet_marks_are_spelled_out():
    detail = m.para("detail")
    doc = m.Document(
        "T", "S", "brief", "2026-12-04", "mild", "1.0.0", (("Patient", "P"),),
        (
            m.Section(
                "c",
                "Criteria",
                (
                    m.Checklist(
                        (
                            m.CheckItem(m.Mark.UNMET, "Unmet one", detail),
                            m.CheckItem(m.Mark.UNKNOWN, "Unknown one", detail, "Record the MRI date"),
                        )
                    ),
                ),
            ),
        ),
    )  # fmt: skip
    text = flat(" ".join(pages_text(render(doc, "pdf"))))
    assert "✗ NOT MET" in text and "? UNKNOWN" in text and "To document: Record the MRI date" in text


def test_every_page_renders_to_an_image_for_a_person_to_look_at(pdfs):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed (Debian package poppler-utils)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for (case, layout), pdf in pdfs.items():
        stem = ARTIFACTS / f"{case}-{layout}"
        for old in ARTIFACTS.glob(f"{case}-{layout}-*.png"):
            old.unlink()
        source = stem.with_suffix(".pdf")
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(source), str(stem)], check=True, timeout=60)
        images = sorted(ARTIFACTS.glob(f"{case}-{layout}-*.png"))
        assert len(images) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert all(img.stat().st_size > 5_000 for img in images)  # not blank


def test_pdftotext_reads_the_same_key_texts(pdfs):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (Debian package poppler-utils)")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=pdfs[("medicare_advantage", "brief")],
        capture_output=True,
        check=True,
        timeout=60,
    )
    text = flat(result.stdout.decode("utf-8"))
    assert "Jane Q. Doe" in text and "Coverage criteria checklist" in text


def test_fonts_are_the_vendored_ones_and_embedded(pdfs):
    vendored = {p.stem.split("-")[0] for p in FONT_DIR.iterdir() if p.suffix in (".otf", ".ttf")}
    for pdf in pdfs.values():
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                name = str(font["/BaseFont"]).split("+")[-1]
                assert name.split("-")[0] in vendored, name
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"{name} not embedded"


def test_the_same_document_gives_the_same_bytes(pdfs):
    prepared = prepare_file(EXAMPLES[0], None, TODAY)
    doc = build_document(prepared, "brief", TODAY)
    assert render(doc, "pdf") == render(doc, "pdf")


def test_links_are_only_web_or_mail():
    doc = m.Document(
        "T", "S", "brief", "2026-12-04", "mild", "1.0.0", (("Patient", "P"),),
        (
            m.Section(
                "l",
                "Links",
                (
                    m.Paragraph((m.Link("bad", "javascript:alert(1)"), m.Text(" "), m.Link("file", "file:///etc/passwd"))),
                    m.Paragraph((m.Link("good", "https://example.org/"),)),
                ),
            ),
        ),
    )  # fmt: skip
    uris = []
    for page in pypdf.PdfReader(io.BytesIO(render(doc, "pdf"))).pages:
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert uris == ["https://example.org/"]


def test_the_template_folder_holds_only_template_and_fonts():
    for path in TEMPLATE_ROOT.rglob("*"):
        assert not path.is_symlink(), path
        if path.is_file():
            assert path.suffix in (".typ", ".otf", ".ttf", ".txt"), path
    for template in TEMPLATE_ROOT.glob("*.typ"):
        code = re.sub(r"//[^\n]*", "", template.read_text(encoding="utf-8"))  # comments may name them
        for forbidden in ("eval(", "@preview", "read(", "#import", "#include", "plugin("):
            assert forbidden not in code, f"{template.name} uses {forbidden}"
        assert "sys.inputs" in code


def test_starting_the_command_line_imports_neither_typst_nor_rich():
    # A cold `overturn brief -f pdf` pays for Typst when it renders the PDF and for rich when it prints
    # through it, not when the CLI starts (`overturn brief -f pdf > x.pdf` never imports rich).
    code = (
        "import sys, overturn.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'typst', 'rich'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
