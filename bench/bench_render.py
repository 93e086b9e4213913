"""Rendering benchmark: prints figures, never fails on time.

    .venv/bin/python bench/bench_render.py [--batch 1000] [--samples 20] [--cold-only]

Figures: median ms per PDF brief in process (Typst, warm compiler), the same briefs' HTML through WeasyPrint
and the ratio, median ms per DOCX brief, a batch of N case files through ``render_batch`` (every core) in
briefs per second, and the wall time of a cold ``overturn brief case.yaml -f pdf -o x.pdf`` with its phases.
Case variants differ in name, measurements and plan so Typst cannot serve a cached result.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "packs" / "mild" / "examples").glob("*.yaml"))
PLANS = ["Medicare Advantage", "commercial", "Medicare", "medicaid", "commercial"]


def variants(n: int) -> list[dict[str, Any]]:
    """n distinct case dicts derived from the demo cases."""
    bases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES]
    out = []
    for i in range(n):
        data = copy.deepcopy(bases[i % len(bases)])
        data["patient"]["name"] = f"Patient {i:04d} Example"
        findings = data.setdefault("findings", {})
        findings["ligamentum_flavum_mm"] = round(2.0 + (i % 40) / 10, 1)
        findings["odi"] = 20 + i % 60
        findings["walking_tolerance_ft"] = 50 + 10 * (i % 30)
        data["coverage"]["plan_type"] = PLANS[i % len(PLANS)]
        data["coverage"]["member_id"] = f"M{i:06d}"
        out.append(data)
    return out


def median_ms(fn: Callable[[Any], object], items: list[Any]) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def documents(n: int) -> list[Any]:
    from overturn.case import case_from_data
    from overturn.service import build_document, prepare

    return [build_document(prepare(case_from_data(d)), "brief") for d in variants(n)]


def bench_in_process(samples: int) -> dict[str, float]:
    from overturn.render import render

    docs = documents(samples + 1)
    render(docs[0], "pdf")  # the first call builds the compiler; a server pays that once
    render(docs[0], "docx")
    figures = {
        "pdf_ms": median_ms(lambda d: render(d, "pdf"), docs[1:]),
        "docx_ms": median_ms(lambda d: render(d, "docx"), docs[1:]),
    }
    try:
        import weasyprint
    except ImportError:
        return figures
    html = [render(d, "html").decode("utf-8") for d in docs[1 : 1 + max(3, samples // 4)]]
    weasyprint.HTML(string=html[0]).write_pdf(io.BytesIO())  # warm-up
    figures["weasyprint_ms"] = median_ms(lambda h: weasyprint.HTML(string=h).write_pdf(), html)
    figures["pages_pdf"] = _pages(render(docs[1], "pdf"))
    figures["pages_weasyprint"] = _pages(weasyprint.HTML(string=html[0]).write_pdf())
    return figures


def _pages(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def bench_batch(n: int, fmt: str = "pdf") -> tuple[float, int]:
    from rich.console import Console

    from overturn.batch import render_batch

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = []
        for i, data in enumerate(variants(n)):
            path = folder / f"case-{i:04d}.yaml"
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            cases.append(path)
        start = time.perf_counter()
        failures = render_batch(cases, fmt, folder / "out", console=Console(file=io.StringIO()))
        elapsed = time.perf_counter() - start
    return n / elapsed, len(failures)


def bench_cold_cli(runs: int = 10) -> tuple[float, float]:
    """Median and fastest wall time of ``overturn brief CASE -f pdf -o x.pdf``, each run a new process."""
    exe = Path(sys.executable).with_name("overturn")
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for i in range(runs + 1):
            start = time.perf_counter()
            subprocess.run(
                [str(exe), "brief", str(EXAMPLES[-1]), "-f", "pdf", "-o", f"{tmp}/x.pdf"],
                check=True,
                capture_output=True,
            )
            if i:  # the first run only warms the disk cache
                times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


# Run in a fresh interpreter: where a cold `overturn brief -f pdf` spends its time.
_PHASES = """
import json, sys, time
from pathlib import Path
marks = [("start", time.perf_counter())]
import overturn.cli
marks.append(("import overturn.cli", time.perf_counter()))
from overturn.service import build_document, prepare_file
marks.append(("import service, batch, brief", time.perf_counter()))
prepared = prepare_file(Path(sys.argv[1]), None, None)
marks.append(("load case and pack, evaluate", time.perf_counter()))
doc = build_document(prepared, "brief", None, True)
marks.append(("build the document", time.perf_counter()))
from overturn.render import render
render(doc, "pdf")
marks.append(("first PDF (Typst import, fonts, compile)", time.perf_counter()))
print(json.dumps([(b[0], (b[1] - a[1]) * 1000) for a, b in zip(marks, marks[1:])]))
"""


def bench_cold_phases(runs: int = 5) -> list[tuple[str, float]]:
    """Median milliseconds of each phase of a cold PDF brief over ``runs`` fresh interpreters."""
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _PHASES, str(EXAMPLES[-1])],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        samples.append(json.loads(done.stdout))
    return [(name, statistics.median(s[i][1] for s in samples)) for i, (name, _) in enumerate(samples[0])]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=20, help="briefs per in-process figure")
    parser.add_argument("--batch", type=int, default=1000, help="case files in the batch figure")
    parser.add_argument("--cold-only", action="store_true", help="only the cold-start figures")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if args.cold_only:
        print_cold()
        return
    f = bench_in_process(args.samples)
    print(
        f"PDF brief (Typst), in process:     {f['pdf_ms']:8.1f} ms median ({f.get('pages_pdf', '?')} pages)"
    )
    if "weasyprint_ms" in f:
        print(
            f"HTML brief through WeasyPrint:     {f['weasyprint_ms']:8.1f} ms median "
            f"({f['pages_weasyprint']} pages)"
        )
        print(f"  Typst is {f['weasyprint_ms'] / f['pdf_ms']:.1f}x faster than WeasyPrint")
    print(f"DOCX brief (python-docx):          {f['docx_ms']:8.1f} ms median")
    rate, failed = bench_batch(args.batch)
    print(
        f"batch of {args.batch} PDF briefs:         {rate:8.1f} briefs/s on {os.cpu_count()} cores ({failed} failed)"
    )
    print_cold()


def print_cold() -> None:
    median, fastest = bench_cold_cli()
    print(f"cold `overturn brief -f pdf`:      {median:8.2f} s wall median of 10 (fastest {fastest:.2f} s)")
    for name, ms in bench_cold_phases():
        print(f"  {name:40s} {ms:6.0f} ms")


if __name__ == "__main__":
    main()
