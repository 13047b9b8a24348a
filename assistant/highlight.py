"""Snippets with the query's words marked, for staff scanning search results."""

from __future__ import annotations

import re

from assistant.evidence import STOPWORDS, _stem


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of ``text`` whose words match a content word of the query (stem-insensitive)."""
    wanted = {_stem(w) for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS and len(w) > 1}
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text) if _stem(m.group(0).lower()) in wanted]


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
