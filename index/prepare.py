"""Reading a bulletin under a time limit: load, clean, chunk and derive in a child process.

Cleaning, metadata, chunking and fact extraction are pure CPU work on untrusted text, and some of
their steps grow faster than the text does; a thread cannot be stopped, a process can. So files are
prepared in a child process forked when an ingest begins, and a file the child has not finished
within the budget is rejected with one short reason and the child killed (the next file gets a new
one). The child holds no state of its own, so killing it loses nothing; its address space is capped.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

try:  # imported here, not in the forked child: an import there could wait on a lock held at the fork
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

from corpus.records import Bulletin, Rejected
from index.catalog import FileStamp
from index.records import Chunk

DEFAULT_TIME_BUDGET = 20.0  # CPU seconds per file; with embedding and writing a file stays under 30 s
WALL_FACTOR = 3.0  # a file is rejected after this many budgets of wall time, however little CPU it got
STUCK_SHARE = 0.05  # a child that used less CPU than this share of a budget's wall time is stuck or starved
READY_S = 10.0  # a new child says it is ready within this, or is killed and forked again
_FORK_TRIES = 3
_SLICE_S = 0.25
RACY_NS = 2_000_000_000
READER_DIED = "cannot be read: the reading process stopped (out of memory?)"  # the machine's doing, maybe
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
    max_passages: int = 0  # 0: no limit


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
        stamp = trusted(file_stamp(Path(job.path)))
        loaded = load_file(Path(job.path), job.max_bytes, source=job.source)
    else:
        loaded = load_bytes(job.data or b"", job.source, job.max_bytes)
    if isinstance(loaded, Rejected):
        return loaded
    chunker = Chunker(job.chunk_size, job.chunk_overlap)
    if job.max_passages and (floor := chunker.fewest_passages(loaded.text)) > job.max_passages:
        return Rejected(job.source, too_many_passages(floor, job.max_passages, at_least=True))
    chunks = chunker.chunk(loaded)
    if not chunks:
        return Rejected(job.source, "no text to index (no chunks produced)")
    if job.max_passages and len(chunks) > job.max_passages:  # checked before the facts: those take longest
        return Rejected(job.source, too_many_passages(len(chunks), job.max_passages))
    derived = [derive(loaded) if derive is not None else None for derive in job.derivers]
    return Prepared(loaded, chunks, derived, stamp)


# Embedding, after reading, is the slow part of a long file: about 16 passages a second on 2 CPU cores (and
# its sentences after them). 200 passages (some 160 KB of prose, a 40-page report) then index within the
# 30 s a file may take; the 3 MB single sentence of the reliability suite was 4,750 passages: five minutes.
DEFAULT_MAX_PASSAGES = 200


def too_many_passages(count: int, limit: int, at_least: bool = False) -> str:
    return (f"too long to index in time ({'at least ' if at_least else ''}{count:,} passages; the limit is {limit:,}: "
            "CUSTOMS_ASSISTANT_MAX_PASSAGES raises it)")


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


def file_stamp(path: Path) -> FileStamp | None:
    """The file's size and modification time now; None when it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return None
    return FileStamp(info.st_size, info.st_mtime_ns)


def trusted(stamp: FileStamp | None) -> FileStamp | None:
    """``stamp``, unless the file changed within the clock's granularity of now: it could change again
    unseen with the same size and mtime ("racily clean"), so it gets no stamp and is read next time."""
    return stamp if stamp is not None and time.time_ns() - stamp.mtime_ns > RACY_NS else None


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
    if resource is None:
        return
    try:
        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + _MEMORY_HEADROOM
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError):
        pass


_PR_SET_PDEATHSIG = 1
_prctl: Any = None  # libc's prctl, looked up in the parent: a forked child must not import or dlopen first
_forking_reader = False  # set while this module forks its reader, so the at-fork hook leaves other forks alone
_parent_pid = 0


def _resolve_prctl() -> None:
    global _prctl
    if _prctl is None:
        try:
            import ctypes

            _prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            _prctl = False


def _die_with_parent() -> None:
    """Ask the kernel to kill this child when the ingest that forked it dies (``kill -9`` included), so no
    reader outlives its ingest holding memory. Linux only (prctl PR_SET_PDEATHSIG); elsewhere a no-op.

    Runs as the child's first act after ``fork`` (an at-fork hook), before multiprocessing's start-up code:
    a child that then blocks on a lock some parent thread held at the fork still dies with its parent.
    A parent already gone by then is caught by comparing the parent pid.
    """
    if not _forking_reader:
        return
    if _prctl:
        _prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)  # 9 = SIGKILL
    if os.getppid() != _parent_pid:
        os._exit(0)


def _freeze_garbage() -> None:
    """Before the fork: collect the parent's garbage here, then freeze what is left out of the collector's reach.

    A child inherits every object of the parent, unreachable cycles included. Collected in the child, their
    finalizers ran there: a store client or a model session whose ``__del__`` waits for one of its own
    threads — which do not exist in a forked child — hung the child for good, in the middle of reading
    (seen: a reader blocked on a futex inside BeautifulSoup's allocation of a list, so the file was rejected
    for time). Frozen objects are never collected in the child; the parent unfreezes right after the fork.
    """
    if _forking_reader:
        gc.collect()
        gc.freeze()


def _thaw() -> None:
    if _forking_reader:
        gc.unfreeze()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_freeze_garbage, after_in_parent=_thaw, after_in_child=_die_with_parent)


_READY = "ready"


def _serve(conn: Connection) -> None:
    """Body of the forked child: say it is ready, then prepare jobs one by one until the pipe closes."""
    gc.enable()  # the reader collects its own garbage, whatever the parent had set (its inherited objects are frozen)
    _limit_memory()
    conn.send(_READY)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_prepare_safely(job))


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used, from /proc; None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


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
        self._pending: tuple[Job, float, float | None] | None = None
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
        _resolve_prctl()
        for _ in range(_FORK_TRIES):
            conn = self._fork()
            if conn is not None:
                return conn
        return None

    def _fork(self) -> Connection | None:
        """A new child that has said it is ready, or None (it did not within READY_S: killed)."""
        global _forking_reader, _parent_pid
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child,), daemon=True, name="customs-assistant-read")
        _forking_reader, _parent_pid = True, os.getpid()
        try:
            proc.start()
        except OSError:
            parent.close()
            child.close()
            return None
        finally:
            _forking_reader = False
        child.close()
        self._proc, self._conn = proc, parent
        try:
            if parent.poll(READY_S) and parent.recv() == _READY:
                return parent
        except (EOFError, OSError):
            pass
        self._stop()  # stuck before its first instruction of ours: a lock held at the fork, most likely
        return None

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
        self._pending = (job, time.monotonic(), self._cpu())

    def _cpu(self) -> float | None:
        return _cpu_seconds(self._proc.pid) if self._proc is not None else None

    def result(self) -> Prepared | Rejected:
        """The submitted job's result, or a rejection once the child has spent its budget on it (then killed).

        The budget is the child's CPU time, so a busy machine slowing every process does not reject ordinary
        bulletins; wall time is capped at WALL_FACTOR budgets all the same. A child that has used almost no CPU
        for a whole budget is stuck (or starved): it is replaced and the job sent again, once.
        """
        if self._inline is not None:
            done, self._inline = self._inline, None
            return done
        if self._pending is None or self._conn is None:
            raise RuntimeError("nothing submitted")
        job, started, cpu0 = self._pending
        self._pending = None
        resent = False
        try:
            while True:
                if self._conn.poll(_SLICE_S):
                    got: Prepared | Rejected = self._conn.recv()
                    return got
                elapsed = time.monotonic() - started
                cpu = self._cpu()
                used = elapsed if cpu is None or cpu0 is None else cpu - cpu0
                if used >= self.budget or elapsed >= WALL_FACTOR * self.budget:
                    break
                if not resent and elapsed >= self.budget and used < STUCK_SHARE * elapsed:
                    resent = True
                    self._stop()
                    conn = self._start()
                    if conn is None:
                        break
                    conn.send(job)
                    started, cpu0 = time.monotonic(), self._cpu()
        except (EOFError, OSError):
            self._stop()
            return Rejected(job.source, READER_DIED)
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
