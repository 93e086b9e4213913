"""build_call_sheet(case, pack) -> Document: the one page the physician holds during the phone call.

It repeats nothing the call does not need: who and what (header band and a short table), why it was denied,
which criteria are met, the five strongest evidence points with their citation numbers, answers to the two
likeliest reviewer questions, and the specific ask. Wording comes from the pack (``call_sheet`` block,
rebuttals, reviewer questions); this module only chooses and orders it.
"""

from __future__ import annotations

import re
from datetime import date

from overturn.brief.build import DENIAL_REASON_LABELS, bibliography, reviewer_questions
from overturn.brief.context import layout_inputs
from overturn.brief.sheet import NOT_RECORDED, header_band, information_values
from overturn.brief.statements import Wording
from overturn.case.model import Case
from overturn.criteria.engine import Evaluation, Status
from overturn.document.model import (
    BulletList,
    CheckItem,
    Checklist,
    Cite,
    Document,
    KeyValueTable,
    Mark,
    Note,
    NoteKind,
    Paragraph,
    QuestionAnswer,
    Section,
    Text,
    cited_numbers,
    para,
)
from overturn.packs.schema import Pack, Statement
from overturn.packs.templates import PLACEHOLDER

POINTS = 5
QUESTIONS = 2
LETTER_CHARS = 280  # the letter's wording is quoted, cut to keep the sheet on one page


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _at_a_glance(case: Case, pack: Pack, evaluation: Evaluation) -> KeyValueTable:
    info = information_values(case, pack, evaluation)
    d = case.denial
    denial = DENIAL_REASON_LABELS[d.reason] if d.reason else NOT_RECORDED
    extras = [x for x in (d.date.isoformat() if d.date else None, d.reference) if x]
    if extras:
        denial += f" ({', '.join(extras)})"
    rows = [
        ("Insurance", info["insurance_plan"]),
        # Codes only: the full descriptors are in the brief, and the call sheet has one page.
        ("Diagnoses", ", ".join(evaluation.diagnosis_codes)),
        ("Procedure", info["procedure"]),
        ("Physician", info["physician"]),
        ("Denial", denial),
    ]
    return KeyValueTable(tuple((k, v or NOT_RECORDED) for k, v in rows))


def _denial_wording(case: Case) -> Paragraph | None:
    if not case.denial.reason_text:
        return None
    quoted = _shorten(case.denial.reason_text, LETTER_CHARS)
    return Paragraph((Text("The letter says: ", strong=True), Text(f"“{quoted}”", emphasis=True)))


def _criteria(evaluation: Evaluation) -> tuple[Checklist | Note | Paragraph, ...]:
    met = [r for r in evaluation.results if r.status is Status.MET]
    items = tuple(
        CheckItem(Mark.MET, r.title, Paragraph((Cite(r.citations),) if r.citations else ()), None, r.id)
        for r in met
    )
    out: list[Checklist | Note | Paragraph] = (
        [Checklist(items)] if items else [para("No criterion is met yet.")]
    )
    open_items = [r for r in evaluation.results if r.status is not Status.MET]
    if open_items:
        words = "; ".join(
            f"{r.title} ({'not met' if r.status is Status.UNMET else 'unknown'})" for r in open_items
        )
        out.append(
            Note(NoteKind.WARNING, para(f"Still open — check the full brief before the call: {words}."))
        )
    return tuple(out)


def _strongest_points(
    case: Case, pack: Pack, evaluation: Evaluation, words: Wording
) -> tuple[Paragraph, ...]:
    """The family's prepared points that apply to this case, topped up from the rebuttals to the denial."""
    family = evaluation.family
    candidates: list[Statement] = []
    if pack.call_sheet:
        points = pack.call_sheet.strongest_points
        if family is not None:
            candidates += points.get(family.id, [])
        else:  # plan type unknown: each family's points, in pack order
            candidates += [s for items in points.values() for s in items]
    reasons = [case.denial.reason] if case.denial.reason else list(pack.rebuttals)
    candidates += [s for r in reasons for s in pack.rebuttals.get(r, []) if s.citations]
    chosen: list[Paragraph] = []
    seen: set[str] = set()
    for st in candidates:
        p = words.paragraph(st)
        key = st.text.strip().lower()
        if p is None or key in seen:
            continue
        seen.add(key)
        chosen.append(p)
        if len(chosen) == POINTS:
            break
    return tuple(chosen)


def _likeliest_questions(pack: Pack, evaluation: Evaluation, words: Wording) -> tuple[QuestionAnswer, ...]:
    return tuple(reviewer_questions(pack, evaluation, words)[:QUESTIONS])


def _ask(pack: Pack, evaluation: Evaluation) -> Paragraph | None:
    if pack.call_sheet is None:
        return None

    # Unlike statements, the ask is never dropped for a missing value: a gap is shown as "…" to fill in.
    def value(match: re.Match[str]) -> str:
        return evaluation.values.get(match.group(1)) or "…"

    return Paragraph((Text(PLACEHOLDER.sub(value, pack.call_sheet.ask.strip()), strong=True),))


def build_call_sheet(
    case: Case,
    pack: Pack,
    evaluation: Evaluation | None = None,
    *,
    today: date | None = None,
    include_unverified: bool = True,
) -> Document:
    words, today = layout_inputs(case, pack, evaluation, today, include_unverified)
    case, evaluation = words.case, words.evaluation
    met = sum(r.status is Status.MET for r in evaluation.results)

    denial_children: list[KeyValueTable | Paragraph] = [_at_a_glance(case, pack, evaluation)]
    wording = _denial_wording(case)
    if wording:
        denial_children.append(wording)
    sections = [
        Section("case", "Case and denial", tuple(denial_children)),
        Section("criteria-met", f"Criteria met: {met} of {len(evaluation.results)}", _criteria(evaluation)),
        Section(
            "strongest-points",
            "Strongest evidence points",
            (BulletList(_strongest_points(case, pack, evaluation, words)),),
        ),
        Section(
            "likely-questions",
            "The two likeliest questions",
            _likeliest_questions(pack, evaluation, words) or (para("None prepared."),),
        ),
    ]
    ask = _ask(pack, evaluation)
    if ask:
        sections.append(Section("ask", "The ask", (ask,)))
    draft = Document("", "", "call-sheet", "", "", "", (), tuple(sections))
    sections.append(
        Section("references", "References", (bibliography(pack, cited_numbers(draft), compact=True),))
    )
    return Document(
        title="Peer-to-peer call sheet",
        subtitle=pack.title,
        layout="call-sheet",
        prepared_on=today.isoformat(),
        pack_id=pack.id,
        pack_version=pack.version,
        header=header_band(case, evaluation),
        sections=tuple(sections),
    )
