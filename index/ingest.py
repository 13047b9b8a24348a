"""Incremental ingestion: load, chunk, embed and store bulletins, one document at a time, atomically.

Unchanged files cost no embedding work; a changed file replaces all of its chunks; a failure on
one document leaves that document's previous state in place and moves on to the next.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from corpus.loader import DEFAULT_MAX_BYTES, discover, load_bytes, load_file
from corpus.records import Bulletin, Rejected
from index.catalog import Catalog, partner_key
from index.chunking import Chunker
from index.embedder import Embedder
from index.store import VectorStore


class Extension(Protocol):
    """Something else derived from each bulletin (the fact table) kept in the same SQLite transaction."""

    def replace(self, bulletin: Bulletin) -> None: ...
    def delete(self, source: str) -> None: ...


@dataclass
class IngestReport:
    """What one ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    chunks_embedded: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed,
            "rejected": [{"source": r.source, "reason": r.reason} for r in self.rejected],
            "chunks_embedded": self.chunks_embedded,
        }

    @property
    def ok(self) -> bool:
        return not self.rejected


class Indexer:
    """Owns the write path into the catalog, the vector store and any extensions."""

    def __init__(
        self,
        catalog: Catalog,
        store: VectorStore,
        embedder: Embedder,
        chunker: Chunker | None = None,
        extensions: Sequence[Extension] = (),
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.embedder = embedder
        self.chunker = chunker or Chunker()
        self.extensions = list(extensions)
        self.max_bytes = max_bytes

    def ingest_paths(self, paths: Iterable[Path], prune: bool = False, progress: bool = True) -> IngestReport:
        """Ingest files and folders; with ``prune``, drop indexed bulletins no longer among them."""
        report = IngestReport()
        found = list(discover(paths))
        seen: set[str] = set()
        bar = tqdm(found, desc="Ingesting", unit="file", disable=not progress or len(found) < 2, file=sys.stderr)
        for item in bar:
            if isinstance(item, Rejected):
                report.rejected.append(item)
                continue
            seen.add(item.name)
            self._ingest_one(load_file(item, self.max_bytes), report)
        if prune:
            for doc in self.catalog.documents():
                if doc.source not in seen:
                    self.delete(doc.source)
                    report.removed.append(doc.source)
        return report

    def ingest_bytes(self, data: bytes, name: str) -> IngestReport:
        """Ingest one uploaded file's content under its file name (what the UI's upload does)."""
        report = IngestReport()
        self._ingest_one(load_bytes(data, Path(name).name, self.max_bytes), report)
        return report

    def delete(self, source: str) -> bool:
        """Remove a bulletin and everything derived from it; False when it was not indexed."""
        if self.catalog.document(source) is None:
            return False
        ids = self.catalog.chunk_ids(source)
        with self.catalog.transaction():
            self.catalog.remove(source)
            for ext in self.extensions:
                ext.delete(source)
            self.store.delete(ids)
        return True

    def _ingest_one(self, loaded: Bulletin | Rejected, report: IngestReport) -> None:
        if isinstance(loaded, Rejected):
            report.rejected.append(loaded)
            return
        bulletin = loaded
        previous = self.catalog.document(bulletin.source)
        if previous is not None and previous.doc_id == bulletin.doc_id:
            ids = self.catalog.chunk_ids(bulletin.source)
            if len(self.store.existing(ids)) == len(ids):
                report.unchanged.append(bulletin.source)
                return
        twin = self.catalog.by_doc_id(bulletin.doc_id)
        if twin is not None and twin.source != bulletin.source:
            report.rejected.append(Rejected(bulletin.source, f"same text as the indexed bulletin {twin.source}"))
            return
        try:
            self._write(bulletin, previous_ids=self.catalog.chunk_ids(bulletin.source), report=report)
        except Exception as exc:  # one bad document must not stop the batch or corrupt the store
            report.rejected.append(Rejected(bulletin.source, f"indexing failed, previous version kept: {exc}"))
            return
        (report.updated if previous is not None else report.added).append(bulletin.source)

    def _write(self, bulletin: Bulletin, previous_ids: list[str], report: IngestReport) -> None:
        chunks = self.chunker.chunk(bulletin)
        if not chunks:
            raise ValueError("no chunks produced")
        keep = set(previous_ids)
        present = self.store.existing([c.chunk_id for c in chunks if c.chunk_id in keep])
        fresh = [c for c in chunks if c.chunk_id not in present]
        vectors = self.embedder.embed([c.text for c in fresh])
        report.chunks_embedded += len(fresh)
        meta = chunk_metadata(bulletin)
        stale = [i for i in previous_ids if i not in {c.chunk_id for c in chunks}]
        added: list[str] = []
        try:
            with self.catalog.transaction():
                self.catalog.put(bulletin, chunks)
                for ext in self.extensions:
                    ext.replace(bulletin)
                self.store.add(fresh, vectors, [dict(meta, start=c.start, end=c.end) for c in fresh])
                added = [c.chunk_id for c in fresh]
                self.store.delete(stale)
        except BaseException:
            if added:
                self.store.delete([i for i in added if i not in present])
            raise


def chunk_metadata(bulletin: Bulletin) -> dict[str, Any]:
    """Scalar metadata stored with every chunk vector: source, date key and one flag per economy."""
    meta: dict[str, Any] = {
        "source": bulletin.source,
        "doc_id": bulletin.doc_id,
        "date_key": bulletin.date.sort_key if bulletin.date else 0,
    }
    names = set(bulletin.partners) | set(bulletin.mentioned) | ({bulletin.home} if bulletin.home else set())
    for name in names:
        meta[partner_key(name)] = 1
    return meta

