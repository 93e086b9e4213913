"""Hostile strings in every text field of a case print literally in PDF, HTML and DOCX, and execute nowhere.

Each document carries many strings at once (one per field), so the whole corpus costs a handful of renders.
A string is expected in an output when the document tree holds it (some fields, such as a phone number,
are not printed by the brief); control and bidi-override characters are dropped by design, so the
comparison is on the cleaned form with whitespace removed (line breaks fall anywhere in a PDF).
"""

from __future__ import annotations

import copy
import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
import yaml

from overturn.brief.layouts import LAYOUTS
from overturn.case import case_from_data
from overturn.document.serialize import to_data
from overturn.render import render
from overturn.render.pdf import TEMPLATE_ROOT, clean_text

TODAY = date(2026, 12, 4)
DEMO = Path(__file__).resolve().parents[2] / "packs" / "mild" / "examples" / "medicare_advantage.yaml"

HOSTILE: list[str] = [
    # Typst markup and code: must print, never run
    '#read("/etc/passwd")',
    '#panic("x")',
    '#import "@preview/x:0.1.0": *',
    '#include "/etc/hostname"',
    '#eval("1 + 1")',
    '#image("/etc/passwd")',
    '#json("/etc/passwd")',
    "#sys.inputs.data",
    "#set page(width: 1pt)",
    "#show: none",
    "#{ panic() }",
    "#context here().page()",
    '#link("javascript:alert(1)")[click]',
    "#metadata(1) <x>",
    "closing ] bracket",
    "opening [ bracket",
    "$x^2$ and $$",
    "<lbl> label",
    "@ref citation",
    "*bold* _emph_",
    "back\\slash \\# \\u{41}",
    "`raw` ```py print(1)```",
    "= Heading",
    "- dash item + plus item / term: definition",
    "~ tilde // line comment /* block comment */",
    "'single' \"double\" quotes",
    # HTML, scripts, URLs
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "&amp; &lt; &#x3c; &#60;",
    "<!-- comment --> </body></html>",
    '<a href="https://evil.example">click</a>',
    "<style>*{display:none}</style>",
    "javascript:alert(document.cookie)",
    # other template languages and paths
    "[link](https://evil.example) ![img](x.png)",
    "| table | row |",
    "{age} {placeholder} {{7*7}} ${jndi:ldap://x}",
    "%s %d %n %x",
    "'; DROP TABLE cases; --",
    "../../etc/passwd file:///etc/passwd C:\\Windows\\System32",
    # control characters (dropped), tabs and line ends (kept as white space)
    "nul\x00byte",
    "bell\x07 escape \x1b[31mred\x1b[0m",
    "form\x0cfeed vertical\x0btab",
    "del\x7f c1 \x85 \x9b",
    "tab\tseparated",
    "cr\rlf\r\nend",
    "nonchars \ufffe \uffff",
    # bidirectional overrides (dropped: they would make text display in another order)
    "\u202eevil\u202c",
    "invoice \u202egpj.exe",
    "\u2066isolate\u2069 \u200emarks\u200f",
    # emoji, scripts, combining marks
    "emoji 😀 🚑 💊 🏥",
    "👩\u200d⚕️ ❤️ ✅",
    "Ünïcödé naïve café — “quotes” ‘single’ …",
    "Σ α β γ Ω Кириллица",
    "math ≤ ≥ ≠ ∞ ± × ÷",
    "non-breaking\u00a0space zero\u200bwidth",
    "ligatures fi fl ffi ffl",
]
LONG_WORDS = ("Lorem ipsum #dolor $sit* amet <consectetur> @adipiscing ] elit\\ " * 200)[:10_000]
LONG_RUN = ("#ABC$DEF*GHI@JKL<MNO>PQR]STU\\VWX" * 320)[:10_000]

# Fields the brief prints (the rotation puts every short string in one of them at least once).
PRINTED = [
    "patient.name",
    "coverage.insurer",
    "coverage.plan_name",
    "coverage.member_id",
    "denial.reason_text",
    "denial.reference",
    "physician.name",
    "facility.name",
    "review.reviewer",
    "narrative.current_findings",
    "narrative.why_this_procedure",
    "treatments.2.name",
]
# Fields that may or may not be printed: they get strings too, so nothing anywhere can break a render.
OTHER = [
    "findings.symptoms",  # printed only through the generated findings, which the override replaces
    "patient.mrn",
    "patient.sex",
    "coverage.group_number",
    "physician.specialty",
    "physician.phone",
    "facility.address",
    "review.phone",
    "treatments.0.notes",
    "treatments.1.name",
]
LEAKS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin")

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u2060\ufeff\u00ad]+")
_DROPPED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def norm(text: str) -> str:
    """What must survive any writer: the text without dropped characters and without white space."""
    return _INVISIBLE.sub("", _DROPPED.sub("", text))


def put(data: dict, path: str, value: str) -> None:
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
    node[last] = value


def hostile_cases() -> list[tuple[dict, list[str]]]:
    """Cases whose printed fields hold different hostile strings; the corpus is covered several times over."""
    base = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    fields = PRINTED + OTHER
    rounds = -(-len(HOSTILE) // len(PRINTED))
    out = []
    for r in range(rounds):
        data = copy.deepcopy(base)
        placed = []
        for j, path in enumerate(fields):
            s = HOSTILE[(r * len(PRINTED) + j) % len(HOSTILE)]
            put(data, path, s)
            placed.append(s)
        long_text = LONG_WORDS if r % 2 == 0 else LONG_RUN
        put(data, "narrative.history", long_text)
        placed.append(long_text)
        out.append((data, placed))
    return out


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.in_style = tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.parts.append(data)


def pdf_body_text(pdf: bytes) -> str:
    """Body text of every page, without the running head and footer (a long field may cross a page)."""
    chunks: list[str] = []

    def keep(text: str, cm: list, tm: list, font: object, size: float) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if 36 < y < 758:
            chunks.append(text)

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=keep)
    return "".join(chunks)


def docx_text(data: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def rendered():
    from overturn.packs.load import load_pack

    pack = load_pack("mild")
    out = []
    for data, placed in hostile_cases():
        case = case_from_data(data)
        doc = LAYOUTS["brief"](case, pack, today=TODAY)
        tree = norm(_tree_text(doc))
        expected = [s for s in placed if norm(clean_text(s.strip())) in tree]
        out.append(
            {
                "placed": placed,
                "expected": expected,
                "pdf": render(doc, "pdf"),
                "html": render(doc, "html").decode("utf-8"),
                "docx": render(doc, "docx"),
                "call_sheet_pdf": render(LAYOUTS["call-sheet"](case, pack, today=TODAY), "pdf"),
            }
        )
    return out


def _tree_text(doc: object) -> str:
    strings: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(to_data(doc))
    return "\n".join(strings)


def test_the_corpus_is_large_and_every_string_reaches_a_printed_field(rendered):
    assert len(HOSTILE) + 2 >= 50
    printed = {s for r in rendered for s in r["expected"]}
    missing = [s for s in [*HOSTILE, LONG_WORDS, LONG_RUN] if s not in printed]
    assert not missing, f"never printed by the brief: {missing[:5]}"


def test_pdf_prints_every_hostile_string_literally(rendered):
    for r in rendered:
        text = norm(pdf_body_text(r["pdf"]))
        absent = [s[:60] for s in r["expected"] if norm(clean_text(s.strip())) not in text]
        assert not absent, f"not found in the PDF text: {absent}"


def test_pdf_reads_no_file_outside_the_template_root(rendered):
    for r in rendered:
        for pdf in (r["pdf"], r["call_sheet_pdf"]):
            text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
            assert not [leak for leak in LEAKS if leak in text]


def test_the_typst_sandbox_refuses_files_outside_its_root():
    import typst

    with pytest.raises(typst.TypstError):
        typst.compile(b'#read("/etc/passwd")', root=str(TEMPLATE_ROOT), ignore_system_fonts=True)


def test_html_escapes_every_hostile_string(rendered):
    for r in rendered:
        html = r["html"]
        assert "<script" not in html.lower()
        assert "<img src=x" not in html and "<svg onload" not in html
        assert 'href="javascript:' not in html and 'href="https://evil.example"' not in html
        parser = _TextOnly()
        parser.feed(html)
        text = norm("".join(parser.parts))
        absent = [s[:60] for s in r["expected"] if norm(clean_text(s.strip())) not in text]
        assert not absent, f"not found in the HTML text: {absent}"


def test_docx_holds_every_hostile_string_as_text(rendered):
    for r in rendered:
        text = norm(docx_text(r["docx"]))
        absent = [s[:60] for s in r["expected"] if norm(clean_text(s.strip())) not in text]
        assert not absent, f"not found in the DOCX text: {absent}"


def test_docx_contains_no_character_xml_forbids(rendered):
    import zipfile

    for r in rendered:
        xml = zipfile.ZipFile(io.BytesIO(r["docx"])).read("word/document.xml").decode("utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", xml)
        assert "\u202e" not in xml
