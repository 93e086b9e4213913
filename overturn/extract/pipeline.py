"""The medspaCy pipeline: blank English, a rule-based sentence splitter, target matcher and ConText.

The pipeline is built once per process (``get_pipeline`` is cached): building it costs a fraction of a second,
but importing spaCy costs seconds, so nothing here is imported until the first note is read.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from overturn.extract.facts import ContextFlags, Note
from overturn.extract.rules import (
    CONTEXT_PATTERN_RULES,
    CONTEXT_RULES,
    DEFAULT_CONTEXT_RULES_DROPPED,
    TARGET_PATTERNS,
)

if TYPE_CHECKING:
    from spacy.language import Language

SPAN_GROUP = "overturn_targets"

# ---- text preparation (offsets are preserved: every replacement has the length of what it replaces) -----------

# MTSamples-style transcriptions join sections and sentences with commas ("IMPRESSION:,1. ... .,2. ...").
_JOINING_COMMA = re.compile(r"(?<=[.:])(\s*),(?=\s*\S)")


def prepare_text(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\t", " ").replace("\r", "\n")
    return _JOINING_COMMA.sub(lambda m: m.group(1) + "\n", text)


# ---- sentences -----------------------------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "vs", "approx", "e.g", "i.e", "etc", "no", "st", "fig", "b.i.d", "t.i.d", "q.i.d",
    "q.d", "p.o", "q.h.s", "h.s", "p.r.n", "a.m", "p.m", "u.s", "sr", "jr", "lt", "rt", "inc", "wk", "wks",
}  # fmt: skip
_END = re.compile(r"(?:[.?!;]+)(?=\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")
_WORD_WINDOW = 20  # longer than any abbreviation above
_HEADER_END = re.compile(r"^[A-Z][A-Z /&()-]{2,40}:", re.MULTILINE)


def sentence_starts(text: str) -> set[int]:
    """Character offsets where a sentence begins.

    Splits after . ? ! ; (not after abbreviations such as "Dr." or "b.i.d."), at blank lines, at lines that
    start a header, bullet or number, and after a line that ends with punctuation or a colon. A hard-wrapped
    line that continues in lower case stays in one sentence, so ConText sees the whole clause.
    """
    starts = {0}
    for m in _END.finditer(text):
        if m.group(0) == ".":
            # a short window: searching from 0 made every period rescan the note (quadratic in its length)
            before = _WORD_BEFORE.search(text, max(0, m.start() - _WORD_WINDOW), m.start())
            if before and before.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
        starts.add(_skip_space(text, m.end()))
    for m in re.finditer(r"\n", text):
        prev_line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()].rstrip()
        nxt = _skip_space(text, m.end())
        if nxt >= len(text):
            continue
        following = text[nxt]
        if (
            not prev_line
            or prev_line[-1] in ".:;?!"
            or not following.islower()
            or text.startswith("\n", m.end())
        ):
            starts.add(nxt)
    for m in _HEADER_END.finditer(text):
        starts.add(m.start())
        starts.add(_skip_space(text, m.end()))
    return starts


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _split_sentences(doc: Any) -> Any:
    """Mark the first token of each sentence. A start offset inside a whitespace token starts the next token."""
    token_starts = [token.idx for token in doc]
    first: set[int] = {0}
    for offset in sentence_starts(doc.text):
        i = bisect_right(token_starts, offset) - 1
        if i < 0:
            continue
        token = doc[i]
        if token.is_space:
            if offset < token.idx + len(token.text):
                while i < len(doc) and doc[i].is_space:
                    i += 1
                if i < len(doc):
                    first.add(i)
        elif token.idx == offset:
            first.add(i)
    # One array write: the is_sent_start setter checks the whole doc for a parse on every token (quadratic).
    import numpy
    from spacy.attrs import SENT_START

    flags = numpy.full((len(doc), 1), -1, dtype="int64")  # -1: not a sentence start, 1: a start
    for i in first:
        if i < len(doc):
            flags[i, 0] = 1
    return doc.from_array([SENT_START], flags.astype("uint64"))  # spaCy stores attributes as uint64


# ---- sections ------------------------------------------------------------------------------------------------------

_SECTION_HEADER = re.compile(r"(?:^|\n)\s*([A-Za-z][A-Za-z /&()-]{1,50}?)\s*:", re.MULTILINE)
_SECTION_KINDS = [
    ("allergies", re.compile(r"^allerg", re.I)),
    ("family_history", re.compile(r"^family\s+(?:medical\s+)?history|^fh$|^fhx$", re.I)),
    # therapy goals ("Goal: walk 4 blocks") are targets, not what the patient can do today
    ("goals", re.compile(r"^(?:(?:short|long)[- ]term\s+|functional\s+|patient\s+|pt\s+)?goals?$", re.I)),
    (
        "plan",
        re.compile(r"^(?:plan|recommendations?|treatment\s+plan|disposition|assessment\s+and\s+plan)$", re.I),
    ),
]


def sections(text: str) -> list[tuple[int, str]]:
    """(offset, kind) for each header we care about; other headers reset the kind to "other"."""
    out: list[tuple[int, str]] = []
    for m in _SECTION_HEADER.finditer(text):
        title = m.group(1).strip()
        kind = next((k for k, rx in _SECTION_KINDS if rx.search(title)), "other")
        if kind == "other" and not (title.isupper() or len(title.split()) <= 3):
            continue
        out.append((m.start(1), kind))
    return out


def section_at(index: list[tuple[int, str]], offset: int) -> str:
    kind = "other"
    for start, name in index:
        if start > offset:
            break
        kind = name
    return kind


# ---- the pipeline ------------------------------------------------------------------------------------------------


class _DocText:
    """A Doc whose ``text_with_ws`` is built once. spaCy rebuilds that string from the tokens on every read, and
    medspaCy's RegexMatcher reads it once per pattern: with ~40 target patterns that was the largest single cost
    of extraction. Everything else goes to the Doc itself."""

    def __init__(self, doc: Any):
        self._doc = doc
        self.text_with_ws = doc.text_with_ws

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)

    def __len__(self) -> int:
        return len(self._doc)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._doc)

    def __getitem__(self, key: Any) -> Any:
        return self._doc[key]


def _read_text_once(target_matcher: Any) -> None:
    """Give the target matcher's regex matcher a Doc whose text is built once (same matches, less work).

    The regex matcher is a private attribute of medspaCy 1.3's MedspacyMatcher; if a later medspaCy moves it,
    nothing is changed and extraction is only slower.
    """
    from medspacy.common.regex_matcher import RegexMatcher

    class TextOnceRegexMatcher(RegexMatcher):  # type: ignore[misc]
        def __call__(self, doc: Any) -> Any:
            return super().__call__(_DocText(doc))

    inner = getattr(target_matcher, "_TargetMatcher__matcher", None)
    regex = getattr(inner, "_MedspacyMatcher__regex_matcher", None)
    if type(regex) is RegexMatcher:
        regex.__class__ = TextOnceRegexMatcher


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    # loguru-based debug logging in PyRuSH is on by default; we do not use PyRuSH, but medspacy imports it.
    from loguru import logger

    logger.disable("PyRuSH")

    import spacy
    from medspacy.context import ConText, ConTextRule  # noqa: F401  (registers the factory)
    from medspacy.custom_tokenizer import create_medspacy_tokenizer
    from medspacy.target_matcher import TargetMatcher, TargetRule  # noqa: F401
    from spacy.language import Language

    if not Language.has_factory("overturn_sentences"):
        Language.component("overturn_sentences")(_split_sentences)

    nlp = spacy.blank("en")
    nlp.tokenizer = create_medspacy_tokenizer(nlp)
    nlp.add_pipe("overturn_sentences")
    matcher: Any = nlp.add_pipe(
        "medspacy_target_matcher", config={"result_type": "group", "span_group_name": SPAN_GROUP}
    )
    matcher.add(
        [TargetRule(f"{label}:{i}", label, pattern=rx) for i, (label, rx) in enumerate(TARGET_PATTERNS)]
    )
    _read_text_once(matcher)
    context: Any = nlp.add_pipe(
        "medspacy_context",
        config={"input_span_type": "group", "span_group_name": SPAN_GROUP, "rules": None},
    )
    defaults = ConTextRule.from_json(context.DEFAULT_RULES_FILEPATH)
    context.add([rule for rule in defaults if rule.literal not in DEFAULT_CONTEXT_RULES_DROPPED])
    context.add(
        [
            ConTextRule(literal, category, direction=direction, allowed_types=allowed, max_scope=scope)
            for literal, category, direction, allowed, scope in CONTEXT_RULES
        ]
        + [
            ConTextRule(literal, category, pattern=pattern, direction=direction, on_modifies=check)
            for literal, category, direction, pattern, check in CONTEXT_PATTERN_RULES
        ]
    )
    return nlp


@dataclass(frozen=True)
class Mention:
    """A target found in a note, with the sentence around it and what ConText said about it."""

    label: str
    note: Note
    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    flags: ContextFlags
    section: str
    paragraph_start: int

    @property
    def before(self) -> str:
        """Sentence text before the mention."""
        return self.sentence[: self.start - self.sentence_start]

    @property
    def after(self) -> str:
        """Sentence text after the mention."""
        return self.sentence[self.end - self.sentence_start :]


def _flags(span: Any) -> ContextFlags:
    return ContextFlags(
        negated=bool(span._.is_negated),
        historical=bool(span._.is_historical),
        hypothetical=bool(span._.is_hypothetical),
        family=bool(span._.is_family),
        uncertain=bool(span._.is_uncertain),
    )


# A level named earlier in a paragraph carries over to later sentences of the same paragraph only.
_PARAGRAPH = re.compile(r"\n\s*\n|(?<=[.;:])[ ]*\n|\n(?=\s*(?:[A-Z][A-Za-z /&()-]{1,40}:|[CTLS]\d))")


def find_mentions(notes: list[Note]) -> Iterator[Mention]:
    """Run the pipeline over the notes (in one batch) and yield every target mention in text order."""
    nlp = get_pipeline()
    prepared = [prepare_text(note.text) for note in notes]
    with warnings.catch_warnings():
        # medspaCy's target matcher warns (W036) that its token matcher is empty: our targets are all regexes.
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        docs = list(nlp.pipe(prepared))
    for note, text, doc in zip(notes, prepared, docs, strict=True):
        index = sections(text)
        breaks = [0] + [m.end() for m in _PARAGRAPH.finditer(text)]  # on the prepared text
        spans = sorted(doc.spans[SPAN_GROUP], key=lambda s: (s.start_char, -s.end_char))
        for span in spans:
            sent = span.sent
            start = span.start_char
            yield Mention(
                label=span.label_,
                note=note,
                text=note.text[start : span.end_char],
                start=start,
                end=span.end_char,
                sentence=note.text[sent.start_char : sent.end_char],
                sentence_start=sent.start_char,
                flags=_flags(span),
                section=section_at(index, start),
                paragraph_start=max(b for b in breaks if b <= start),
            )
