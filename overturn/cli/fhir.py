"""``overturn fhir ...``: import a FHIR record, export the questionnaire, a response, the brief; validate a
response. Thin: parse arguments, call the core, print. Exit 0 on success, 2 on invalid input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from overturn.case.errors import InputError

app = typer.Typer(
    help="FHIR R4: import a patient's record, export the DTR-style questionnaire, its response and the brief.",
    no_args_is_help=True,
)

OutOpt = Annotated[Path | None, typer.Option("-o", "--output", help="Output file (default: stdout).")]


def _fail(exc: InputError) -> NoReturn:
    typer.echo(exc.render(), err=True)
    raise typer.Exit(2)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output} ({len(text.encode()):,} bytes)", err=True)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@app.command("import")
def import_command(
    bundle: Annotated[
        Path, typer.Argument(help="FHIR Bundle or single resource (JSON).", show_default=False)
    ],
    output: OutOpt = None,
    report_json: Annotated[
        Path | None, typer.Option("--report-json", help="Also write the report as JSON.")
    ] = None,
) -> None:
    """Map a FHIR record to a case file; the import report (taken / ignored / needed) goes to stderr."""
    import yaml

    from overturn.fhir.importer import import_fhir
    from overturn.fhir.parse import read_json_file

    try:
        result = import_fhir(read_json_file(bundle), str(bundle))
    except InputError as exc:
        _fail(exc)
    typer.echo(result.report.render(), err=True)
    if report_json is not None:
        report_json.write_text(_json(result.report.as_json()), encoding="utf-8")
    _write(yaml.safe_dump(result.case, sort_keys=False, allow_unicode=True), output)


@app.command("questionnaire")
def questionnaire_command(
    pack: Annotated[str, typer.Argument(help="Pack id (e.g. mild) or path.")] = "mild",
    output: OutOpt = None,
) -> None:
    """The pack's criteria as a FHIR Questionnaire (one item per case fact the criteria read)."""
    from overturn.fhir.questionnaire import questionnaire_for_pack

    try:
        questionnaire, facts = questionnaire_for_pack(pack)
    except InputError as exc:
        _fail(exc)
    if not facts.from_pack:
        typer.echo("no pack support installed: asking every clinical fact of the case model", err=True)
    for path in facts.unknown:
        typer.echo(f"note: criteria read '{path}', which has no question mapping; not asked", err=True)
    _write(_json(questionnaire), output)


def _pdf_source(case: Path, pack: str | None) -> Any:
    """A callable rendering the PDF brief, or None when no PDF writer is installed."""
    try:
        from overturn.render import WRITERS, render
        from overturn.service import build_document, prepare_file
    except ImportError:
        return None
    if "pdf" not in WRITERS:
        return None

    def pdf() -> bytes:
        prepared = prepare_file(case, pack, None)
        return render(build_document(prepared, "brief", None, True), "pdf")

    return pdf


@app.command("export")
def export_command(
    case: Annotated[Path, typer.Argument(help="Case file (YAML or JSON).", show_default=False)],
    kind: Annotated[
        str, typer.Option("--as", help="questionnaire-response, document-reference or bundle.")
    ] = "questionnaire-response",
    pack: Annotated[
        str | None, typer.Option("--pack", help="Pack id (default: the case's pack, else mild).")
    ] = None,
    output: OutOpt = None,
) -> None:
    """Export a case as a QuestionnaireResponse, a DocumentReference with the PDF brief, or a Bundle of both."""
    from overturn.case.errors import FieldError
    from overturn.case.load import case_to_data, load_case
    from overturn.fhir.export import EXPORT_KINDS, export_case

    try:
        loaded = load_case(case)
        chosen = pack or loaded.pack or "mild"
        pdf = _pdf_source(case, pack) if kind in EXPORT_KINDS[1:] else None
        if kind in EXPORT_KINDS[1:] and pdf is None:
            raise InputError(
                [
                    FieldError(
                        "--as",
                        f"{kind} needs the PDF brief, but no PDF writer is installed (overturn.render 'pdf')",
                    )
                ]
            )
        data = export_case(case_to_data(loaded), kind, pack=chosen, pdf=pdf)
    except InputError as exc:
        _fail(exc)
    _write(_json(data), output)


@app.command("validate-qr")
def validate_qr_command(
    response: Annotated[Path, typer.Argument(help="QuestionnaireResponse (JSON).", show_default=False)],
    questionnaire: Annotated[Path, typer.Option("--questionnaire", "-q", help="The Questionnaire (JSON).")],
) -> None:
    """Check a QuestionnaireResponse against its Questionnaire; exit 2 when it has errors."""
    from overturn.case.errors import FieldError
    from overturn.fhir.parse import read_json_file
    from overturn.fhir.validate_qr import ERROR, validate_questionnaire, validate_response

    try:
        qr = read_json_file(response)
        q = read_json_file(questionnaire)
        if not isinstance(q, dict) or q.get("resourceType") != "Questionnaire":
            raise InputError([FieldError("resourceType", "expected a Questionnaire")], str(questionnaire))
        if not isinstance(qr, dict) or qr.get("resourceType") != "QuestionnaireResponse":
            raise InputError([FieldError("resourceType", "expected a QuestionnaireResponse")], str(response))
    except InputError as exc:
        _fail(exc)
    issues = validate_questionnaire(q) + validate_response(qr, q)
    for issue in issues:
        typer.echo(f"{issue}  [{issue.expression}]", err=True)
    errors = [i for i in issues if i.severity == ERROR]
    typer.echo(f"{response}: {len(errors)} error(s), {len(issues) - len(errors)} warning(s)", err=True)
    if errors:
        raise typer.Exit(2)
