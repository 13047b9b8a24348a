"""A conversation as the app keeps and exports it: each turn's question and answer JSON, trimmed to what is shown.

The browser keeps the turns (so a reload shows the same conversation) and the Markdown export gives each answer
with its numbered sources, so a conversation can be filed or mailed with the evidence it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# What a kept turn needs to be shown again, rated and exported (not the retrieval trace or timings).
KEPT_KEYS = ("question", "status", "answer", "citations", "checks", "verdict", "kind", "closest", "index")
MAX_TURNS = 50  # a browser's storage is small: older turns drop off


def saved_turn(result: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an answer's JSON that a kept conversation stores."""
    return {k: result.get(k) for k in KEPT_KEYS if k in result}


def kept(turns: Any) -> list[dict[str, Any]]:
    """Turns read back from the browser: anything that is not a turn with a question is dropped."""
    if not isinstance(turns, list):
        return []
    return [dict(t) for t in turns if isinstance(t, Mapping) and isinstance(t.get("question"), str)
            and isinstance(t.get("answer"), str)][-MAX_TURNS:]


def _md(text: object) -> str:
    """Bulletin and answer text made inert in Markdown viewers (no raw HTML), one line."""
    return " ".join(str(text or "").split()).replace("<", "&lt;")


def to_markdown(turns: Sequence[Mapping[str, Any]], title: str = "Conversation with the customs assistant") -> str:
    """The conversation as Markdown: each question, its answer, and the sources it cites with their exact spans."""
    lines = [f"# {title}", ""]
    if not turns:
        return "\n".join([*lines, "No questions asked yet.", ""])
    index = turns[-1].get("index") or {}
    if index:
        lines += [f"Answers read from index {index.get('fingerprint')} ({index.get('bulletins')} bulletins).", ""]
    for i, turn in enumerate(turns, start=1):
        lines += [f"## {i}. {_md(turn.get('question'))}", "", _md(turn.get("answer")), ""]
        if turn.get("status") == "not_found":
            lines += ["*Not found in the bulletins.*", ""]
        citations = turn.get("citations") or []
        if citations:
            lines += ["Sources:", ""]
            for c in citations:
                page = f", page {c['page']}" if c.get("page") else ""
                date = c.get("date_text") or c.get("date") or "date not given"
                lines.append(f"{c.get('n')}. {_md(c.get('title'))} — `{_md(c.get('source'))}` ({_md(date)}), "
                             f"chars {c.get('start')}–{c.get('end')}{page}: \"{_md(c.get('quote'))}\"")
            lines.append("")
    return "\n".join(lines)
