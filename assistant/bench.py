"""Speed benchmark: ingest time and ask latency (model loaded) on the bundled bulletins.

Run with ``make bench`` or ``python -m assistant.bench [--rounds N] [--json]``. Speed targets are
checked here, not in timed tests: issue 4 asks for ``timings_ms.total`` under 100 ms per question.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from assistant.service import Assistant
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0


def _questions() -> list[str]:
    out = []
    for line in (ROOT / "evals" / "sets" / "seed.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        out.append(item.get("question") or item["turns"][-1])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        a = Assistant(Settings.from_env(home=home))
        t = time.perf_counter()
        a.embedder.embed(["warm up"])
        load_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        a.ingest([ROOT / "corpus" / "bulletins"], progress=False)
        ingest_ms = (time.perf_counter() - t) * 1000
        questions = _questions()
        for q in questions:  # first pass fills the sentence-vector cache, as a running server would have
            a.ask(q)
        totals = [a.ask(q).timings_ms["total"] for _ in range(args.rounds) for q in questions]
        a.close()
    totals.sort()
    result = {
        "questions": len(questions), "rounds": args.rounds, "model_load_ms": round(load_ms, 1),
        "ingest_ms": round(ingest_ms, 1), "ask_p50_ms": round(statistics.median(totals), 1),
        "ask_p95_ms": round(totals[int(0.95 * (len(totals) - 1))], 1), "ask_max_ms": round(totals[-1], 1),
        "target_ms": TARGET_MS,
    }
    result["within_target"] = result["ask_p95_ms"] < TARGET_MS
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:15} {v}")
    return 0 if result["within_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
