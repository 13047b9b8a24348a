"""Which bulletins, in which versions, an answer or an evaluation run was produced from.

An uploaded bulletin can change answers to unrelated questions, so every answer and every eval run records a
short fingerprint of the index it read: a hash over the sorted (source, content hash) pairs, with the count and
the catalog generation. Two runs with the same fingerprint read the same bulletins, whatever the generation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndexState:
    """The index as one answer saw it."""

    fingerprint: str  # 12 hex digits over the sorted (source, doc_id) pairs; doc_id is the text's content hash
    bulletins: int
    generation: int

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "bulletins": self.bulletins, "generation": self.generation}

    def label(self) -> str:
        """One line for a footer or a report."""
        return (f"index {self.fingerprint} · {self.bulletins} bulletin{'s' if self.bulletins != 1 else ''}"
                f" · generation {self.generation}")


def index_state(generation: int, documents: Iterable[Any]) -> IndexState:
    """The state of an index holding ``documents`` (anything with ``source`` and ``doc_id``)."""
    pairs = sorted((d.source, d.doc_id) for d in documents)
    digest = hashlib.sha256()
    for source, doc_id in pairs:
        digest.update(f"{source}\0{doc_id}\n".encode())
    return IndexState(digest.hexdigest()[:12], len(pairs), generation)


def state_label(state: Mapping[str, Any] | None) -> str:
    """The footer line for an ``IndexState`` given as JSON (as answers and run.json carry it)."""
    if not state:
        return "index state not recorded"
    return IndexState(str(state.get("fingerprint")), int(state.get("bulletins") or 0),
                      int(state.get("generation") or 0)).label()
