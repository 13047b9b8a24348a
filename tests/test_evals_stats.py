"""Bootstrap intervals, summaries, paired comparison and the gate."""

from __future__ import annotations

import pytest

from evals.counterfactual import Counterfactual, CounterfactualResult
from evals.gate import ThresholdError, check_gate, parse_thresholds
from evals.runner import EvalRun, ItemResult
from evals.schema import EvalItem, Expected
from evals.stats import bootstrap_ci, compare, item_scores, paired_bootstrap, summarise


def test_bootstrap_is_seeded_and_sane() -> None:
    values = [(i * 0.6180339) % 1 for i in range(40)]
    a = bootstrap_ci(values, resamples=500, seed=0)
    assert a == bootstrap_ci(values, resamples=500, seed=0)
    assert a != bootstrap_ci(values, resamples=500, seed=1)
    low, high = a
    assert low is not None and high is not None and low < sum(values) / 40 < high
    assert bootstrap_ci([0.7] * 10) == (pytest.approx(0.7), pytest.approx(0.7))
    assert bootstrap_ci([]) == (None, None)


def test_paired_bootstrap() -> None:
    assert paired_bootstrap([1.0, 0.0], [1.0, 0.0]) == (0.0, 0.0, 0.0)
    diff, low, high = paired_bootstrap([1.0] * 10, [0.0] * 10)
    assert diff == -1.0 and high == -1.0
    assert paired_bootstrap([], []) == (None, None, None)
    with pytest.raises(ValueError):
        paired_bootstrap([1.0], [])


def _item(i: str, answerable: bool = True, typ: str = "figure") -> EvalItem:
    return EvalItem(id=i, turns=("q",), expected=Expected("a"), sources=("s.txt",), answerable=answerable, type=typ)


def _result(item: EvalItem, passed: bool, status: str, latency: float, fact: float | None = 1.0) -> ItemResult:
    scores = {"hit@5": 1.0, "fact_recall": fact, "latency_ms": latency, "pass": float(passed)}
    return ItemResult(item, {"status": status}, scores, passed, () if passed else ("why",))


def _run() -> EvalRun:
    rs = (
        _result(_item("a"), True, "answered", 10.0),
        _result(_item("b"), False, "not_found", 20.0, 0.0),  # false refusal
        _result(_item("c", False, "unanswerable"), True, "not_found", 30.0, None),  # true refusal
        _result(_item("d", False, "unanswerable"), False, "answered", 40.0, None),  # missed refusal
    )
    cf = (
        CounterfactualResult(Counterfactual("a", "s", "s", control=True), "supported", True),
        CounterfactualResult(Counterfactual("a", "s", "s2", "1", "2"), "contradicted", True),
        CounterfactualResult(Counterfactual("a", "s", "s3", "3", "5"), "supported", False),
    )
    return EvalRun(rs, cf, k=5)


def test_summarise_hand_values() -> None:
    s = summarise(_run(), resamples=200)
    assert s["pass_rate"].value == 0.5 and s["pass_rate"].n == 4
    assert s["fact_recall"].value == 0.5 and s["fact_recall"].n == 2  # None left out
    assert s["hit@5"].value == 1.0
    assert s["refusal_precision"].value == 0.5 and s["refusal_recall"].value == 0.5
    assert s["checker_accuracy"].value == 0.5 and s["checker_accuracy"].n == 2
    assert s["checker_control"].value == 1.0
    assert s["latency_p50_ms"].value == 25.0
    assert s["latency_p95_ms"].value == pytest.approx(38.5)
    lo, hi = s["pass_rate"].low, s["pass_rate"].high
    assert lo is not None and hi is not None and 0.0 <= lo <= 0.5 <= hi <= 1.0
    assert "latency_ms" not in s and "pass" not in s


def test_compare_lists_changed_items_and_flags_regression() -> None:
    old = {f"i{n}": {"pass": 1.0, "fact_recall": 1.0} for n in range(20)}
    new = {f"i{n}": {"pass": 0.0 if n < 12 else 1.0, "fact_recall": 1.0} for n in range(20)}
    new["extra"] = {"pass": 1.0}
    old["gone"] = {"pass": 0.0}
    c = compare(old, new, resamples=300)
    by = {d.metric: d for d in c.diffs}
    assert by["pass_rate"].regression and by["pass_rate"].diff == pytest.approx(-0.6)
    assert not by["fact_recall"].regression and by["fact_recall"].diff == 0.0
    assert c.pass_to_fail == tuple(f"i{n}" for n in range(12)) and c.fail_to_pass == ()
    assert c.only_new == ("extra",) and c.only_old == ("gone",)
    failures = check_gate(summarise(_run(), resamples=50), comparison=c)
    assert any("significant regression in pass_rate" in f for f in failures)
    assert any("pass → fail: i0" in f for f in failures)


def test_compare_identical_runs_is_clean() -> None:
    scores = item_scores(_run())
    c = compare(scores, scores, resamples=100)
    assert c.regressions == [] and c.pass_to_fail == () and c.fail_to_pass == ()
    assert "latency_ms" not in {d.metric for d in c.diffs}


def test_gate_thresholds() -> None:
    assert parse_thresholds(["pass_rate=0.9", " hit@5 = 0.8"]) == {"pass_rate": 0.9, "hit@5": 0.8}
    for bad in ("pass_rate", "=1", "pass_rate=high"):
        with pytest.raises(ThresholdError):
            parse_thresholds([bad])
    s = summarise(_run(), resamples=50)
    assert check_gate(s, {"pass_rate": 0.5, "hit@5": 1.0}, {"latency_p95_ms": 100}) == []
    failures = check_gate(s, {"pass_rate": 0.9, "nope": 1.0}, {"latency_p95_ms": 10})
    assert failures[0] == "pass_rate = 0.500 is below the minimum 0.9"
    assert failures[1].startswith("unknown metric 'nope'")
    assert failures[2] == "latency_p95_ms = 38.500 is above the maximum 10"
    empty = summarise(EvalRun((_result(_item("a"), True, "answered", 1.0),)), resamples=10)
    assert check_gate(empty, {"refusal_recall": 0.5}) == [
        "refusal_recall has no value (no applicable items), required >= 0.5"]
