"""Index-side records: a chunk of a bulletin with the exact span it covers."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.records import content_id


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a bulletin; ``text == bulletin.text[start:end]``."""

    chunk_id: str
    doc_id: str
    source: str
    start: int
    end: int
    text: str

    @classmethod
    def make(cls, doc_id: str, source: str, start: int, end: int, text: str) -> Chunk:
        """Id from the document's content hash and the span, so unchanged text keeps its chunk ids."""
        return cls(content_id(f"{doc_id}:{start}:{end}"), doc_id, source, start, end, text)
