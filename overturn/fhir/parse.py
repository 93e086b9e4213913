"""Read FHIR JSON into R4B resource models: the bundle envelope, each entry, and the references between them.

The envelope (JSON syntax, Bundle shape, resourceType) must be right or nothing can be imported, so those
problems raise :class:`InputError` with the JSON path. A single bad entry in a bundle is different: EHR
exports often carry one odd resource, and refusing the whole record for it would send the office back to
typing. Such entries are returned with their problems and the importer reports them as ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overturn.case.errors import FieldError, InputError, format_loc
from overturn.case.load import read_input_text

MAX_FHIR_BYTES = 50_000_000
BUNDLE_TYPES_ACCEPTED = {"transaction", "collection", "searchset", "batch", "document", "message"}


@dataclass
class Entry:
    """One resource of the input, where it sits (JSON path) and its validated R4B model when valid."""

    path: str
    resource_type: str
    raw: dict[str, Any]
    full_url: str | None = None
    model: Any = None
    problems: list[FieldError] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        value = self.raw.get("id")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        return f"{self.resource_type}/{self.id}" if self.id else self.resource_type


def read_json_file(path: str | Path) -> Any:
    text = read_input_text(path, MAX_FHIR_BYTES)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [FieldError("", f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})")], str(path)
        ) from None


def model_class(resource_type: str) -> Any:
    """The R4B model class for a resource type, or None for a name FHIR R4B does not define."""
    from fhir.resources.R4B import get_fhir_model_class

    if not re.fullmatch(r"[A-Z][A-Za-z]+", resource_type):
        return None
    try:
        return get_fhir_model_class(resource_type)
    except ValueError:
        return None


def _path_errors(exc: Any, prefix: str) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors():
        loc = format_loc(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        msg = str(err["msg"])
        out.append(FieldError(where, msg[0].lower() + msg[1:] if msg else err["type"]))
    return out


def _join(path: str, loc: Any) -> str:
    where = format_loc(loc)
    return f"{path}.{where}" if path else where


def _set_at(data: Any, loc: tuple[Any, ...], value: Any) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


# Before R4 (DSTU2/STU3) a Condition's statuses were plain codes ("clinicalStatus": "active"); R4 made them
# CodeableConcepts. Real bundles (the Da Vinci prior-auth reference implementation) still write the old form.
PRE_R4_STATUS_CODES: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("Condition", "clinicalStatus"): (
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        frozenset({"active", "recurrence", "relapse", "inactive", "remission", "resolved"}),
    ),
    ("Condition", "verificationStatus"): (
        "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        frozenset({"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}),
    ),
}


def _status_as_concept(rtype: str, loc: tuple[Any, ...], value: Any) -> dict[str, Any] | None:
    """The R4 CodeableConcept for a pre-R4 status code written as a string, or None if it is not one."""
    if len(loc) != 1 or not isinstance(value, str):
        return None
    known = PRE_R4_STATUS_CODES.get((rtype, str(loc[0])))
    code = value.strip().lower()
    if known is None or code not in known[1]:
        return None
    return {"coding": [{"system": known[0], "code": code}]}


def validate_resource(raw: dict[str, Any], path: str) -> tuple[Any, list[FieldError], list[str]]:
    """Validate one resource with its R4B model; returns (model or None, problems, repairs made).

    Two repairs keep a resource whose meaning is plain, each reported with its JSON path:

    - codes and identifiers with stray blanks (``" G30.0"`` in a Da Vinci test bundle) break the FHIR
      ``code`` pattern: the blanks are stripped;
    - a Condition's ``clinicalStatus`` / ``verificationStatus`` written as a plain string in the pre-R4 way
      (``"active"``): when the string is a code of the standard value set, it is wrapped into a
      CodeableConcept of that code system. Any other string stays a problem.
    """
    from pydantic import ValidationError

    rtype = raw.get("resourceType")
    cls = model_class(rtype) if isinstance(rtype, str) else None
    if cls is None:
        return None, [FieldError(f"{path}.resourceType", f"{rtype!r} is not a FHIR R4 resource type")], []
    data = json.loads(json.dumps(raw))  # a private copy: repairs must not change what the caller holds
    repairs: list[str] = []
    for _ in range(3):
        try:
            return cls.model_validate(data), [], repairs
        except ValidationError as exc:
            fixed = False
            for err in exc.errors():
                value = err.get("input")
                concept = _status_as_concept(str(rtype), tuple(err["loc"]), value)
                if concept is not None:
                    _set_at(data, tuple(err["loc"]), concept)
                    system, code = concept["coding"][0]["system"], concept["coding"][0]["code"]
                    repairs.append(
                        f"{_join(path, err['loc'])}: pre-R4 status {value!r} read as the code "
                        f"{code!r} of {system}"
                    )
                    fixed = True
                elif (
                    err["type"] == "string_pattern_mismatch"
                    and isinstance(value, str)
                    and value != value.strip()
                    and value.strip()
                ):
                    _set_at(data, tuple(err["loc"]), value.strip())
                    repairs.append(f"{_join(path, err['loc'])}: removed blanks around {value!r}")
                    fixed = True
            if not fixed:
                return None, _path_errors(exc, path), repairs
    return None, [FieldError(path, "could not be repaired")], repairs


def collect_entries(data: Any, source: str | None = None) -> tuple[str | None, list[Entry]]:
    """Split the input into entries: (bundle type or None for a single resource, entries).

    Raises InputError for an envelope that cannot be read at all.
    """
    if not isinstance(data, dict):
        raise InputError([FieldError("", "expected a FHIR resource or Bundle (a JSON object)")], source)
    rtype = data.get("resourceType")
    if not isinstance(rtype, str):
        raise InputError([FieldError("resourceType", "is required (e.g. Bundle, Patient)")], source)
    if rtype != "Bundle":
        if model_class(rtype) is None:
            raise InputError(
                [FieldError("resourceType", f"{rtype!r} is not a FHIR R4 resource type")], source
            )
        return None, [_entry(data, "", None)]
    errors: list[FieldError] = []
    btype = data.get("type")
    if btype not in BUNDLE_TYPES_ACCEPTED:
        errors.append(
            FieldError(
                "type",
                f"{btype!r} is not a bundle type this import reads; use one of "
                + ", ".join(sorted(BUNDLE_TYPES_ACCEPTED)),
            )
        )
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        errors.append(FieldError("entry", "must be a list of entries"))
        raw_entries = []
    entries: list[Entry] = []
    for i, item in enumerate(raw_entries):
        where = f"entry[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(where, "must be an object with a resource"))
            continue
        resource = item.get("resource")
        if resource is None:
            # transaction responses and deletes carry no resource; nothing to import from them
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            errors.append(FieldError(f"{where}.resource", "must be a FHIR resource with a resourceType"))
            continue
        full_url = item.get("fullUrl") if isinstance(item.get("fullUrl"), str) else None
        if resource["resourceType"] == "Bundle":
            # a bundle inside a bundle (e.g. a PAS request inside a collection): read its entries too
            for inner in collect_entries(resource, source)[1]:
                inner.path = f"{where}.resource.{inner.path}" if inner.path else f"{where}.resource"
                entries.append(inner)
            continue
        entries.append(_entry(resource, f"{where}.resource", full_url))
    if errors:
        raise InputError(errors, source)
    return str(btype), entries


def _entry(resource: dict[str, Any], path: str, full_url: str | None) -> Entry:
    model, problems, repairs = validate_resource(resource, path)
    return Entry(path, str(resource["resourceType"]), resource, full_url, model, problems, repairs)


class References:
    """Resolve references between the entries: fullUrl, ``Type/id``, absolute URLs ending in ``Type/id``."""

    def __init__(self, entries: list[Entry]):
        self._by_key: dict[str, Entry] = {}
        for entry in entries:
            if entry.full_url:
                self._by_key[entry.full_url] = entry
            if entry.id:
                self._by_key.setdefault(f"{entry.resource_type}/{entry.id}", entry)

    def resolve(self, reference: str | None) -> Entry | None:
        if not reference:
            return None
        if reference in self._by_key:
            return self._by_key[reference]
        match = re.search(r"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})(/_history/[^/]+)?$", reference)
        return self._by_key.get(match.group(1)) if match else None


def iter_references(data: Any, path: str) -> list[tuple[str, str]]:
    """Every ``reference`` string inside a resource, with its JSON path (contained ``#id`` excluded)."""
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else key
            if key == "reference" and isinstance(value, str):
                if not value.startswith("#"):
                    found.append((sub, value))
            elif key != "contained":
                found.extend(iter_references(value, sub))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(iter_references(value, f"{path}[{i}]"))
    return found
