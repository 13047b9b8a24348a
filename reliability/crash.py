"""``kill -9`` of ``customs-assistant ingest`` at random points, then the store checked and re-run.

Every run changes some bulletins and adds others, so a kill can land in the middle of an update; the
store must then hold, for every bulletin, its previous or its new version — never a mix, never none.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from reliability.bulletins import ordinary
from reliability.results import Group
from reliability.store_check import check_home, indexed_sources

OLD = 1_600_000_000


def _write(folder: Path, serial: int, revision: int) -> None:
    path = folder / f"bulletin-{serial}.txt"
    path.write_text(ordinary(serial, revision))
    stamp = OLD + revision  # a new mtime with each revision, far from now (so the stamp is trusted)
    os.utime(path, (stamp, stamp))


def _generation(home: Path) -> int:
    """The catalog's commit counter, read as another process would (0 before the catalog exists)."""
    try:
        with sqlite3.connect(f"file:{home / 'catalog.sqlite'}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT value FROM catalog_meta WHERE key = 'generation'").fetchone()
            return int(row[0]) if row else 0
    except sqlite3.Error:
        return 0


def _ingest(home: Path, folder: Path, env: dict[str, str], log: Path, commits: int | None = None,
            jitter: float = 0.0) -> tuple[int | None, float, bool]:
    """Run the CLI to the end (``commits`` None) or ``kill -9`` it: ``jitter`` s after its progress bar shows
    (``commits`` 0: while it reads files and loads the model) or ``jitter`` s after its ``commits``-th
    bulletin commit (in the middle of the next bulletin's write). Returns (exit code or None, seconds, whether
    a process it started outlived it — then killed too, as a supervisor killing the whole group would)."""
    t0 = time.perf_counter()
    start = _generation(home)
    with log.open("ab") as err:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "--home", str(home), "ingest", str(folder)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
        bar: list[float] = []

        def watch() -> None:
            seen = b""
            for chunk in iter(lambda: proc.stderr.read1(256), b""):  # type: ignore[union-attr]
                err.write(chunk)
                seen = (seen + chunk)[-64:]
                if not bar and b"Ingesting" in seen:
                    bar.append(time.perf_counter())
        reader = threading.Thread(target=watch, daemon=True)
        reader.start()
        armed: float | None = None
        while commits is not None and proc.poll() is None:
            if armed is None and bar and (commits == 0 or _generation(home) >= start + commits):
                armed = time.perf_counter() + jitter
            if armed is not None and time.perf_counter() >= armed:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        code = proc.wait(timeout=600)
        reader.join(5)
        orphaned = False
        if code == -signal.SIGKILL:
            time.sleep(1.0)
            orphaned = _group_alive(proc.pid)
            if orphaned:
                os.killpg(proc.pid, signal.SIGKILL)
    return (None if code == -signal.SIGKILL else code), time.perf_counter() - t0, orphaned


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs. A zombie does not count: it is dead and holds no memory,
    only waiting for init to collect its exit status (slow here: PID 1 is not a reaping init)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields after the name: state, ppid, pgrp, …
            return True
    return False


def run(work: Path, env: dict[str, str], seed: int, runs: int = 10, files: int = 16) -> Group:
    g = Group("kill -9 during ingest")
    rng = random.Random(seed)
    home, folder, log = work / "crash-home", work / "crash-files", work / "crash.log"
    folder.mkdir(parents=True, exist_ok=True)
    revisions = {s: 0 for s in range(files)}
    for s in revisions:
        _write(folder, s, 0)
    t0 = time.perf_counter()
    code, _, _ = _ingest(home, folder, env, log)
    g.case(code == 0, f"first ingest exit {code}: see {log}")
    serial = files
    orphans = 0
    for i in range(runs):
        before = indexed_sources(home)
        for s in rng.sample(sorted(revisions), k=min(6, len(revisions))):
            revisions[s] += 1
            _write(folder, s, revisions[s])
        for _ in range(2):
            revisions[serial] = 0
            _write(folder, serial, 0)
            serial += 1
        commits = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 7])  # two kills while reading, eight mid-write
        jitter = rng.uniform(0.0, 3.0) if commits == 0 else rng.uniform(0.0, 0.3)
        code, _, orphaned = _ingest(home, folder, env, log, commits, jitter)
        g.case(not orphaned, f"run {i}: a process of the killed ingest (its reading worker) lived on")
        where = "while reading" if commits == 0 else f"after commit {commits}"
        result = check_home(home, orphans_are_problems=False)
        orphans += result.orphan_vectors
        lost = {s for s in before if (folder / s).exists()} - indexed_sources(home)
        g.data_lost += len(lost)
        if not result.ok:
            g.inconsistent += 1
        g.case(result.ok and not lost, f"run {i} killed {where} +{jitter:.2f} s: {result.problems} lost {sorted(lost)[:3]}")
        g.notes.append(f"run {i}: {where} +{jitter:.2f} s: {'killed' if code is None else f'finished first (exit {code})'}"
                       f", {result.orphan_vectors} orphan vectors")
    code, _, _ = _ingest(home, folder, env, log)
    result = check_home(home)
    missing = {p.name for p in folder.iterdir()} - indexed_sources(home)
    g.data_lost += len(missing)
    if not result.ok:
        g.inconsistent += 1
    g.case(code == 0 and result.ok and not missing,
           f"re-run after the kills: exit {code}, {result.problems}, missing {sorted(missing)[:3]}")
    g.notes.append(f"orphan vectors after kills (sum over runs): {orphans}; after the re-run: {result.orphan_vectors}")
    g.seconds = time.perf_counter() - t0
    return g
