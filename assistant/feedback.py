"""Users' thumbs up / down on answers, kept in the data folder and turned into a gold-set draft for evaluation.

Each rating keeps what an evaluator needs to judge it later without asking again: the question (with the
conversation's earlier turns), the answer and its citations, the checker's verdicts and the index the answer was
read from. The export writes items in the eval set format (evals/schema.py), so real questions become test items
without being retyped; a thumbs-down item is tagged ``needs-review``, as only a person can say what was wrong.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RATINGS = ("up", "down")
MAX_NOTE_CHARS = 2000
# The eval set's question types (evals/schema.py TYPES) that an answer's kind can be copied to as it is.
_TYPES = {"eligibility", "benefits", "date", "figure", "procedure", "list", "search", "definition"}
_MARKER = re.compile(r"\s*\[\d+\]")
_UNVERIFIED = re.compile(r"\s*\[Not verified against the fact table:.*\]\s*$", re.S)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    note TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    turns TEXT NOT NULL,
    answer TEXT NOT NULL,
    status TEXT,
    verdict TEXT,
    kind TEXT,
    citations TEXT NOT NULL DEFAULT '[]',
    checks TEXT NOT NULL DEFAULT '[]',
    index_state TEXT
);
"""


@dataclass(frozen=True)
class Feedback:
    """One rating of one answer, with what the answer was."""

    id: int
    created: str  # ISO 8601, UTC
    rating: str  # "up" | "down"
    note: str
    turns: tuple[str, ...]  # the conversation's questions, the rated one last
    answer: str
    status: str | None
    verdict: str | None
    kind: str | None
    citations: tuple[dict[str, Any], ...]
    checks: tuple[dict[str, Any], ...]
    index: dict[str, Any] | None

    @property
    def question(self) -> str:
        return self.turns[-1]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "created": self.created, "rating": self.rating, "note": self.note,
                "question": self.question, "turns": list(self.turns), "answer": self.answer, "status": self.status,
                "verdict": self.verdict, "kind": self.kind, "citations": list(self.citations),
                "checks": list(self.checks), "index": self.index}


class FeedbackStore:
    """Ratings in their own SQLite file in the data folder (rating never touches the index or its generation).

    A connection per call, so the app's worker threads can rate at the same time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            conn.executescript(_SCHEMA)
            with conn:
                yield conn
        finally:
            conn.close()

    def add(self, answer: Mapping[str, Any], rating: str, note: str = "", history: Sequence[str] = ()) -> Feedback:
        """Store a rating of ``answer`` (the ask JSON) asked after the questions in ``history``."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
        question = str(answer.get("question") or "").strip()
        if not question:
            raise ValueError("the rated answer has no question")
        note = _note(note)
        turns = [str(t) for t in history if str(t).strip()] + [question]
        citations = [{k: c.get(k) for k in ("n", "source", "title", "date", "quote", "start", "end", "page")}
                     for c in answer.get("citations") or [] if isinstance(c, Mapping)]
        checks = [{"claim": c.get("claim"), "verdict": c.get("verdict"), "note": c.get("note")}
                  for c in _claims(answer.get("checks"))]
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (created, rating, note, question, turns, answer, status, verdict, kind,"
                " citations, checks, index_state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (created, rating, note, question, json.dumps(turns), str(answer.get("answer") or ""),
                 answer.get("status"), answer.get("verdict"), answer.get("kind"), json.dumps(citations),
                 json.dumps(checks), json.dumps(answer.get("index")) if answer.get("index") else None))
            row_id = int(cur.lastrowid or 0)
        found = self.get(row_id)
        assert found is not None
        return found

    def annotate(self, feedback_id: int, note: str) -> Feedback | None:
        """Set the note of a stored rating (a note written after the thumb was clicked); None if there is none."""
        with self._connect() as conn:
            conn.execute("UPDATE feedback SET note = ? WHERE id = ?", (_note(note), feedback_id))
        return self.get(feedback_id)

    def get(self, feedback_id: int) -> Feedback | None:
        if not self.path.exists():
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
        return _row(row) if row else None

    def all(self) -> list[Feedback]:
        """Every rating, oldest first (nothing is created when no rating was ever given)."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            return [_row(r) for r in conn.execute("SELECT * FROM feedback ORDER BY id")]


def _note(note: str) -> str:
    note = " ".join(str(note or "").split())
    if len(note) > MAX_NOTE_CHARS:
        raise ValueError(f"note too long ({len(note):,} characters; the limit is {MAX_NOTE_CHARS:,})")
    return note


def _claims(checks: Any) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for check in checks or []:
        if isinstance(check, Mapping):
            out.extend(c for c in check.get("claims") or [check] if isinstance(c, Mapping))
    return out


def _row(row: sqlite3.Row) -> Feedback:
    return Feedback(
        id=int(row["id"]), created=row["created"], rating=row["rating"], note=row["note"],
        turns=tuple(json.loads(row["turns"])), answer=row["answer"], status=row["status"], verdict=row["verdict"],
        kind=row["kind"], citations=tuple(json.loads(row["citations"])), checks=tuple(json.loads(row["checks"])),
        index=json.loads(row["index_state"]) if row["index_state"] else None,
    )


# -- the gold-set draft ----------------------------------------------------------------------------
def gold_item(fb: Feedback) -> dict[str, Any]:
    """One eval item (evals/schema.py format) drafted from a rating.

    Thumbs up on an answer: its text is the reference, its supported figures the required facts, its cited
    bulletins the gold sources. Thumbs up on "not found": an unanswerable item. Thumbs down: the question with
    the rejected answer kept under ``feedback`` and the tag ``needs-review`` (the right answer is for a person to
    write). Every draft item validates as it is, so the draft can be run at once.
    """
    item: dict[str, Any] = {"id": f"feedback-{fb.id}"}
    if len(fb.turns) > 1:
        item["turns"] = list(fb.turns)
    else:
        item["question"] = fb.question
    sources = sorted({str(c["source"]) for c in fb.citations if c.get("source")})
    tags = ["feedback", f"thumbs-{fb.rating}"]
    if fb.rating == "up" and fb.status == "not_found":
        item.update(expected={}, sources=[], answerable=False, type="unanswerable")
    elif fb.rating == "up":
        text = _MARKER.sub("", _UNVERIFIED.sub("", fb.answer)).strip()
        facts = [[str(c["claim"])] for c in fb.checks if c.get("verdict") == "supported" and c.get("claim")]
        item["expected"] = {"answer": text, **({"facts": facts} if facts else {})}
        if sources:
            item["sources"] = sources
        item.update(answerable=True, type=_type(fb))
    else:
        item.update(answerable=True, type=_type(fb))
        tags.append("needs-review")
    item["tags"] = tags
    item["notes"] = f"drafted from a thumbs-{fb.rating} rating on {fb.created}" + (f": {fb.note}" if fb.note else "")
    item["feedback"] = {"rating": fb.rating, "note": fb.note, "created": fb.created, "answer": fb.answer,
                        "status": fb.status, "verdict": fb.verdict, "citations": list(fb.citations),
                        "checks": list(fb.checks), "index": fb.index}
    return item


def _type(fb: Feedback) -> str:
    if len(fb.turns) > 1:
        return "follow-up"
    return fb.kind if fb.kind in _TYPES else "other"


def gold_draft(entries: Iterable[Feedback]) -> list[dict[str, Any]]:
    """Draft items for a set of ratings; a conversation rated more than once keeps its latest rating."""
    latest: dict[tuple[str, ...], Feedback] = {}
    for fb in entries:
        latest.pop(fb.turns, None)
        latest[fb.turns] = fb
    return [gold_item(fb) for fb in latest.values()]


def to_jsonl(items: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
