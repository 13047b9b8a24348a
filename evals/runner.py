"""Run a gold set through an ask function and a check function, scoring every item.

The assistant is reached only through the two callables, so the harness can be tested with canned
answers and pointed at any implementation of the ask/check JSON contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from evals.counterfactual import CounterfactualResult, make_counterfactuals, run_counterfactual
from evals.metrics import Score, score_item
from evals.schema import EvalItem

AskFn = Callable[[list[str]], dict[str, Any]]
CheckFn = Callable[..., dict[str, Any]]  # (text) or (text, question): answers are checked with their question


@dataclass(frozen=True)
class ItemResult:
    """One item's ask result, scores, and pass verdict with reasons."""

    item: EvalItem
    result: dict[str, Any]
    scores: dict[str, Score]
    passed: bool
    reasons: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class EvalRun:
    """A finished run: per-item results plus the claim-checker counterfactual results."""

    items: tuple[ItemResult, ...]
    counterfactuals: tuple[CounterfactualResult, ...] = ()
    k: int = 5
    set_name: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.items)


def normalise_checks(checks: Any) -> list[dict[str, Any]]:
    """Checks as a list of {text, verdict, claims}, whether given as one dict, a list, or a claim list."""
    if isinstance(checks, Mapping):
        checks = [checks]
    if not isinstance(checks, list):
        return []
    out: list[dict[str, Any]] = []
    for c in checks:
        if not isinstance(c, Mapping):
            continue
        if "claims" in c or "text" in c:
            claims = c.get("claims") if isinstance(c.get("claims"), list) else []
            out.append({"text": str(c.get("text") or ""), "verdict": c.get("verdict"), "claims": claims})
        else:  # a bare claim dict
            out.append({"text": str(c.get("claim") or ""), "verdict": c.get("verdict"), "claims": [dict(c)]})
    return out


def ask_one(item: EvalItem, ask_fn: AskFn, k: int = 5) -> ItemResult:
    """Ask every turn of the item's conversation via ``ask_fn`` and score the last answer."""
    error: str | None = None
    try:
        raw = ask_fn(list(item.turns))
        if not isinstance(raw, Mapping):
            raise TypeError(f"ask_fn returned {type(raw).__name__}, expected a dict")
        result = dict(raw)
    except Exception as exc:  # noqa: BLE001 - one failing question must not stop the run
        error = f"{type(exc).__name__}: {exc}"
        result = {"question": item.question, "status": "error", "answer": "", "citations": [], "checks": [],
                  "retrieved": [], "timings_ms": {}}
    scored = score_item(item, result, k=k, error=error)
    return ItemResult(item, result, scored.scores, scored.passed, scored.reasons, error)


def run_eval(
    items: Sequence[EvalItem],
    ask_fn: AskFn,
    check_fn: CheckFn | None,
    k: int = 5,
    progress: bool = True,
    set_name: str = "",
    report: Callable[[int, int, str], None] | None = None,
) -> EvalRun:
    """Score every item, then run the claim-checker counterfactuals (skipped when ``check_fn`` is None).

    ``report(done, total, what)`` is told after each question and each checker case (the app's progress bar).
    """
    cases = make_counterfactuals(items) if check_fn is not None else []
    total = len(items) + len(cases)
    results: list[ItemResult] = []
    cf_results: list[CounterfactualResult] = []
    with tqdm(total=total, desc="eval", unit="q", disable=not progress, leave=False) as bar:
        for item in items:
            bar.set_postfix_str(item.id, refresh=False)
            results.append(ask_one(item, ask_fn, k))
            bar.update(1)
            if report is not None:
                report(len(results), len(items), "questions")
        if check_fn is not None:
            for case in cases:
                bar.set_postfix_str(f"check {case.item_id}", refresh=False)
                cf_results.append(run_counterfactual(case, check_fn))
                bar.update(1)
                if report is not None:
                    report(len(cf_results), len(cases), "checker cases")
    return EvalRun(tuple(results), tuple(cf_results), k=k, set_name=set_name)
