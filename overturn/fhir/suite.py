"""Run the FHIR QuestionnaireResponse validation suite (fhir-test-cases subset) and compare per question.

Each case's expected outcome comes from the HL7 Java reference validator. Messages differ between
validators, so agreement is measured per question: for every linkId of the case, does each side report an
error on it? Errors that name no question count under the pseudo-question "(resource)".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overturn.fhir.validate_qr import ERROR, resolve_questionnaire, validate_questionnaire, validate_response

RESOURCE = "(resource)"


@dataclass
class CaseResult:
    name: str
    questions: set[str]
    expected: set[str]
    found: set[str]
    messages: list[str] = field(default_factory=list)

    @property
    def agreeing(self) -> int:
        return sum((q in self.expected) == (q in self.found) for q in self.questions)

    @property
    def exact(self) -> bool:
        return self.expected == self.found


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8-sig"))


def _at(data: Any, expression: str) -> str | None:
    """The linkId of the innermost item on a FHIRPath-like location such as
    ``QuestionnaireResponse.item[0].answer[3].value.ofType(date)``."""
    link = None
    node = data
    for name, index in re.findall(r"\.([A-Za-z]+)(?:\[(\d+)\])?", expression.split("/*")[0]):
        if not isinstance(node, dict) or name not in node:
            break
        node = node[name]
        if index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        if isinstance(node, dict) and name == "item":
            link = node.get("linkId", link)
    return link


def expected_errors(outcome: dict[str, Any], resource: Any) -> set[str]:
    found: set[str] = set()
    for issue in outcome.get("issue", []):
        if issue.get("severity") not in {"error", "fatal"}:
            continue
        text = str((issue.get("details") or {}).get("text", ""))
        named = re.search(r"(?:required item|LinkId) '([^']+)'", text)
        if named:
            found.add(named.group(1))
            continue
        exprs = issue.get("expression") or issue.get("location") or [""]
        found.add(_at(resource, exprs[0]) or RESOURCE)
    return found


def _links(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        if isinstance(data.get("linkId"), str):
            found.add(data["linkId"])
        for value in data.values():
            found |= _links(value)
    elif isinstance(data, list):
        for value in data:
            found |= _links(value)
    return found


def run_case(root: Path, case: dict[str, Any]) -> CaseResult | None:
    if case.get("expected"):
        outcome = _load(root / case["expected"])
    elif case.get("expected_inline"):
        outcome = case["expected_inline"].get("outcome", {})
    else:
        return None  # no stored outcome to compare with
    resource = _load(root / case["file"])
    supporting = [_load(root / s) for s in case.get("supporting", [])]
    if resource.get("resourceType") == "Questionnaire":
        issues = validate_questionnaire(resource)
    elif resource.get("resourceType") == "QuestionnaireResponse":
        questionnaire, issues = resolve_questionnaire(resource, supporting)
        if questionnaire is not None:
            issues += validate_response(resource, questionnaire)
    else:
        return None
    errors = [i for i in issues if i.severity == ERROR]
    found = {i.link_id or RESOURCE for i in errors}
    expected = expected_errors(outcome, resource)
    questions = _links(resource) | _links(supporting) | expected | found
    if RESOURCE not in expected | found:
        questions.discard(RESOURCE)
    return CaseResult(case["name"], questions, expected, found, [str(i) for i in errors])


def run_suite(root: Path) -> list[CaseResult]:
    manifest = _load(root / "manifest_subset.json")
    results = [run_case(root, case) for case in manifest["cases"]]
    return [r for r in results if r is not None]


def summary(results: list[CaseResult]) -> dict[str, float]:
    questions = sum(len(r.questions) for r in results)
    agreeing = sum(r.agreeing for r in results)
    return {
        "cases": len(results),
        "questions": questions,
        "question_agreement": agreeing / questions if questions else 1.0,
        "case_agreement": sum(r.exact for r in results) / len(results) if results else 1.0,
    }
