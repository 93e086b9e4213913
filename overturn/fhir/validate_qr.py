"""Validate a QuestionnaireResponse against its Questionnaire: linkIds and nesting, answer types, required
items, repeats and min/max occurrences, enableWhen, answer options, min/max values, lengths and regex.

Issues name the question (linkId) and the FHIRPath-like location, so results compare per question with
other validators whatever their wording. Value sets named by URL are not expanded (no terminology server);
ValueSets supplied alongside are used for answerValueSet checks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from overturn.fhir.qr_values import answer_value, check_answer, ext_value, extensions

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Issue:
    severity: str
    link_id: str | None
    expression: str
    message: str

    def __str__(self) -> str:
        where = f"item '{self.link_id}'" if self.link_id else self.expression
        return f"{self.severity}: {where}: {self.message}"


def _resource_types() -> set[str] | None:
    try:
        from fhir.resources.R4B import fhirtypes
    except ImportError:
        return None
    return {name[:-4] for name in dir(fhirtypes) if name.endswith("Type") and name[:1].isupper()}


def resolve_questionnaire(
    response: dict[str, Any], candidates: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Find the Questionnaire a response names: a contained ``#id`` or a supplied resource by canonical URL."""
    canonical = str(response.get("questionnaire") or "")
    url = canonical.split("|")[0]
    if not url:
        return None, [
            Issue(WARNING, None, "QuestionnaireResponse", "no questionnaire named; answers not checked")
        ]
    pool = candidates + [c for c in response.get("contained", []) if isinstance(c, dict)]
    for resource in pool:
        if (url.startswith("#") and resource.get("id") == url[1:]) or resource.get("url") == url:
            if resource.get("resourceType") != "Questionnaire":
                return None, [
                    Issue(
                        ERROR,
                        None,
                        "QuestionnaireResponse.questionnaire",
                        f"{canonical} is a {resource.get('resourceType')}, not a Questionnaire",
                    )
                ]
            return resource, []
    named = re.search(r"/([A-Z][A-Za-z]+)/[^/]+$", url)
    if named and named.group(1) != "Questionnaire":
        return None, [
            Issue(
                ERROR,
                None,
                "QuestionnaireResponse.questionnaire",
                f"{canonical} names a {named.group(1)}, not a Questionnaire",
            )
        ]
    return None, [
        Issue(
            WARNING,
            None,
            "QuestionnaireResponse.questionnaire",
            f"questionnaire {canonical} not found; answers not checked",
        )
    ]


def validate_questionnaire(questionnaire: dict[str, Any]) -> list[Issue]:
    """Invariants of the Questionnaire itself that break answering it (que-2 unique linkIds, que-12
    enableBehavior with several enableWhen, enableWhen naming a missing question)."""
    issues: list[Issue] = []
    links = Counter(item.get("linkId") for item in _all_items(questionnaire.get("item", [])))
    for link, count in links.items():
        if count > 1:
            issues.append(Issue(ERROR, link, "Questionnaire", f"linkId '{link}' is used {count} times"))

    def walk(items: list[dict[str, Any]], path: str) -> None:
        for i, item in enumerate(items):
            where = f"{path}.item[{i}]"
            conditions = item.get("enableWhen", [])
            if len(conditions) > 1 and not item.get("enableBehavior"):
                issues.append(
                    Issue(
                        ERROR,
                        item.get("linkId"),
                        where,
                        "more than one enableWhen needs enableBehavior (que-12)",
                    )
                )
            for cond in conditions:
                if cond.get("question") not in links:
                    issues.append(
                        Issue(
                            ERROR,
                            item.get("linkId"),
                            where,
                            f"enableWhen names question '{cond.get('question')}' that does not exist",
                        )
                    )
            walk(item.get("item", []), where)

    walk(questionnaire.get("item", []), "Questionnaire")
    return issues


def _all_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            out += _all_items(item.get("item", []))
    return out


Scope = list[tuple[dict[str, Any], dict[str, Any] | None]]  # ancestors: (item, the answer we are under)


class _Validator:
    def __init__(self, response: dict[str, Any], questionnaire: dict[str, Any]):
        self.response = response
        self.questionnaire = questionnaire
        self.q_links = {item.get("linkId") for item in _all_items(questionnaire.get("item", []))}
        self.completed = response.get("status") in {"completed", "amended"}
        self.types = _resource_types()
        self.issues: list[Issue] = []
        # document order of every response item, for the "nearest occurrence" rule of enableWhen
        self.order: dict[int, float] = {}
        self.by_link: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        self._number(response.get("item", []) or [])

    def _number(self, items: list[Any]) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            self.order[id(item)] = len(self.order)
            self.by_link.setdefault(str(item.get("linkId")), []).append((self.order[id(item)], item))
            for answer in item.get("answer", []) or []:
                if isinstance(answer, dict):
                    self._number(answer.get("item", []) or [])
            self._number(item.get("item", []) or [])

    def after(self, items: list[Any], scope: Scope) -> float:
        """A document position just after ``items`` (where a missing item would have been)."""
        last = [self.order[id(i)] for i in _all_items(items) if id(i) in self.order]
        if last:
            return max(last) + 0.5
        return self.order.get(id(scope[-1][0]), -1) + 0.5 if scope else len(self.order) + 0.5

    def error(self, link: str | None, where: str, message: str) -> None:
        self.issues.append(Issue(ERROR, link, where, message))

    def enabled(self, q: dict[str, Any], scope: Scope, position: float) -> bool:
        conditions = q.get("enableWhen", [])
        if not conditions:
            return True
        results = [self._condition(c, scope, position) for c in conditions]
        return any(results) if q.get("enableBehavior") == "any" else all(results)

    def _answers_for(self, question: str, scope: Scope, position: float) -> list[dict[str, Any]]:
        """Answers of the nearest occurrence of ``question``: on the ancestor axis first, then the
        nearest preceding item, then the nearest following one (FHIR R4 enableWhen rule)."""
        for item, answer in reversed(scope):
            if item.get("linkId") == question:
                return [answer] if answer is not None else list(item.get("answer", []) or [])
        occurrences = self.by_link.get(question, [])
        before = [o for o in occurrences if o[0] < position]
        after = [o for o in occurrences if o[0] > position]
        chosen = before[-1][1] if before else (after[0][1] if after else None)
        return [a for a in (chosen or {}).get("answer", []) or [] if isinstance(a, dict)]

    def _condition(self, cond: dict[str, Any], scope: Scope, position: float) -> bool:
        answers = self._answers_for(str(cond.get("question")), scope, position)
        op = cond.get("operator")
        expected = next((v for k, v in cond.items() if k.startswith("answer")), None)
        if op == "exists":
            return bool(answers) == bool(expected)
        for answer in answers:
            vtype, value, _ = answer_value(answer)
            if vtype == "Coding" and isinstance(value, dict) and isinstance(expected, dict):
                same = value.get("code") == expected.get("code") and value.get("system") == expected.get(
                    "system"
                )
                if (op == "=" and same) or (op == "!=" and not same):
                    return True
                continue
            try:
                if (op == "=" and value == expected) or (op == "!=" and value != expected):
                    return True
                if op in {">", "<", ">=", "<="} and _ordered(op, value, expected):
                    return True
            except TypeError:
                continue
        return op == "!=" and not answers

    def walk(
        self, items: list[dict[str, Any]], questions: list[dict[str, Any]], path: str, scope: Scope
    ) -> None:
        by_link = {q.get("linkId"): q for q in questions if isinstance(q, dict)}
        seen: Counter[str] = Counter()
        for i, item in enumerate(items):
            where = f"{path}.item[{i}]"
            link = str(item.get("linkId"))
            q = by_link.get(link)
            if q is None:
                place = " at this level" if link in self.q_links else ""
                self.error(link, where, f"linkId '{link}' not found in the questionnaire{place}")
                continue
            seen[link] += 1
            if seen[link] == 2 and not (q.get("type") == "group" and q.get("repeats")):
                self.error(link, where, "only one response item with this linkId is allowed")
            self.item(item, q, where, scope)
        missing_at = self.after(items, scope)
        for q in questions:
            link = str(q.get("linkId"))
            if q.get("required") and self.completed and not seen[link] and self.enabled(q, scope, missing_at):
                self.error(link, path, f"no answer for required item '{link}'")

    def item(self, item: dict[str, Any], q: dict[str, Any], where: str, scope: Scope) -> None:
        link = str(q.get("linkId"))
        qtype = q.get("type")
        answers = [a for a in item.get("answer", []) or [] if isinstance(a, dict)]
        if not self.enabled(q, scope, self.order.get(id(item), -1)):
            if answers or item.get("item"):
                self.error(link, where, "the item is not enabled (enableWhen) but has answers")
            return
        if qtype in {"group", "display", "question"}:
            if answers:
                self.error(link, where, f"items of type '{qtype}' cannot have answers")
            if qtype == "group":
                children = item.get("item", []) or []
                if q.get("required") and self.completed and not children:
                    self.error(link, where, "no sub-items found for required group")
                self.walk(children, q.get("item", []), where, [*scope, (item, None)])
            return
        if len(answers) > 1 and not q.get("repeats"):
            self.error(link, where, "only one answer is allowed (the item does not repeat)")
        for ext in extensions(q, "questionnaire-minOccurs"):
            if self.completed and len(answers) < int(ext_value(ext)[1]):
                self.error(
                    link, where, f"at least {ext_value(ext)[1]} answers are needed, found {len(answers)}"
                )
        for ext in extensions(q, "questionnaire-maxOccurs"):
            if len(answers) > int(ext_value(ext)[1]):
                self.error(
                    link, where, f"at most {ext_value(ext)[1]} answers are allowed, found {len(answers)}"
                )
        if q.get("required") and self.completed and not answers:
            self.error(link, where, f"no answer for required item '{link}'")
        self._exclusive(q, answers, link, where)
        for j, answer in enumerate(answers):
            for message in check_answer(q, answer, self.types):
                self.error(link, f"{where}.answer[{j}]", message)
            if answer.get("item"):
                self.walk(answer["item"], q.get("item", []), f"{where}.answer[{j}]", [*scope, (item, answer)])
        if item.get("item"):
            self.walk(item["item"], q.get("item", []), where, [*scope, (item, None)])

    def _exclusive(self, q: dict[str, Any], answers: list[dict[str, Any]], link: str, where: str) -> None:
        if len(answers) < 2:
            return
        for option in q.get("answerOption", []):
            if not any(e.get("valueBoolean") for e in extensions(option, "questionnaire-optionExclusive")):
                continue
            _, exclusive = ext_value(option)
            for j, answer in enumerate(answers):
                if answer_value(answer)[1] == exclusive:
                    self.error(
                        link,
                        f"{where}.answer[{j}]",
                        "an exclusive option cannot be chosen with other answers",
                    )


def _ordered(op: str, value: Any, expected: Any) -> bool:
    return {">": value > expected, "<": value < expected, ">=": value >= expected, "<=": value <= expected}[
        op
    ]


def validate_response(response: dict[str, Any], questionnaire: dict[str, Any] | None) -> list[Issue]:
    """All problems of a QuestionnaireResponse against its Questionnaire (None: only a warning)."""
    if response.get("resourceType") != "QuestionnaireResponse":
        return [Issue(ERROR, None, "", "not a QuestionnaireResponse")]
    if questionnaire is None:
        return [
            Issue(
                WARNING, None, "QuestionnaireResponse.questionnaire", "no questionnaire; answers not checked"
            )
        ]
    validator = _Validator(response, questionnaire)
    validator.walk(
        response.get("item", []) or [], questionnaire.get("item", []) or [], "QuestionnaireResponse", []
    )
    return validator.issues
