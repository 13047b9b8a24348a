"""The SQLite catalog: which bulletins are indexed, their text and chunks, and an FTS5 keyword index.

Keyword search lives here, per chunk, so adding one bulletin inserts its rows and never rebuilds
the whole keyword index.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.records import Bulletin, PartialDate
from index.records import Chunk

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    date_iso TEXT,
    date_text TEXT,
    date_key INTEGER NOT NULL DEFAULT 0,
    year INTEGER, month INTEGER, day INTEGER,
    date_start INTEGER NOT NULL DEFAULT -1, date_end INTEGER NOT NULL DEFAULT -1,
    partners TEXT NOT NULL DEFAULT '[]',
    mentioned TEXT NOT NULL DEFAULT '[]',
    issuer TEXT, home TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    ingested_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    source TEXT NOT NULL REFERENCES documents(source) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    chunk_id UNINDEXED, source UNINDEXED, text, tokenize = 'porter unicode61'
);
"""


@dataclass(frozen=True)
class DocumentRow:
    """What the catalog knows of an indexed bulletin."""

    source: str
    doc_id: str
    title: str
    text: str
    date: PartialDate | None
    partners: tuple[str, ...]
    mentioned: tuple[str, ...]
    issuer: str | None
    home: str | None
    ingested_at: str

    @property
    def date_iso(self) -> str | None:
        return self.date.iso if self.date else None

    @property
    def date_key(self) -> int:
        return self.date.sort_key if self.date else 0

    def economies(self) -> set[str]:
        """Every economy the bulletin names, its issuer's own included: what a partner filter matches."""
        return set(self.partners) | set(self.mentioned) | ({self.home} if self.home else set())


def partner_key(name: str) -> str:
    """Metadata key for a partner filter: Chroma metadata holds scalars, so one flag per economy."""
    return "p_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


class Catalog:
    """All SQLite state of the index. Writes happen inside ``transaction()`` so a failure rolls back."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.executescript(_SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Add columns that newer versions keep, so an existing data folder keeps working."""
        have = {r[1] for r in self.conn.execute("PRAGMA table_info(documents)")}
        for column in ("date_start", "date_end"):
            if column not in have:
                self.conn.execute(f"ALTER TABLE documents ADD COLUMN {column} INTEGER NOT NULL DEFAULT -1")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- writes (call inside transaction) -------------------------------------------------
    def put(self, bulletin: Bulletin, chunks: list[Chunk]) -> None:
        self.remove(bulletin.source)
        d = bulletin.date
        self.conn.execute(
            "INSERT INTO documents (source, doc_id, title, text, date_iso, date_text, date_key, year, month, day,"
            " date_start, date_end, partners, mentioned, issuer, home, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                bulletin.source, bulletin.doc_id, bulletin.title, bulletin.text,
                d.iso if d else None, d.text if d else None, d.sort_key if d else 0,
                d.year if d else None, d.month if d else None, d.day if d else None,
                d.start if d else -1, d.end if d else -1,
                json.dumps(list(bulletin.partners)), json.dumps(list(bulletin.mentioned)),
                bulletin.issuer, bulletin.home, json.dumps(bulletin.extra),
            ),
        )
        self.conn.executemany(
            'INSERT INTO chunks (chunk_id, source, doc_id, start, "end", text) VALUES (?,?,?,?,?,?)',
            [(c.chunk_id, c.source, c.doc_id, c.start, c.end, c.text) for c in chunks],
        )
        self.conn.executemany(
            "INSERT INTO chunks_fts (chunk_id, source, text) VALUES (?,?,?)",
            [(c.chunk_id, c.source, c.text) for c in chunks],
        )

    def remove(self, source: str) -> None:
        self.conn.execute("DELETE FROM chunks_fts WHERE source = ?", (source,))
        self.conn.execute("DELETE FROM chunks WHERE source = ?", (source,))
        self.conn.execute("DELETE FROM documents WHERE source = ?", (source,))

    # -- reads -----------------------------------------------------------------------------
    def document(self, source: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE source = ?", (source,)).fetchone()
        return _doc(row) if row else None

    def by_doc_id(self, doc_id: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def documents(self) -> list[DocumentRow]:
        rows = self.conn.execute("SELECT * FROM documents ORDER BY date_key DESC, source").fetchall()
        return [_doc(r) for r in rows]

    def chunk_ids(self, source: str) -> list[str]:
        rows = self.conn.execute("SELECT chunk_id FROM chunks WHERE source = ?", (source,)).fetchall()
        return [r[0] for r in rows]

    def chunks(self, ids: list[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f'SELECT chunk_id, doc_id, source, start, "end", text FROM chunks WHERE chunk_id IN ({marks})', ids
        ).fetchall()
        return {r[0]: Chunk(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def keyword_search(self, query: str, limit: int, sources: set[str] | None = None) -> list[tuple[str, float]]:
        """BM25-ranked chunk ids for the query's words (any of them), best first."""
        terms = [t for t in re.findall(r"\w+", query.lower()) if len(t) > 1]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        rows = self.conn.execute(
            "SELECT chunk_id, source, bm25(chunks_fts) AS rank FROM chunks_fts WHERE chunks_fts MATCH ?"
            " ORDER BY rank LIMIT ?",
            (match, limit * 4 if sources is not None else limit),
        ).fetchall()
        out = [(r[0], -float(r[2])) for r in rows if sources is None or r[1] in sources]
        return out[:limit]


def _doc(row: sqlite3.Row) -> DocumentRow:
    date = None
    if row["date_text"] is not None or row["year"] is not None:
        date = PartialDate(row["year"], row["month"], row["day"], row["date_text"] or "", row["date_start"],
                           row["date_end"])
    return DocumentRow(
        source=row["source"], doc_id=row["doc_id"], title=row["title"], text=row["text"], date=date,
        partners=tuple(json.loads(row["partners"])), mentioned=tuple(json.loads(row["mentioned"])),
        issuer=row["issuer"], home=row["home"], ingested_at=row["ingested_at"],
    )
