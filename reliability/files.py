"""Hostile files through the real ingest (service in a worker process, then the CLI), the store checked
after every batch; files at the size limit one by one, each timed against the 30 s target."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reliability.hostile_files import HostileFile, at_the_limit, generate
from reliability.results import Group
from reliability.worker import IngestWorker

FILE_TARGET_S = 30.0


def hostile_batches(work: Path, worker: IngestWorker, seed: int, batches: int = 4) -> tuple[Group, list[Path]]:
    """``batches`` folders of generated files (~320 in all), each ingested, judged file by file, then checked."""
    g = Group("hostile files (service)")
    roots: list[Path] = []
    indexed: set[str] = set()
    for k in range(batches):
        root = work / f"files{k}"
        files = generate(root / f"batch{k}", seed + k, first_serial=10_000 * (k + 1), scale=1 / batches,
                         outside_dir=work)
        roots.append(root)
        t0 = time.perf_counter()
        reply = worker.ingest([root], deadline_s=FILE_TARGET_S * len(files))
        if reply is None or "report" not in reply:
            # One file stopped the whole batch: count it, then judge the others without the special files.
            g.fail(f"batch {k} stopped: " + ("not done in time" if reply is None else reply.get("traceback", "")))
            specials = [f for f in files if (root / f"batch{k}" / f.rel).is_symlink() or f.kind == "FIFO"]
            for f in specials:
                (root / f"batch{k}" / f.rel).unlink()
            files = [f for f in files if f not in specials]
            g.notes.append(f"batch {k} re-run without its {len(specials)} links and FIFOs")
            reply = worker.ingest([root], deadline_s=FILE_TARGET_S * len(files))
        g.seconds += time.perf_counter() - t0
        if reply is None or "report" not in reply:
            g.fail(f"batch {k}: " + ("not done in time" if reply is None else reply.get("traceback", "")))
            continue
        report = reply["report"]
        for f in files:
            judge(g, f"batch{k}/{f.rel}", f, report)
        copies = [f"batch{k}/{f.rel}" for f in files if f.expect == "one of"]
        landed = [s for s in copies if s in report["added"] or s in report["updated"] or s in report["unchanged"]]
        if not landed:
            g.data_lost += 1
        g.case(len(landed) == 1, f"{len(landed)} of {len(copies)} copies of one text indexed: {landed[:3]}")
        indexed |= set(report["added"]) | set(report["updated"]) | set(report["unchanged"])
        consistency(g, worker.check(), f"after batch {k}", indexed)
    return g, roots


def judge(g: Group, source: str, f: HostileFile, report: dict[str, Any]) -> None:
    """One file's fate against what it must be."""
    landed = source in report["added"] or source in report["updated"] or source in report["unchanged"]
    refused = any(r["source"] == source for r in report["rejected"])
    label = f"{f.kind} {source!r}"
    if f.expect == "accept":
        if not landed:
            g.data_lost += 1
        g.case(landed, f"{label} was not indexed: {_reason(report, source)}")
    elif f.expect == "reject":
        g.case(not landed, f"{label} was indexed")
    elif f.expect in ("either", "one of"):
        g.case(landed or refused, f"{label} is neither indexed nor reported")
    else:
        g.case(not landed and not refused, f"{label} should be skipped silently")


def _reason(report: dict[str, Any], source: str) -> str:
    return next((r["reason"] for r in report["rejected"] if r["source"] == source), "not reported")


def consistency(g: Group, result: dict[str, Any], when: str, expected: set[str] | None = None) -> None:
    """Count an inconsistent store and any expected bulletin missing from it."""
    if not result.get("ok"):
        g.inconsistent += 1
        g.fail(f"inconsistent store {when}: {'; '.join(result.get('problems', []))}")


def cli_pass(g: Group, roots: list[Path], home: Path, env: dict[str, str]) -> None:
    """The same folders through ``customs-assistant ingest`` twice (JSON, then text): nothing changes, every
    line of text output is one file, no traceback."""
    expected_lines = -1
    for mode in ("json", "text"):
        args = [sys.executable, "-m", "assistant", "--home", str(home), "ingest", *map(str, roots)]
        t0 = time.perf_counter()
        proc = subprocess.run([*args, "--json"] if mode == "json" else args, capture_output=True, env=env,
                              timeout=600)
        g.seconds += time.perf_counter() - t0
        err = proc.stderr.decode("utf-8", "replace")
        out = proc.stdout.decode("utf-8", "replace")
        g.case("Traceback" not in err and proc.returncode in (0, 1),
               f"CLI ingest ({mode}) exit {proc.returncode}: {err[-400:]}")
        if mode == "json":
            try:
                report = json.loads(out)
            except ValueError:
                g.case(False, f"CLI ingest --json printed no JSON: {out[:200]!r}")
                continue
            g.case(not report["added"] and not report["updated"],
                   f"a second ingest changed bulletins: {report['added'][:3]} {report['updated'][:3]}")
            expected_lines = sum(len(report[k]) for k in ("added", "updated", "unchanged", "removed", "rejected"))
        elif expected_lines >= 0:
            lines = [x for x in out.splitlines() if x.strip()]
            # one line per file, plus the summary line
            g.case(len(lines) == expected_lines + 1,
                   f"CLI text output has {len(lines)} lines for {expected_lines} files (a name broke a line?)")


def at_limit(work: Path, worker: IngestWorker, full: bool) -> Group:
    """Each file at the size limit alone, timed; one over the target is killed and counted."""
    g = Group("files at the size limit")
    files = at_the_limit(work / "limit")
    if not full:  # the quick set: the headline case, the refusal, and the shapes that were slowest
        keep = {"5 MiB single line", "1 byte over the limit", "3 MB comma sentence", "3 MB of <p>", "1 MB nested divs"}
        files = [f for f in files if f.kind in keep]
    slowest = 0.0
    for f in files:
        t0 = time.perf_counter()
        reply = worker.ingest([work / "limit" / f.rel], deadline_s=FILE_TARGET_S + 15)
        took = time.perf_counter() - t0
        g.seconds += took
        slowest = max(slowest, took)
        if reply is None:
            g.fail(f"{f.kind}: not done after {took:.0f} s (worker killed)")
            g.cases += 1
            consistency(g, worker.check(), f"after killing the ingest of {f.kind}")
            continue
        if "traceback" in reply:
            g.case(False, f"{f.kind}: {reply['traceback']}")
            continue
        report = reply["report"]
        source = Path(f.rel).name
        done = source in report["added"] or any(r["source"] == source for r in report["rejected"])
        g.case(done and took <= FILE_TARGET_S, f"{f.kind}: {took:.1f} s, {'done' if done else 'not reported'}")
        if f.expect == "reject":
            g.case(source not in report["added"], f"{f.kind} was indexed")
        g.notes.append(f"{f.kind}: {took:.1f} s, " + (
            "indexed" if source in report["added"] else "rejected: " + _reason(report, source)))
    consistency(g, worker.check(), "after the files at the limit")
    g.max_s = slowest
    return g
