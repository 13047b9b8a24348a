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
CREATE TABLE IF NOT EXISTS catalog_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""
# Version 1: chunks_fts rows share the rowid of their chunks row, so a bulletin's keyword rows are
# deleted through the chunks_source index instead of a scan of the whole FTS table.
_LAYOUT = 1


@dataclass(frozen=True)
class FileStamp:
    """A file's size and modification time when it was read: equal stamps mean the file need not be read."""

    size: int
    mtime_ns: int


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
        """Add columns and indexes that newer versions keep, so an existing data folder keeps working."""
        have = {r[1] for r in self.conn.execute("PRAGMA table_info(documents)")}
        for column in ("date_start", "date_end"):
            if column not in have:
                self.conn.execute(f"ALTER TABLE documents ADD COLUMN {column} INTEGER NOT NULL DEFAULT -1")
        for column in ("file_size", "file_mtime_ns"):  # NULL: not read from disk (an upload) or not yet stamped
            if column not in have:
                self.conn.execute(f"ALTER TABLE documents ADD COLUMN {column} INTEGER")
        self.conn.execute("CREATE INDEX IF NOT EXISTS documents_doc_id ON documents(doc_id)")
        if self.conn.execute("SELECT 1 FROM catalog_meta WHERE key = 'generation'").fetchone() is None:
            self.conn.execute("INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('generation', 0)")
        layout = self.conn.execute("SELECT value FROM catalog_meta WHERE key = 'layout'").fetchone()
        if layout is None or int(layout[0]) < _LAYOUT:
            with self.transaction(bump=False):
                self.conn.execute("DELETE FROM chunks_fts")
                self.conn.execute(
                    "INSERT INTO chunks_fts (rowid, chunk_id, source, text) SELECT rowid, chunk_id, source, text FROM chunks"
                )
                self.conn.execute("INSERT OR REPLACE INTO catalog_meta (key, value) VALUES ('layout', ?)", (_LAYOUT,))

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic write; a committed write that changes what readers see advances ``generation()``."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            if bump:
                self.conn.execute("UPDATE catalog_meta SET value = value + 1 WHERE key = 'generation'")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def generation(self) -> int:
        """A number that grows with every committed write, by any process: compare it to reload caches."""
        row = self.conn.execute("SELECT value FROM catalog_meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    # -- writes (call inside transaction) -------------------------------------------------
    def put(self, bulletin: Bulletin, chunks: list[Chunk], stamp: FileStamp | None = None) -> None:
        """Store a bulletin and its chunks under its source; ``stamp`` is the file's size and mtime when read."""
        self.remove(bulletin.source)
        d = bulletin.date
        self.conn.execute(
            "INSERT INTO documents (source, doc_id, title, text, date_iso, date_text, date_key, year, month, day,"
            " date_start, date_end, partners, mentioned, issuer, home, extra, file_size, file_mtime_ns)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                bulletin.source, bulletin.doc_id, bulletin.title, bulletin.text,
                d.iso if d else None, d.text if d else None, d.sort_key if d else 0,
                d.year if d else None, d.month if d else None, d.day if d else None,
                d.start if d else -1, d.end if d else -1,
                json.dumps(list(bulletin.partners)), json.dumps(list(bulletin.mentioned)),
                bulletin.issuer, bulletin.home, json.dumps(bulletin.extra),
                stamp.size if stamp else None, stamp.mtime_ns if stamp else None,
            ),
        )
        for c in chunks:
            cur = self.conn.execute(
                'INSERT INTO chunks (chunk_id, source, doc_id, start, "end", text) VALUES (?,?,?,?,?,?)',
                (c.chunk_id, c.source, c.doc_id, c.start, c.end, c.text),
            )
            self.conn.execute(
                "INSERT INTO chunks_fts (rowid, chunk_id, source, text) VALUES (?,?,?,?)",
                (cur.lastrowid, c.chunk_id, c.source, c.text),
            )

    def remove(self, source: str) -> None:
        self.conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE source = ?)", (source,))
        self.conn.execute("DELETE FROM chunks WHERE source = ?", (source,))
        self.conn.execute("DELETE FROM documents WHERE source = ?", (source,))

    def restamp(self, source: str, stamp: FileStamp) -> None:
        """Record a re-read file's new size and mtime when its text did not change."""
        self.conn.execute(
            "UPDATE documents SET file_size = ?, file_mtime_ns = ? WHERE source = ?",
            (stamp.size, stamp.mtime_ns, source),
        )

    # -- reads -----------------------------------------------------------------------------
    def document(self, source: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE source = ?", (source,)).fetchone()
        return _doc(row) if row else None

    def by_doc_id(self, doc_id: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def stamps(self) -> dict[str, FileStamp]:
        """Size and mtime of every bulletin read from disk, by source: lets ingest skip unchanged files unread."""
        rows = self.conn.execute(
            "SELECT source, file_size, file_mtime_ns FROM documents WHERE file_size IS NOT NULL"
            " AND file_mtime_ns IS NOT NULL"
        ).fetchall()
        return {r[0]: FileStamp(int(r[1]), int(r[2])) for r in rows}

    def chunk_ids_by_source(self, sources: list[str]) -> dict[str, list[str]]:
        """Chunk ids of many bulletins in one query."""
        out: dict[str, list[str]] = {s: [] for s in sources}
        for i in range(0, len(sources), 500):
            part = sources[i:i + 500]
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(f"SELECT source, chunk_id FROM chunks WHERE source IN ({marks})", part):
                out[r[0]].append(r[1])
        return out

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
