"""Rendering benchmark: prints figures, never fails on time.

    .venv/bin/python bench/bench_render.py [--batch 1000] [--samples 20]

Figures: median ms per PDF brief in process (Typst, warm compiler), the same briefs' HTML through WeasyPrint
and the ratio, median ms per DOCX brief, a batch of N case files through ``render_batch`` (every core) in
briefs per second, and the wall time of a cold ``overturn brief case.yaml -f pdf -o x.pdf``.
Case variants differ in name, measurements and plan so Typst cannot serve a cached result.
"""

from __future__ import annotations

import argparse
import copy
import io
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


def bench_cold_cli(runs: int = 3) -> float:
    exe = Path(sys.executable).with_name("overturn")
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [str(exe), "brief", str(EXAMPLES[-1]), "-f", "pdf", "-o", f"{tmp}/x.pdf"],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=20, help="briefs per in-process figure")
    parser.add_argument("--batch", type=int, default=1000, help="case files in the batch figure")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
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
    print(f"cold `overturn brief -f pdf`:      {bench_cold_cli():8.2f} s wall")


if __name__ == "__main__":
    main()
