"""Does the index agree with itself? Catalog rows, keyword (FTS) rows, vectors and derived rows, compared.

An ingest writes one bulletin per SQLite transaction and its vectors inside it, so after any crash the
four views must still describe the same bulletins. The reliability suite runs this after every batch of
hostile input and after every ``kill -9``; a non-empty ``problems`` list is an inconsistent store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.catalog import Catalog
from index.store import VectorStore

_OWN_TABLES = {"documents", "chunks", "catalog_meta"}
_SAMPLE = 5  # ids named per problem: enough to find it, short enough to read


@dataclass(frozen=True)
class Consistency:
    """Counts of each view and every disagreement found (empty when the store is consistent)."""

    documents: int
    chunks: int
    keyword_rows: int
    vectors: int
    derived_rows: dict[str, int]
    problems: list[str] = field(default_factory=list)
    orphan_vectors: int = 0  # vectors without a chunk row: harmless to answers, but garbage left by a crash

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "documents": self.documents, "chunks": self.chunks, "keyword_rows": self.keyword_rows,
                "vectors": self.vectors, "derived_rows": self.derived_rows, "orphan_vectors": self.orphan_vectors,
                "problems": self.problems}


def check_store(catalog: Catalog, store: VectorStore, orphans_are_problems: bool = True) -> Consistency:
    """Compare the catalog, its FTS rows, the vector store and every derived table keyed by ``source``.

    ``orphans_are_problems=False`` reports vectors left without a chunk row (what a crash between the
    vector write and the SQLite commit leaves) in ``orphan_vectors`` instead of ``problems``.
    """
    problems: list[str] = []
    with catalog.reading():
        conn = catalog.conn
        integrity = conn.execute("PRAGMA quick_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"SQLite quick_check: {integrity}")
        docs = {r[0] for r in conn.execute("SELECT source FROM documents")}
        chunks = {r[0]: r[1] for r in conn.execute("SELECT chunk_id, source FROM chunks")}
        fts = conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
        mismatched = [r[0] for r in conn.execute(
            "SELECT f.chunk_id FROM chunks_fts f LEFT JOIN chunks c ON c.rowid = f.rowid"
            " WHERE c.chunk_id IS NULL OR c.chunk_id != f.chunk_id OR c.source != f.source")]
        unindexed = [r[0] for r in conn.execute(
            "SELECT c.chunk_id FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunks_fts f WHERE f.rowid = c.rowid)")]
        derived = _derived_sources(conn)
    _problem(problems, "keyword rows without their chunk", mismatched)
    _problem(problems, "chunks without keyword rows", unindexed)
    _problem(problems, "chunks of bulletins not in the catalog", sorted(c for c, s in chunks.items() if s not in docs))
    with_chunks = set(chunks.values())
    _problem(problems, "bulletins without chunks", sorted(docs - with_chunks))
    for table, sources in derived.items():
        _problem(problems, f"{table} rows of bulletins not in the catalog", sorted(set(sources) - docs))
    if "fact_documents" in derived:
        _problem(problems, "bulletins whose facts were never derived", sorted(docs - set(derived["fact_documents"])))
    vectors = store.sources()
    _problem(problems, "chunks without a vector", sorted(set(chunks) - set(vectors)))
    wrong = sorted(i for i, s in vectors.items() if i in chunks and s != chunks[i])
    _problem(problems, "vectors labelled with another bulletin", wrong)
    orphans = sorted(set(vectors) - set(chunks))
    if orphans_are_problems:
        _problem(problems, "vectors without a chunk row", orphans)
    return Consistency(len(docs), len(chunks), int(fts), len(vectors),
                       {t: len(s) for t, s in derived.items()}, problems, len(orphans))


def _derived_sources(conn: Any) -> dict[str, list[str]]:
    """The ``source`` column of every other table that has one (facts, events, arrangement fields…)."""
    out: dict[str, list[str]] = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table in _OWN_TABLES or table.startswith("chunks_fts"):
            continue
        columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        if "source" in columns:
            out[table] = [r[0] for r in conn.execute(f'SELECT DISTINCT source FROM "{table}"')]
    return out


def _problem(problems: list[str], what: str, ids: list[str]) -> None:
    if ids:
        shown = ", ".join(repr(i) for i in ids[:_SAMPLE])
        problems.append(f"{len(ids)} {what}: {shown}{' …' if len(ids) > _SAMPLE else ''}")
