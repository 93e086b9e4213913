"""QuestionnaireResponse validation: each rule on a minimal questionnaire."""

from __future__ import annotations

from typing import Any

from overturn.fhir.validate_qr import resolve_questionnaire, validate_questionnaire, validate_response

EXT = "http://hl7.org/fhir/StructureDefinition/"


def q(*items: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Questionnaire", "url": "http://x/Q", "status": "active", "item": list(items)}


def qr(*items: dict[str, Any], status: str = "completed") -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://x/Q",
        "status": status,
        "item": list(items),
    }


def errors(response: dict[str, Any], questionnaire: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [
        (i.link_id, i.message) for i in validate_response(response, questionnaire) if i.severity == "error"
    ]


def answer(link: str, *values: dict[str, Any]) -> dict[str, Any]:
    return {"linkId": link, "answer": list(values)}


def test_a_correct_response_has_no_errors() -> None:
    form = q({"linkId": "a", "type": "integer", "required": True})
    assert errors(qr(answer("a", {"valueInteger": 3})), form) == []


def test_the_answer_type_must_match_the_item_type() -> None:
    form = q({"linkId": "a", "type": "integer"})
    assert [e[0] for e in errors(qr(answer("a", {"valueString": "3"})), form)] == ["a"]


def test_required_items_need_an_answer_only_when_completed() -> None:
    form = q({"linkId": "a", "type": "string", "required": True})
    assert [e[0] for e in errors(qr(), form)] == ["a"]
    assert errors(qr(status="in-progress"), form) == []


def test_a_non_repeating_item_takes_one_answer() -> None:
    form = q({"linkId": "a", "type": "string"})
    assert errors(qr(answer("a", {"valueString": "x"}, {"valueString": "y"})), form)


def test_unknown_link_ids_are_errors() -> None:
    assert [
        e[0] for e in errors(qr(answer("zz", {"valueString": "x"})), q({"linkId": "a", "type": "string"}))
    ] == ["zz"]


def test_answers_to_a_disabled_item_are_errors() -> None:
    form = q(
        {"linkId": "gate", "type": "boolean"},
        {
            "linkId": "b",
            "type": "decimal",
            "enableWhen": [{"question": "gate", "operator": "=", "answerBoolean": True}],
        },
    )
    assert errors(qr(answer("gate", {"valueBoolean": True}), answer("b", {"valueDecimal": 1.5})), form) == []
    assert [
        e[0]
        for e in errors(qr(answer("gate", {"valueBoolean": False}), answer("b", {"valueDecimal": 1.5})), form)
    ] == ["b"]


def test_a_required_item_that_is_disabled_may_stay_empty() -> None:
    form = q(
        {"linkId": "gate", "type": "boolean"},
        {
            "linkId": "b",
            "type": "string",
            "required": True,
            "enableWhen": [{"question": "gate", "operator": "=", "answerBoolean": True}],
        },
    )
    assert errors(qr(answer("gate", {"valueBoolean": False})), form) == []


def test_answer_options_are_enforced() -> None:
    form = q(
        {"linkId": "c", "type": "choice", "answerOption": [{"valueCoding": {"system": "s", "code": "1"}}]}
    )
    assert errors(qr(answer("c", {"valueCoding": {"system": "s", "code": "1"}})), form) == []
    assert errors(qr(answer("c", {"valueCoding": {"system": "s", "code": "2"}})), form)


def test_min_and_max_values_are_enforced() -> None:
    form = q(
        {
            "linkId": "n",
            "type": "decimal",
            "extension": [
                {"url": EXT + "minValue", "valueDecimal": 0},
                {"url": EXT + "maxValue", "valueDecimal": 20},
            ],
        }
    )
    assert errors(qr(answer("n", {"valueDecimal": 4.1})), form) == []
    assert errors(qr(answer("n", {"valueDecimal": 25})), form)


def test_regex_is_enforced() -> None:
    form = q(
        {
            "linkId": "s",
            "type": "string",
            "extension": [{"url": EXT + "regex", "valueString": "^L\\d-[LS]\\d$"}],
        }
    )
    assert errors(qr(answer("s", {"valueString": "L4-L5"})), form) == []
    assert errors(qr(answer("s", {"valueString": "lumbar"})), form)


def test_questionnaire_with_two_enable_when_needs_a_behaviour() -> None:
    form = q(
        {"linkId": "a", "type": "boolean"},
        {"linkId": "b", "type": "boolean"},
        {
            "linkId": "c",
            "type": "string",
            "enableWhen": [
                {"question": "a", "operator": "exists", "answerBoolean": True},
                {"question": "b", "operator": "exists", "answerBoolean": True},
            ],
        },
    )
    assert [i.link_id for i in validate_questionnaire(form)] == ["c"]


def test_a_canonical_naming_a_value_set_is_not_a_questionnaire() -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "http://hl7.org/fhir/ValueSet/example",
    }
    found, issues = resolve_questionnaire(response, [])
    assert found is None and issues[0].severity == "error"


def test_a_catastrophic_pattern_from_a_questionnaire_cannot_stall_the_validator() -> None:
    import time

    from overturn.fhir.qr_values import _string_checks

    item = {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/regex", "valueString": "(a|aa)+$"}]}
    started = time.monotonic()
    problems = _string_checks(item, "a" * 40 + "!")
    assert any("took too long" in p for p in problems)
    assert time.monotonic() - started < 60  # generous: without the limit this runs for hours
