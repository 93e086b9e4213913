"""Standalone HTML writer with a print stylesheet. All text is escaped; only http(s) and mailto links."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape as _escape
from importlib import resources

from overturn.document import model as m
from overturn.document.visitor import Visitor
from overturn.render.text import clean_text
from overturn.render.words import status_words

MARK_WORDS = {m.Mark.MET: "Met", m.Mark.UNMET: "Not met", m.Mark.UNKNOWN: "Unknown"}


def escape(text: str) -> str:
    return _escape(clean_text(text), quote=True)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return resources.files("overturn.render").joinpath("assets/brief.css").read_text(encoding="utf-8")


class HtmlWriter(Visitor):
    def __init__(self) -> None:
        self.depth = 1

    def visit_document(self, d: m.Document) -> str:
        band = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in d.header)
        body = "".join(self.visit(s) for s in d.sections)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(d.title)} — {escape(d.header[0][1] if d.header else '')}</title>"
            f"<style>{stylesheet()}</style></head><body><main>"
            f'<header><h1>{escape(d.title)}</h1><p class="subtitle">{escape(d.subtitle)}</p>'
            f'<dl class="band">{band}</dl></header>{body}'
            f"<footer>Prepared on {escape(d.prepared_on)} · pack {escape(d.pack_id)} {escape(d.pack_version)}</footer>"
            "</main></body></html>\n"
        )

    def visit_section(self, s: m.Section) -> str:
        self.depth += 1
        level = min(self.depth, 6)
        inner = "".join(self.visit(c) for c in s.children)
        self.depth -= 1
        return f'<section id="{escape(s.ident)}"><h{level}>{escape(s.title)}</h{level}>{inner}</section>'

    def inline(self, p: m.Paragraph) -> str:
        return "".join(self.visit(i) for i in p.content)

    def visit_paragraph(self, p: m.Paragraph) -> str:
        return f"<p>{self.inline(p)}</p>"

    def visit_text(self, t: m.Text) -> str:
        out = escape(t.text).replace("\n", "<br>")
        if t.strong:
            out = f"<strong>{out}</strong>"
        if t.emphasis:
            out = f"<em>{out}</em>"
        return out

    def visit_cite(self, c: m.Cite) -> str:
        refs = ",".join(f'<a href="#ref-{n}">{n}</a>' for n in c.numbers)
        return f'<sup class="cite">{refs}</sup>'

    def visit_link(self, link: m.Link) -> str:
        if not re.match(r"^(https?://|mailto:)", link.url):
            return escape(link.text)
        return f'<a href="{escape(link.url)}" rel="noopener noreferrer">{escape(link.text)}</a>'

    def visit_bullet_list(self, b: m.BulletList) -> str:
        return "<ul>" + "".join(f"<li>{self.inline(i)}</li>" for i in b.items) + "</ul>"

    def visit_key_value_table(self, t: m.KeyValueTable) -> str:
        caption = f"<caption>{escape(t.caption)}</caption>" if t.caption else ""
        rows = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in t.rows)
        return f'<table class="kv">{caption}<tbody>{rows}</tbody></table>'

    def visit_checklist(self, c: m.Checklist) -> str:
        return '<ul class="checklist">' + "".join(self.visit(i) for i in c.items) + "</ul>"

    def visit_check_item(self, i: m.CheckItem) -> str:
        hint = f'<span class="hint">To document: {escape(i.hint)}</span>' if i.hint else ""
        return (
            f'<li class="{i.mark.value}" data-criterion="{escape(i.ident)}"><span class="mark">'
            f"{MARK_WORDS[i.mark]}</span> <strong>{escape(i.label)}</strong>"
            f"{' — ' if m.has_words(i.detail) else ''}{self.inline(i.detail)}{hint}</li>"
        )

    def visit_note(self, n: m.Note) -> str:
        return f'<div class="note {n.kind.value}" role="note">{self.inline(n.content)}</div>'

    def visit_question_answer(self, q: m.QuestionAnswer) -> str:
        return f'<div class="qa"><p class="q">{escape(q.question)}</p><p class="a">{self.inline(q.answer)}</p></div>'

    def visit_bibliography(self, b: m.Bibliography) -> str:
        return '<ol class="bib">' + "".join(self.visit(e) for e in b.entries) + "</ol>"

    def visit_bib_entry(self, e: m.BibEntry) -> str:
        ids = "; ".join(
            f"{escape(k)} "
            + (f'<a href="{escape(v)}">{escape(v)}</a>' if v.startswith("https://") else escape(v))
            for k, v in e.identifiers
        )
        caveat = f'<span class="caveat">Caveat: {escape(e.note)}</span>' if e.note else ""
        return (
            f'<li id="ref-{e.number}" value="{e.number}">{escape(e.citation)} {ids} '
            f'<span class="status">{escape(status_words(e.status))}</span>{caveat}</li>'
        )


def render_html(doc: m.Document) -> bytes:
    return HtmlWriter().visit(doc).encode("utf-8")
