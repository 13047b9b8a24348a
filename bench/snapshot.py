"""Fact-table benchmark (issue 10): what a snapshot costs and what a check costs, at any N, with no model.

``python -m bench.snapshot --n 10000`` generates N invented bulletins (``bench.generate``), reads their facts
into an in-memory fact table (the code ingest runs, without the embedding), then times:

- ``supersessions`` over all facts: what the first question after an ingest pays for the snapshot;
- building the fact lookup (``FactIndex``) the snapshot keeps;
- ``ClaimChecker.check`` of the generated five-claim drafts, p50/p95, through that lookup.

Only the fact layer is measured, so N can reach 10,000 in minutes where the full benchmark (``bench.scale``)
spends hours embedding. Results go to ``OUT/snapshot-N{n}.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.generate import generate, register_economies, workload
from bench.scale import ROOT, percentile, rss_mb

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def run(n: int, seed: int = 0, drafts: int = 40, rounds: int = 3) -> dict[str, Any]:
    from assistant.check import ClaimChecker, supersessions
    from corpus.loader import load_file
    from corpus.records import Bulletin
    from index.facts.table import FactTable

    try:  # absent before the lookup existed: the same command then measures the scan it replaced
        from index.facts.lookup import FactIndex
    except ImportError:
        FactIndex = None  # type: ignore[assignment,misc]

    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as tmp:
        folder = Path(tmp)
        records = generate(folder, n, seed)
        register_economies()
        conn = sqlite3.connect(":memory:")
        table = FactTable(conn)
        table.ensure_schema()
        t = time.perf_counter()
        for r in records:
            bulletin = load_file(folder / r.file)
            if isinstance(bulletin, Bulletin):
                table.replace(bulletin)
        conn.commit()
        read_s = time.perf_counter() - t
    facts = table.facts()
    t = time.perf_counter()
    superseded = supersessions(facts)
    supersede_s = time.perf_counter() - t
    t = time.perf_counter()
    index = FactIndex(facts) if FactIndex is not None else None
    index_s = time.perf_counter() - t
    texts = workload(records, seed, questions=1, searches=1, drafts=drafts).check
    checker = ClaimChecker(table)
    times: list[float] = []
    for _ in range(rounds):
        for text in texts:
            t = time.perf_counter()
            if index is not None:
                checker.check(text, superseded=superseded, index=index)
            else:
                checker.check(text, facts=facts, superseded=superseded)
            times.append((time.perf_counter() - t) * 1000)
    return {
        "n": n, "seed": seed, "facts": len(facts), "superseded": len(superseded),
        "read_facts_s": round(read_s, 2), "supersessions_s": round(supersede_s, 3),
        "fact_index_s": round(index_s, 3) if index is not None else None,
        "check_ms": {"n": len(times), "p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2)},
        "rss_mb": round(rss_mb(), 1), "cpus": os.cpu_count(),
    }


def to_markdown(r: dict[str, Any]) -> str:
    return "\n".join([
        f"### Fact-table benchmark, N={r['n']} (seed {r['seed']})", "", "| measure | value |", "|---|---|",
        f"| facts (superseded) | {r['facts']:,} ({r['superseded']:,}) |",
        f"| reading facts, no embedding | {r['read_facts_s']} s |",
        f"| supersessions (snapshot) | {r['supersessions_s']} s |",
        f"| fact lookup built | {'–' if r['fact_index_s'] is None else str(r['fact_index_s']) + ' s'} |",
        f"| five-claim check p50 / p95 (n={r['check_ms']['n']}) | {r['check_ms']['p50']} / {r['check_ms']['p95']} ms |",
        f"| peak RSS | {r['rss_mb']} MB |",
        f"| machine | {r['cpus']} CPUs |", "",
    ])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.snapshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="how many bulletins to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--drafts", type=int, default=40, help="five-claim drafts checked per round (default 40)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench-scale")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    result = run(args.n, args.seed, args.drafts, args.rounds)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"snapshot-N{args.n}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    md = to_markdown(result)
    (args.out / f"snapshot-N{args.n}.md").write_text(md, encoding="utf-8")
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
