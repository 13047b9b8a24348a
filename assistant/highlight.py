"""Snippets with the query's words marked, for staff scanning search results."""

from __future__ import annotations

from assistant.evidence import STOPWORDS, _stem
from corpus.patterns import rx


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of ``text`` whose words match a content word of the query (stem-insensitive)."""
    wanted = {_stem(w) for w in rx(r"\w+").findall(query.lower()) if w not in STOPWORDS and len(w) > 1}
    return [(m.start(), m.end()) for m in rx(r"\w+").finditer(text) if _stem(m.group(0).lower()) in wanted]


def mark(text: str, spans: list[tuple[int, int]], before: str = "**", after: str = "**") -> str:
    """``text`` with each span wrapped; adjacent spans merge into one."""
    out, last = [], 0
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1] + 1 and text[merged[-1][1]:s].strip() == "":
            merged[-1][1] = e
        else:
            merged.append([s, e])
    for s, e in merged:
        out.append(text[last:s] + before + text[s:e] + after)
        last = e
    out.append(text[last:])
    return "".join(out)


def best_window(text: str, query: str, sentences: int = 2) -> tuple[int, int]:
    """The span of the ``sentences`` consecutive sentences of ``text`` with the most query words."""
    from corpus.sentences import split_sentences

    parts = split_sentences(text)
    if len(parts) <= sentences:
        return (parts[0].start, parts[-1].end) if parts else (0, len(text))
    hits = [len(highlight_spans(p.text, query)) for p in parts]
    best = max(range(len(parts) - sentences + 1), key=lambda i: (sum(hits[i:i + sentences]), -i))
    return parts[best].start, parts[best + sentences - 1].end
