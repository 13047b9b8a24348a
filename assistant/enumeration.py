"""How many items a text lists after announcing their number ("Three stages: …; …; and …").

A count that heads a list can be checked against the list itself before any bulletin is consulted: "Six:
Indonesia, Nicaragua and Peru" contradicts itself whatever the bulletins say. Items are split on semicolons when
the list has them, else on commas, with a final "and" counted as a separator only as an upper bound ("a, b and c"
may be three items or two, if "b and c" is one).
"""

from __future__ import annotations

import re

from corpus.patterns import rx

# The count, up to three words naming what is counted, then the colon that opens the list.
_HEAD = re.compile(r"^(?:\s+[\w'’-]+){0,3}\s*:\s*")
_ASIDE = re.compile(r"\([^()]*\)")
_AND = re.compile(r"\s(?:and|or)\s", re.I)


def listed(sentence: str, count_end: int) -> tuple[int, int] | None:
    """The fewest and most items the list after a heading count ends at ``count_end`` may hold, or None when the
    count heads no list (no colon right after it, or fewer than two items)."""
    head = _HEAD.match(sentence[count_end:])
    if head is None:
        return None
    body = _ASIDE.sub(" ", sentence[count_end + head.end():]).strip().rstrip(".").strip()
    if ";" in body:
        parts = [p for p in body.split(";") if p.strip()]
        return (len(parts), len(parts)) if len(parts) >= 2 else None
    parts = [p for p in body.split(",") if p.strip()]
    last = rx(r"^\s*(?:and|or)\s").sub(" ", parts[-1]) if parts else ""
    extra = len(_AND.findall(last))
    if len(parts) + extra < 2:
        return None
    return len(parts), len(parts) + extra
