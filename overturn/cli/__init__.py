"""The ``overturn`` command line. Thin: parse, call the core, print. Exit 2 on invalid input."""

from __future__ import annotations

import json
import sys
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from overturn.case.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    help="Prepare a physician for the peer-to-peer review of a prior-authorization denial.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
pack_app = typer.Typer(help="Content packs: check a pack, list installed packs.", no_args_is_help=True)
app.add_typer(pack_app, name="pack")

STATUS_STYLE = {"met": "bold green", "unmet": "bold red", "unknown": "bold yellow"}
DEMO_CASE = Path(__file__).resolve().parents[2] / "packs" / "mild" / "examples" / "medicare_advantage.yaml"


@cache
def _console(stderr: bool) -> Console:
    # rich costs ~0.1 s to import; commands that print nothing through it (a brief to stdout) skip that.
    from rich.console import Console

    return Console(stderr=stderr)


def out() -> Console:
    return _console(stderr=False)


def err() -> Console:
    return _console(stderr=True)


def fail(exc: InputError) -> NoReturn:
    # Plain text, never wrapped: a field path cut in two is harder to find.
    sys.stderr.write(exc.render() + "\n")
    raise typer.Exit(2)


CaseArg = Annotated[Path, typer.Argument(help="Case file (YAML or JSON).", show_default=False)]
PackOpt = Annotated[
    str | None, typer.Option("--pack", help="Pack id or path (default: chosen from procedure.code).")
]
TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Evaluate as of this date (YYYY-MM-DD).", hidden=True)
]


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        from overturn.case.errors import FieldError

        fail(InputError([FieldError("--today", f"'{value}' is not a date (YYYY-MM-DD)")]))


@app.command()
def check(
    case: CaseArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    pack: PackOpt = None,
    today: TodayOpt = None,
) -> None:
    """Validate a case and evaluate the pack's coverage criteria (met / unmet / unknown)."""
    from overturn.service import check_report, prepare_file

    try:
        prepared = prepare_file(case, pack, _today(today))
    except InputError as exc:
        fail(exc)
    report = check_report(prepared)
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    fam = prepared.evaluation.family
    from rich.markup import escape

    # Case text is data: escape it, or "[/x]" in a name would be read as rich markup.
    out().print(
        f"[bold]{escape(prepared.case.patient.name)}[/] · pack {report['pack']} {report['pack_version']} · "
        f"{fam.label if fam else 'plan type not recorded'} · codes {', '.join(report['diagnosis_codes'])}",
        highlight=False,
    )
    table = Table(show_lines=False)
    for col in ("status", "criterion", "reason", "refs"):
        table.add_column(col)
    for r in report["criteria"]:
        table.add_row(
            f"[{STATUS_STYLE[r['status']]}]{r['status']}[/]",
            r["id"],
            escape(r["reason"]),
            ",".join(map(str, r["citations"])),
        )
    out().print(table)
    if report["gaps"]:
        out().print("[bold yellow]Document before the call:[/]")
        for gap in report["gaps"]:
            out().print(f"  • {gap}", markup=False, highlight=False)


FormatOpt = Annotated[str, typer.Option("-f", "--format", help="md, html, json, pdf or docx.")]


@app.command()
def brief(
    cases: Annotated[list[Path], typer.Argument(help="One or more case files.", show_default=False)],
    fmt: FormatOpt = "md",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (one case) or folder.")
    ] = None,
    layout: Annotated[str, typer.Option("--layout", help="brief or call-sheet.")] = "brief",
    verified_only: Annotated[
        bool, typer.Option("--verified-only", help="Leave out statements resting on unverified sources.")
    ] = False,
    pack: PackOpt = None,
    today: TodayOpt = None,
) -> None:
    """Build the peer-to-peer brief for one case (to a file or stdout) or many cases (to a folder)."""
    from overturn.batch import is_internal, render_batch, render_one

    when = _today(today)
    if len(cases) > 1 or (output is not None and output.is_dir()):
        if output is None:
            fail(InputError([], "several cases need -o FOLDER"))
        failures = render_batch(
            cases,
            fmt,
            output,
            layout=layout,
            pack=pack,
            today=when,
            include_unverified=not verified_only,
            console=err(),
        )
        raise typer.Exit(1 if any(is_internal(e) for _, e in failures) else 2 if failures else 0)
    try:
        data = render_one(
            cases[0], fmt, layout=layout, pack=pack, today=when, include_unverified=not verified_only
        )
    except InputError as exc:
        fail(exc)
    if output is None:
        if fmt in ("pdf", "docx") and sys.stdout.isatty():
            fail(InputError([], f"refusing to write {fmt} to a terminal; use -o FILE"))
        sys.stdout.buffer.write(data)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        # Plain text: a path is data, never rich markup ("[/draft]" in a file name must not crash), and
        # skipping rich here keeps a one-off `brief -o` under a second.
        sys.stderr.write(f"wrote {output} ({len(data):,} bytes)\n")


@pack_app.command("check")
def pack_check(path: Annotated[Path, typer.Argument(help="pack.yaml or its folder.")]) -> None:
    """Validate a content pack; errors name the file, key and line."""
    from overturn.packs.load import load_pack_file

    try:
        p = load_pack_file(path)
    except InputError as exc:
        fail(exc)
    out().print(
        f"[green]ok[/] {p.id} {p.version}: {len(p.criteria)} criteria, {len(p.bibliography)} references, "
        f"{len(p.reviewer_questions)} reviewer questions",
        highlight=False,
    )


@pack_app.command("list")
def pack_list() -> None:
    """List installed packs."""
    from overturn.packs.load import installed_packs, load_pack

    for name in installed_packs():
        p = load_pack(name)
        out().print(f"{p.id} {p.version} — {p.title} (CPT {', '.join(p.procedure.codes)})", highlight=False)


@app.command()
def demo(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the demo briefs.")] = Path(
        "overturn-demo"
    ),
) -> None:
    """Run the whole pipeline on a demo Medicare Advantage case and write its brief in every format."""
    from overturn.batch import render_one
    from overturn.render import WRITERS

    check(DEMO_CASE)
    output.mkdir(parents=True, exist_ok=True)
    for fmt in WRITERS:
        target = output / f"brief.{fmt}"
        target.write_bytes(render_one(DEMO_CASE, fmt))
        sys.stdout.write(f"wrote {target}\n")


def _register_subcommands() -> None:
    # Both modules import only typer at the top; medspaCy and fhir.resources load inside their commands.
    from overturn.cli.extract import extract_command
    from overturn.cli.fhir import app as fhir_app

    app.command("extract")(extract_command)
    app.add_typer(fhir_app, name="fhir")


_register_subcommands()


def main() -> None:
    app()
