"""The ``eval`` command: run a set, write reports, apply the gate. Exit 0 pass, 1 gate failure, 2 bad input.

Kept independent of the assistant: the caller passes ``ask_fn``/``check_fn``, so the CLI wiring lives
with the assistant and this module only knows the JSON contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from evals.evaluate import evaluate
from evals.gate import ThresholdError, parse_thresholds
from evals.report import RunFileError, load_item_scores, to_markdown, write_reports
from evals.runner import AskFn, CheckFn
from evals.schema import SetError, load_set, shipped_sets
from evals.stats import RESAMPLES

EXIT_OK, EXIT_GATE, EXIT_BAD_INPUT = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``customs-assistant eval``."""
    parser.add_argument("set", metavar="SET",
                        help=f"a JSONL eval set path, or a shipped set name ({', '.join(shipped_sets()) or 'none'})")
    parser.add_argument("--report", metavar="DIR", help="write run.json, report.md and report.html into DIR")
    parser.add_argument("--min", dest="minimums", metavar="METRIC=VALUE", action="append", default=[],
                        help="fail unless METRIC >= VALUE, e.g. pass_rate=0.9 or hit@5=0.9 (repeatable)")
    parser.add_argument("--max", dest="maximums", metavar="METRIC=VALUE", action="append", default=[],
                        help="fail unless METRIC <= VALUE, e.g. latency_p95_ms=3000 (repeatable)")
    parser.add_argument("--baseline", metavar="RUN.json",
                        help="a previous run.json; fail on a significant (paired bootstrap 95%%) regression")
    parser.add_argument("-k", type=int, default=5, help="retrieval cut-off for hit/MRR/nDCG/recall@k (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.add_argument("--resamples", type=int, default=RESAMPLES, help=f"bootstrap resamples (default {RESAMPLES})")
    parser.add_argument("--no-checker", action="store_true", help="skip the claim-checker counterfactuals")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    if "--json" not in parser._option_string_actions:  # the CLI's common options may already give it
        parser.add_argument("--json", action="store_true", help="print the summary as JSON instead of Markdown")


def _get(args: argparse.Namespace, name: str, default: Any) -> Any:
    value = getattr(args, name, default)
    return default if value is None else value


def execute(args: argparse.Namespace, ask_fn: AskFn, check_fn: CheckFn | None) -> int:
    """Run the eval described by ``args``; nothing runs if the set, thresholds or baseline are bad."""
    k = int(_get(args, "k", 5))
    seed = int(_get(args, "seed", 0))
    resamples = int(_get(args, "resamples", RESAMPLES))
    try:
        items = load_set(args.set)
        minimums = parse_thresholds(_get(args, "minimums", []))
        maximums = parse_thresholds(_get(args, "maximums", []))
        baseline = load_item_scores(args.baseline) if _get(args, "baseline", None) else None
        if k < 1 or resamples < 1:
            raise ThresholdError("-k and --resamples must be at least 1")
    except (SetError, ThresholdError, RunFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    data = evaluate(items, ask_fn, None if _get(args, "no_checker", False) else check_fn, minimums=minimums,
                    maximums=maximums, baseline=baseline, baseline_name=_get(args, "baseline", None), k=k, seed=seed,
                    resamples=resamples, progress=not _get(args, "no_progress", False), set_name=str(args.set))
    failures = (data["gate"] or {}).get("failures") or []
    if _get(args, "report", None):
        paths = write_reports(args.report, data)
        print(f"reports: {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
    if _get(args, "json", False):
        print(json.dumps({"set": data["set"], "counts": data["counts"], "summary": data["summary"],
                          "by_type": data["by_type"], "gate": data["gate"],
                          "comparison": data["comparison"], "index": data["index"]}, indent=2, default=str))
    else:
        print(to_markdown({**data, "items": data["items"], "counterfactuals": data["counterfactuals"]}))
    return EXIT_GATE if failures else EXIT_OK
