"""Answer-side records: retrieved passages, citations and the answer with its JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.records import PartialDate


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with where it came from and how it scored."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    date: PartialDate | None
    start: int
    end: int
    text: str
    score: float
    dense: float | None = None
    keyword: float | None = None
    partners: tuple[str, ...] = ()

    def to_json(self, snippet: str | None = None) -> dict[str, Any]:
        return {
            "source": self.source, "doc_id": self.doc_id, "title": self.title,
            "date": self.date.iso if self.date else None,
            "date_text": self.date.label() if self.date else None,
            "score": round(self.score, 6), "start": self.start, "end": self.end,
            "snippet": snippet if snippet is not None else self.text,
            "chunk_id": self.chunk_id, "partners": list(self.partners),
        }


@dataclass(frozen=True)
class Citation:
    """One cited sentence: ``quote == bulletin.text[start:end]``."""

    n: int
    source: str
    doc_id: str
    title: str
    date: str | None
    quote: str
    start: int
    end: int
    date_text: str | None = None
    page: int | None = None  # the PDF page the quote starts on; None for bulletins without pages

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n, "source": self.source, "doc_id": self.doc_id, "title": self.title,
            "date": self.date, "quote": self.quote, "start": self.start, "end": self.end,
            "date_text": self.date_text, "page": self.page,
        }


@dataclass(frozen=True)
class Answer:
    """What ``ask`` returns. ``to_json`` is a contract other tools read: add keys, never rename."""

    question: str
    status: str  # "answered" | "not_found"
    answer: str
    citations: tuple[Citation, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    retrieved: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    kind: str | None = None
    partners: tuple[str, ...] = ()
    closest: tuple[dict[str, Any], ...] = ()
    verdict: str = "supported"
    intent: dict[str, Any] | None = None
    llm: dict[str, Any] | None = None
    index: dict[str, Any] | None = None  # the index state it was read from (assistant.index_state)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "checks": list(self.checks),
            "verdict": self.verdict,
            "kind": self.kind,
            "partners": list(self.partners),
            "closest": list(self.closest),
            "intent": self.intent,
            "llm": self.llm,
            "retrieved": [
                {"source": p.source, "doc_id": p.doc_id, "score": round(p.score, 6), "chunk_id": p.chunk_id}
                for p in self.retrieved
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "index": self.index,
        }
