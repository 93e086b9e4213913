"""Note extraction speed: cold load time and notes per second. Prints figures; never fails on time.

Cold load = importing spaCy/medspaCy and building the pipeline, measured in a fresh interpreter.
Throughput = all MTSamples spine transcriptions (257 notes, ~4.5 kB each) plus the labelled snippets,
extracted in one batch, repeated ROUNDS times.

Run: .venv/bin/python bench/bench_extract.py [ROUNDS]

Figures (2-core machine shared with other jobs, so expect noise; same 380 notes, same 1,735 facts):
before the speed-ups 21-22 notes/s and 53-83 ms per MTSamples note; after 35-44 notes/s and 30-43 ms.
Per step, before -> after: sentence splitter 9.0 -> 0.5 s, target matcher 8.8 -> 3.3 s, ConText ~8 s
(unchanged: spaCy's token Matcher over medspaCy's default ConText pattern rules).
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MTSAMPLES = Path("/work/shared/realdata/mtsamples_spine.csv")
SNIPPETS = ROOT / "tests" / "data" / "notes" / "snippets.yaml"

COLD = """
import time
t0 = time.perf_counter()
from overturn.extract.pipeline import get_pipeline
get_pipeline()
t1 = time.perf_counter()
from overturn.extract.combine import extract
from overturn.extract.facts import Note
extract([Note("n", "Neurogenic claudication. Severe stenosis at L4-5, LF 5 mm. Dx M48.062.")])
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
"""


def cold_load() -> tuple[float, float]:
    # A fresh interpreter per measurement: in-process numbers would hide the import cost after the first run.
    out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True, cwd=ROOT)
    load, first = out.stdout.split()
    return float(load), float(first)


def corpus() -> list[tuple[str, str]]:
    notes = [(s["id"], s["text"]) for s in yaml.safe_load(SNIPPETS.read_text(encoding="utf-8"))]
    if MTSAMPLES.exists():
        csv.field_size_limit(10**8)
        with MTSAMPLES.open(encoding="utf-8", newline="") as handle:
            notes += [(f"mtsamples:{row['']}", row["transcription"]) for row in csv.DictReader(handle)]
    return notes


def per_step(notes: list) -> str:
    """Where the pipeline spends its time: tokenizer, sentence splitter, target matcher, ConText."""
    import warnings

    from overturn.extract.pipeline import get_pipeline, prepare_text

    nlp = get_pipeline()
    spent = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        for note in notes:
            start = time.perf_counter()
            doc = nlp.make_doc(prepare_text(note.text))
            spent["tokenizer"] += time.perf_counter() - start
            for name, step in nlp.pipeline:
                start = time.perf_counter()
                doc = step(doc)
                spent[name] += time.perf_counter() - start
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in spent.items())


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    loads = [cold_load() for _ in range(3)]
    print(f"cold load (import + build pipeline): median {statistics.median(x for x, _ in loads):.2f} s")
    print(
        f"first note after load (incl. lazy ICD-10-CM table): median {statistics.median(y for _, y in loads):.2f} s"
    )

    from overturn.extract.combine import extract
    from overturn.extract.facts import Note

    notes = [Note(note_id, text) for note_id, text in corpus()]
    chars = sum(len(n.text) for n in notes)
    extract(notes[:5])  # warm: pipeline built, ICD-10-CM table loaded
    timings = []
    facts = 0
    for _ in range(rounds):
        start = time.perf_counter()
        result = extract(notes)
        timings.append(time.perf_counter() - start)
        facts = len(result.facts)
    best = min(timings)
    print(f"{len(notes)} notes, {chars / 1000:.0f} kB, {facts} facts per round")
    print(
        f"throughput: {len(notes) / best:.1f} notes/s (best of {rounds}), "
        f"{chars / 1000 / best:.0f} kB/s; median round {statistics.median(timings):.2f} s"
    )
    print("time per pipeline step over all notes: " + per_step(notes))
    one = [Note(n.id, n.text) for n in notes if n.id.startswith("mtsamples:")][:50]
    if one:
        start = time.perf_counter()
        for note in one:
            extract([note])
        per_note = (time.perf_counter() - start) / len(one)
        print(f"one note per call (CLI-like): {per_note * 1000:.0f} ms per MTSamples note")


if __name__ == "__main__":
    main()
