"""The SQLite catalog: which bulletins are indexed, their text and chunks, and an FTS5 keyword index.

Keyword search lives here, per chunk, so adding one bulletin inserts its rows and never rebuilds
the whole keyword index.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.patterns import rx
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
CREATE TABLE IF NOT EXISTS vector_journal (  -- ids whose vectors may outlive their chunk rows (index.vector_journal)
    chunk_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    PRIMARY KEY (chunk_id, owner)
);
CREATE TABLE IF NOT EXISTS refused_files (
    path TEXT PRIMARY KEY,
    file_size INTEGER NOT NULL,
    file_mtime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL,
    limits TEXT NOT NULL
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
    pages: tuple[int, ...] = ()  # where each page starts in ``text`` (PDF bulletins); empty otherwise

    @property
    def date_iso(self) -> str | None:
        return self.date.iso if self.date else None

    @property
    def date_key(self) -> int:
        return self.date.sort_key if self.date else 0

    def page_of(self, offset: int) -> int | None:
        """The page (1-based) of a PDF bulletin holding ``offset``; None for a bulletin without pages."""
        from corpus.documents import page_at

        return page_at(self.pages, offset)

    def economies(self) -> set[str]:
        """Every economy the bulletin names, its issuer's own included: what a partner filter matches."""
        return set(self.partners) | set(self.mentioned) | ({self.home} if self.home else set())


class ThreadConnections:
    """One SQLite connection per thread to one file, each closed when its thread is gone or on ``close()``.

    A connection shared by threads would mix their statements into one transaction (a reader could see
    a writer's uncommitted rows) and serialise them on its mutex.
    """

    BUSY_TIMEOUT_S = 30.0  # a writer in another process holds the file at most for one bulletin's write

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._by_thread: dict[threading.Thread, sqlite3.Connection] = {}

    def get(self) -> sqlite3.Connection:
        me = threading.current_thread()
        conn = self._by_thread.get(me)
        if conn is not None:
            return conn
        conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None,
                               timeout=self.BUSY_TIMEOUT_S)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            for thread in [t for t in self._by_thread if not t.is_alive()]:
                self._by_thread.pop(thread).close()
            self._by_thread[me] = conn
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._by_thread.values():
                conn.close()
            self._by_thread.clear()


def partner_key(name: str) -> str:
    """Metadata key for a partner filter: Chroma metadata holds scalars, so one flag per economy."""
    return "p_" + rx(r"[^a-z0-9]+").sub("_", name.lower()).strip("_")


class Catalog:
    """All SQLite state of the index. Writes happen inside ``transaction()`` so a failure rolls back.

    Each thread reads through its own connection (``conn``), so questions answered in parallel never
    share a cursor or wait on one another; the file is in WAL mode, so they do not wait on a writer
    either. Writes are serialised: one lock in this process, ``BEGIN IMMEDIATE`` across processes.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._connections = ThreadConnections(path)
        self._write_lock = threading.RLock()
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.executescript(_SCHEMA)
        self._migrate()

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        return self._connections.get()

    def _migrate(self) -> None:
        """Add columns and indexes that newer versions keep, so an existing data folder keeps working."""
        have = {r[1] for r in self.conn.execute("PRAGMA table_info(documents)")}
        for column in ("date_start", "date_end"):
            if column not in have:
                self.conn.execute(f"ALTER TABLE documents ADD COLUMN {column} INTEGER NOT NULL DEFAULT -1")
        for column in ("file_size", "file_mtime_ns"):  # NULL: not read from disk (an upload) or not yet stamped
            if column not in have:
                self.conn.execute(f"ALTER TABLE documents ADD COLUMN {column} INTEGER")
        if "pages" not in have:  # page starts of a PDF bulletin, as a JSON list
            self.conn.execute("ALTER TABLE documents ADD COLUMN pages TEXT NOT NULL DEFAULT '[]'")
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
        self._connections.close()

    @contextmanager
    def transaction(self, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic write; a committed write that changes what readers see advances ``generation()``."""
        with self._write_lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if bump:
                    conn.execute("UPDATE catalog_meta SET value = value + 1 WHERE key = 'generation'")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Statements inside see one committed state of the file (a WAL read transaction), even while
        another thread or process commits."""
        conn = self.conn
        if conn.in_transaction:  # inside this thread's write: it already sees one state
            yield
            return
        conn.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            conn.execute("COMMIT")

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
            " date_start, date_end, partners, mentioned, issuer, home, extra, file_size, file_mtime_ns, pages)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                bulletin.source, bulletin.doc_id, bulletin.title, bulletin.text,
                d.iso if d else None, d.text if d else None, d.sort_key if d else 0,
                d.year if d else None, d.month if d else None, d.day if d else None,
                d.start if d else -1, d.end if d else -1,
                json.dumps(list(bulletin.partners)), json.dumps(list(bulletin.mentioned)),
                bulletin.issuer, bulletin.home, json.dumps(bulletin.extra),
                stamp.size if stamp else None, stamp.mtime_ns if stamp else None,
                json.dumps(list(bulletin.pages)),
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

    def refusals(self, limits: str) -> dict[str, tuple[FileStamp, str]]:
        """Files the reader refused under these ``limits`` (size limit, time budget, reader version), by source,
        with their size and mtime then and the reason: an unchanged file is refused again unread (a 5 MB file
        that spent its whole time budget costs it once, not on every ingest)."""
        rows = self.conn.execute("SELECT path, file_size, file_mtime_ns, reason FROM refused_files WHERE limits = ?",
                                 (limits,)).fetchall()
        return {r[0]: (FileStamp(int(r[1]), int(r[2])), str(r[3])) for r in rows}

    def remember_refusal(self, source: str, stamp: FileStamp, reason: str, limits: str) -> None:
        with self.transaction(bump=False) as conn:
            conn.execute("INSERT OR REPLACE INTO refused_files (path, file_size, file_mtime_ns, reason, limits)"
                         " VALUES (?,?,?,?,?)", (source, stamp.size, stamp.mtime_ns, reason, limits))

    def forget_refusals(self, sources: Iterable[str]) -> None:
        gone = [(s,) for s in sources]
        if gone:
            with self.transaction(bump=False) as conn:
                conn.executemany("DELETE FROM refused_files WHERE path = ?", gone)

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

    def allowed_chunks(self, ids: list[str], where: DocumentFilter) -> set[str]:
        """Which of these chunks belong to a bulletin ``where`` allows: one lookup by primary key each."""
        if not ids:
            return set()
        sql, params = where.sql()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT c.chunk_id FROM chunks c JOIN documents d ON d.source = c.source WHERE c.chunk_id IN ({marks})"
            f" AND {sql}", (*ids, *params))
        return {r[0] for r in rows}

    def keyword_search(self, query: str, limit: int, sources: set[str] | None = None,
                       where: DocumentFilter | None = None) -> list[tuple[str, float]]:
        """BM25-ranked chunk ids for the query's words (any of them), best first.

        ``where`` restricts the bulletins inside the query (joined on its source), so the top ``limit``
        are taken after filtering, without listing the allowed bulletins first.
        """
        terms = [t for t in rx(r"\w+").findall(query.lower()) if len(t) > 1]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        if where is not None:
            sql, params = where.sql()
            rows = self.conn.execute(
                "SELECT f.chunk_id, bm25(chunks_fts) AS rank FROM chunks_fts f JOIN documents d ON d.source = f.source"
                f" WHERE chunks_fts MATCH ? AND {sql} ORDER BY rank LIMIT ?",
                (match, *params, limit),
            ).fetchall()
            return [(r[0], -float(r[1])) for r in rows]
        rows = self.conn.execute(
            "SELECT chunk_id, source, bm25(chunks_fts) AS rank FROM chunks_fts WHERE chunks_fts MATCH ?"
            " ORDER BY rank LIMIT ?",
            (match, limit * 4 if sources is not None else limit),
        ).fetchall()
        out = [(r[0], -float(r[2])) for r in rows if sources is None or r[1] in sources]
        return out[:limit]


@dataclass(frozen=True)
class DocumentFilter:
    """A partner and date-range restriction as SQL over ``documents d``: the same test as the search filters.

    A bulletin matches a partner it names in any role (partner, mentioned, its own issuer's economy);
    a date range needs a known year, and a bulletin dated to the month only is inside until the end of
    ``until_key``'s month.
    """

    partner: str | None = None
    since_key: int | None = None
    until_key: int | None = None

    def sql(self) -> tuple[str, tuple[object, ...]]:
        parts: list[str] = ["1"]
        params: list[object] = []
        if self.partner:
            parts.append("(d.home = ? OR EXISTS (SELECT 1 FROM json_each(d.partners) WHERE value = ?)"
                         " OR EXISTS (SELECT 1 FROM json_each(d.mentioned) WHERE value = ?))")
            params += [self.partner] * 3
        if self.since_key is not None:
            parts.append("d.year IS NOT NULL AND d.date_key >= ?")
            params.append(self.since_key)
        if self.until_key is not None:
            parts.append("d.year IS NOT NULL AND d.date_key <= ? + (CASE WHEN d.day IS NULL THEN 99 ELSE 0 END)")
            params.append(self.until_key)
        return " AND ".join(parts), tuple(params)


def _doc(row: sqlite3.Row) -> DocumentRow:
    date = None
    if row["date_text"] is not None or row["year"] is not None:
        date = PartialDate(row["year"], row["month"], row["day"], row["date_text"] or "", row["date_start"],
                           row["date_end"])
    return DocumentRow(
        source=row["source"], doc_id=row["doc_id"], title=row["title"], text=row["text"], date=date,
        partners=tuple(json.loads(row["partners"])), mentioned=tuple(json.loads(row["mentioned"])),
        issuer=row["issuer"], home=row["home"], ingested_at=row["ingested_at"],
        pages=tuple(json.loads(row["pages"] or "[]")),
    )
