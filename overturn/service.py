"""Use-case functions shared by the CLI and any other delivery layer: load, choose the pack, evaluate, build."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from overturn.brief.context import with_procedure_code
from overturn.case.errors import FieldError, InputError
from overturn.case.load import load_case
from overturn.case.model import Case
from overturn.criteria.engine import Evaluation, evaluate_criteria
from overturn.document.model import Document
from overturn.packs.load import installed_packs, load_pack, pack_for_procedure
from overturn.packs.schema import Pack


def pack_for_case(case: Case, override: str | None = None) -> Pack:
    """The pack the case names (or ``override``), else the installed pack serving its procedure code."""
    name = override or case.pack
    code = case.procedure.code
    if name:
        try:
            pack = load_pack(name)
        except InputError as exc:
            where = "--pack" if override else "pack"
            raise InputError(
                [FieldError(f"{where}: {e.path}" if e.path else where, e.message) for e in exc.errors],
                exc.source,
            ) from None
        if code and code not in pack.procedure.codes:
            served = ", ".join(pack.procedure.codes)
            raise InputError(
                [FieldError("procedure.code", f"pack '{pack.id}' serves CPT {served}, not {code}")]
            )
        return pack
    if not code:
        raise InputError([FieldError("procedure.code", "is required to choose a pack (or set 'pack')")])
    found = pack_for_procedure(code)
    if found is None:
        known = ", ".join(installed_packs()) or "none"
        raise InputError(
            [
                FieldError(
                    "procedure.code",
                    f"no installed pack serves CPT {code} (installed packs: {known}); set 'pack' explicitly",
                )
            ]
        )
    return found


@dataclass(frozen=True)
class Prepared:
    case: Case
    pack: Pack
    evaluation: Evaluation


def prepare(case: Case, pack_name: str | None = None, today: date | None = None) -> Prepared:
    pack = pack_for_case(case, pack_name)
    case = with_procedure_code(case, pack)
    return Prepared(case, pack, evaluate_criteria(case, pack, today))


def prepare_file(path: str | Path, pack_name: str | None = None, today: date | None = None) -> Prepared:
    case = load_case(path)
    try:
        return prepare(case, pack_name, today)
    except InputError as exc:
        raise InputError(exc.errors, str(path)) from None


def check_report(p: Prepared) -> dict[str, Any]:
    """The ``overturn check --json`` document."""
    ev = p.evaluation
    return {
        "pack": p.pack.id,
        "pack_version": p.pack.version,
        "plan_family": ev.family.id if ev.family else None,
        "diagnosis_codes": list(ev.diagnosis_codes),
        "criteria": [
            {
                "id": r.id,
                "title": r.title,
                "status": r.status.value,
                "reason": r.reason,
                "citations": list(r.citations),
                "facts": r.facts,
                "source": r.source,
                **({"gap": r.gap} if r.gap else {}),
            }
            for r in ev.results
        ],
        "gaps": ev.gaps,
    }


def build_document(
    p: Prepared, layout: str = "brief", today: date | None = None, include_unverified: bool = True
) -> Document:
    from overturn.brief.layouts import LAYOUTS

    try:
        builder = LAYOUTS[layout]
    except KeyError:
        raise InputError(
            [FieldError("--layout", f"unknown layout '{layout}'; use one of {', '.join(LAYOUTS)}")]
        ) from None
    return builder(p.case, p.pack, p.evaluation, today=today, include_unverified=include_unverified)
