"""Bootstrap confidence intervals, the run summary, and paired comparison of two runs.

Resampling is seeded (``random.Random(seed)`` per statistic), so the same run and seed always give
the same intervals, whatever order metrics are computed in.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from evals.metrics import Score, percentile, refusal_scores
from evals.runner import EvalRun

T = TypeVar("T")
RESAMPLES = 1000
SEED = 0
ALPHA = 0.05
# Per-item scores that are "higher is better" and averaged; latency is summarised by percentiles instead.
NOT_AVERAGED = {"latency_ms", "pass"}
LOWER_IS_BETTER = {"latency_p50_ms", "latency_p95_ms"}


@dataclass(frozen=True)
class MetricSummary:
    """A metric's value over the applicable items, with a 95% bootstrap CI; ``n`` items it applies to."""

    name: str
    value: float | None
    low: float | None
    high: float | None
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}


def bootstrap_ci(
    values: Sequence[T],
    stat: Callable[[Sequence[T]], float | None] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    alpha: float = ALPHA,
) -> tuple[float | None, float | None]:
    """Percentile bootstrap CI of ``stat`` (default: mean) over ``values``; (None, None) when empty."""
    if not values:
        return None, None
    fn: Callable[[Sequence[Any]], float | None] = stat or (lambda xs: statistics.fmean(xs))
    rng = random.Random(seed)
    n = len(values)
    stats_: list[float] = []
    for _ in range(resamples):
        v = fn([values[rng.randrange(n)] for _ in range(n)])
        if v is not None:
            stats_.append(v)
    if not stats_:
        return None, None
    return percentile(stats_, 100 * alpha / 2), percentile(stats_, 100 * (1 - alpha / 2))


def summarise_values(name: str, values: Sequence[T], stat: Callable[[Sequence[T]], float | None],
                     resamples: int = RESAMPLES, seed: int = SEED) -> MetricSummary:
    low, high = bootstrap_ci(values, stat, resamples, seed)
    return MetricSummary(name, stat(values) if values else None, low, high, len(values))


def _mean(xs: Sequence[float]) -> float | None:
    return statistics.fmean(xs) if xs else None


def _p(q: float) -> Callable[[Sequence[float]], float | None]:
    return lambda xs: percentile(xs, q)


def _refusal(key: str) -> Callable[[Sequence[tuple[bool, bool]]], float | None]:
    return lambda pairs: refusal_scores(pairs)[key]


def metric_names(run: EvalRun) -> list[str]:
    """Per-item averaged metric names in a stable order."""
    names: list[str] = []
    for r in run.items:
        for key in r.scores:
            if key not in NOT_AVERAGED and key not in names:
                names.append(key)
    return names


def summarise(run: EvalRun, resamples: int = RESAMPLES, seed: int = SEED) -> dict[str, MetricSummary]:
    """Every summary metric by name (the names thresholds and the gate use)."""
    out: dict[str, MetricSummary] = {}
    out["pass_rate"] = summarise_values("pass_rate", [float(r.passed) for r in run.items], _mean, resamples, seed)
    for name in metric_names(run):
        vals = [v for r in run.items if (v := r.scores.get(name)) is not None]
        out[name] = summarise_values(name, vals, _mean, resamples, seed)
    pairs = [(r.result.get("status") == "not_found", not r.item.answerable) for r in run.items if not r.error]
    for key in ("refusal_precision", "refusal_recall"):
        s = summarise_values(key, pairs, _refusal(key), resamples, seed)
        out[key] = MetricSummary(key, refusal_scores(pairs)[key], s.low, s.high, s.n)
    altered = [float(c.ok) for c in run.counterfactuals if not c.case.control]
    controls = [float(c.ok) for c in run.counterfactuals if c.case.control]
    out["checker_accuracy"] = summarise_values("checker_accuracy", altered, _mean, resamples, seed)
    out["checker_control"] = summarise_values("checker_control", controls, _mean, resamples, seed)
    lat = [v for r in run.items if (v := r.scores.get("latency_ms")) is not None]
    out["latency_p50_ms"] = summarise_values("latency_p50_ms", lat, _p(50), resamples, seed)
    out["latency_p95_ms"] = summarise_values("latency_p95_ms", lat, _p(95), resamples, seed)
    return out


def by_group(run: EvalRun, key: Callable[[Any], Sequence[str]], metrics: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Pass rate and mean metrics per group (question type, tag); groups sorted by name."""
    groups: dict[str, list[Any]] = {}
    for r in run.items:
        for g in key(r):
            groups.setdefault(g, []).append(r)
    out: dict[str, dict[str, Any]] = {}
    for g in sorted(groups):
        rs = groups[g]
        row: dict[str, Any] = {"n": len(rs), "passed": sum(r.passed for r in rs), "pass_rate": _mean([float(r.passed) for r in rs])}
        for m in metrics:
            row[m] = _mean([v for r in rs if (v := r.scores.get(m)) is not None])
        out[g] = row
    return out


# --- paired comparison -------------------------------------------------------------------------------

ItemScores = Mapping[str, Mapping[str, Score]]


@dataclass(frozen=True)
class MetricDiff:
    """new - old over items scored in both runs; a significant regression has the whole CI below 0."""

    metric: str
    n: int
    old: float | None
    new: float | None
    diff: float | None
    low: float | None
    high: float | None

    @property
    def regression(self) -> bool:
        return self.high is not None and self.high < 0

    @property
    def improvement(self) -> bool:
        return self.low is not None and self.low > 0

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "old": self.old, "new": self.new, "diff": self.diff, "low": self.low,
                "high": self.high, "significant_regression": self.regression,
                "significant_improvement": self.improvement}


@dataclass(frozen=True)
class Comparison:
    diffs: tuple[MetricDiff, ...]
    pass_to_fail: tuple[str, ...]
    fail_to_pass: tuple[str, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]

    @property
    def regressions(self) -> list[MetricDiff]:
        return [d for d in self.diffs if d.regression]

    def to_dict(self) -> dict[str, Any]:
        return {"metrics": {d.metric: d.to_dict() for d in self.diffs}, "pass_to_fail": list(self.pass_to_fail),
                "fail_to_pass": list(self.fail_to_pass), "only_in_baseline": list(self.only_old),
                "only_in_new": list(self.only_new)}


def paired_bootstrap(old: Sequence[float], new: Sequence[float], resamples: int = RESAMPLES,
                     seed: int = SEED) -> tuple[float | None, float | None, float | None]:
    """Mean of (new - old) and its percentile-bootstrap CI, resampling items (pairs stay together)."""
    if len(old) != len(new):
        raise ValueError("paired samples must have the same length")
    diffs = [b - a for a, b in zip(old, new, strict=True)]
    if not diffs:
        return None, None, None
    low, high = bootstrap_ci(diffs, _mean, resamples, seed)
    return statistics.fmean(diffs), low, high


def item_scores(run: EvalRun) -> dict[str, dict[str, Score]]:
    """id -> per-item scores with "pass" as 1/0 (the shape ``compare`` and run.json share)."""
    return {r.item.id: {**r.scores, "pass": float(r.passed)} for r in run.items}


def compare(old: ItemScores, new: ItemScores, resamples: int = RESAMPLES, seed: int = SEED) -> Comparison:
    """Paired bootstrap per metric over items present in both runs (latency excluded: too noisy to gate)."""
    common = [i for i in new if i in old]
    names: list[str] = []
    for i in common:
        for m in list(old[i]) + list(new[i]):
            if m != "latency_ms" and m not in names:
                names.append(m)
    names.sort(key=lambda m: (m != "pass", m))
    diffs: list[MetricDiff] = []
    for m in names:
        pairs = [(a, b) for i in common if (a := old[i].get(m)) is not None and (b := new[i].get(m)) is not None]
        o = [float(a) for a, _ in pairs]
        n_ = [float(b) for _, b in pairs]
        d, low, high = paired_bootstrap(o, n_, resamples, seed)
        diffs.append(MetricDiff("pass_rate" if m == "pass" else m, len(pairs), _mean(o), _mean(n_), d, low, high))
    p2f = tuple(i for i in common if old[i].get("pass") == 1.0 and new[i].get("pass") == 0.0)
    f2p = tuple(i for i in common if old[i].get("pass") == 0.0 and new[i].get("pass") == 1.0)
    return Comparison(tuple(diffs), p2f, f2p, tuple(i for i in old if i not in new), tuple(i for i in new if i not in old))
