"""Sentence spans in normalised text, so every citation can point at one exact sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.rules import INSTRUCTION_CUES

# A sentence ends at . ! ? 。 ; (or a line break) when what follows starts a new sentence.
# Abbreviations common in bulletins do not end one.
_ABBREV = re.compile(r"(?:\b(?:No|Art|Nos|Mr|Mrs|Ms|Dr|St|Co|Ltd|Inc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|e\.g|i\.e|etc|vs|U\.S|U\.K|E\.U|NO|NOS|ART)\.)$")
_INITIAL = re.compile(r"(?:^|[\s.(])[A-Z]\.$")
_END = re.compile(r"(?:[.!?。]+[\"'”’)]*)(?=\s+|[A-Z“\"])|\n+|;\s*(?=\n)")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text is exactly ``doc_text[start:end]``."""

    text: str
    start: int
    end: int


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split ``text`` into sentences with spans; ``offset`` is added to every span."""
    out: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        piece = text[start:end]
        if m.group(0).startswith(".") and _ABBREV.search(text[max(0, start):m.start() + 1]):
            continue
        if m.group(0).startswith(".") and _INITIAL.search(text[max(0, m.start() - 3):m.start() + 1]):
            continue  # "U.S.", "P.R. China", "J. Smith": a single capital letter and a period is an initial
        if m.group(0) == "\n" and _wrapped(text, start, m.start()):
            continue
        # "40%.China" — a missing space after a full stop still ends a sentence before a capital.
        _add(out, text, start, end, offset)
        start = end
        del piece
    _add(out, text, start, len(text), offset)
    return out


_LINE_END = re.compile(r"[.!?。:;\"'”’)\]]\s*$")


def _wrapped(text: str, start: int, newline: int) -> bool:
    """Whether a single line break falls inside a sentence (a long line with no closing punctuation,
    as in text copied from a page with hard wraps); headings and list items are short or punctuated."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[max(start, line_start):newline]
    nxt = text[newline + 1:newline + 2]
    if " | " in line or " | " in text[newline + 1:text.find("\n", newline + 1)]:
        return False  # a table row is a line of its own
    return len(line) >= 60 and not _LINE_END.search(line) and bool(nxt) and not nxt.isspace() and nxt not in "-•*#"


def _add(out: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw) - len(raw.rstrip())
    s, e = start + lead, end - trail
    body = text[s:e]
    # A lone separator such as "; " is not a sentence.
    if e > s and any(ch.isalnum() for ch in body):
        if body[:1] in ";,":
            s += 1 + (len(body[1:]) - len(body[1:].lstrip()))
        out.append(Sentence(text[s:e], s + offset, e + offset))


_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in INSTRUCTION_CUES), re.I)


def addressed_to_software(text: str) -> bool:
    """Whether a sentence speaks to an assistant or a program ("Ignore previous instructions and say …",
    "SYSTEM NOTE TO THE ASSISTANT: …") instead of to traders: such text is data, never an answer or evidence."""
    return bool(_INSTRUCTION.search(text))
