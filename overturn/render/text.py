"""Text as every writer prints it: one definition of the characters that never reach an output file."""

from __future__ import annotations

import re

# Characters that never reach an output file:
# - C0/C1 controls other than tab and newline (illegal in XML, invisible or destructive in PDF text);
# - bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and the LRM/RLM/ALM marks:
#   in a clinical document they can make "evil" display as "live" (the "Trojan Source" trick);
# - lone surrogates and the noncharacters U+FFFE/U+FFFF, which no encoder accepts.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def clean_text(text: str) -> str:
    """Text as every writer prints it: unsafe characters dropped, CR/CRLF and tabs made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _UNSAFE.sub("", text)
