"""Markdown writer. Every piece of text is escaped, so case data can never become markup or a link."""

from __future__ import annotations

import re

from overturn.document import model as m
from overturn.document.visitor import Visitor
from overturn.render.text import clean_text
from overturn.render.words import status_words

_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")
_ENTITY = re.compile(r"&(#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")
MARK_SYMBOLS = {m.Mark.MET: "[x] MET", m.Mark.UNMET: "[ ] NOT MET", m.Mark.UNKNOWN: "[?] UNKNOWN"}


def escape(text: str) -> str:
    text = clean_text(text).replace("\n", " ")
    return _ENTITY.sub(r"&amp;\1", _SPECIAL.sub(r"\\\1", text))


def guard_line_start(line: str) -> str:
    """Block syntax ("# ", "- ", "1. ") only matters where a line starts: escape it there."""
    return _LINE_START.sub(lambda m: m[1] + "\\" + m[2], line)


class MarkdownWriter(Visitor):
    def __init__(self) -> None:
        self.depth = 1

    def visit_document(self, d: m.Document) -> str:
        out = [f"# {escape(d.title)}", "", f"*{escape(d.subtitle)}*", ""]
        out += [f"**{escape(k)}:** {escape(v)}  " for k, v in d.header]
        out.append("")
        for s in d.sections:
            out.append(self.visit(s))
        out.append(
            f"---\n\nPrepared on {escape(d.prepared_on)} · pack {escape(d.pack_id)} {escape(d.pack_version)}\n"
        )
        return "\n".join(out)

    def visit_section(self, s: m.Section) -> str:
        self.depth += 1
        body = [f"{'#' * min(self.depth, 6)} {escape(s.title)}", ""]
        body += [self.visit(child) for child in s.children]
        self.depth -= 1
        return "\n".join(body)

    def visit_paragraph(self, p: m.Paragraph) -> str:
        return guard_line_start("".join(self.visit(i) for i in p.content)) + "\n"

    def visit_text(self, t: m.Text) -> str:
        text = escape(t.text)
        core = text.strip()
        if not core or not (t.strong or t.emphasis):
            return text
        # Emphasis markers must hug the words: "** bold **" is not bold in Markdown.
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        marker = ("**" if t.strong else "") + ("*" if t.emphasis else "")
        return f"{lead}{marker}{core}{marker[::-1]}{trail}"

    def visit_cite(self, c: m.Cite) -> str:
        return "<sup>" + ",".join(str(n) for n in c.numbers) + "</sup>"

    def visit_link(self, link: m.Link) -> str:
        url = link.url.replace(")", "%29").replace(" ", "%20")
        return f"[{escape(link.text)}](<{url}>)" if re.match(r"^(https?|mailto):", url) else escape(link.text)

    def visit_bullet_list(self, b: m.BulletList) -> str:
        return "\n".join(f"- {self.visit(item).strip()}" for item in b.items) + "\n"

    def visit_key_value_table(self, t: m.KeyValueTable) -> str:
        rows = ["| | |", "|---|---|"] + [f"| **{escape(k)}** | {escape(v)} |" for k, v in t.rows]
        caption = [f"*{escape(t.caption)}*", ""] if t.caption else []
        return "\n".join(caption + rows) + "\n"

    def visit_checklist(self, c: m.Checklist) -> str:
        return "\n".join(self.visit(item) for item in c.items) + "\n"

    def visit_check_item(self, i: m.CheckItem) -> str:
        detail = self.visit(i.detail).strip()
        # A detail made only of citation numbers hangs off the label without a separator.
        sep = ": " if m.has_words(i.detail) else ""
        line = f"- **{MARK_SYMBOLS[i.mark]}** — **{escape(i.label)}**{sep}{detail}"
        if i.hint:
            line += f"\n  - *To document:* {escape(i.hint)}"
        return line

    def visit_note(self, n: m.Note) -> str:
        label = "Note" if n.kind is m.NoteKind.INFO else "Caution"
        return f"> **{label}:** {self.visit(n.content).strip()}\n"

    def visit_question_answer(self, q: m.QuestionAnswer) -> str:
        return f"**Q: {escape(q.question)}**\n\nA: {self.visit(q.answer).strip()}\n"

    def visit_bibliography(self, b: m.Bibliography) -> str:
        return "\n".join(self.visit(e) for e in b.entries) + "\n"

    def visit_bib_entry(self, e: m.BibEntry) -> str:
        ids = "; ".join(f"{escape(k)} {escape(v)}" for k, v in e.identifiers)
        citation = escape(e.citation)
        if ids:
            citation += ("" if citation.endswith(".") else ".") + f" {ids}."
        line = f"{e.number}\\. {citation} *({escape(status_words(e.status))})*"
        if e.note:
            line += f"\n   *Caveat:* {escape(e.note)}"
        return line + "\n"


def render_markdown(doc: m.Document) -> bytes:
    return MarkdownWriter().visit(doc).encode("utf-8")
