"""One evaluation run from start to report data: run the set, summarise, compare with a baseline, apply the gate.

The ``eval`` command and the app's Evaluate tab both call ``evaluate``, so thresholds, baselines and the gate
mean the same wherever a run starts; ``failing`` gives each failed item with every turn of its conversation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.gate import ThresholdError, check_gate, parse_thresholds
from evals.metrics import Score
from evals.report import run_to_dict, write_reports
from evals.runner import AskFn, CheckFn, run_eval
from evals.schema import EvalItem
from evals.stats import RESAMPLES, compare, item_scores, summarise


def known_metrics(items: Sequence[EvalItem], k: int) -> set[str]:
    """Every metric name a run of ``items`` reports (the names thresholds may use).

    Found by scoring one item against an empty answer, so the list is the harness's own, not a copy.
    """
    empty = {"status": "not_found", "answer": "", "citations": [], "retrieved": [], "timings_ms": {"total": 0.0}}
    run = run_eval(list(items)[:1], lambda turns: empty, None, k=k, progress=False)
    return set(summarise(run, resamples=1))


def thresholds(items: Sequence[EvalItem], minimums: Sequence[str], maximums: Sequence[str],
               k: int = 5) -> tuple[dict[str, float], dict[str, float]]:
    """``METRIC=VALUE`` bounds parsed and their names checked before anything runs; ThresholdError otherwise."""
    low, high = parse_thresholds(list(minimums)), parse_thresholds(list(maximums))
    if low or high:
        known = known_metrics(items, k)
        unknown = [name for name in {**low, **high} if name not in known]
        if unknown:
            raise ThresholdError(f"unknown metric {', '.join(map(repr, unknown))} in the thresholds "
                                 f"(known: {', '.join(sorted(known))})")
    return low, high


def evaluate(items: Sequence[EvalItem], ask_fn: AskFn, check_fn: CheckFn | None, *,
             minimums: Mapping[str, float] | None = None, maximums: Mapping[str, float] | None = None,
             baseline: Mapping[str, dict[str, Score]] | None = None, baseline_name: str | None = None,
             k: int = 5, seed: int = 0, resamples: int = RESAMPLES, progress: bool = True,
             set_name: str = "", report: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    """The run as report data (``run.json``): the gate is reported only when a threshold or baseline was given."""
    minimums, maximums = dict(minimums or {}), dict(maximums or {})
    run = run_eval(items, ask_fn, check_fn, k=k, progress=progress, set_name=set_name, report=report)
    summary = summarise(run, resamples=resamples, seed=seed)
    comparison = compare(dict(baseline), item_scores(run), resamples=resamples, seed=seed) \
        if baseline is not None else None
    failures = check_gate(summary, minimums, maximums, comparison)
    gated = bool(minimums or maximums or baseline is not None)
    settings = {"k": k, "seed": seed, "resamples": resamples, "baseline": baseline_name,
                "minimums": minimums, "maximums": maximums}
    return run_to_dict(run, summary, comparison, failures if gated else None, settings=settings)


def failing(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The failed items of a run, each with all its turns (a follow-up fails on its last turn, read with the rest)."""
    out = []
    for item in data.get("items") or []:
        if item.get("passed"):
            continue
        turns = list(item.get("turns") or [item.get("question") or ""])
        out.append({"id": item.get("id"), "turns": turns, "question": turns[-1], "passed": False,
                    "reasons": list(item.get("reasons") or []), "error": item.get("error"),
                    "answer": (item.get("result") or {}).get("answer")})
    return out


def save_run(root: Path, data: Mapping[str, Any]) -> dict[str, Path]:
    """Write a run's reports into a new folder under ``root`` (named by time and set), so it can be a baseline."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(str(data.get("set") or "set")).stem)[:40] or "set"
    return write_reports(root / f"{stamp}-{name}", data)


def saved_runs(root: Path) -> list[tuple[str, str]]:
    """Earlier runs under ``root``, newest first, as (label, path of run.json)."""
    if not root.is_dir():
        return []
    runs = sorted((p for p in root.glob("*/run.json") if p.is_file()), key=lambda p: p.parent.name, reverse=True)
    return [(p.parent.name, str(p)) for p in runs]
