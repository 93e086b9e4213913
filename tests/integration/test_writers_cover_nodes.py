"""Every registered writer renders every node type of the document model."""

from __future__ import annotations

import inspect
import re
from importlib import import_module

import pytest

from overturn.document import model as m
from overturn.document.visitor import NODE_NAMES, Visitor, node_name
from overturn.render import WRITERS, render

MARKER = "Kitchen-sink marker"


def kitchen_sink() -> m.Document:
    """A small document holding at least one node of every type."""
    detail = m.Paragraph((m.Text("Imaging shows 4.1 mm"), m.Cite((1, 2))))
    return m.Document(
        title="Peer-to-peer review brief",
        subtitle="Every node type",
        layout="brief",
        prepared_on="2026-12-04",
        pack_id="mild",
        pack_version="1.0.0",
        header=(
            ("Patient", "Jane Q. Doe, 77"),
            ("Plan", "Humana"),
            ("Procedure", "CPT 0275T"),
            ("Review", "soon"),
        ),
        sections=(
            m.Section(
                "all",
                "All blocks",
                (
                    m.Paragraph(
                        (
                            m.Text(MARKER),
                            m.Text(" strong", strong=True),
                            m.Text(" emphasis", emphasis=True),
                            m.Cite((3,)),
                            m.Text(" "),
                            m.Link("a link", "https://example.org/x"),
                        )
                    ),
                    m.BulletList((m.para("first item"), m.para("second item"))),
                    m.KeyValueTable((("Patient", "Jane Q. Doe"), ("Plan", "Humana")), caption="Information"),
                    m.Checklist(
                        (
                            m.CheckItem(m.Mark.MET, "Met criterion", detail, None, "a"),
                            m.CheckItem(m.Mark.UNMET, "Unmet criterion", detail, None, "b"),
                            m.CheckItem(m.Mark.UNKNOWN, "Unknown criterion", detail, "Record the MRI", "c"),
                        )
                    ),
                    m.Note(m.NoteKind.INFO, m.para("An info note")),
                    m.Note(m.NoteKind.WARNING, m.para("A warning note")),
                    m.QuestionAnswer("Isn't it investigational?", m.para("No: see the NCD.")),
                    m.Section("nested", "Nested section", (m.para("deeper"),)),
                ),
            ),
            m.Section(
                "references",
                "References",
                (
                    m.Bibliography(
                        (
                            m.BibEntry(1, "First source.", (("PMID", "30199512"),), "verified"),
                            m.BibEntry(
                                2, "Second source.", (("DOI", "10.1111/papr.13293"),), "partially", "Careful"
                            ),
                            m.BibEntry(3, "Third source.", (("URL", "https://example.org/3"),), "unverified"),
                        )
                    ),
                ),
            ),
        ),
    )


def test_the_kitchen_sink_holds_every_node_type():
    present = {node_name(type(node)) for node in m.walk(kitchen_sink())}
    assert present == set(NODE_NAMES)


def test_the_five_formats_are_registered():
    assert {"md", "html", "json", "pdf", "docx"} <= set(WRITERS)


# A trace of each node type that must show in any printed format (PDF and DOCX are checked by extraction).
TRACES = {
    "document": ["Peer-to-peer review brief", "Jane Q. Doe, 77", "2026-12-04"],
    "section": ["Nested section", "deeper"],
    "paragraph": [MARKER],
    "text": ["strong", "emphasis"],
    "cite": ["4.1 mm1,2"],
    "link": ["a link"],
    "bullet_list": ["second item"],
    "key_value_table": ["Information", "Humana"],
    "checklist": ["Unmet criterion"],
    "check_item": ["Record the MRI"],
    "note": ["A warning note"],
    "question_answer": ["Isn't it investigational?", "No: see the NCD."],
    "bibliography": ["First source.", "Third source."],
    "bib_entry": ["30199512", "10.1111/papr.13293", "Careful"],
}
# Not visitors: the JSON dump is generic over the dataclasses, and the PDF template reads that dump.
TEMPLATE_WRITERS = {"pdf", "json"}
# Known gaps in writers owned elsewhere, reported to their owners; the test fails on anything else.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def printed_text(fmt: str, out: bytes) -> str:
    import io
    import re

    if fmt == "pdf":
        import pypdf

        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out)).pages)
    elif fmt == "docx":
        import docx

        d = docx.Document(io.BytesIO(out))
        parts = [p.text for p in d.paragraphs]
        parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
        parts += [p.text for p in d.sections[0].footer.paragraphs]
        text = "\n".join(parts)
    elif fmt == "html":
        import html

        text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", "", out.decode("utf-8"), flags=re.S))
    else:
        text = out.decode("utf-8").replace("\\", "")
    return re.sub(r"\s+", "", text)


def test_every_node_type_has_a_trace():
    assert set(TRACES) == set(NODE_NAMES)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_visitor_writers_define_a_method_for_every_node_type(fmt):
    module = import_module(WRITERS[fmt].split(":")[0])
    visitors = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Visitor) and cls is not Visitor and cls.__module__ == module.__name__
    ]
    for cls in visitors:
        assert cls.missing_node_types() == [], f"{fmt}: {cls.__name__} misses node types"
    assert visitors or fmt in TEMPLATE_WRITERS, (
        f"{fmt} is not a Visitor; add it to TEMPLATE_WRITERS with a reason"
    )


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_writer_prints_a_trace_of_every_node_type(fmt):
    out = render(kitchen_sink(), fmt)
    assert isinstance(out, bytes) and out
    text = printed_text(fmt, out)
    skip = {"cite"} if fmt in ("md", "html", "json") else set()  # superscripts are markup there
    missing = {
        name: trace
        for name, traces in TRACES.items()
        if name not in skip
        for trace in traces
        if re.sub(r"\s+", "", trace) not in text
    }
    known = {name for name in missing if (fmt, name) in KNOWN_GAPS}
    assert not set(missing) - known, f"{fmt} does not show: {missing}"
    if known:
        pytest.xfail("; ".join(KNOWN_GAPS[(fmt, name)] for name in known))
