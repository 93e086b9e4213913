"""Checks on one answer value against its Questionnaire item: type, options, bounds, length, regex, units,
attachments and references. Works on plain JSON so that a wrongly typed answer is reported per question
instead of failing the whole resource in a model parser."""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import regex

EXT = "http://hl7.org/fhir/StructureDefinition/"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
UCUM = "http://unitsofmeasure.org"

# Which answer value[x] each item type takes. A choice item without options also takes a string: the
# reference validator accepts that, and R5 made it explicit.
ANSWER_TYPES: dict[str, set[str]] = {
    "boolean": {"Boolean"},
    "decimal": {"Decimal"},
    "integer": {"Integer"},
    "date": {"Date"},
    "dateTime": {"DateTime", "Date"},
    "time": {"Time"},
    "string": {"String"},
    "text": {"String"},
    "url": {"Uri"},
    "choice": {"Coding"},
    "open-choice": {"Coding", "String"},
    "attachment": {"Attachment"},
    "reference": {"Reference"},
    "quantity": {"Quantity"},
}
VALUE_TYPES = {
    "Boolean",
    "Decimal",
    "Integer",
    "Date",
    "DateTime",
    "Time",
    "String",
    "Uri",
    "Attachment",
    "Coding",
    "Quantity",
    "Reference",
}
# UCUM units this validator can convert, as (dimension, factor to the base unit).
UCUM_UNITS: dict[str, tuple[str, Decimal]] = {
    "mm": ("length", Decimal("0.001")),
    "cm": ("length", Decimal("0.01")),
    "m": ("length", Decimal(1)),
    "km": ("length", Decimal(1000)),
    "[in_i]": ("length", Decimal("0.0254")),
    "[ft_i]": ("length", Decimal("0.3048")),
    "[mi_i]": ("length", Decimal("1609.344")),
    "mg": ("mass", Decimal("0.001")),
    "g": ("mass", Decimal(1)),
    "kg": ("mass", Decimal(1000)),
    "[lb_av]": ("mass", Decimal("453.59237")),
    "s": ("time", Decimal(1)),
    "min": ("time", Decimal(60)),
    "h": ("time", Decimal(3600)),
    "d": ("time", Decimal(86400)),
    "wk": ("time", Decimal(604800)),
    "%": ("ratio", Decimal("0.01")),
}
_UUID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_REFERENCE = re.compile(
    r"^(?:[a-z][a-z0-9+.\-]*:[^\s]*|[A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64}(?:/_history/[^\s/]+)?|#\S+)$"
)


def extensions(item: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    urls = {EXT + n for n in names} | {SDC + n for n in names} | set(names)
    return [e for e in item.get("extension", []) if isinstance(e, dict) and e.get("url") in urls]


def ext_value(ext: dict[str, Any]) -> tuple[str, Any]:
    for key, value in ext.items():
        if key.startswith("value"):
            return key[5:], value
    return "", None


def answer_value(answer: dict[str, Any]) -> tuple[str | None, Any, list[str]]:
    """(value type, value, unknown value[x] keys) of one answer."""
    found = [(k[5:], v) for k, v in answer.items() if k.startswith("value") and k[5:] in VALUE_TYPES]
    unknown = [k for k in answer if k.startswith("value") and k[5:] not in VALUE_TYPES]
    if not found:
        return None, None, unknown
    return found[0][0], found[0][1], unknown


def _same(vtype: str, a: Any, b: Any) -> bool:
    if vtype == "Coding" and isinstance(a, dict) and isinstance(b, dict):
        return a.get("code") == b.get("code") and (a.get("system") or None) == (b.get("system") or None)
    if vtype == "Reference" and isinstance(a, dict) and isinstance(b, dict):
        return a.get("reference") == b.get("reference")
    return bool(a == b)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(vtype: str, value: Any, bound: Any) -> int | None:
    """-1, 0, 1, or None when not comparable. Dates compare as ISO text: a partial date sorts before the
    days it contains, which is how the reference validator reads "2022-06-30 is after 2022-06"."""
    if vtype in {"Integer", "Decimal"}:
        a, b = _decimal(value), _decimal(bound)
        return None if a is None or b is None else (a > b) - (a < b)
    if vtype in {"Date", "DateTime", "Time"} and isinstance(value, str) and isinstance(bound, str):
        return (value > bound) - (value < bound)
    return None


def _quantity_in_base(q: dict[str, Any]) -> tuple[str, Decimal] | None:
    if q.get("system") != UCUM or q.get("code") not in UCUM_UNITS:
        return None
    dim, factor = UCUM_UNITS[q["code"]]
    number = _decimal(q.get("value"))
    return None if number is None else (dim, number * factor)


def check_quantity_bound(value: dict[str, Any], bound: dict[str, Any], kind: str) -> str | None:
    shown = f"{value.get('value')} {value.get('unit') or value.get('code') or ''}".strip()
    if not (value.get("system") and value.get("code") and bound.get("system") and bound.get("code")):
        return f"the quantity {shown} cannot be compared to the {kind} because no formal units are given"
    a, b = _quantity_in_base(value), _quantity_in_base(bound)
    if a is None or b is None or a[0] != b[0]:
        return (
            f"the quantity {shown} cannot be compared to the {kind} {bound.get('value')} {bound.get('code')}"
        )
    if (kind == "minimum" and a[1] < b[1]) or (kind == "maximum" and a[1] > b[1]):
        return f"the quantity {shown} is {'less' if kind == 'minimum' else 'greater'} than the {kind} {bound.get('value')} {bound.get('code')}"
    return None


def check_answer(item: dict[str, Any], answer: dict[str, Any], reference_types: set[str] | None) -> list[str]:
    """Problems with one answer, as messages (the caller knows the linkId and the path)."""
    qtype = str(item.get("type"))
    vtype, value, unknown = answer_value(answer)
    problems = [f"unrecognized property '{k}'" for k in unknown]
    if vtype is None:
        return problems or (["the answer has no value"] if not answer.get("item") else [])
    allowed = set(ANSWER_TYPES.get(qtype, set()))
    if qtype == "choice" and not item.get("answerOption") and not item.get("answerValueSet"):
        allowed.add("String")
    if allowed and vtype not in allowed:
        return problems + [f"answer value must be of the type {qtype}, not {vtype}"]
    options = [o for o in item.get("answerOption", []) if isinstance(o, dict)]
    if options and (vtype != "String" or qtype == "string"):
        matches = [o for o in options if _same(vtype, ext_value(o)[1], value) and ext_value(o)[0] == vtype]
        if not matches and qtype != "open-choice":
            problems.append(f"{_show(vtype, value)} is not one of the answer options")
    for ext in extensions(item, "minValue", "maxValue"):
        kind = "minimum" if ext["url"].endswith("minValue") else "maximum"
        btype, bound = ext_value(ext)
        order = _compare(vtype, value, bound)
        if order is not None and ((kind == "minimum" and order < 0) or (kind == "maximum" and order > 0)):
            problems.append(
                f"the value {value} is {'less' if order < 0 else 'greater'} than the {kind} {bound}"
            )
    if vtype == "Quantity" and isinstance(value, dict):
        problems += _quantity_checks(item, value)
    if vtype == "Decimal":
        for ext in extensions(item, "maxDecimalPlaces"):
            places = -(_decimal(value) or Decimal(0)).as_tuple().exponent  # type: ignore[operator]
            if places > int(ext_value(ext)[1]):
                problems.append(f"the value {value} has more than {ext_value(ext)[1]} decimal places")
    if vtype == "String" and isinstance(value, str):
        problems += _string_checks(item, value)
    if vtype == "Attachment" and isinstance(value, dict):
        problems += _attachment_checks(item, value)
    if vtype == "Reference" and isinstance(value, dict):
        problems += _reference_checks(item, value, reference_types)
    if vtype == "Uri" and isinstance(value, str) and value.startswith("urn:uuid:") and not _UUID.match(value):
        problems.append(f"UUIDs must be valid and lowercase ({value})")
    return problems


def _show(vtype: str, value: Any) -> str:
    if vtype == "Coding" and isinstance(value, dict):
        return f"the code {value.get('system')}#{value.get('code')}"
    return f"the {vtype.lower()} {value}"


def _quantity_checks(item: dict[str, Any], value: dict[str, Any]) -> list[str]:
    problems = []
    for name, kind in (
        ("sdc-questionnaire-minQuantity", "minimum"),
        ("sdc-questionnaire-maxQuantity", "maximum"),
    ):
        for ext in extensions(item, name):
            message = check_quantity_bound(value, ext_value(ext)[1] or {}, kind)
            if message:
                problems.append(message)
    units = [ext_value(e)[1] for e in extensions(item, "questionnaire-unitOption")]
    if units and not any(
        u.get("code") == value.get("code") and u.get("system") == value.get("system") for u in units
    ):
        problems.append(f"the unit {value.get('code') or value.get('unit')} is not one of the unit options")
    return problems


REGEX_SECONDS = 0.25


def _string_checks(item: dict[str, Any], value: str) -> list[str]:
    problems = []
    if isinstance(item.get("maxLength"), int) and len(value) > item["maxLength"]:
        problems.append(f"the answer is longer than the maximum length {item['maxLength']}")
    for ext in extensions(item, "minLength"):
        minimum = ext_value(ext)[1]
        if isinstance(minimum, int) and len(value) < minimum:
            problems.append(f"the answer is shorter than the minimum length {minimum}")
    for ext in extensions(item, "regex"):
        pattern = str(ext_value(ext)[1])
        try:
            # The pattern comes from an uploaded Questionnaire: a time limit keeps a catastrophic pattern
            # such as (a+)+$ from stalling the validator.
            if not regex.fullmatch(pattern, value, timeout=REGEX_SECONDS):
                problems.append(f"the answer {value!r} does not match the pattern {pattern!r}")
        except TimeoutError:
            problems.append(f"the pattern {pattern!r} took too long to check; the answer was not verified")
        except regex.error:
            pass  # a pattern that does not compile is the questionnaire's fault, not the answer's
    return problems


def _attachment_checks(item: dict[str, Any], value: dict[str, Any]) -> list[str]:
    problems = []
    kinds = {str(ext_value(e)[1]) for e in extensions(item, "mimeType")}
    if kinds and value.get("contentType") not in kinds:
        problems.append(
            f"the mime type {value.get('contentType')} is not allowed ({', '.join(sorted(kinds))})"
        )
    actual = None
    if isinstance(value.get("data"), str):
        try:
            actual = len(base64.b64decode(value["data"], validate=True))
        except (binascii.Error, ValueError):
            problems.append("the attachment data is not valid base64")
    stated = value.get("size")
    if actual is not None and isinstance(stated, int) and stated != actual:
        problems.append(f"the stated size {stated} does not match the data size {actual}")
    size = actual if actual is not None else stated
    for ext in extensions(item, "maxSize"):
        if isinstance(size, int) and size > Decimal(str(ext_value(ext)[1])):
            problems.append(f"the attachment is too large (allowed {ext_value(ext)[1]}, found {size})")
    return problems


def _reference_checks(item: dict[str, Any], value: dict[str, Any], known_types: set[str] | None) -> list[str]:
    ref = value.get("reference")
    if not isinstance(ref, str):
        return []
    if not _REFERENCE.match(ref):
        return [f"the reference {ref!r} is not a valid reference"]
    match = re.search(r"(?:^|/)([A-Z][A-Za-z]+)/[A-Za-z0-9\-.]{1,64}(?:/_history/[^/]+)?$", ref)
    if not match:
        return []
    rtype = match.group(1)
    if known_types is not None and rtype not in known_types:
        return [f"the resource type {rtype} in the reference {ref} is not a FHIR resource type"]
    allowed = {str(ext_value(e)[1]) for e in extensions(item, "questionnaire-referenceResource")}
    if allowed and rtype not in allowed:
        return [f"the resource type {rtype} is not allowed here ({', '.join(sorted(allowed))})"]
    return []
