"""``overturn extract NOTE... [--json] [--merge-into CASE [-o OUT] [--overwrite]]``.

Registered by ``overturn/cli.py`` as ``app.command("extract")(extract_command)``. spaCy and medspaCy are
imported on the first note, not when the CLI starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

MAX_NOTE_BYTES = 5_000_000


def _read_note(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the note ({exc.strerror})") from None
    if len(raw) > MAX_NOTE_BYTES:
        raise ValueError(f"{path}: the note is larger than {MAX_NOTE_BYTES} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: the note is not UTF-8 text; save it as UTF-8 and try again") from None


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def extract_command(
    notes: Annotated[
        list[Path], typer.Argument(metavar="NOTE...", help="Clinical notes (plain text, UTF-8).")
    ],
    json_out: Annotated[
        bool, typer.Option("--json", help="Print a case fragment with evidence and conflicts as JSON.")
    ] = False,
    merge_into: Annotated[
        Path | None, typer.Option("--merge-into", metavar="CASE", help="Merge the facts into this case file.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="OUT", help="Write the merged case here.")
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Replace values the case already has (default: fill empty only)."),
    ] = False,
) -> None:
    """Read clinical notes and prefill a case: findings, treatments, prior procedures, diagnoses."""
    from overturn.case.errors import InputError
    from overturn.case.load import load_case
    from overturn.extract.facts import Note

    try:
        texts = [Note(str(path), _read_note(path)) for path in notes]
    except ValueError as exc:
        raise _fail(str(exc)) from None
    case_data: dict[str, Any] | None = None
    if merge_into is not None:
        from overturn.case.load import case_to_data

        try:
            case_data = case_to_data(load_case(merge_into))
        except InputError as exc:
            raise _fail(exc.render()) from None

    from overturn.extract.combine import extract

    result = extract(texts)
    if case_data is not None:
        _merge_and_write(case_data, result, out, overwrite)
        return
    if json_out:
        typer.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return
    _print_table(result)


def _merge_and_write(case_data: dict[str, Any], result: Any, out: Path | None, overwrite: bool) -> None:
    import yaml

    from overturn.case.errors import InputError
    from overturn.extract.merge import merge_fragment

    try:
        merged, changes = merge_fragment(case_data, result.fragment, result.facts, overwrite)
    except InputError as exc:
        raise _fail(exc.render()) from None
    text = yaml.safe_dump(merged, sort_keys=False, allow_unicode=True)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"{out}: cannot write the case ({exc.strerror})") from None
    typer.echo(f"merge report: {len(changes)} change{'s' if len(changes) != 1 else ''}", err=True)
    for change in changes:
        typer.echo(f"  - {change}", err=True)
    for conflict in result.conflicts:
        values = ", ".join(repr(v) for v in conflict.values)
        where = f" at {conflict.level}" if conflict.level else ""
        typer.echo(f"  ! conflict {conflict.field}{where}: {values} (left unchanged)", err=True)


def _print_table(result: Any) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title="Facts found in the notes", show_lines=False)
    for column in ("field", "value", "level", "note", "context", "source sentence"):
        table.add_column(column, overflow="fold")
    for fact in result.facts:
        value = (
            fact.value
            if not isinstance(fact.value, dict)
            else ", ".join(f"{k}={v}" for k, v in fact.value.items())
        )
        context = ", ".join(fact.flags.names())
        if not fact.used:
            context = f"{context} (not used: {fact.reason})".strip()
        style = None if fact.used else "dim"
        # Note text is data, never markup: escape it before rich renders it.
        table.add_row(
            *(
                escape(str(x))
                for x in (fact.field, value, fact.level or "", fact.note, context, fact.sentence)
            ),
            style=style,
        )
    console.print(table)
    for conflict in result.conflicts:
        where = f" at {conflict.level}" if conflict.level else ""
        console.print(escape(f"conflict {conflict.field}{where}: {conflict.values}"), style="bold red")
