"""Time the FHIR import of the real bundles and the QR suite; prints figures, never fails on time.

Run: .venv/bin/python bench/bench_fhir.py [path/to/shared]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from overturn.fhir.importer import import_fhir
from overturn.fhir.suite import run_suite, summary


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared"
    files = sorted((shared / "realdata/fhir").rglob("*.json"))
    import_fhir({"resourceType": "Patient"}, extractor=None)  # warm up: model classes, ICD-10-CM table
    total = 0.0
    for path in files:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or "resourceType" not in data:
            continue
        start = time.perf_counter()
        try:
            result = import_fhir(data, path.name, extractor=None)
            count = sum(result.report.resource_types.values())
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and carries on
            count = f"error: {exc}"
        spent = time.perf_counter() - start
        total += spent
        if spent > 0.1:
            print(f"{path.name:70} {count!s:>6} resources {spent * 1000:8.1f} ms")
    print(f"all {len(files)} files: {total:.2f} s")
    start = time.perf_counter()
    figures = summary(run_suite(shared / "realdata/fhir_qr_validation_suite"))
    print(f"QR suite: {figures} in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
