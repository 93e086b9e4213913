"""Errors a person can act on: every problem names its field path, and all problems are reported together."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(Exception):
    """Raised with every problem found in one input (a case file, a pack, a FHIR bundle)."""

    def __init__(self, errors: Iterable[FieldError], source: str | None = None):
        self.errors = list(errors)
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        head = f"{self.source}: " if self.source else ""
        lines = [f"{head}{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''} found:"]
        lines += [f"  - {err}" for err in self.errors]
        return "\n".join(lines)

    def as_json(self) -> list[dict[str, str]]:
        return [{"path": e.path, "message": e.message} for e in self.errors]


def format_loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk the model classes along ``loc`` to find the one that owns the last key."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _clean_message(err: Any) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        return f"{err['input']!r} is not allowed; use {expected}"
    if kind == "missing":
        return "is required"
    return msg[0].lower() + msg[1:] if msg else kind


def errors_from_validation(
    exc: ValidationError, model: type[BaseModel], prefix: str = ""
) -> list[FieldError]:
    out: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        loc = tuple(
            p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
        )
        path = format_loc(loc)
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else f"{prefix}{path}"
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            owner = _model_at(model, loc[:-1])
            hint = ""
            if owner is not None:
                close = difflib.get_close_matches(key, list(owner.model_fields), n=1, cutoff=0.6)
                hint = (
                    f"; did you mean '{close[0]}'?"
                    if close
                    else f"; known keys: {', '.join(owner.model_fields)}"
                )
            message = f"unknown key '{key}'{hint}"
        else:
            message = _clean_message(err)
        if (path, message) not in seen:
            seen.add((path, message))
            out.append(FieldError(path, message))
    return out
