"""Batch rendering to PDF and DOCX on every core: one bad case is reported and the others are still written."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from overturn.batch import render_batch

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "packs" / "mild" / "examples"


@pytest.fixture()
def cases(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cases"
    folder.mkdir()
    good = []
    for i, source in enumerate(sorted(EXAMPLES.glob("*.yaml"))):
        target = folder / f"good-{i}.yaml"
        shutil.copy(source, target)
        good.append(target)
    broken = folder / "broken.yaml"
    broken.write_text("patient: [unclosed\n", encoding="utf-8")
    wrong = folder / "wrong-plan.yaml"
    text = (EXAMPLES / "medicare_advantage.yaml").read_text(encoding="utf-8")
    wrong.write_text(text.replace("plan_type: Medicare Advantage", "plan_type: medigapp"), encoding="utf-8")
    return [good[0], broken, good[1], wrong]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_failing_case_is_reported_and_the_others_are_written(cases, tmp_path, fmt):
    out = tmp_path / "out"
    log = io.StringIO()
    failures = render_batch(cases, fmt, out, console=Console(file=log, width=200), workers=2)
    assert sorted(p.name for p, _ in failures) == ["broken.yaml", "wrong-plan.yaml"]
    messages = " ".join(error for _, error in failures)
    assert "medigapp" in messages and "broken.yaml" in messages
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"good-0.{fmt}", f"good-1.{fmt}"]
    magic = b"%PDF" if fmt == "pdf" else b"PK"
    assert all((out / name).read_bytes().startswith(magic) for name in written)
    assert "2 written" in log.getvalue() and "2 failed" in log.getvalue()


def test_the_call_sheet_layout_batches_too(cases, tmp_path):
    out = tmp_path / "sheets"
    failures = render_batch(
        [cases[0], cases[2]], "pdf", out, console=Console(file=io.StringIO()), layout="call-sheet"
    )
    assert failures == []
    assert len(list(out.glob("*.pdf"))) == 2


def test_the_command_line_exits_2_and_still_writes_the_good_cases(cases, tmp_path):
    out = tmp_path / "cli"
    result = subprocess.run(
        [sys.executable, "-c", "from overturn.cli import main; main()", "brief", *map(str, cases),
         "-f", "pdf", "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["good-0.pdf", "good-1.pdf"]
    assert "2 failed" in " ".join(result.stderr.split())  # the console wraps long lines


def test_a_batch_started_after_an_in_process_render_does_not_hang(cases, tmp_path):
    # A forked worker would inherit the parent's Typst locks held; the pool must spawn its workers.
    import threading

    from overturn.document import model as m
    from overturn.render import render

    render(
        m.Document(
            "T", "S", "brief", "2026-12-04", "mild", "1.0.0", (), (m.Section("s", "S", (m.para("x"),)),)
        ),
        "pdf",
    )
    result: list = []
    worker = threading.Thread(
        target=lambda: result.append(
            render_batch(
                [cases[0], cases[2]],
                "pdf",
                tmp_path / "after",
                console=Console(file=io.StringIO()),
                workers=2,
            )
        ),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=240)
    assert result == [[]], "the batch did not finish: workers hung after an in-process render"
