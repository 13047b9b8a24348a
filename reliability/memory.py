"""``python -m reliability.memory``: each file at the size limit ingested alone in this process, timed, with
the extra memory it took (issue 11's target: every file up to the limit done in ≤ 30 s and ≤ 500 MB).

Memory is the proportional set size (PSS, from ``/proc/<pid>/smaps_rollup``) of this process and its
children — the forked reader included — summed, so pages the reader shares with its parent count once;
sampled every 50 ms, the peak minus the sum before the file. Linux only; the model is loaded first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

TARGET_S, TARGET_MB = 30.0, 500.0


def pss(pid: int) -> int:
    """Bytes of ``pid``'s proportional set size; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (read from each thread's ``children`` list)."""
    out = [pid]
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in threads:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        for kid in kids:
            out.extend(family(kid))
    return out


class Peak:
    """The peak of this process family's summed PSS while the ``with`` block runs, above where it started."""

    def __init__(self, every_s: float = 0.05) -> None:
        self.every_s, self.extra = every_s, 0
        self._stop = threading.Event()
        self._base = 0
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _now(self) -> int:
        return sum(pss(p) for p in family(os.getpid()))

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.extra = max(self.extra, self._now() - self._base)
            time.sleep(self.every_s)

    def __enter__(self) -> Peak:
        self._base = self._now()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.extra = max(self.extra, self._now() - self._base)


def main(argv: list[str] | None = None) -> int:
    from assistant import Assistant, Settings
    from reliability.hostile_files import at_the_limit

    parser = argparse.ArgumentParser(prog="python -m reliability.memory", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reliability-memory-"))
    over = 0
    try:
        files = at_the_limit(work / "limit")
        a = Assistant(Settings.from_env(env={}, home=work / "home"))
        a.embedder.embed(["warm up"])
        print(f"{'file':26s} {'time':>8s} {'extra memory':>13s}  outcome")
        for f in files:
            with Peak() as peak:
                t0 = time.perf_counter()
                report = a.ingest([work / "limit" / f.rel], progress=False)
                took = time.perf_counter() - t0
            mb = peak.extra / 2**20
            over += took > TARGET_S or mb > TARGET_MB
            outcome = "indexed" if report.added else "rejected" if report.rejected else "not reported"
            print(f"{f.kind:26s} {took:6.1f} s {mb:10.0f} MB  {outcome}", flush=True)
        a.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{over} over the targets ({TARGET_S:.0f} s, {TARGET_MB:.0f} MB)")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
