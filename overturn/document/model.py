"""The closed, typed document model: the contract between what a brief says and how it looks.

Every writer (Markdown, HTML, JSON, PDF, DOCX) renders every node type below. Text in nodes is
plain data, never markup: writers escape or pass it as values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# ---- inline nodes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    strong: bool = False
    emphasis: bool = False


@dataclass(frozen=True)
class Cite:
    """Superscript citation numbers that resolve to the document's bibliography."""

    numbers: tuple[int, ...]


@dataclass(frozen=True)
class Link:
    text: str
    url: str


Inline = Text | Cite | Link

# ---- block nodes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[Paragraph, ...]


@dataclass(frozen=True)
class KeyValueTable:
    """Two-column label/value table, such as the patient information sheet."""

    rows: tuple[tuple[str, str], ...]
    caption: str | None = None


class Mark(StrEnum):
    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CheckItem:
    mark: Mark
    label: str
    detail: Paragraph
    hint: str | None = None  # what to go and document when the mark is unknown
    ident: str = ""


@dataclass(frozen=True)
class Checklist:
    items: tuple[CheckItem, ...]


class NoteKind(StrEnum):
    INFO = "info"
    WARNING = "warning"


@dataclass(frozen=True)
class Note:
    """A boxed remark: the disclaimer, a caution about an unverified source."""

    kind: NoteKind
    content: Paragraph


@dataclass(frozen=True)
class QuestionAnswer:
    question: str
    answer: Paragraph


@dataclass(frozen=True)
class BibEntry:
    number: int
    citation: str
    identifiers: tuple[tuple[str, str], ...]  # (label, value) such as ("PMID", "30199512")
    status: str  # verified | partially | unverified
    note: str | None = None


@dataclass(frozen=True)
class Bibliography:
    entries: tuple[BibEntry, ...]


Block = Paragraph | BulletList | KeyValueTable | Checklist | Note | QuestionAnswer | Bibliography


@dataclass(frozen=True)
class Section:
    ident: str
    title: str
    children: tuple[Block | Section, ...]


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    layout: str  # "brief" or "call-sheet"
    prepared_on: str
    pack_id: str
    pack_version: str
    header: tuple[tuple[str, str], ...]  # header band: patient, plan, procedure, review slot
    sections: tuple[Section, ...] = field(default_factory=tuple)


NODE_TYPES: tuple[type, ...] = (
    Document,
    Section,
    Paragraph,
    BulletList,
    KeyValueTable,
    Checklist,
    CheckItem,
    Note,
    QuestionAnswer,
    Bibliography,
    BibEntry,
    Text,
    Cite,
    Link,
)


def para(*parts: str | Inline) -> Paragraph:
    """Build a paragraph; bare strings become plain text."""
    return Paragraph(tuple(Text(p) if isinstance(p, str) else p for p in parts if p != ""))


def walk(node: object):  # type: ignore[no-untyped-def]
    """Yield every node of a tree, depth first, the node itself first."""
    yield node
    children: tuple[object, ...] = ()
    if isinstance(node, Document):
        children = node.sections
    elif isinstance(node, Section):
        children = node.children
    elif isinstance(node, Paragraph):
        children = node.content
    elif isinstance(node, BulletList | Checklist):
        children = node.items
    elif isinstance(node, CheckItem):
        children = (node.detail,)
    elif isinstance(node, Note):
        children = (node.content,)
    elif isinstance(node, QuestionAnswer):
        children = (node.answer,)
    elif isinstance(node, Bibliography):
        children = node.entries
    for child in children:
        yield from walk(child)


def cited_numbers(doc: Document) -> set[int]:
    return {n for node in walk(doc) if isinstance(node, Cite) for n in node.numbers}


def has_words(p: Paragraph) -> bool:
    """True when the paragraph says something besides citation numbers."""
    return any(isinstance(i, Text | Link) and i.text.strip() for i in p.content)
