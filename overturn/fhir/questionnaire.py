"""A pack's criteria as a FHIR Questionnaire in the style of Da Vinci DTR: one item per fact the criteria
need, with item types, UCUM units, bounds and answer options, grouped as "case" and "criteria facts"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from overturn.fhir.facts import (
    BASE_URL,
    CONTEXT_FACTS,
    DEFAULT_CRITERIA_FACTS,
    FACT_ITEMS,
    GATE_SUFFIX,
    GATE_TEXT,
    UCUM,
    FactItem,
    fact_for_path,
)

EXT = "http://hl7.org/fhir/StructureDefinition/"
CONTEXT_GROUP = "case"
CRITERIA_GROUP = "criteria-facts"
_VALUE_KEY = {"integer": "valueInteger", "decimal": "valueDecimal"}


@dataclass
class CriteriaFacts:
    """The facts a pack's criteria read, the criteria titles that need them, and paths we cannot ask."""

    pack: str
    version: str
    facts: list[str]
    used_by: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    from_pack: bool = True


# Rule operators that read a case fact without naming it in a ``fact`` key.
IMPLIED_FACTS = {
    "has_code": "diagnoses",
    "in_family": "coverage.plan_type",
    "treatment_tried": "treatments",
    "no_recent_procedure": "prior_lumbar_procedures",
}


def leaf_facts(
    rule: Any, criteria: dict[str, Any] | None = None, seen: frozenset[str] = frozenset()
) -> list[str]:
    """Fact paths the leaves of a rule tree read. ``criterion`` leaves are followed into the criterion
    they name (``criteria`` maps id -> rule), guarding against cycles."""
    if hasattr(rule, "model_dump"):
        rule = rule.model_dump()
    found: list[str] = []
    if isinstance(rule, list):
        for value in rule:
            found += leaf_facts(value, criteria, seen)
        return found
    if not isinstance(rule, dict):
        return found
    op = rule.get("op")
    if isinstance(rule.get("fact"), str):
        found.append(rule["fact"])
    if op in IMPLIED_FACTS:
        found.append(IMPLIED_FACTS[op])
    if op == "criterion" and criteria and rule.get("id") in criteria and rule["id"] not in seen:
        found += leaf_facts(criteria[rule["id"]], criteria, seen | {rule["id"]})
    for key in ("rules", "rule"):
        if key in rule:
            found += leaf_facts(rule[key], criteria, seen)
    return found


def criteria_facts(pack_name: str = "mild") -> CriteriaFacts:
    """The facts of the installed pack's criteria, or the case model's clinical facts without packs."""
    try:
        from overturn.packs import load_pack  # type: ignore[attr-defined]
    except ImportError:
        try:
            from overturn.packs.load import load_pack
        except ImportError:
            return CriteriaFacts(pack_name, "0.0.0", list(DEFAULT_CRITERIA_FACTS), from_pack=False)
    pack = load_pack(pack_name)
    rules = {str(c.id): c.rule for c in pack.criteria}
    ordered: dict[str, list[str]] = {}
    unknown: list[str] = []
    for criterion in pack.criteria:
        title = str(criterion.title or criterion.id)
        for path in leaf_facts(criterion.rule, rules):
            item = fact_for_path(path)
            if item is None:
                unknown.append(path)
                continue
            ordered.setdefault(item.path, [])
            if title not in ordered[item.path]:
                ordered[item.path].append(title)
    return CriteriaFacts(str(pack.id), str(pack.version), list(ordered), ordered, sorted(set(unknown)))


def questionnaire_url(pack: str) -> str:
    return f"{BASE_URL}/Questionnaire/{pack}"


def _extension(name: str, key: str, value: Any) -> dict[str, Any]:
    return {"url": EXT + name, key: value}


def fact_item(fact: FactItem, used_by: Iterable[str] = ()) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": fact.path, "text": fact.text, "type": fact.type}
    titles = list(used_by)
    if fact.required:
        item["required"] = True
    if fact.repeats:
        item["repeats"] = True
    if fact.max_length:
        item["maxLength"] = fact.max_length
    ext: list[dict[str, Any]] = []
    if fact.unit:
        ext.append(
            _extension(
                "questionnaire-unit", "valueCoding", {"system": UCUM, "code": fact.unit, "display": fact.unit}
            )
        )
    key = _VALUE_KEY.get(fact.type)
    if key and fact.min is not None:
        ext.append(_extension("minValue", key, int(fact.min) if key == "valueInteger" else fact.min))
    if key and fact.max is not None:
        ext.append(_extension("maxValue", key, int(fact.max) if key == "valueInteger" else fact.max))
    if fact.regex:
        ext.append(_extension("regex", "valueString", fact.regex))
    if ext:
        item["extension"] = ext
    if fact.options:
        item["answerOption"] = [
            {"valueCoding": {"system": fact.system, "code": code, "display": display}}
            for code, display in fact.options
        ]
    children = [fact_item(child) for child in fact.children] if fact.is_group else []
    if titles:
        # a display child says which criteria read this fact, so the person answering knows why it is asked
        children.append(
            {"linkId": fact.path + ".criteria", "text": "Used by: " + "; ".join(titles), "type": "display"}
        )
    if children:
        item["item"] = children
    return item


def _with_gate(fact: FactItem, used_by: Iterable[str] = ()) -> list[dict[str, Any]]:
    if fact.path not in GATE_TEXT:
        return [fact_item(fact, used_by)]
    gate = {"linkId": fact.path + GATE_SUFFIX, "text": GATE_TEXT[fact.path], "type": "boolean"}
    group = fact_item(fact, used_by)
    group["enableWhen"] = [{"question": gate["linkId"], "operator": "=", "answerBoolean": True}]
    return [gate, group]


def build_questionnaire(facts: CriteriaFacts) -> dict[str, Any]:
    """The Questionnaire as a JSON-ready dict, validated with the R4B model."""
    from fhir.resources.R4B.questionnaire import Questionnaire

    context = [
        item for path in CONTEXT_FACTS for item in _with_gate(FACT_ITEMS[path], facts.used_by.get(path, ()))
    ]
    criteria = [
        item
        for path in facts.facts
        if path not in CONTEXT_FACTS
        for item in _with_gate(FACT_ITEMS[path], facts.used_by.get(path, ()))
    ]
    source = (
        f"the criteria of pack '{facts.pack}'" if facts.from_pack else "the case model (no pack installed)"
    )
    data: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"overturn-{facts.pack}",
        "url": questionnaire_url(facts.pack),
        "version": facts.version,
        "name": "Overturn" + "".join(part.capitalize() for part in facts.pack.replace("-", "_").split("_")),
        "title": f"Documentation for prior authorization review: {facts.pack}",
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"One question per case fact used by {source}. linkId = case field path.",
        "item": [
            {
                "linkId": CONTEXT_GROUP,
                "text": "Patient, plan and procedure",
                "type": "group",
                "item": context,
            },
        ],
    }
    if criteria:
        data["item"].append(
            {
                "linkId": CRITERIA_GROUP,
                "text": "Facts the coverage criteria need",
                "type": "group",
                "item": criteria,
            }
        )
    Questionnaire.model_validate(data)
    from overturn.fhir.validate_qr import validate_questionnaire

    broken = validate_questionnaire(data)
    if broken:  # a programming error in the fact table, never the user's input
        raise ValueError("; ".join(str(issue) for issue in broken))
    return data


def questionnaire_for_pack(pack_name: str = "mild") -> tuple[dict[str, Any], CriteriaFacts]:
    facts = criteria_facts(pack_name)
    return build_questionnaire(facts), facts


def iter_items(items: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for item in items:
        yield item
        yield from iter_items(item.get("item", []))
