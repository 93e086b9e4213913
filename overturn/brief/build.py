"""build_brief(case, pack) -> Document: the one use case every writer, the CLI and the web app serve.

Sections follow the structure of a peer-to-peer preparation guide: header and disclaimer, patient
information, findings and history, criteria checklist, reference material for the plan family,
rebuttals for the denial reason, likely reviewer questions, procedure description, closing, references.
"""

from __future__ import annotations

from datetime import date

from overturn.brief.context import layout_inputs
from overturn.brief.sheet import header_band, information_rows
from overturn.brief.statements import Wording
from overturn.case.model import Case, DenialReason
from overturn.criteria.engine import Evaluation, Status
from overturn.document.model import (
    BibEntry,
    Bibliography,
    BulletList,
    CheckItem,
    Checklist,
    Cite,
    Document,
    KeyValueTable,
    Link,
    Mark,
    Note,
    NoteKind,
    Paragraph,
    QuestionAnswer,
    Section,
    Text,
    para,
    walk,
)
from overturn.packs.schema import Pack, Statement

IDENTIFIER_LABELS = {
    "pmid": "PMID",
    "pmcid": "PMCID",
    "doi": "DOI",
    "nct": "ClinicalTrials.gov",
    "k510": "FDA 510(k)",
    "ncd": "NCD",
    "url": "URL",
}
DENIAL_REASON_LABELS = {
    DenialReason.INVESTIGATIONAL: "investigational / experimental",
    DenialReason.NOT_MEDICALLY_NECESSARY: "not medically necessary",
    DenialReason.INSUFFICIENT_DOCUMENTATION: "insufficient documentation",
    DenialReason.CONSERVATIVE_CARE_NOT_EXHAUSTED: "conservative care not exhausted",
    DenialReason.OTHER: "other",
}


def _narrative_part(
    override: str | None, generated: tuple[Paragraph, ...]
) -> tuple[Paragraph | BulletList, ...]:
    if override:
        return tuple(para(chunk.strip()) for chunk in override.split("\n\n") if chunk.strip())
    return (
        (BulletList(generated),) if generated else (para("Not enough structured findings to describe yet."),)
    )


def _findings_section(case: Case, pack: Pack, words: Wording) -> Section:
    n = case.narrative
    parts = [
        Section(
            "current-findings",
            "Current findings",
            _narrative_part(n.current_findings, words.paragraphs(pack.narrative.current_findings)),
        ),
        Section(
            "why-this-procedure",
            f"Why {pack.procedure.name} for this patient",
            _narrative_part(n.why_this_procedure, words.paragraphs(pack.narrative.why_this_procedure)),
        ),
        Section(
            "history",
            "History of the condition",
            _narrative_part(n.history, words.paragraphs(pack.narrative.history)),
        ),
    ]
    return Section("findings", "Medical findings and history", tuple(parts))


def _denial_section(case: Case) -> Section | None:
    d = case.denial
    rows = [
        ("Kind", d.kind.value.replace("_", "-") if d.kind else None),
        ("Reason", DENIAL_REASON_LABELS[d.reason] if d.reason else None),
        ("Date of letter", d.date.isoformat() if d.date else None),
        ("Reference", d.reference),
    ]
    present = tuple((k, v) for k, v in rows if v)
    if not present and not d.reason_text:
        return None
    children: list[KeyValueTable | Paragraph] = [KeyValueTable(present)] if present else []
    if d.reason_text:
        children.append(
            Paragraph((Text("Wording of the letter: ", strong=True), Text(d.reason_text, emphasis=True)))
        )
    return Section("denial", "The denial", tuple(children))


_MARKS = {Status.MET: Mark.MET, Status.UNMET: Mark.UNMET, Status.UNKNOWN: Mark.UNKNOWN}


def _criteria_section(evaluation: Evaluation) -> Section:
    items = tuple(
        CheckItem(
            _MARKS[r.status],
            r.title,
            Paragraph((Text(r.reason), *((Cite(r.citations),) if r.citations else ()))),
            r.gap,
            r.id,
        )
        for r in evaluation.results
    )
    counts = {s: sum(r.status is s for r in evaluation.results) for s in Status}
    summary = para(
        f"{counts[Status.MET]} met, {counts[Status.UNMET]} not met, {counts[Status.UNKNOWN]} unknown "
        f"of {len(evaluation.results)} criteria."
    )
    children: list[Paragraph | Checklist | Section] = [summary, Checklist(items)]
    if evaluation.gaps:
        children.append(
            Section(
                "gaps", "Document before the call", (BulletList(tuple(para(g) for g in evaluation.gaps)),)
            )
        )
    return Section("criteria", "Coverage criteria checklist", tuple(children))


def _reference_section(pack: Pack, evaluation: Evaluation, words: Wording) -> Section:
    family = evaluation.family
    blocks = [(fid, b) for fid, b in pack.reference_material.items() if family is None or fid == family.id]
    children: list[Note | Section] = []
    if family is None:
        children.append(
            Note(
                NoteKind.WARNING,
                para(
                    "The plan type is not recorded, so the material for every plan "
                    "family is shown. Record coverage.plan_type to narrow it."
                ),
            )
        )
    for fid, block in blocks:
        children.append(
            Section(f"reference-{fid}", block.heading, (BulletList(words.paragraphs(block.statements)),))
        )
    return Section("reference-material", "Reference material for the conversation", tuple(children))


def _rebuttal_section(case: Case, pack: Pack, words: Wording) -> Section:
    reason = case.denial.reason
    reasons = [reason] if reason else [DenialReason.INVESTIGATIONAL, DenialReason.NOT_MEDICALLY_NECESSARY]
    children: list[Section | Paragraph] = []
    for r in reasons:
        statements: list[Statement] = pack.rebuttals.get(r, [])
        paras = words.paragraphs(statements)
        if paras:
            children.append(
                Section(
                    f"rebuttal-{r.value}",
                    f"If the reviewer says: {DENIAL_REASON_LABELS[r]}",
                    (BulletList(paras),),
                )
            )
    if not children:
        children.append(
            para(
                "The pack has no prepared rebuttal for this denial reason; rely on the criteria and "
                "reference material above."
            )
        )
    return Section("rebuttals", "Responding to the denial", tuple(children))


def reviewer_questions(pack: Pack, evaluation: Evaluation, words: Wording) -> list[QuestionAnswer]:
    """The pack's likely questions that apply to this case, likeliest first, each asked once."""
    family = evaluation.family
    items: dict[str, QuestionAnswer] = {}
    for q in sorted(pack.reviewer_questions, key=lambda q: q.rank):
        if q.question in items or (q.families and (family is None or family.id not in q.families)):
            continue
        answer = words.paragraph(q.answer)
        if answer is not None:
            items[q.question] = QuestionAnswer(q.question, answer)
    return list(items.values())


def _questions_section(pack: Pack, evaluation: Evaluation, words: Wording) -> Section:
    items = reviewer_questions(pack, evaluation, words)
    return Section(
        "questions", "Questions the reviewer is likely to ask", tuple(items) or (para("None prepared."),)
    )


def _procedure_section(case: Case, pack: Pack, words: Wording) -> Section:
    code = case.procedure.code
    lead = para(
        f"CPT {code}"
        + (f" (APC {pack.procedure.apc})" if pack.procedure.apc else "")
        + f": {pack.procedure.name}"
        + (f", levels {', '.join(case.procedure.levels)}" if case.procedure.levels else "")
        + "."
    )
    return Section(
        "procedure", "Procedure description", (lead, BulletList(words.paragraphs(pack.procedure.description)))
    )


def _closing_section(pack: Pack, words: Wording) -> Section:
    c = pack.contact
    contact_parts: list[Text | Link] = [Text(f"Questions about this material: {c.organization}")]
    if c.email:
        contact_parts += [Text(", "), Link(c.email, f"mailto:{c.email}")]
    if c.phone:
        contact_parts.append(Text(f", {c.phone}"))
    if c.evidence_url:
        contact_parts += [Text("; clinical articles: "), Link(c.evidence_url, c.evidence_url)]
    contact_parts.append(Text("."))
    return Section(
        "closing", "Closing statement", (*words.paragraphs(pack.closing), Paragraph(tuple(contact_parts)))
    )


def bibliography(pack: Pack, cited: set[int], *, compact: bool = False) -> Bibliography:
    """The pack's entries this document cites, under the pack's own numbers (stable across briefs).

    ``compact`` (the one-page call sheet) drops URLs and caveats, which belong in the full brief.
    """
    entries = []
    for b in sorted(pack.bibliography, key=lambda b: b.n):
        if b.n not in cited:
            continue
        ids = tuple(
            (IDENTIFIER_LABELS[k], v) for k, v in b.identifiers.items() if not (compact and k == "url")
        )
        entries.append(
            BibEntry(b.n, " ".join(b.citation.split()), ids, b.status, None if compact else b.caveat)
        )
    return Bibliography(tuple(entries))


def build_brief(
    case: Case,
    pack: Pack,
    evaluation: Evaluation | None = None,
    *,
    today: date | None = None,
    include_unverified: bool = True,
) -> Document:
    words, today = layout_inputs(case, pack, evaluation, today, include_unverified)
    case, evaluation = words.case, words.evaluation
    sections = [
        Section("about", "About this brief", (Note(NoteKind.INFO, para(pack.disclaimer)),)),
        Section("patient", "Patient information", (KeyValueTable(information_rows(case, pack, evaluation)),)),
    ]
    denial = _denial_section(case)
    if denial:
        sections.append(denial)
    sections += [
        _findings_section(case, pack, words),
        _criteria_section(evaluation),
        _reference_section(pack, evaluation, words),
        _rebuttal_section(case, pack, words),
        _questions_section(pack, evaluation, words),
        _procedure_section(case, pack, words),
        _closing_section(pack, words),
    ]
    cited = {n for sec in sections for node in walk(sec) if isinstance(node, Cite) for n in node.numbers}
    sections.append(Section("references", "References", (bibliography(pack, cited),)))
    return Document(
        title="Peer-to-peer review brief",
        subtitle=pack.title,
        layout="brief",
        prepared_on=today.isoformat(),
        pack_id=pack.id,
        pack_version=pack.version,
        header=header_band(case, evaluation),
        sections=tuple(sections),
    )
