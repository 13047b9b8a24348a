"""Reading a bulletin under a time limit: load, clean, chunk and derive in a child process.

Cleaning, metadata, chunking and fact extraction are pure CPU work on untrusted text, and some of
their steps grow faster than the text does; a thread cannot be stopped, a process can. So files are
prepared in a child process forked when an ingest begins, and a file the child has not finished
within the budget is rejected with one short reason and the child killed (the next file gets a new
one). The child holds no state of its own, so killing it loses nothing; its address space is capped.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from corpus.records import Bulletin, Rejected
from index.catalog import FileStamp
from index.records import Chunk

DEFAULT_TIME_BUDGET = 20.0  # seconds per file; with embedding and writing a file stays under 30 s
_RACY_NS = 2_000_000_000
_MEMORY_HEADROOM = 2 << 30  # bytes of address space a worker may add to its loaded code for one file

Deriver = Callable[[Bulletin], Any]


@dataclass(frozen=True)
class Job:
    """One file to prepare: read from ``path`` or given as ``data`` (an upload), known as ``source``."""

    source: str
    path: str | None = None
    data: bytes | None = None
    max_bytes: int = 0
    chunk_size: int = 200
    chunk_overlap: int = 40
    derivers: tuple[Deriver | None, ...] = ()


@dataclass
class Prepared:
    """A bulletin ready to write: its chunks, what each extension derived from it, and the file's stamp."""

    bulletin: Bulletin
    chunks: list[Chunk]
    derived: list[Any] = field(default_factory=list)
    stamp: FileStamp | None = None


def prepare(job: Job) -> Prepared | Rejected:
    """Load, chunk and derive one file; never raises for bad input (runs in the worker)."""
    from corpus.loader import load_bytes, load_file
    from index.chunking import Chunker

    stamp = None
    if job.path is not None:
        try:
            info = os.stat(job.path)
            # A file changed within the clock's granularity of this read could change again unseen
            # with the same size and mtime ("racily clean"): such a file gets no stamp and is re-read.
            if time.time_ns() - info.st_mtime_ns > _RACY_NS:
                stamp = FileStamp(info.st_size, info.st_mtime_ns)
        except OSError:
            stamp = None
        loaded = load_file(Path(job.path), job.max_bytes, source=job.source)
    else:
        loaded = load_bytes(job.data or b"", job.source, job.max_bytes)
    if isinstance(loaded, Rejected):
        return loaded
    chunks = Chunker(job.chunk_size, job.chunk_overlap).chunk(loaded)
    if not chunks:
        return Rejected(job.source, "no text to index (no chunks produced)")
    derived = [derive(loaded) if derive is not None else None for derive in job.derivers]
    return Prepared(loaded, chunks, derived, stamp)


def fact_rows(bulletin: Bulletin) -> tuple[list[Any], list[Any]]:
    """What the fact table's ``replace`` takes (facts, then arrangements), computed in the worker.

    Arrangements are read with the bulletin's life-cycle events, exactly as ``FactTable.replace``
    would read them itself (it still re-reads the events to store them). Stands in until the fact
    table offers its own ``derive``.
    """
    from index.facts.events import extract_events
    from index.facts.extract import extract_arrangements, extract_facts

    facts = extract_facts(bulletin)
    return facts, extract_arrangements(bulletin, facts, extract_events(bulletin, facts))


def _prepare_safely(job: Job) -> Prepared | Rejected:
    """``prepare`` with every failure turned into a one-line rejection."""
    try:
        return prepare(job)
    except MemoryError:
        return Rejected(job.source, "needs too much memory to read")
    except Exception as exc:  # a bug on one file must not take the ingest down
        return Rejected(job.source, f"cannot be read: {type(exc).__name__}")


def _limit_memory() -> None:
    """Cap the child's address space at what it inherited plus a fixed headroom for one file.

    A pathological file then fails with MemoryError (a one-line rejection) instead of pushing a
    shared machine into swap. Best effort: platforms without /proc or RLIMIT_AS run unlimited.
    """
    try:
        import resource

        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + _MEMORY_HEADROOM
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        pass


def _die_with_parent() -> None:
    """Ask the kernel to kill this child when the ingest that forked it dies (``kill -9`` included), so no
    reader outlives its ingest holding memory. Linux only (prctl PR_SET_PDEATHSIG); elsewhere a no-op."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(conn: Connection) -> None:
    """Body of the forked child: prepare jobs one by one until the pipe closes."""
    _die_with_parent()
    _limit_memory()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_prepare_safely(job))


_warmed = False


def _warm_up() -> None:
    """Import and initialise the reading code once in this process, so no forked child pays for it.

    The sentence splitter loads its tokenizer on first use (seconds); a child forked after this
    inherits it ready.
    """
    global _warmed
    if _warmed:
        return
    from corpus.loader import load_bytes
    from index.chunking import Chunker

    warm = load_bytes(b"Warm up the sentence splitter. It loads lazily, and 3 May 2024 is a date.", "warm.txt")
    if isinstance(warm, Bulletin):
        Chunker().chunk(warm)
        fact_rows(warm)
    _warmed = True


def _can_fork() -> bool:
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


class Worker:
    """A child process, forked on first use, that prepares files one at a time under a deadline each.

    A fork (not a fresh interpreter) so the child sees exactly what this process saw when the work
    began: its code, configuration and any economies registered at run time; one child serves a whole
    ingest, since a fork of a process holding a loaded model is not cheap. The child runs only
    pure-Python reading code and leaves with ``os._exit``, so nothing of the parent's other threads is
    touched. A child that overruns is killed and the next file gets a new one.
    """

    def __init__(self, budget: float = DEFAULT_TIME_BUDGET) -> None:
        self.budget = budget
        self._proc: Any = None
        self._conn: Connection | None = None
        self._pending: tuple[Job, float] | None = None
        self._inline: Prepared | Rejected | None = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> Connection | None:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            return self._conn
        self._stop()
        if not _can_fork():
            return None
        _warm_up()
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child,), daemon=True, name="customs-assistant-read")
        try:
            proc.start()
        except OSError:
            parent.close()
            child.close()
            return None
        child.close()
        self._proc, self._conn = proc, parent
        return parent

    def submit(self, job: Job) -> None:
        """Start preparing a job; its budget starts now, as the child has nothing else to do.

        Where no child process can be started, the job runs here, unbounded, rather than not at all.
        """
        if self._pending is not None or self._inline is not None:
            raise RuntimeError("one job at a time")
        conn = self._start()
        if conn is None:
            self._inline = _prepare_safely(job)
            return
        conn.send(job)
        self._pending = (job, time.monotonic() + self.budget)

    def result(self) -> Prepared | Rejected:
        """The submitted job's result, or a rejection once its budget is spent (the child is killed)."""
        if self._inline is not None:
            done, self._inline = self._inline, None
            return done
        if self._pending is None or self._conn is None:
            raise RuntimeError("nothing submitted")
        job, deadline = self._pending
        self._pending = None
        try:
            if self._conn.poll(max(0.0, deadline - time.monotonic())):
                got: Prepared | Rejected = self._conn.recv()
                return got
        except (EOFError, OSError):
            self._stop()
            return Rejected(job.source, "cannot be read: the reading process stopped (out of memory?)")
        self._stop()
        return Rejected(job.source, f"took longer than {self.budget:g} s to read")

    def run(self, job: Job) -> Prepared | Rejected:
        """Prepare one job and wait for it (uploads)."""
        self.submit(job)
        return self.result()

    def cancel(self) -> None:
        """Drop a submitted job whose result is no longer wanted (stops the child if it is busy)."""
        self._inline = None
        if self._pending is not None:
            self._stop()

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(10)
            self._proc.close()
        self._proc, self._conn, self._pending = None, None, None

    def close(self) -> None:
        self._inline = None
        self._stop()
