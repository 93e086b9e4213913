"""Load and check content packs; every error names the file, the key path and, when known, the line."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from overturn.case.codes import normalize_cpt, normalize_icd10
from overturn.case.errors import FieldError, InputError, errors_from_validation
from overturn.case.plans import PlanType
from overturn.case.yamlio import StrictLoader, load_yaml
from overturn.packs.schema import (
    CompareRule,
    CriterionRefRule,
    FlagRule,
    HasCodeRule,
    InFamilyRule,
    Pack,
    Statement,
    conditions,
    rule_leaves,
    walk_statements,
)
from overturn.packs.templates import PLACEHOLDERS, placeholders_in

# Installed packs live in the checkout's packs/ folder; OVERTURN_PACKS_DIR points elsewhere (a deployment
# that keeps packs apart from the code).
PACKS_DIR = Path(os.environ.get("OVERTURN_PACKS_DIR", Path(__file__).resolve().parents[2] / "packs"))
NUMERIC_FACTS = {
    "findings.ligamentum_flavum_mm",
    "findings.spondylolisthesis_grade",
    "findings.standing_tolerance_min",
    "findings.walking_tolerance_ft",
    "findings.odi",
    "findings.nprs",
}
FLAG_FACTS = {
    "findings.neurogenic_claudication",
    "findings.relief_with_flexion",
    "findings.surgical_candidate",
}


def _line_index(text: str) -> dict[tuple[Any, ...], int]:
    """Map key paths of a YAML document to 1-based line numbers, for errors a pack author can jump to."""
    index: dict[tuple[Any, ...], int] = {}

    def visit(node: yaml.Node, path: tuple[Any, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                visit(value, (*path, key.value))
                index[(*path, key.value)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                visit(item, (*path, i))

    try:
        root = yaml.compose(text, Loader=StrictLoader)
    except yaml.YAMLError:
        return index
    if root is not None:
        visit(root, ())
    return index


def _path_tuple(path: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _with_lines(errors: list[FieldError], lines: dict[tuple[Any, ...], int]) -> list[FieldError]:
    out = []
    for err in errors:
        key = _path_tuple(err.path)
        while key and key not in lines:
            key = key[:-1]
        line = lines.get(key)
        out.append(FieldError(f"{err.path} (line {line})" if line else err.path, err.message))
    return out


def parse_pack(text: str, source: str) -> Pack:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise InputError([FieldError("", f"not valid YAML: {exc}")], source) from None
    if not isinstance(data, dict):
        raise InputError([FieldError("", "a pack must be a YAML mapping")], source)
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        raise InputError(_with_lines(errors_from_validation(exc, Pack), _line_index(text)), source) from None
    problems = check_consistency(pack)
    if problems:
        raise InputError(_with_lines(problems, _line_index(text)), source)
    return pack


def _check_statement(
    path: str, st: Statement, pack: Pack, families: set[str], known_refs: set[int], criteria: set[str]
) -> list[FieldError]:
    out: list[FieldError] = []
    for n in st.citations:
        if n not in known_refs:
            out.append(FieldError(f"{path}.citations", f"reference {n} is not in the bibliography"))
    for fam in st.families:
        if fam not in families:
            out.append(FieldError(f"{path}.families", f"'{fam}' is not a plan family of this pack"))
    for name in placeholders_in(st.text):
        if name not in PLACEHOLDERS:
            out.append(FieldError(f"{path}.text", f"unknown placeholder {{{name}}}"))
    for cond in conditions(st.when):
        if cond.criterion and cond.criterion not in criteria:
            out.append(
                FieldError(f"{path}.when.criterion", f"'{cond.criterion}' is not a criterion of this pack")
            )
        if cond.fact and cond.fact not in FLAG_FACTS:
            out.append(FieldError(f"{path}.when.fact", f"'{cond.fact}' is not a yes/no fact"))
    return out


def check_consistency(pack: Pack) -> list[FieldError]:
    """Cross-checks the schema cannot express: references resolve, ids are unique, families cover plans."""
    errors: list[FieldError] = []
    families = {f.id for f in pack.plan_families}
    refs = [b.n for b in pack.bibliography]
    known_refs = set(refs)
    criteria = [c.id for c in pack.criteria]

    if len(set(refs)) != len(refs):
        errors.append(FieldError("bibliography", "reference numbers must be unique"))
    if len(set(criteria)) != len(criteria):
        errors.append(FieldError("criteria", "criterion ids must be unique"))
    for plan in PlanType:
        owners = [f.id for f in pack.plan_families if plan in f.plan_types]
        if len(owners) != 1:
            errors.append(
                FieldError(
                    "plan_families",
                    f"plan type '{plan.value}' must belong to exactly one family (found {owners or 'none'})",
                )
            )
    for i, family in enumerate(pack.plan_families):
        for j, code in enumerate(family.extra_diagnoses):
            if normalize_icd10(code) != code:
                errors.append(
                    FieldError(f"plan_families[{i}].extra_diagnoses[{j}]", f"write '{normalize_icd10(code)}'")
                )
    for j, code in enumerate(pack.primary_diagnoses):
        if normalize_icd10(code) != code:
            errors.append(FieldError(f"primary_diagnoses[{j}]", f"write '{normalize_icd10(code)}'"))
    for j, code in enumerate(pack.procedure.codes):
        if normalize_cpt(code) != code:
            errors.append(FieldError(f"procedure.codes[{j}]", f"write '{normalize_cpt(code)}'"))
    for fam in pack.reference_material:
        if fam not in families:
            errors.append(
                FieldError(f"reference_material.{fam}", f"'{fam}' is not a plan family of this pack")
            )
    for fam in families - set(pack.reference_material):
        errors.append(FieldError("reference_material", f"no reference material for plan family '{fam}'"))

    for i, crit in enumerate(pack.criteria):
        where = f"criteria[{i}]"
        for fam in crit.families:
            if fam not in families:
                errors.append(FieldError(f"{where}.families", f"'{fam}' is not a plan family of this pack"))
        for n in crit.citations:
            if n not in known_refs:
                errors.append(FieldError(f"{where}.citations", f"reference {n} is not in the bibliography"))
        for key in ("met", "unmet", "unknown", "gap"):
            for name in placeholders_in(getattr(crit, key)):
                if name not in PLACEHOLDERS:
                    errors.append(FieldError(f"{where}.{key}", f"unknown placeholder {{{name}}}"))
        for leaf in rule_leaves(crit.rule):
            if isinstance(leaf, CompareRule) and leaf.fact not in NUMERIC_FACTS:
                errors.append(
                    FieldError(
                        f"{where}.rule",
                        f"'{leaf.fact}' is not a numeric fact; use one of {', '.join(sorted(NUMERIC_FACTS))}",
                    )
                )
            if isinstance(leaf, FlagRule) and leaf.fact not in FLAG_FACTS:
                errors.append(
                    FieldError(
                        f"{where}.rule",
                        f"'{leaf.fact}' is not a yes/no fact; use one of {', '.join(sorted(FLAG_FACTS))}",
                    )
                )
            if isinstance(leaf, InFamilyRule) and leaf.family not in families:
                errors.append(
                    FieldError(f"{where}.rule", f"'{leaf.family}' is not a plan family of this pack")
                )
            if isinstance(leaf, HasCodeRule):
                for code in leaf.codes:
                    if normalize_icd10(code) != code:
                        errors.append(FieldError(f"{where}.rule.codes", f"write '{normalize_icd10(code)}'"))
            if isinstance(leaf, CriterionRefRule) and leaf.id not in criteria[:i]:
                errors.append(FieldError(f"{where}.rule", f"'{leaf.id}' must be a criterion defined earlier"))

    for path, st in walk_statements(pack):
        errors += _check_statement(path, st, pack, families, known_refs, set(criteria))
    for i, q in enumerate(pack.reviewer_questions):
        for fam in q.families:
            if fam not in families:
                errors.append(
                    FieldError(f"reviewer_questions[{i}].families", f"'{fam}' is not a plan family")
                )
    return errors


def load_pack_file(path: str | Path) -> Pack:
    path = Path(path)
    if path.is_dir():
        path = path / "pack.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([FieldError("", f"cannot read the pack ({exc.strerror})")], str(path)) from None
    return parse_pack(text, str(path))


def installed_packs() -> dict[str, Path]:
    return {p.parent.name: p for p in sorted(PACKS_DIR.glob("*/pack.yaml"))}


@lru_cache(maxsize=16)
def load_pack(name: str) -> Pack:
    """An installed pack by id (``mild``), or a pack file or folder by path."""
    packs = installed_packs()
    if name in packs:
        return load_pack_file(packs[name])
    if Path(name).exists():
        return load_pack_file(name)
    known = ", ".join(packs) or "none"
    raise InputError([FieldError("pack", f"no pack named '{name}' (installed: {known})")])


def pack_for_procedure(code: str) -> Pack | None:
    for name in installed_packs():
        pack = load_pack(name)
        if code in pack.procedure.codes:
            return pack
    return None
