"""Time check + brief for 1,000 generated cases in process. Prints figures; never fails on time.

Run: .venv/bin/python bench/bench_core.py [N]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta
from typing import Any

from overturn.brief import build_brief
from overturn.case import case_from_data
from overturn.criteria import evaluate_criteria
from overturn.packs.load import load_pack
from overturn.render import render

PLANS = ["medicare_advantage", "Medigap", "original_medicare", "commercial", "W/C", "va", "tricare", "medicaid", "FEP"]
REASONS = ["investigational", "not_medically_necessary", "insufficient_documentation",
           "conservative_care_not_exhausted", "other", None]


def generated_case(rng: random.Random, i: int) -> dict[str, Any]:
    planned = date(2027, 1, 1) + timedelta(days=rng.randrange(120))

    def maybe(value: Any) -> Any:
        return value if rng.random() > 0.2 else None

    data: dict[str, Any] = {
        "patient": {"name": f"Bench Patient {i}", "birth_date": f"{rng.randrange(1935, 1965)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}"},
        "coverage": {"plan_type": rng.choice(PLANS), "insurer": "Bench Health", "member_id": f"M{i:06d}"},
        "denial": {"kind": "pre_service", "reason": rng.choice(REASONS), "date": "2026-11-20"},
        "diagnoses": rng.choice([["M48.Ø62"], ["m48062", "M51.362"], ["M48.061"], []]),
        "procedure": {"code": "Ø275T", "planned_date": planned.isoformat(), "levels": ["L4-L5"]},
        "findings": {k: v for k, v in {
            "neurogenic_claudication": maybe(rng.random() > 0.2),
            "ligamentum_flavum_mm": maybe(round(rng.uniform(1.5, 6.0), 1)),
            "spondylolisthesis_grade": maybe(rng.randrange(0, 4)),
            "standing_tolerance_min": maybe(rng.randrange(2, 30)),
            "walking_tolerance_ft": maybe(rng.randrange(50, 1000)),
            "odi": maybe(rng.randrange(20, 80)), "nprs": maybe(rng.randrange(3, 10)),
        }.items() if v is not None},
    }
    if rng.random() > 0.2:
        data["treatments"] = [{"type": "physical_therapy", "weeks": rng.randrange(4, 16),
                               "outcome": rng.choice(["failed", "temporary_relief", "improved"])}]
    if rng.random() > 0.2:
        months = rng.randrange(1, 30)
        data["prior_lumbar_procedures"] = [] if rng.random() > 0.5 else [
            {"type": "laminectomy", "date": (planned - timedelta(days=30 * months)).isoformat()}]
    return data


def main(n: int = 1000) -> None:
    rng = random.Random(7)
    raw = [generated_case(rng, i) for i in range(n)]
    pack = load_pack("mild")
    case_from_data(raw[0])  # load the ICD-10-CM tables once, outside the timing (a cold start pays ~2 s)

    timings: dict[str, list[float]] = {"validate": [], "check": [], "brief": [], "md": [], "html": [], "json": []}
    start = time.perf_counter()
    for data in raw:
        t0 = time.perf_counter()
        case = case_from_data(data)
        t1 = time.perf_counter()
        ev = evaluate_criteria(case, pack)
        t2 = time.perf_counter()
        doc = build_brief(case, pack, ev)
        t3 = time.perf_counter()
        timings["validate"].append(t1 - t0)
        timings["check"].append(t2 - t1)
        timings["brief"].append(t3 - t2)
        for fmt in ("md", "html", "json"):
            t = time.perf_counter()
            render(doc, fmt)
            timings[fmt].append(time.perf_counter() - t)
    total = time.perf_counter() - start

    print(f"{n} generated cases, validate + check + brief + md/html/json, one process")
    for name, values in timings.items():
        print(f"  {name:9s} median {statistics.median(values) * 1000:7.3f} ms   p95 "
              f"{sorted(values)[int(len(values) * 0.95)] * 1000:7.3f} ms")
    core = sum(timings["validate"]) + sum(timings["check"]) + sum(timings["brief"])
    print(f"  check + brief: {core:.2f} s for {n} cases = {n / core:,.0f} cases/s")
    print(f"  everything incl. three writers: {total:.2f} s = {n / total:,.0f} cases/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
