"""Offline, deterministic evaluation of the customs assistant against gold question sets.

Names are imported on first use (PEP 562), so importing one submodule does not load the others
and their heavy dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.lazy import lazy_names

if TYPE_CHECKING:
    from evals.command import add_arguments, execute
    from evals.counterfactual import Counterfactual, CounterfactualResult, make_counterfactuals
    from evals.gate import ThresholdError, check_gate, parse_thresholds
    from evals.metrics import (
        Figure,
        citation_precision,
        citation_recall,
        extract_numbers,
        fact_recall,
        hit_at_k,
        mrr_at_k,
        ndcg_at_k,
        numeric_accuracy,
        quote_support,
        recall_at_k,
        score_item,
        substring_match,
        token_f1,
    )
    from evals.report import load_item_scores, run_to_dict, to_html, to_markdown, write_reports
    from evals.runner import AskFn, CheckFn, EvalRun, ItemResult, run_eval
    from evals.schema import EvalItem, Expected, NumberSpec, SetError, load_set, parse_set
    from evals.stats import (
        Comparison,
        MetricSummary,
        bootstrap_ci,
        compare,
        item_scores,
        paired_bootstrap,
        summarise,
    )

_MODULES: dict[str, str] = {
    "add_arguments": "evals.command",
    "execute": "evals.command",
    "Counterfactual": "evals.counterfactual",
    "CounterfactualResult": "evals.counterfactual",
    "make_counterfactuals": "evals.counterfactual",
    "ThresholdError": "evals.gate",
    "check_gate": "evals.gate",
    "parse_thresholds": "evals.gate",
    "Figure": "evals.metrics",
    "citation_precision": "evals.metrics",
    "citation_recall": "evals.metrics",
    "extract_numbers": "evals.metrics",
    "fact_recall": "evals.metrics",
    "hit_at_k": "evals.metrics",
    "mrr_at_k": "evals.metrics",
    "ndcg_at_k": "evals.metrics",
    "numeric_accuracy": "evals.metrics",
    "quote_support": "evals.metrics",
    "recall_at_k": "evals.metrics",
    "score_item": "evals.metrics",
    "substring_match": "evals.metrics",
    "token_f1": "evals.metrics",
    "load_item_scores": "evals.report",
    "run_to_dict": "evals.report",
    "to_html": "evals.report",
    "to_markdown": "evals.report",
    "write_reports": "evals.report",
    "AskFn": "evals.runner",
    "CheckFn": "evals.runner",
    "EvalRun": "evals.runner",
    "ItemResult": "evals.runner",
    "run_eval": "evals.runner",
    "EvalItem": "evals.schema",
    "Expected": "evals.schema",
    "NumberSpec": "evals.schema",
    "SetError": "evals.schema",
    "load_set": "evals.schema",
    "parse_set": "evals.schema",
    "Comparison": "evals.stats",
    "MetricSummary": "evals.stats",
    "bootstrap_ci": "evals.stats",
    "compare": "evals.stats",
    "item_scores": "evals.stats",
    "paired_bootstrap": "evals.stats",
    "summarise": "evals.stats",
}

__all__ = [
    "AskFn", "CheckFn", "Comparison", "Counterfactual", "CounterfactualResult", "EvalItem", "EvalRun",
    "Expected", "Figure", "ItemResult", "MetricSummary", "NumberSpec", "SetError", "ThresholdError",
    "add_arguments", "bootstrap_ci", "check_gate", "citation_precision", "citation_recall", "compare",
    "execute", "extract_numbers", "fact_recall", "hit_at_k", "item_scores", "load_item_scores", "load_set",
    "make_counterfactuals", "mrr_at_k", "ndcg_at_k", "numeric_accuracy", "paired_bootstrap", "parse_set",
    "parse_thresholds", "quote_support", "recall_at_k", "run_eval", "run_to_dict", "score_item",
    "substring_match", "summarise", "to_html", "to_markdown", "token_f1", "write_reports",
]

__getattr__, __dir__ = lazy_names(globals(), _MODULES)
