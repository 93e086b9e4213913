"""Render one case, or many cases on every core; one failing case never stops the others."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from overturn.case.errors import InputError
from overturn.render import EXTENSIONS, WRITERS, render


def render_one(
    case_path: Path,
    fmt: str,
    *,
    layout: str = "brief",
    pack: str | None = None,
    today: date | None = None,
    include_unverified: bool = True,
) -> bytes:
    from overturn.service import build_document, prepare_file

    if fmt not in WRITERS:
        from overturn.case.errors import FieldError

        raise InputError([FieldError("--format", f"unknown format '{fmt}'; use one of {', '.join(WRITERS)}")])
    prepared = prepare_file(case_path, pack, today)
    doc = build_document(prepared, layout, today, include_unverified)
    return render(doc, fmt)


INTERNAL_ERROR = "internal error"


def is_internal(message: str) -> bool:
    """A failure that is Overturn's fault, not the input's (the CLI exits 1 for it, 2 for bad input)."""
    return f": {INTERNAL_ERROR}: " in message


def _job(case_path: Path, fmt: str, out_dir: Path, options: dict[str, Any]) -> tuple[Path, str | None]:
    try:
        data = render_one(case_path, fmt, **options)
    except InputError as exc:
        return case_path, exc.render()
    except Exception as exc:  # noqa: BLE001 - a batch reports every failure and carries on
        return case_path, f"{case_path}: {INTERNAL_ERROR}: {type(exc).__name__}: {exc}"
    target = out_dir / (case_path.stem + EXTENSIONS.get(fmt, f".{fmt}"))
    target.write_bytes(data)
    return target, None


def render_batch(
    cases: list[Path],
    fmt: str,
    out_dir: Path,
    *,
    console: Any = None,
    workers: int | None = None,
    **options: Any,
) -> list[tuple[Path, str]]:
    """Render every case into ``out_dir``; return (case, error) for the ones that failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    out_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or min(len(cases), os.cpu_count() or 1)
    failures: list[tuple[Path, str]] = []
    columns = (TextColumn("briefs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("render", total=len(cases))
        if workers <= 1:
            results = (_job(c, fmt, out_dir, options) for c in cases)
            for path, error in results:
                if error:
                    failures.append((path, error))
                progress.advance(task)
        else:
            # "spawn", not the default fork: a parent that already rendered a PDF holds Typst's native threads
            # and locks, and a forked child inherits those locks held and hangs on its first render.
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(_job, c, fmt, out_dir, options) for c in cases]
                for fut in as_completed(futures):
                    path, error = fut.result()
                    if error:
                        failures.append((path, error))
                    progress.advance(task)
    if console is not None:
        for _, error in failures:
            console.print(error, markup=False, highlight=False, soft_wrap=True)
        console.print(
            f"{len(cases) - len(failures)} written to {out_dir}, {len(failures)} failed", highlight=False
        )
    return failures
