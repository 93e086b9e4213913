"""Words every writer prints for the same data, so a brief reads alike in every format."""

from __future__ import annotations

# BibEntry.status -> what the reader sees after a reference.
STATUS_WORDS: dict[str, str] = {
    "verified": "source verified",
    "partially": "source partially verified",
    "unverified": "source not verified",
}


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, f"source {status}")
