"""Golden briefs: the JSON dump of the document tree for the demo cases, compared whole.

A change in wording or structure shows up here as a readable diff. After an intended change, regenerate
with ``OVERTURN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/integration/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from overturn.brief import build_brief
from overturn.case import load_case
from overturn.packs.load import load_pack
from overturn.render import render

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
CASES = sorted((ROOT / "packs" / "mild" / "examples").glob("*.yaml"))
TODAY = date(2026, 12, 4)


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_brief_matches_its_golden_json(case_path: Path) -> None:
    doc = build_brief(load_case(case_path), load_pack("mild"), today=TODAY)
    actual = json.loads(render(doc, "json"))
    golden = GOLDEN / f"{case_path.stem}.json"
    if os.environ.get("OVERTURN_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run with OVERTURN_UPDATE_GOLDEN=1"
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def test_every_demo_case_has_a_golden_file() -> None:
    assert {p.stem for p in CASES} == {p.stem for p in GOLDEN.glob("*.json")}
