"""DOCX writer (python-docx): an editable Word file built from real styles, so the office can restyle it.

Headings use Heading 1-3, lists List Bullet, tables a built-in table style, citations are superscript runs.
Text is only ever set as run text (never as XML), and characters that XML 1.0 forbids or that could spoof
the reading order are dropped first (``clean_text``), because one such character corrupts the whole file.
"""

from __future__ import annotations

import io
from contextlib import suppress
from datetime import datetime
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from overturn.document import model as m
from overturn.document.visitor import Visitor
from overturn.render.docx_xml import left_rule, shade, use_font, word_field
from overturn.render.text import clean_text
from overturn.render.words import status_words

ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MUTED = RGBColor(0x5B, 0x65, 0x73)
MARKS = {
    m.Mark.MET: ("✓ MET", "1E7B45"),
    m.Mark.UNMET: ("✗ NOT MET", "B42318"),
    m.Mark.UNKNOWN: ("? UNKNOWN", "A15C07"),
}
TABLE_STYLE = "Light Grid Accent 1"
FONT = "Calibri"
SAFE_SCHEMES = ("https://", "http://", "mailto:")


class DocxWriter(Visitor):
    def __init__(self) -> None:
        self.doc = new_document()
        self.depth = 0
        self.compact = False
        self._style_ids: dict[str, str] = {}

    # ---- page and styles ----------------------------------------------------------------------------------

    def _setup_styles(self, compact: bool) -> None:
        """Page and style sizes; the call sheet (``compact``) is tighter so that it stays on one page."""
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Inches(0.75))
        if compact:
            section.left_margin = section.right_margin = Inches(0.5)
            section.top_margin = section.bottom_margin = Inches(0.45)
            # The template puts header and footer 0.5" from the edge, deeper than this margin: the running
            # head would then push the text down. Closer to the edge, they fit inside the margin.
            section.header_distance = section.footer_distance = Inches(0.25)
        styles = self.doc.styles
        # Calibri is what Word users have; LibreOffice substitutes the metric-compatible Carlito.
        for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption"):
            use_font(styles[name], FONT)
        styles["Normal"].font.size = Pt(8.5 if compact else 10)
        styles["Normal"].paragraph_format.space_after = Pt(2 if compact else 4)
        if compact:
            # The template's default line is 1.15; single spacing is what buys the references their room.
            styles["Normal"].paragraph_format.line_spacing = 1.0
        sizes = (
            (("Heading 1", 10.5), ("Heading 2", 9.5), ("Heading 3", 9))
            if compact
            else (("Heading 1", 13), ("Heading 2", 11), ("Heading 3", 10))
        )
        for name, size in sizes:
            styles[name].font.size = Pt(size)
            styles[name].font.color.rgb = ACCENT
            styles[name].paragraph_format.space_before = Pt(
                3 if compact else 10 if name == "Heading 1" else 6
            )
            styles[name].paragraph_format.space_after = Pt(2 if compact else 3)
            styles[name].paragraph_format.keep_with_next = True
        styles["Title"].font.size = Pt(15 if compact else 20)
        if compact:
            styles["Title"].paragraph_format.space_after = Pt(2)
            styles["Subtitle"].paragraph_format.space_after = Pt(4)
            styles["Subtitle"].font.size = Pt(10)
        styles["Title"].font.color.rgb = ACCENT
        styles["List Bullet"].paragraph_format.space_after = Pt(2)

    def _header_footer(self, d: m.Document) -> None:
        section = self.doc.sections[0]
        patient = next((v for k, v in d.header if k == "Patient"), "")
        head = section.header.paragraphs[0]
        run = head.add_run(clean_text(f"{d.title} · {patient}"))
        run.font.size, run.font.color.rgb = Pt(8), MUTED
        foot = section.footer.paragraphs[0]
        run = foot.add_run(
            clean_text(f"Prepared on {d.prepared_on} · pack {d.pack_id} {d.pack_version} · Page ")
        )
        run.font.size, run.font.color.rgb = Pt(8), MUTED
        word_field(foot, "PAGE")
        foot.add_run(" of ").font.size = Pt(8)
        word_field(foot, "NUMPAGES")

    @property
    def _text_width(self) -> float:
        """Inches between the margins (8.5" less 2 x 0.75", or 2 x 0.5" on the call sheet)."""
        return 7.5 if self.compact else 7.0

    def _style_id(self, name: str) -> str:
        # python-docx resolves a style name by scanning every style on each call, which was most of the
        # writer's time; the ids are looked up once per document instead.
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def _styled(self, style: str, text: str | None = None) -> Any:
        paragraph = self.doc.add_paragraph(text or "")
        paragraph._p.get_or_add_pPr().style = self._style_id(style)
        return paragraph

    def _after_table(self, table: Any) -> None:
        """White space after a table (Word glues consecutive tables together); on the call sheet no spacer,
        and cell paragraphs without the Normal space after them, so the page holds its references."""
        if not self.compact:
            self.doc.add_paragraph()
            return
        for paragraph in table._tbl.iter(qn("w:p")):
            paragraph.get_or_add_pPr().get_or_add_spacing().after = 0
        # A hair of padding above and below each cell's text instead, so it does not touch the rules.
        margins = OxmlElement("w:tblCellMar")
        for side, twips in (("top", 16), ("left", 108), ("bottom", 6), ("right", 108)):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(twips))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        props = table._tbl.tblPr
        look = props.find(qn("w:tblLook"))  # the schema wants tblCellMar before tblLook (Word checks)
        if look is None:
            props.append(margins)
        else:
            look.addprevious(margins)

    def _end_section(self, columns: int) -> None:
        """End the section so far on the last paragraph written (no empty paragraph is added); the section
        after it continues on the same page in ``columns`` columns and inherits the header and footer.

        Word and LibreOffice keep columns per section, and balance them only in a section that a continuous
        break ends: so the call sheet's references (two columns, as in the PDF) get a section of their own.
        """
        body = self.doc.element.body
        paragraphs = body.findall(qn("w:p"))
        last = paragraphs[-1] if paragraphs else body.add_p()
        sentinel = body.get_or_add_sectPr()
        last.set_sectPr(sentinel.clone())
        for reference in sentinel.xpath("w:headerReference|w:footerReference"):
            sentinel.remove(reference)
        self.doc.sections[-1].start_type = WD_SECTION.CONTINUOUS
        cols = sentinel.find(qn("w:cols"))
        if cols is None:
            cols = OxmlElement("w:cols")
            sentinel.append(cols)
        cols.set(qn("w:num"), str(columns))
        cols.set(qn("w:space"), str(Inches(0.25).twips))

    # ---- inline -------------------------------------------------------------------------------------------

    def _inline(self, paragraph: Any, content: tuple[m.Inline, ...]) -> Any:
        for node in content:
            if isinstance(node, m.Text):
                run = paragraph.add_run(clean_text(node.text))
                run.bold = node.strong or None
                run.italic = node.emphasis or None
            elif isinstance(node, m.Cite):
                run = paragraph.add_run(",".join(str(n) for n in node.numbers))
                run.font.superscript = True
            elif isinstance(node, m.Link):
                self._link(paragraph, node)
        return paragraph

    def _link(self, paragraph: Any, link: m.Link) -> None:
        text = clean_text(link.text)
        if not link.url.startswith(SAFE_SCHEMES):
            paragraph.add_run(text)
            return
        rel = paragraph.part.relate_to(clean_text(link.url), RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rel)
        run = paragraph.add_run(text)
        run.font.color.rgb = ACCENT
        run.font.underline = True
        hyperlink.append(run._r)  # move the run inside the hyperlink element
        paragraph._p.append(hyperlink)

    # ---- visitor: document and blocks ---------------------------------------------------------------------

    def visit_document(self, d: m.Document) -> bytes:
        self.compact = d.layout == "call-sheet"
        self._setup_styles(compact=self.compact)
        core = self.doc.core_properties
        core.title = clean_text(d.title)
        core.subject = clean_text(d.subtitle)
        core.author = "Overturn"
        core.last_modified_by = "Overturn"
        core.comments = clean_text(f"pack {d.pack_id} {d.pack_version}")
        # A prepared_on that is not a date only loses the file's date stamp.
        with suppress(ValueError):
            core.created = core.modified = datetime.fromisoformat(d.prepared_on)
        self._header_footer(d)
        self._styled("Title", clean_text(d.title))
        self._styled("Subtitle", clean_text(d.subtitle))
        self._band(d.header)
        for s in d.sections:
            self.visit(s)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def _band(self, header: tuple[tuple[str, str], ...]) -> None:
        if not header:
            return
        table = self.doc.add_table(rows=2, cols=len(header))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, (key, value) in enumerate(header):
            top, bottom = table.cell(0, i), table.cell(1, i)
            for cell in (top, bottom):
                shade(cell, "1F3A5F")
            run = top.paragraphs[0].add_run(clean_text(key).upper())
            run.font.size, run.font.color.rgb = Pt(7), RGBColor(0xC8, 0xD4, 0xE3)
            run = bottom.paragraphs[0].add_run(clean_text(value))
            run.bold, run.font.color.rgb = True, RGBColor(0xFF, 0xFF, 0xFF)
        self._after_table(table)

    def visit_section(self, s: m.Section) -> None:
        self.depth += 1
        self._styled(f"Heading {min(self.depth, 3)}", clean_text(s.title))
        for child in s.children:
            self.visit(child)
        self.depth -= 1

    def visit_paragraph(self, p: m.Paragraph) -> Any:
        return self._inline(self.doc.add_paragraph(), p.content)

    def visit_text(self, t: m.Text) -> Any:
        return self.visit_paragraph(m.Paragraph((t,)))

    def visit_cite(self, c: m.Cite) -> Any:
        return self.visit_paragraph(m.Paragraph((c,)))

    def visit_link(self, link: m.Link) -> Any:
        return self.visit_paragraph(m.Paragraph((link,)))

    def visit_bullet_list(self, b: m.BulletList) -> None:
        for item in b.items:
            self._inline(self._styled("List Bullet"), item.content)

    def visit_key_value_table(self, t: m.KeyValueTable) -> None:
        if t.caption:
            self._styled("Caption", clean_text(t.caption))
        table = self.doc.add_table(rows=0, cols=2)
        table._tbl.tblPr.style = self._style_id(TABLE_STYLE)
        label_width, value_width = Inches(2.0), Inches(self._text_width - 2.0)
        self._widths(table, label_width, value_width)
        for key, value in t.rows:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = label_width, value_width
            cells[0].paragraphs[0].add_run(clean_text(key)).bold = True
            cells[1].paragraphs[0].add_run(clean_text(value)).bold = False
        self._after_table(table)

    @staticmethod
    def _widths(table: Any, *widths: Any) -> None:
        # Word reads cell widths, LibreOffice the table grid: set both, and stop autofit from undoing them.
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width

    def visit_checklist(self, c: m.Checklist) -> None:
        table = self.doc.add_table(rows=0, cols=2)
        table._tbl.tblPr.style = self._style_id("Table Grid")
        self._widths(table, Inches(1.0), Inches(self._text_width - 1.0))
        self._checklist_table = table
        for item in c.items:
            self.visit(item)
        self._after_table(table)

    def visit_check_item(self, i: m.CheckItem) -> None:
        word, color = MARKS[i.mark]
        mark_cell, body = self._checklist_table.add_row().cells
        mark_cell.width, body.width = Inches(1.0), Inches(self._text_width - 1.0)
        shade(mark_cell, color)
        run = mark_cell.paragraphs[0].add_run(word)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(8), RGBColor(0xFF, 0xFF, 0xFF)
        para = body.paragraphs[0]
        para.add_run(clean_text(i.label)).bold = True
        if any(not isinstance(x, m.Cite) for x in i.detail.content):
            para.add_run(" — ")
        self._inline(para, i.detail.content)
        if i.hint:
            hint = body.add_paragraph()
            label = hint.add_run("To document: ")
            label.bold, label.font.color.rgb = True, RGBColor.from_string(color)
            hint.add_run(clean_text(i.hint)).italic = True

    def visit_note(self, n: m.Note) -> None:
        warn = n.kind is m.NoteKind.WARNING
        para = self.doc.add_paragraph()
        shade(para, "FDF3E3" if warn else "EEF2F7")
        left_rule(para, "A15C07" if warn else "1F3A5F")
        para.add_run("Caution. " if warn else "Note. ").bold = True
        self._inline(para, n.content.content)

    def visit_question_answer(self, q: m.QuestionAnswer) -> None:
        question = self.doc.add_paragraph()
        question.paragraph_format.keep_with_next = True
        question.paragraph_format.space_after = Pt(1)
        question.add_run("Q. ").bold = True
        question.add_run(clean_text(q.question)).bold = True
        answer = self.doc.add_paragraph()
        answer.paragraph_format.left_indent = Inches(0.25)
        answer.add_run("A. ").bold = True
        self._inline(answer, q.answer.content)

    def visit_bibliography(self, b: m.Bibliography) -> None:
        if self.compact:
            self._end_section(columns=2)
        for entry in b.entries:
            self.visit(entry)
        if self.compact:
            self._end_section(columns=1)
            # A document ends on a paragraph of its last section; this one is 1 pt high, so it cannot be the
            # line that pushes a full call sheet onto a second page.
            tail = self.doc.add_paragraph()
            tail.paragraph_format.space_before = tail.paragraph_format.space_after = Pt(0)
            tail.paragraph_format.line_spacing = Pt(1)
            tail.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY

    def visit_bib_entry(self, e: m.BibEntry) -> None:
        para = self.doc.add_paragraph()
        fmt = para.paragraph_format
        indent = 0.2 if self.compact else 0.3
        fmt.left_indent, fmt.first_line_indent = Inches(indent), Inches(-indent)
        fmt.space_after = Pt(1 if self.compact else 3)
        para.add_run(f"{e.number}.\t").bold = True
        para.add_run(clean_text(e.citation))
        for label, value in e.identifiers:
            para.add_run(f" {clean_text(label)} ")
            if value.startswith("https://"):
                self._link(para, m.Link(value, value))
            else:
                para.add_run(clean_text(value))
            para.add_run(";" if (label, value) != e.identifiers[-1] else ".")
        if e.status != "verified":
            run = para.add_run(f" ({clean_text(status_words(e.status))})")
            run.font.color.rgb = RGBColor(0xA1, 0x5C, 0x07)
        if e.note:
            para.add_run().add_break(WD_BREAK.LINE)
            caveat = para.add_run(f"Caveat: {clean_text(e.note)}")
            caveat.italic, caveat.font.size, caveat.font.color.rgb = True, Pt(8.5), MUTED
        for run in para.runs[1:]:
            if run.font.size is None:
                run.font.size = Pt(7 if self.compact else 9)


def render_docx(doc: m.Document) -> bytes:
    out: bytes = DocxWriter().visit(doc)
    return out
