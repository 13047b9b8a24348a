"""Offline, deterministic evaluation of the customs assistant against gold question sets."""

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

__all__ = [
    "AskFn", "CheckFn", "Comparison", "Counterfactual", "CounterfactualResult", "EvalItem", "EvalRun", "Expected",
    "Figure", "ItemResult", "MetricSummary", "NumberSpec", "SetError", "ThresholdError", "add_arguments",
    "bootstrap_ci", "check_gate", "citation_precision", "citation_recall", "compare", "execute", "extract_numbers",
    "fact_recall", "hit_at_k", "item_scores", "load_item_scores", "load_set", "make_counterfactuals", "mrr_at_k",
    "ndcg_at_k", "numeric_accuracy", "paired_bootstrap", "parse_set", "parse_thresholds", "quote_support",
    "recall_at_k", "run_eval", "run_to_dict", "score_item", "substring_match", "summarise", "to_html",
    "to_markdown", "token_f1", "write_reports",
]
