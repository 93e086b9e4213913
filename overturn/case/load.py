"""Read a case from YAML or JSON and validate it, reporting every problem at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from overturn.case.errors import FieldError, InputError, errors_from_validation
from overturn.case.model import Case
from overturn.case.yamlio import load_yaml

MAX_CASE_BYTES = 2_000_000


def case_from_data(data: Any, source: str | None = None) -> Case:
    if not isinstance(data, dict):
        raise InputError(
            [FieldError("", "a case must be a mapping of keys such as patient, coverage, procedure")], source
        )
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise InputError(errors_from_validation(exc, Case), source) from None


def parse_case_text(text: str, source: str | None = None) -> Any:
    try:
        if source and source.endswith(".json"):
            return json.loads(text)
        # YAML is a superset of JSON, so one parser reads both.
        return load_yaml(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([FieldError("", f"{where}not valid YAML/JSON ({problem})")], source) from None


def read_input_text(path: str | Path, max_bytes: int, noun: str = "file") -> str:
    """The UTF-8 text of an input file, or an InputError naming the file and what is wrong with it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([FieldError("", f"cannot read the {noun} ({exc.strerror})")], str(path)) from None
    if len(raw) > max_bytes:
        raise InputError([FieldError("", f"the {noun} is larger than {max_bytes} bytes")], str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([FieldError("", f"the {noun} is not UTF-8 text")], str(path)) from None


def load_case(path: str | Path) -> Case:
    text = read_input_text(path, MAX_CASE_BYTES, "case file")
    return case_from_data(parse_case_text(text, str(path)), str(path))


def case_to_data(case: Case) -> dict[str, Any]:
    """A plain mapping in the case-file format (dates as ISO strings, unknowns left out)."""
    return case.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
