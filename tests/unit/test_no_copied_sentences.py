"""No sentence of the source guide is copied anywhere in the project: facts carry over, sentences don't."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

RUN = 12
TEXT_SUFFIXES = (".py", ".yaml", ".yml", ".md", ".txt", ".typ", ".html", ".json", ".toml", ".css")


def words(text: str) -> list[str]:
    text = text.replace("\u00d8", "0").replace("\u2019", "'")
    return re.findall(r"[a-z0-9]+", text.lower())


def test_no_12_word_run_of_the_guide_appears_in_any_tracked_file(shared_dir: Path, root_dir: Path) -> None:
    seed = words(next((shared_dir / "seed").glob("*.txt")).read_text(encoding="utf-8", errors="replace"))
    runs = {" ".join(seed[i:i + RUN]) for i in range(len(seed) - RUN + 1)}
    files = subprocess.run(["git", "ls-files"], cwd=root_dir, capture_output=True, text=True,
                           check=True).stdout.split()
    hits = []
    for name in files:
        if not name.endswith(TEXT_SUFFIXES):
            continue
        w = words((root_dir / name).read_text(encoding="utf-8", errors="replace"))
        copied = [" ".join(w[i:i + RUN]) for i in range(len(w) - RUN + 1) if " ".join(w[i:i + RUN]) in runs]
        if copied:
            hits.append(f"{name}: {copied[0]!r}")
    assert hits == []
