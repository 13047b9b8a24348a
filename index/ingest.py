"""Incremental ingestion: load, chunk, embed and store bulletins, one document per transaction.

Unchanged files cost no reading (same size and mtime) or no embedding work (same text); a changed
file replaces all of its chunks; a failure on one document leaves that document's previous state in
place and moves on to the next. Reading runs under a per-file time budget (index.prepare).
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from tqdm import tqdm

from corpus.loader import DEFAULT_MAX_BYTES, discover
from corpus.records import Bulletin, Rejected
from index.catalog import Catalog, DocumentRow, FileStamp, partner_key
from index.chunking import Chunker
from index.embedder import Embedder
from index.prepare import (
    DEFAULT_MAX_PASSAGES,
    DEFAULT_TIME_BUDGET,
    READER_DIED,
    Deriver,
    Job,
    Prepared,
    Worker,
    fact_rows,
    file_stamp,
    trusted,
)
from index.records import Chunk
from index.store import VectorStore
from index.vector_journal import VectorJournal


class Extension(Protocol):
    """Something else derived from each bulletin (the fact table) kept in the same SQLite transaction.

    It may also offer ``derive(bulletin) -> tuple`` (a static method): then that work runs in the
    reading worker under the time budget and ``replace(bulletin, *derived)`` receives its result.
    """

    def replace(self, bulletin: Bulletin, *derived: Any) -> None: ...
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


@dataclass
class _Plan:
    """A prepared bulletin waiting for its vectors: what to embed, what to keep, what it replaces."""

    prepared: Prepared
    previous: DocumentRow | None
    previous_ids: list[str]
    fresh: list[Chunk]
    present: set[str]
    replaces: str | None = None  # a bulletin stored under another source (an older, name-only key)
    vectors: list[list[float]] | None = None


class Indexer:
    """Owns the write path into the catalog, the vector store and any extensions.

    Files are read in a worker process under a per-file time budget, embedded in batches that span
    bulletins, and written one bulletin per transaction: a bulletin that fails keeps its previous
    version while the others of its batch land.
    """

    def __init__(
        self,
        catalog: Catalog,
        store: VectorStore,
        embedder: Embedder,
        chunker: Chunker | None = None,
        extensions: Sequence[Extension] = (),
        max_bytes: int = DEFAULT_MAX_BYTES,
        time_budget: float = DEFAULT_TIME_BUDGET,
        batch_chunks: int = 128,
        max_passages: int = DEFAULT_MAX_PASSAGES,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.embedder = embedder
        self.chunker = chunker or Chunker()
        self.extensions = list(extensions)
        self.max_bytes = max_bytes
        self.time_budget = time_budget
        self.batch_chunks = batch_chunks
        self.max_passages = max_passages
        self._derivers = tuple(_deriver(ext) for ext in self.extensions)
        self.journal = VectorJournal(catalog, store)
        self._limits = _reader_limits(max_bytes, time_budget, max_passages)

    def worker(self) -> Worker:
        """A reading worker for one ingest: a snapshot of this process as the work begins."""
        return Worker(self.time_budget)

    def _job(self, source: str, path: Path | None = None, data: bytes | None = None) -> Job:
        return Job(source=source, path=str(path) if path is not None else None, data=data, max_bytes=self.max_bytes,
                   chunk_size=self.chunker.chunk_size, chunk_overlap=self.chunker.chunk_overlap,
                   derivers=self._derivers, max_passages=self.max_passages)

    def ingest_paths(self, paths: Iterable[Path], prune: bool = False, progress: bool = True) -> IngestReport:
        """Ingest files and folders; with ``prune``, drop indexed bulletins no longer among them.

        A file whose size and modification time match what was stored is not read again; nor is one the
        reader refused before, unchanged since (refused again with the same reason).
        """
        report = IngestReport()
        self.journal.recover()
        found = list(discover(paths))
        files = [f for f in found if not isinstance(f, Rejected)]
        sources = {source for _, source in files}
        stamps = self.catalog.stamps()
        refusals = self.catalog.refusals(self._limits)
        read_stamps: dict[str, FileStamp] = {}
        bar = tqdm(total=len(found), desc="Ingesting", unit="file", disable=not progress or len(found) < 2,
                   file=sys.stderr)
        todo: list[tuple[Path, str]] = []
        same: list[str] = []
        for item in found:
            if isinstance(item, Rejected):
                report.rejected.append(item)
                bar.update(1)
                continue
            path, source = item
            stamp, now = stamps.get(source), file_stamp(path)
            refused = refusals.get(source)
            if stamp is not None and stamp == now:
                same.append(source)
            elif refused is not None and refused[0] == now:
                report.rejected.append(Rejected(source, refused[1]))
                bar.update(1)
            else:
                todo.append(item)
                if (read := trusted(now)) is not None:
                    read_stamps[source] = read
        if same:  # unread files still need their vectors; any missing sends the file through again
            ids = self.catalog.chunk_ids_by_source(same)
            present = self.store.existing([i for s in same for i in ids[s]])
            by_source = dict((s, p) for p, s in files)
            for source in same:
                if ids[source] and all(i in present for i in ids[source]):
                    report.unchanged.append(source)
                    bar.update(1)
                else:
                    todo.append((by_source[source], source))
        claimed: set[str] = set()
        batch: list[_Plan] = []
        with self.worker() as worker:
            for prepared in self._prepare_all(worker, todo):
                bar.update(1)
                self._note_refusal(prepared, read_stamps, refusals)
                plan = self._plan(prepared, report, sources, claimed, batch)
                if plan is None:
                    continue
                batch.append(plan)
                if sum(len(p.fresh) for p in batch) >= self.batch_chunks:
                    self._flush(batch, report)
                    batch = []
            self._flush(batch, report)
        bar.close()
        if prune:
            self.catalog.forget_refusals(s for s in refusals if s not in sources)
            for doc in self.catalog.documents():
                if doc.source not in sources:
                    self.delete(doc.source)
                    report.removed.append(doc.source)
        return report

    def _note_refusal(self, prepared: Prepared | Rejected, read_stamps: dict[str, FileStamp],
                      refusals: dict[str, tuple[FileStamp, str]]) -> None:
        """Remember what the reader refused (not a reader that died: that may be the machine, not the file);
        forget an old refusal of a file that now reads."""
        if isinstance(prepared, Rejected):
            stamp = read_stamps.get(prepared.source)
            if stamp is not None and prepared.reason != READER_DIED:
                self.catalog.remember_refusal(prepared.source, stamp, prepared.reason, self._limits)
        elif prepared.bulletin.source in refusals:
            self.catalog.forget_refusals([prepared.bulletin.source])

    def ingest_bytes(self, data: bytes, name: str) -> IngestReport:
        """Ingest one uploaded file's content under its file name (what the UI's upload does)."""
        report = IngestReport()
        self.journal.recover()
        with self.worker() as worker:
            prepared = worker.run(self._job(Path(name).name, data=data))
        plan = self._plan(prepared, report, set(), set(), [])
        if plan is not None:
            self._flush([plan], report)
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
            self.journal.retire(ids)  # vectors go after the commit: a crash before it keeps them all
        self.journal.settle()
        return True

    def _prepare_all(self, worker: Worker, todo: list[tuple[Path, str]]) -> Iterator[Prepared | Rejected]:
        """Prepared files in order; the worker reads the next file while this process embeds and writes."""
        if not todo:
            return
        try:
            worker.submit(self._job(todo[0][1], path=todo[0][0]))
            for i in range(len(todo)):
                result = worker.result()
                if i + 1 < len(todo):
                    worker.submit(self._job(todo[i + 1][1], path=todo[i + 1][0]))
                yield result
        finally:
            worker.cancel()  # an ingest stopped part-way must not leave a job behind for the next one

    def _plan(self, prepared: Prepared | Rejected, report: IngestReport, sources: set[str], claimed: set[str],
              batch: list[_Plan]) -> _Plan | None:
        """Decide what a prepared file needs: nothing (unchanged), a rejection, or a write."""
        if isinstance(prepared, Rejected):
            report.rejected.append(prepared)
            return None
        bulletin = prepared.bulletin
        previous = self.catalog.document(bulletin.source)
        replaces = None
        if previous is None and "/" in bulletin.source:
            # Older versions keyed bulletins by bare file name: adopt that row as this file's previous
            # version unless a file of that name is itself being ingested or another file claimed it.
            legacy = bulletin.source.rsplit("/", 1)[1]
            if legacy not in sources and legacy not in claimed and self.catalog.document(legacy) is not None:
                replaces = legacy
                claimed.add(legacy)
                previous = self.catalog.document(legacy)
        old_source = replaces or bulletin.source
        previous_ids = self.catalog.chunk_ids(old_source) if previous is not None else []
        if (previous is not None and replaces is None and previous.doc_id == bulletin.doc_id
                and len(self.store.existing(previous_ids)) == len(previous_ids)):
            if prepared.stamp is not None:
                with self.catalog.transaction(bump=False):
                    self.catalog.restamp(bulletin.source, prepared.stamp)
            report.unchanged.append(bulletin.source)
            return None
        twin = self.catalog.by_doc_id(bulletin.doc_id)
        # A row another file of this run adopted is on its way out, so its text is free to be taken.
        if twin is not None and twin.source not in (bulletin.source, replaces) and twin.source not in claimed:
            report.rejected.append(Rejected(bulletin.source, f"same text as the indexed bulletin {twin.source}"))
            return None
        for other in batch:
            if other.prepared.bulletin.doc_id == bulletin.doc_id:
                report.rejected.append(Rejected(
                    bulletin.source, f"same text as the indexed bulletin {other.prepared.bulletin.source}"))
                return None
        keep = set(previous_ids) if replaces is None else set()  # a re-keyed bulletin's vectors are relabelled
        present = self.store.existing([c.chunk_id for c in prepared.chunks if c.chunk_id in keep])
        fresh = [c for c in prepared.chunks if c.chunk_id not in present]
        return _Plan(prepared, previous, previous_ids, fresh, present, replaces)

    def _flush(self, batch: list[_Plan], report: IngestReport) -> None:
        """Embed a batch's new chunks in one call, then write each bulletin in its own transaction."""
        if not batch:
            return
        texts = [c.text for p in batch for c in p.fresh]
        extra = self._wanted(batch)
        try:
            vectors = self.embedder.embed(texts + extra) if texts or extra else []
            self._offer(extra, vectors[len(texts):])
            at = 0
            for plan in batch:
                plan.vectors = vectors[at:at + len(plan.fresh)]
                at += len(plan.fresh)
        except Exception:  # find the bulletin the embedder cannot take; the others still land
            for plan in batch:
                try:
                    plan.vectors = self.embedder.embed([c.text for c in plan.fresh]) if plan.fresh else []
                except Exception as exc:
                    plan.vectors = None
                    report.rejected.append(Rejected(plan.prepared.bulletin.source,
                                                    f"indexing failed, previous version kept: {_short(exc)}"))
        # Journaled before any vector is written: whatever a crash leaves unowned, the next ingest removes.
        self.journal.intend(c.chunk_id for p in batch if p.vectors is not None for c in p.fresh)
        for plan in batch:
            if plan.vectors is None:
                continue
            source = plan.prepared.bulletin.source
            try:
                self._write(plan, report)
            except Exception as exc:  # one bad document must not stop the batch or corrupt the store
                report.rejected.append(Rejected(source, f"indexing failed, previous version kept: {_short(exc)}"))
                continue
            (report.updated if plan.previous is not None else report.added).append(source)
        self.journal.settle()

    def _wanted(self, batch: list[_Plan]) -> list[str]:
        """Texts extensions want vectors for (sentence vectors), embedded in the batch's one call with its chunks."""
        out: list[str] = []
        for i, ext in enumerate(self.extensions):
            wanted = getattr(ext, "wanted", None)
            if wanted is not None:
                for plan in batch:
                    derived = plan.prepared.derived[i] if plan.prepared.derived else None
                    out.extend(wanted(plan.prepared.bulletin, derived))
        return list(dict.fromkeys(out))

    def _offer(self, texts: list[str], vectors: list[list[float]]) -> None:
        """Hand extensions the vectors of the texts they wanted; each takes what its bulletins use."""
        for ext in self.extensions:
            offer = getattr(ext, "offer", None)
            if offer is not None:
                offer(texts, vectors)

    def _write(self, plan: _Plan, report: IngestReport) -> None:
        prepared, bulletin = plan.prepared, plan.prepared.bulletin
        chunks, fresh, vectors = prepared.chunks, plan.fresh, plan.vectors or []
        meta = chunk_metadata(bulletin)
        new_ids = {c.chunk_id for c in chunks}
        stale = [i for i in plan.previous_ids if i not in new_ids]
        # A re-keyed bulletin may share chunk ids with its old row: those vectors are rewritten, not added.
        reused = [c for c in fresh if c.chunk_id in set(plan.previous_ids)]
        added: list[str] = []
        try:
            with self.catalog.transaction():
                # Old vectors are removed only after this commits (``journal.settle``): removed here, a crash
                # before the commit would leave the committed old chunk rows without vectors.
                self.journal.retire(stale)
                if plan.replaces is not None:
                    self.catalog.remove(plan.replaces)
                    for ext in self.extensions:
                        ext.delete(plan.replaces)
                self.catalog.put(bulletin, chunks, prepared.stamp)
                for ext, derived in zip(self.extensions, prepared.derived or [None] * len(self.extensions),
                                        strict=True):
                    if derived is None:
                        ext.replace(bulletin)
                    else:
                        ext.replace(bulletin, *derived)
                if reused:
                    self.store.delete([c.chunk_id for c in reused])
                self.store.add(fresh, vectors, [dict(meta, start=c.start, end=c.end) for c in fresh])
                added = [c.chunk_id for c in fresh]
        except BaseException:
            if added:
                self.store.delete([i for i in added if i not in plan.present and i not in set(plan.previous_ids)])
            raise
        report.chunks_embedded += len(fresh)


def _deriver(ext: Extension) -> Deriver | None:
    """A picklable function computing what ``ext`` derives from a bulletin, so the worker does that work too.

    An extension offers one as ``derive`` (a static method; ``replace(bulletin, *derived)`` takes its
    result); the fact table is known here until it offers its own.
    """
    derive = getattr(ext, "derive", None)
    if derive is None:
        from index.facts.table import FactTable

        if isinstance(ext, FactTable):
            derive = fact_rows
    if derive is None:
        return None
    try:
        pickle.dumps(derive)
    except Exception:
        return None
    return cast(Deriver, derive)


def _reader_limits(max_bytes: int, time_budget: float, max_passages: int) -> str:
    """What a refusal depends on besides the file: the limits it was read under and the reader's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        reader = version("customs-assistant")
    except PackageNotFoundError:
        reader = "unknown"
    return f"{max_bytes}:{time_budget:g}:{max_passages}:{reader}"


def _short(exc: BaseException) -> str:
    """One line of an exception for a rejection reason."""
    text = str(exc).strip().splitlines()
    return (text[0][:200] if text else type(exc).__name__)


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

