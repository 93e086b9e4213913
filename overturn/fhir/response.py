"""Case <-> QuestionnaireResponse answering the pack Questionnaire (linkId = case field path)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from overturn.fhir.facts import FACT_ITEMS, GATE_SUFFIX, GATE_TEXT, ICD10CM, FactItem
from overturn.fhir.questionnaire import iter_items

_ANSWER_KEY = {
    "boolean": "valueBoolean",
    "decimal": "valueDecimal",
    "integer": "valueInteger",
    "date": "valueDate",
    "string": "valueString",
    "text": "valueString",
    "choice": "valueCoding",
}


def _get(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)  # type: ignore[assignment]
    return data


def _answer(fact: FactItem, value: Any) -> dict[str, Any]:
    key = _ANSWER_KEY[fact.type]
    if key == "valueCoding":
        display = dict(fact.options).get(str(value)) if fact.options else None
        coding = {"system": fact.system or ICD10CM, "code": str(value)}
        return {key: {**coding, "display": display} if display else coding}
    if key == "valueDecimal":
        return {key: float(value)}
    return {key: value}


def _question(fact: FactItem, value: Any, path: str | None = None) -> dict[str, Any] | None:
    if value is None or value == []:
        return None
    values = value if isinstance(value, list) else [value]
    return {"linkId": fact.path, "text": fact.text, "answer": [_answer(fact, v) for v in values]}


def _items_for(fact: FactItem, data: dict[str, Any], path: str) -> list[dict[str, Any]]:
    value = _get(data, path)
    if not fact.is_group:
        item = _question(fact, value)
        return [item] if item else []
    out: list[dict[str, Any]] = []
    if fact.path in GATE_TEXT:
        if value is None:
            return []  # not known: leave the gate unanswered
        out.append(
            {
                "linkId": fact.path + GATE_SUFFIX,
                "text": GATE_TEXT[fact.path],
                "answer": [{"valueBoolean": bool(value)}],
            }
        )
    for element in value or []:
        children = []
        for child in fact.children:
            field = child.path.rsplit(".", 1)[1]
            item = _question(child, element.get(field))
            if item:
                children.append(item)
        out.append({"linkId": fact.path, "text": fact.text, "item": children})
    return out


def case_to_response(
    case_data: dict[str, Any], questionnaire: dict[str, Any], authored: datetime | None = None
) -> dict[str, Any]:
    """Answer every question of ``questionnaire`` the case knows; unknown facts stay unanswered."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    groups = []
    for group in questionnaire["item"]:
        items: list[dict[str, Any]] = []
        for q in group.get("item", []):
            fact = FACT_ITEMS.get(q["linkId"])
            if fact is not None:
                items += _items_for(fact, case_data, fact.path)
        if items:
            groups.append({"linkId": group["linkId"], "text": group.get("text"), "item": items})
    name = _get(case_data, "patient.name")
    data: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
        "status": "completed",
        "authored": (authored or datetime.now(UTC)).isoformat(timespec="seconds"),
        "item": groups,
    }
    if name:
        data["subject"] = {"display": name}
    QuestionnaireResponse.model_validate(data)
    return data


def _value_of(fact: FactItem, answer: dict[str, Any]) -> Any:
    key = _ANSWER_KEY[fact.type]
    value = answer.get(key)
    if key == "valueCoding" and isinstance(value, dict):
        return value.get("code")
    if fact.type == "decimal" and isinstance(value, int | float):
        return int(value) if float(value).is_integer() and fact.path.endswith(("weeks",)) else float(value)
    return value


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def _read_question(fact: FactItem, item: dict[str, Any]) -> Any:
    values = [_value_of(fact, a) for a in item.get("answer", [])]
    values = [v for v in values if v is not None]
    if fact.repeats:
        return values
    return values[0] if values else None


def response_to_case(response: dict[str, Any]) -> dict[str, Any]:
    """Case data from a QuestionnaireResponse to an Overturn questionnaire (answers only; no validation)."""
    case: dict[str, Any] = {}
    for item in iter_items(response.get("item", [])):
        link = item.get("linkId", "")
        if link.endswith(GATE_SUFFIX) and link[: -len(GATE_SUFFIX)] in GATE_TEXT:
            answered = [a.get("valueBoolean") for a in item.get("answer", [])]
            if answered and answered[0] is False:
                _set(case, link[: -len(GATE_SUFFIX)], [])
            elif answered:
                case.setdefault(link[: -len(GATE_SUFFIX)], [])
            continue
        fact = FACT_ITEMS.get(link)
        if fact is None:
            continue
        if fact.is_group:
            element: dict[str, Any] = {}
            children = {c.path: c for c in fact.children}
            for child in item.get("item", []):
                spec = children.get(child.get("linkId", ""))
                if spec is not None:
                    value = _read_question(spec, child)
                    if value not in (None, []):
                        element[spec.path.rsplit(".", 1)[1]] = value
            case.setdefault(fact.path, []).append(element)
            continue
        value = _read_question(fact, item)
        if value not in (None, []):
            _set(case, fact.path, value)
    return case


def import_response_answers(ctx: Any, entry: Any) -> None:
    """A QuestionnaireResponse inside an imported bundle: taken when it answers an Overturn questionnaire
    and passes validation against it; answers to other questionnaires (payer forms) are ignored."""
    from overturn.fhir.questionnaire import questionnaire_for_pack, questionnaire_url
    from overturn.fhir.validate_qr import validate_response

    canonical = str(entry.raw.get("questionnaire", ""))
    base = questionnaire_url("")
    if not canonical.startswith(base):
        ctx.ignore(entry, f"answers another questionnaire ({canonical or 'none named'})")
        return
    pack = canonical[len(base) :].split("|")[0]
    questionnaire, _ = questionnaire_for_pack(pack)
    errors = [i for i in validate_response(entry.raw, questionnaire) if i.severity == "error"]
    if errors:
        ctx.ignore(
            entry, "does not validate against its questionnaire: " + "; ".join(str(e) for e in errors[:5])
        )
        return
    for path, value in _flatten(response_to_case(entry.raw)):
        if isinstance(value, list):
            for element in value:
                ctx.append(path, element, entry, why="questionnaire answer")
            if not value and not ctx.has(path):
                ctx.offer(path, [], entry)
        else:
            ctx.offer(path, value, entry, why="questionnaire answer")


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out += _flatten(value, path)
        else:
            out.append((path, value))
    return out
