"""The pass/fail gate for CI: metric thresholds plus "no significant regression against a baseline".

Returns a list of human-readable failures; an empty list means the gate passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from evals.stats import Comparison, MetricSummary


class ThresholdError(ValueError):
    """A threshold that is not METRIC=NUMBER."""


def parse_thresholds(specs: Iterable[str]) -> dict[str, float]:
    """["pass_rate=0.9", "hit@5=0.8"] -> {"pass_rate": 0.9, "hit@5": 0.8}."""
    out: dict[str, float] = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name.strip():
            raise ThresholdError(f"threshold {spec!r} must look like METRIC=VALUE, e.g. pass_rate=0.9")
        try:
            out[name.strip()] = float(value)
        except ValueError as exc:
            raise ThresholdError(f"threshold {spec!r}: {value!r} is not a number") from exc
    return out


def check_gate(
    summary: Mapping[str, MetricSummary],
    minimums: Mapping[str, float] | None = None,
    maximums: Mapping[str, float] | None = None,
    comparison: Comparison | None = None,
) -> list[str]:
    """Failures: metrics below their minimum or above their maximum (point values, not CI bounds),
    unknown or inapplicable metric names, and metrics whose paired new−old CI lies entirely below 0."""
    failures: list[str] = []
    known = ", ".join(summary)
    for bounds, is_min in ((minimums or {}, True), (maximums or {}, False)):
        for name, limit in bounds.items():
            m = summary.get(name)
            if m is None:
                failures.append(f"unknown metric {name!r} (known: {known})")
            elif m.value is None:
                failures.append(f"{name} has no value (no applicable items), required {'>=' if is_min else '<='} {limit:g}")
            elif is_min and m.value < limit:
                failures.append(f"{name} = {m.value:.3f} is below the minimum {limit:g}")
            elif not is_min and m.value > limit:
                failures.append(f"{name} = {m.value:.3f} is above the maximum {limit:g}")
    if comparison is not None:
        for d in comparison.regressions:
            failures.append(
                f"significant regression in {d.metric}: new−old = {d.diff:+.3f}, "
                f"95% CI [{d.low:+.3f}, {d.high:+.3f}] over {d.n} paired items"
            )
        if comparison.pass_to_fail and any(d.metric == "pass_rate" for d in comparison.regressions):
            failures.append(f"items that went pass → fail: {', '.join(comparison.pass_to_fail)}")
    return failures
