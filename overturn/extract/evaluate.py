"""Scoring an extracted case fragment against a hand-labelled one: per-field true/false positives/negatives.

Used by the labelled-corpus tests and the benchmark. Scoring units:

- scalar findings: the value; a wrong value is both a false positive and a false negative (walking
  tolerance in words is compared ignoring case and spacing);
- level-by-level findings: each (level, value) pair, one field per attribute
  (``findings.levels.ligamentum_flavum_mm``, ``.stenosis_severity``, ``.spondylolisthesis_grade``);
- list fields (stenosis levels, planned levels, diagnoses): each item;
- treatments: each (type, name) entry, plus each labelled attribute (weeks, count, outcome) as its own
  field ``treatments.weeks`` etc.;
- prior procedures: each type, plus dates and levels as ``prior_lumbar_procedures.date``/``.levels``
  (skipped with ``attributes=False`` for labels that only name the procedures);
- an explicit empty ``prior_lumbar_procedures: []`` is the item ``none``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

SCALAR_FINDINGS = (
    "neurogenic_claudication", "relief_with_flexion", "ligamentum_flavum_mm", "spondylolisthesis_grade",
    "stenosis_severity", "standing_tolerance_min", "walking_tolerance_ft", "walking_tolerance_text", "odi",
    "nprs", "surgical_candidate",
)  # fmt: skip
LEVEL_ATTRIBUTES = ("ligamentum_flavum_mm", "stenosis_severity", "spondylolisthesis_grade")


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, expected: set[Any], predicted: set[Any], where: str) -> None:
        self.tp[name] += len(expected & predicted)
        for item in predicted - expected:
            self.fp[name] += 1
            self.errors[name].append(f"{where}: extra {item!r}")
        for item in expected - predicted:
            self.fn[name] += 1
            self.errors[name].append(f"{where}: missed {item!r}")

    def fields(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def precision(self, name: str | None = None) -> float:
        tp = self.tp[name] if name else sum(self.tp.values())
        fp = self.fp[name] if name else sum(self.fp.values())
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, name: str | None = None) -> float:
        tp = self.tp[name] if name else sum(self.tp.values())
        fn = self.fn[name] if name else sum(self.fn.values())
        return tp / (tp + fn) if tp + fn else 1.0

    def table(self) -> str:
        lines = [f"{'field':34} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}"]
        for name in self.fields():
            lines.append(
                f"{name:34} {self.tp[name]:4} {self.fp[name]:4} {self.fn[name]:4} "
                f"{self.precision(name):6.2f} {self.recall(name):6.2f}"
            )
        lines.append(f"{'ALL':34} {sum(self.tp.values()):4} {sum(self.fp.values()):4} "
                     f"{sum(self.fn.values()):4} {self.precision():6.2f} {self.recall():6.2f}")  # fmt: skip
        return "\n".join(lines)


def _num(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.lower().split())
    return round(float(value), 1) if isinstance(value, int | float) and not isinstance(value, bool) else value


def score_fragment(
    score: Score, expected: dict[str, Any], predicted: dict[str, Any], where: str, attributes: bool = True
) -> None:
    exp_f, pred_f = expected.get("findings", {}), predicted.get("findings", {})
    for name in SCALAR_FINDINGS:
        e = {_num(exp_f[name])} if name in exp_f else set()
        p = {_num(pred_f[name])} if name in pred_f else set()
        score.add(f"findings.{name}", e, p, where)
    score.add("findings.stenosis_levels", set(exp_f.get("stenosis_levels", [])),
              set(pred_f.get("stenosis_levels", [])), where)  # fmt: skip
    for attr in LEVEL_ATTRIBUTES:
        e = {(lv["level"], _num(lv[attr])) for lv in exp_f.get("levels", []) if attr in lv}
        p = {(lv["level"], _num(lv[attr])) for lv in pred_f.get("levels", []) if attr in lv}
        score.add(f"findings.levels.{attr}", e, p, where)
    score.add("procedure.levels", set(expected.get("procedure", {}).get("levels", [])),
              set(predicted.get("procedure", {}).get("levels", [])), where)  # fmt: skip
    score.add("diagnoses", set(expected.get("diagnoses", [])), set(predicted.get("diagnoses", [])), where)
    _score_treatments(score, expected.get("treatments") or [], predicted.get("treatments") or [], where)
    _score_procedures(score, expected, predicted, where, attributes)


def _score_treatments(score: Score, expected: list[Any], predicted: list[Any], where: str) -> None:
    def key(t: dict[str, Any]) -> tuple[str, str | None]:
        return (t["type"], t.get("name"))

    score.add("treatments", {key(t) for t in expected}, {key(t) for t in predicted}, where)
    for attr in ("weeks", "count", "outcome"):
        e = {(key(t), _num(t[attr])) for t in expected if attr in t}
        p = {(key(t), _num(t[attr])) for t in predicted if attr in t}
        score.add(f"treatments.{attr}", e, p, where)


def _score_procedures(
    score: Score, expected: dict[str, Any], predicted: dict[str, Any], where: str, attributes: bool
) -> None:
    exp, pred = expected.get("prior_lumbar_procedures"), predicted.get("prior_lumbar_procedures")

    def types(entries: list[Any] | None) -> set[str]:
        if entries is None:
            return set()
        return {p["type"] for p in entries} if entries else {"none"}

    score.add("prior_lumbar_procedures", types(exp), types(pred), where)
    if not attributes:
        return
    for attr in ("date", "levels"):
        e = {(p["type"], str(p[attr])) for p in exp or [] if attr in p}
        q = {(p["type"], str(p[attr])) for p in pred or [] if attr in p}
        score.add(f"prior_lumbar_procedures.{attr}", e, q, where)
