"""Choosing and wording pack statements for one case: family, conditions, placeholders, source status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from overturn.case.model import Case
from overturn.criteria.engine import Evaluation, Status
from overturn.criteria.values import read_fact
from overturn.document.model import Cite, Paragraph, Text
from overturn.packs.schema import Pack, Statement, When, conditions
from overturn.packs.templates import fill

_RANK = {"unverified": 0, "partially": 1, "verified": 2}


def statement_status(st: Statement, pack: Pack) -> str:
    """The weakest of the statement's own status and the statuses of the sources it cites."""
    statuses = [st.status] if st.status else []
    for n in st.citations:
        entry = pack.bib(n)
        if entry:
            statuses.append(entry.status)
    if not statuses:
        return "verified" if not st.citations else "unverified"
    return min(statuses, key=lambda s: _RANK[s])


@dataclass(frozen=True)
class Wording:
    case: Case
    pack: Pack
    evaluation: Evaluation
    include_unverified: bool = True

    def holds(self, cond: When) -> bool:
        if cond.criterion:
            status = self.evaluation.status(cond.criterion)
            return status is not None and status.value in cond.status
        if cond.fact:
            return read_fact(self.case, cond.fact) is cond.equals
        if cond.plan_types:
            return self.case.coverage.plan_type in cond.plan_types
        if cond.treatment_types:
            return any(
                t.type in cond.treatment_types
                and (not cond.treatment_outcomes or t.outcome in cond.treatment_outcomes)
                for t in self.case.treatments or []
            )
        all_met = all(r.status is Status.MET for r in self.evaluation.results)
        return all_met is (cond.checklist == "all_met")

    def applies(self, st: Statement) -> bool:
        family = self.evaluation.family
        if st.families and (family is None or family.id not in st.families):
            return False
        if not all(self.holds(c) for c in conditions(st.when)):
            return False
        return self.include_unverified or statement_status(st, self.pack) != "unverified"

    def text(self, st: Statement) -> str | None:
        if not self.applies(st):
            return None
        return fill(st.text, self.evaluation.values)

    def paragraph(self, st: Statement) -> Paragraph | None:
        text = self.text(st)
        if text is None:
            return None
        parts: list[Text | Cite] = [Text(text)]
        if st.citations:
            parts.append(Cite(tuple(sorted(st.citations))))
        if statement_status(st, self.pack) == "unverified":
            parts.append(Text(f" ({self.pack.unverified_label})", emphasis=True))
        return Paragraph(tuple(parts))

    def paragraphs(self, statements: Iterable[Statement]) -> tuple[Paragraph, ...]:
        return tuple(p for p in (self.paragraph(s) for s in statements) if p is not None)
