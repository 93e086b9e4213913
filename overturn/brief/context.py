"""What every layout starts from: the case with its procedure code, the evaluation, the wording rules."""

from __future__ import annotations

from datetime import date

from overturn.brief.statements import Wording
from overturn.case.model import Case
from overturn.criteria.engine import Evaluation, evaluate_criteria
from overturn.packs.schema import Pack


def with_procedure_code(case: Case, pack: Pack) -> Case:
    """A case that names only its pack gets the pack's procedure code."""
    if case.procedure.code:
        return case
    procedure = case.procedure.model_copy(update={"code": pack.procedure.codes[0]})
    return case.model_copy(update={"procedure": procedure})


def layout_inputs(
    case: Case, pack: Pack, evaluation: Evaluation | None, today: date | None, include_unverified: bool
) -> tuple[Wording, date]:
    """The wording rules for this case (which carry the case and its evaluation) and the date of the brief."""
    today = today or date.today()
    case = with_procedure_code(case, pack)
    evaluation = evaluation or evaluate_criteria(case, pack, today)
    return Wording(case, pack, evaluation, include_unverified), today
