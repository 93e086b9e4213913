"""The case model: validation, normalization and loading."""

from __future__ import annotations

from overturn.case.errors import FieldError, InputError
from overturn.case.load import case_from_data, case_to_data, load_case
from overturn.case.model import Case
from overturn.case.plans import PlanType

__all__ = ["Case", "FieldError", "InputError", "PlanType", "case_from_data", "case_to_data", "load_case"]
