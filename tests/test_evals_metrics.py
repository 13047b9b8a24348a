"""Metric code against hand-computed values, including the edge cases."""

from __future__ import annotations

import math

import pytest

from evals.counterfactual import make_counterfactuals, run_counterfactual
from evals.metrics import (
    citation_precision,
    citation_recall,
    extract_numbers,
    fact_recall,
    hit_at_k,
    mrr_at_k,
    ndcg_at_k,
    normalise,
    numeric_accuracy,
    percentile,
    quote_support,
    ranked_sources,
    recall_at_k,
    refusal_scores,
    score_item,
    substring_match,
    token_f1,
)
from evals.schema import EvalItem, Expected, NumberSpec

L3 = 1 / math.log2(3)  # discount at rank 2


# --- retrieval ---------------------------------------------------------------------------------------

def test_retrieval_hand_values_with_duplicates() -> None:
    ranked = ["a", "b", "a", "c"]  # deduped: a, b, c
    gold = ["c", "b"]
    assert hit_at_k(ranked, gold, 2) == 1.0
    assert mrr_at_k(ranked, gold, 2) == 0.5
    assert ndcg_at_k(ranked, gold, 2) == pytest.approx(L3 / (1 + L3))  # 0.38685
    assert recall_at_k(ranked, gold, 2) == 0.5
    assert recall_at_k(ranked, gold, 3) == 1.0
    assert ndcg_at_k(ranked, gold, 3) == pytest.approx((L3 + 0.5) / (1 + L3))


def test_duplicates_do_not_push_gold_out_of_top_k() -> None:
    ranked = ["a", "a", "a", "b"]
    assert hit_at_k(ranked, ["b"], 2) == 1.0
    assert mrr_at_k(ranked, ["b"], 2) == 0.5
    assert ranked_sources([{"source": "dir/a.txt"}, {"source": "a.txt"}, {"source": ""}, {"source": "b.txt"}]) == ["a.txt", "b.txt"]


def test_fewer_than_k_results_and_no_results() -> None:
    assert hit_at_k(["b"], ["b", "c"], 5) == 1.0
    assert mrr_at_k(["b"], ["b", "c"], 5) == 1.0
    assert ndcg_at_k(["b"], ["b", "c"], 5) == pytest.approx(1 / (1 + L3))
    assert recall_at_k(["b"], ["b", "c"], 5) == 0.5
    for fn in (hit_at_k, mrr_at_k, ndcg_at_k, recall_at_k):
        assert fn([], ["b"], 5) == 0.0


def test_no_gold_is_not_applicable() -> None:
    for fn in (hit_at_k, mrr_at_k, ndcg_at_k, recall_at_k):
        assert fn(["a"], [], 5) is None


def test_gold_compared_by_file_name() -> None:
    assert hit_at_k(["corpus/bulletins/x.txt"], ["x.txt"], 1) == 1.0
    assert ndcg_at_k(["x.txt", "y.txt"], ["x.txt", "y.txt"], 5) == pytest.approx(1.0)


# --- answer text -------------------------------------------------------------------------------------

def test_normalise_and_fact_recall() -> None:
    assert normalise("  US$4.36 Billion!  ") == "us 4 36 billion"
    assert normalise("nearly 40%") == normalise("Nearly 40 per cent") == "nearly 40 percent"
    facts = [["4.36 billion", "4,360,000,000"], ["32.9%"], ["Costa Rica"]]
    assert fact_recall(facts, "Trade was US$4.36 BILLION, up 32.9 percent.") == pytest.approx(2 / 3)
    assert fact_recall(facts, "4,360,000,000 dollars; costa-rica; 32.9%") == 1.0
    assert fact_recall([["40"]], "about 400 items") == 0.0  # whole words only
    assert fact_recall(facts, "") == 0.0
    assert fact_recall([], "anything") is None


def test_token_f1_and_substring() -> None:
    assert token_f1("the cat sat", "cat sat down") == pytest.approx(0.8)  # p=1, r=2/3
    assert token_f1("", "cat") == 0.0
    assert token_f1("", "") == 1.0
    assert token_f1("dog", "cat") == 0.0
    assert token_f1("anything", None) is None
    assert substring_match("It rose 32.9% in 2022.", "32.9 percent") == 1.0
    assert substring_match("", "x") == 0.0
    assert substring_match("x", None) is None


# --- numbers -----------------------------------------------------------------------------------------

def test_extract_numbers() -> None:
    got = [(f.value, f.unit) for f in extract_numbers(
        "US$4.36 billion in 2022, up 32.9% [1]; 43 countries, the third deal, on February 7th; 4,360,000,000 dollars")]
    assert got == [(4.36e9, "USD"), (2022, "year"), (32.9, "percent"), (43, "count"), (3, "ordinal"), (7, "day"),
                   (4.36e9, "USD")]
    assert extract_numbers("") == []
    assert [f.value for f in extract_numbers("see 000_eb2d948c419fafef.txt [2]")] == []


def test_numeric_accuracy_value_unit_and_tolerance() -> None:
    usd = NumberSpec(4.36e9, "USD", 0.005)
    assert numeric_accuracy([usd], "about 4,360,000,000 US dollars") == 1.0
    assert numeric_accuracy([usd], "US$4.37 billion") == 1.0  # 0.23% off, within 0.5%
    assert numeric_accuracy([NumberSpec(4.36e9, "USD", 0.001)], "US$4.37 billion") == 0.0
    assert numeric_accuracy([NumberSpec(4.36e9, "USD")], "4.36 billion") == 1.0  # bare number: no conflicting unit
    assert numeric_accuracy([NumberSpec(4.36e9, "USD")], "4.36 billion%") == 0.0
    assert numeric_accuracy([NumberSpec(43, "count")], "43% of exports") == 0.0  # unit disagrees
    assert numeric_accuracy([NumberSpec(43, "count")], "forty-three partners") == 1.0
    assert numeric_accuracy([NumberSpec(3, "ordinal")], "the 3rd agreement") == 1.0
    assert numeric_accuracy([NumberSpec(2014, "year"), NumberSpec(40, "percent")], "signed in 2014") == 0.5
    assert numeric_accuracy([NumberSpec(1, "any")], "") == 0.0
    assert numeric_accuracy([], "43") is None


# --- citations ---------------------------------------------------------------------------------------

def test_citation_precision_recall() -> None:
    cites = [{"source": "g1.txt"}, {"source": "other.txt"}, {"source": "g1.txt"}]
    assert citation_precision(cites, ["g1.txt", "g2.txt"]) == 0.5
    assert citation_recall(cites, ["g1.txt", "g2.txt"]) == 0.5
    assert citation_precision([], ["g1.txt"]) is None
    assert citation_recall([], ["g1.txt"]) == 0.0
    assert citation_recall(cites, []) is None


def test_quote_support() -> None:
    cites = [{"source": "m.txt", "quote": "the total trade value will be US$4.36 billion in 2022"}]
    assert quote_support("US$4.36 billion in 2022, up 32.9% [1].", cites) == pytest.approx(2 / 3)
    assert quote_support("4,360,000,000 dollars [1]", cites) == 1.0
    assert quote_support("No figures here [1].", cites) is None
    assert quote_support("It was 43.", []) == 0.0
    assert quote_support("", cites) is None


# --- aggregates --------------------------------------------------------------------------------------

def test_percentile_and_refusal() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None
    # (refused, should_refuse): TP, FP, FN, TN
    assert refusal_scores([(True, True), (True, False), (False, True), (False, False)]) == {
        "refusal_precision": 0.5, "refusal_recall": 0.5}
    assert refusal_scores([(False, False)]) == {"refusal_precision": None, "refusal_recall": None}


# --- the pass rule -----------------------------------------------------------------------------------

ITEM = EvalItem(id="fig", turns=("How much?",), expected=Expected("It was US$4.36 billion in 2022.", (("4.36 billion",),)),
                sources=("m.txt",), answerable=True, type="figure", numbers=(NumberSpec(4.36e9, "USD", 0.005),))
UNANS = EvalItem(id="un", turns=("Tariff?",), expected=Expected(), sources=(), answerable=False, type="unanswerable")
GOOD = {"status": "answered", "answer": "Trade was US$4.36 billion in 2022 [1].",
        "citations": [{"n": 1, "source": "m.txt", "quote": "US$4.36 billion in 2022"}],
        "retrieved": [{"source": "x.txt"}, {"source": "m.txt"}], "timings_ms": {"total": 12.5}}


def test_answerable_pass_and_scores() -> None:
    s = score_item(ITEM, GOOD, k=5)
    assert s.passed and s.reasons == ()
    assert s.scores["hit@5"] == 1.0 and s.scores["mrr@5"] == 0.5
    assert s.scores["fact_recall"] == 1.0 and s.scores["numeric_accuracy"] == 1.0
    assert s.scores["citation_precision"] == 1.0 and s.scores["quote_support"] == 1.0
    assert s.scores["latency_ms"] == 12.5 and s.scores["refusal_accuracy"] == 1.0 and s.scores["pass"] == 1.0


def test_answerable_failure_reasons() -> None:
    bad = {"status": "answered", "answer": "Trade was large.", "citations": [{"source": "x.txt"}]}
    s = score_item(ITEM, bad)
    assert not s.passed
    assert any(r.startswith("missing fact") for r in s.reasons)
    assert any(r.startswith("missing number: 4.36e+09 USD") for r in s.reasons)
    assert any(r.startswith("no citation to a gold source") for r in s.reasons)
    refused = score_item(ITEM, {"status": "not_found", "answer": ""})
    assert "status was 'not_found', expected 'answered'" in refused.reasons
    assert refused.scores["fact_recall"] == 0.0 and refused.scores["refusal_accuracy"] == 0.0


def test_unanswerable_pass_rule_and_missing_keys() -> None:
    assert score_item(UNANS, {"status": "not_found"}).passed
    s = score_item(UNANS, GOOD)
    assert not s.passed and "expected 'not_found'" in s.reasons[0]
    assert s.scores["fact_recall"] is None and s.scores["hit@5"] is None
    assert score_item(ITEM, {}).scores["latency_ms"] is None
    err = score_item(UNANS, {"status": "not_found"}, error="boom")
    assert not err.passed and err.reasons == ("ask failed: boom",)


# --- counterfactuals ---------------------------------------------------------------------------------

def test_counterfactuals_and_checker_scoring() -> None:
    items = [ITEM, UNANS, EvalItem(id="neg", turns=("q",), expected=Expected("The year is not given for 2022."),
                                   sources=("m.txt",), answerable=True, type="date")]
    cases = make_counterfactuals(items)
    assert [(c.control, c.figure, c.altered_figure) for c in cases] == [
        (True, "", ""), (False, "US$4.36 billion", "US$6.54 billion"), (False, "2022", "2024")]
    assert cases[1].text == "It was US$6.54 billion in 2022."

    def checker(text: str) -> dict[str, object]:
        return {"text": text, "verdict": "supported" if "4.36" in text and "2022" in text else "contradicted"}

    assert all(run_counterfactual(c, checker).ok for c in cases)
    always = run_counterfactual(cases[0], lambda t: {"verdict": "contradicted"})
    assert not always.ok  # the control catches a checker that contradicts everything
    claim_list = run_counterfactual(cases[1], lambda t: [{"claim": "x", "verdict": "contradicted"}])  # type: ignore[arg-type, return-value]
    assert claim_list.ok and claim_list.verdict == "contradicted"

    def broken(text: str) -> dict[str, object]:
        raise RuntimeError("down")

    failed = run_counterfactual(cases[1], broken)
    assert not failed.ok and failed.error == "RuntimeError: down"
