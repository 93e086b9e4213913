"""Three-valued evaluation of a pack's coverage criteria (met / unmet / unknown)."""

from __future__ import annotations

from overturn.criteria.engine import Evaluation, Result, Status, evaluate_criteria

__all__ = ["Evaluation", "Result", "Status", "evaluate_criteria"]
