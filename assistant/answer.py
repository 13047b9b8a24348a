"""Extractive answers: the best-supported sentences, each with a citation to its exact span."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.evidence import Evidence
from assistant.records import Citation
from corpus.patterns import rx

# Below this a sentence does not answer the question (calibrated on the seed gold set with
# `customs-assistant eval seed`; MiniLM cosine for unrelated customs text sits around 0.1-0.3).
MIN_SCORE = 0.42


class CitationBook:
    """Numbers citations in order of first use; the same span cited twice keeps its number."""

    def __init__(self) -> None:
        self._by_span: dict[tuple[str, int, int], Citation] = {}

    def cite(self, e: Evidence) -> int:
        key = (e.passage.source, e.sentence.start, e.sentence.end)
        if key not in self._by_span:
            p = e.passage
            self._by_span[key] = Citation(
                n=len(self._by_span) + 1, source=p.source, doc_id=p.doc_id, title=p.title,
                date=p.date.iso if p.date else None, quote=e.sentence.text,
                start=e.sentence.start, end=e.sentence.end, date_text=p.date.label() if p.date else None,
            )
        return self._by_span[key].n

    def cite_through(self, e: Evidence, end: int) -> int:
        """Cite from ``e``'s sentence to ``end`` (a document offset inside its passage): a heading with the rows
        of the table under it."""
        p = e.passage
        quote = p.text[e.sentence.start - p.start:end - p.start]
        key = (p.source, e.sentence.start, end)
        if key not in self._by_span:
            self._by_span[key] = Citation(
                n=len(self._by_span) + 1, source=p.source, doc_id=p.doc_id, title=p.title,
                date=p.date.iso if p.date else None, quote=quote, start=e.sentence.start, end=end,
                date_text=p.date.label() if p.date else None,
            )
        return self._by_span[key].n

    def cite_span(self, source: str, doc_id: str, title: str, date: str | None, text: str, start: int, end: int,
                  date_text: str | None = None) -> int:
        key = (source, start, end)
        if key not in self._by_span:
            self._by_span[key] = Citation(len(self._by_span) + 1, source, doc_id, title, date, text[start:end], start,
                                          end, date_text)
        return self._by_span[key].n

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(sorted(self._by_span.values(), key=lambda c: c.n))


def relevant(evidence: Sequence[Evidence], min_score: float = MIN_SCORE) -> list[Evidence]:
    """Sentences good enough to answer with: above the floor and close to the best one."""
    # A question line (an FAQ's "Q3. Does it …?") asks; it does not answer.
    evidence = [e for e in evidence if not e.sentence.text.rstrip().endswith("?")]
    if not evidence or evidence[0].score < min_score:
        return []
    best = evidence[0].score
    return [e for e in evidence if e.score >= max(min_score, best * 0.85)]


def extractive(evidence: Sequence[Evidence], book: CitationBook, max_sentences: int = 3) -> str:
    """The top sentences in reading order, each followed by its citation marker."""
    chosen: list[Evidence] = []
    seen: set[str] = set()
    for e in relevant(evidence):
        key = " ".join(e.sentence.text.lower().split())
        if key not in seen:
            seen.add(key)
            chosen.append(e)
        if len(chosen) == max_sentences:
            break
    chosen.sort(key=lambda e: (e.passage.source, e.sentence.start))
    parts = []
    for e in chosen:
        end = _rows_under(e)
        if end is not None:  # a heading ("Results of the pilot") says nothing; the rows under it do
            n = book.cite_through(e, end)
            rows = e.passage.text[e.sentence.end - e.passage.start:end - e.passage.start]
            parts.append(f"{as_sentence(e.sentence.text)} {'; '.join(r.strip() for r in rows.split(chr(10)) if r.strip())}"
                         f" [{n}]")
            continue
        n = book.cite(e)
        parts.append(f"{as_sentence(e.sentence.text)} [{n}]")
    return " ".join(parts)


_ROW = re.compile(r"^\s*(?:.+\s\|\s.+|(?:\d{1,2}[.)]|[•*–-])\s+.+)$")


def _rows_under(e: Evidence, max_rows: int = 6) -> int | None:
    """The document offset where the table or list right under a heading-like sentence ends, or None when the
    sentence is no heading (it has a figure, or is long) or nothing tabular follows it in its passage."""
    words = e.sentence.text.split()
    if len(words) > 8 or rx(r"\d").search(e.sentence.text):
        return None
    p = e.passage
    pos = e.sentence.end - p.start
    end, rows = None, 0
    for line in rx(r"[^\n]*").finditer(p.text[pos:]):
        if not line.group(0).strip():
            continue
        if not _ROW.match(line.group(0)) or rows == max_rows:
            break
        rows += 1
        end = p.start + pos + line.end()
    return end


def as_sentence(text: str) -> str:
    """A quoted sentence as it stands in running text: trimmed, on one line (a bulletin's hard line break inside a
    sentence is layout, not meaning; the citation keeps the exact span), and ending with a full stop."""
    text = rx(r"\s*\n\s*").sub(" ", text.strip()).lstrip(";, ")
    return text if text.endswith((".", "!", "?", "。")) else text + "."


_MARKER = re.compile(r"\[(\d+)\]")


def renumber(text: str, citations: tuple[Citation, ...]) -> tuple[str, tuple[Citation, ...]]:
    """Number citations in the order a reader meets them, and drop any the text does not use."""
    order: dict[int, int] = {}
    for m in _MARKER.finditer(text):
        old = int(m.group(1))
        if old not in order and any(c.n == old for c in citations):
            order[old] = len(order) + 1
    text = _MARKER.sub(lambda m: f"[{order.get(int(m.group(1)), int(m.group(1)))}]", text)
    kept = sorted((replace(c, n=order[c.n]) for c in citations if c.n in order), key=lambda c: c.n)
    return text, tuple(kept)
