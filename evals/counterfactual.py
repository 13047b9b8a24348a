"""Counterfactuals for the claim checker: gold sentences with one figure altered.

The checker is only useful if it catches wrong numbers, so each figure in each gold answer sentence
is altered on its own (amounts x1.5 rounded at the shown precision, years +2, days +3) and the altered
sentence must come back "contradicted". The unaltered sentences are sent as controls: a checker that
calls everything "contradicted" would otherwise score perfectly.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from evals.metrics import Figure, extract_numbers, int_to_words
from evals.schema import EvalItem

_NEGATION = re.compile(r"\b(?:not|no|never|neither|unknown|without)\b|n't\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


@dataclass(frozen=True)
class Counterfactual:
    """One sentence to check; ``control`` cases are unaltered and must NOT be called contradicted."""

    item_id: str
    original: str
    text: str
    figure: str = ""
    altered_figure: str = ""
    control: bool = False
    context: str = ""  # the question the gold answer answers: a checker reads answer sentences with it


@dataclass(frozen=True)
class CounterfactualResult:
    case: Counterfactual
    verdict: str | None
    ok: bool
    error: str | None = None
    check: dict[str, Any] = field(default_factory=dict, compare=False)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


def _scaled(numeral: str) -> str:
    """x1.5, rounded half-up at the precision shown; never returns the same numeral."""
    plain = numeral.replace(",", "")
    d = Decimal(plain)
    step = Decimal(1).scaleb(d.as_tuple().exponent)  # type: ignore[arg-type]
    new = (d * Decimal("1.5")).quantize(step, rounding=ROUND_HALF_UP)
    if new == d:
        new = d + step
    out = f"{new:,}" if "," in numeral else str(new)
    return out


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def alter(fig: Figure, sentence: str) -> str | None:
    """The altered numeral text for ``fig``, or None when the figure should not be altered."""
    numeral = sentence[fig.num_start:fig.num_end]
    if fig.spelled:
        n = int(fig.value)
        if fig.unit == "count" and n < 3:
            return None  # "one", "two" are too often not figures ("the two customs")
        new = int(Decimal(n * 1.5).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        words = int_to_words(new if new != n else n + 1, ordinal=fig.unit == "ordinal")
        return words.capitalize() if numeral[:1].isupper() else words
    if fig.unit == "year":
        return str(int(fig.value) + 2)
    if fig.unit == "day":
        day = int(fig.value)
        return str(day + 3 if day <= 25 else day - 3)
    return _scaled(numeral)


def sentence_counterfactuals(item_id: str, sentence: str) -> list[Counterfactual]:
    out: list[Counterfactual] = []
    for fig in extract_numbers(sentence):
        new = alter(fig, sentence)
        if new is None:
            continue
        end = fig.num_end
        suffix = re.match(r"(?:st|nd|rd|th)\b", sentence[end:], re.IGNORECASE) if not fig.spelled else None
        if suffix:
            new, end = new + _ordinal_suffix(int(new)), end + suffix.end()
        altered = sentence[:fig.num_start] + new + sentence[end:]
        new_fig = altered[fig.start:fig.end + len(altered) - len(sentence)]
        out.append(Counterfactual(item_id, sentence, altered, fig.text, new_fig))
    return out


def make_counterfactuals(items: Iterable[EvalItem]) -> list[Counterfactual]:
    """Altered sentences (and one control per source sentence) from answerable items' gold answers.

    Only affirmative sentences with figures are used: "the year is not given" has nothing to contradict.
    """
    cases: list[Counterfactual] = []
    seen: set[str] = set()
    for item in items:
        if not item.answerable or not item.expected.answer:
            continue
        for sentence in split_sentences(item.expected.answer):
            if sentence in seen or _NEGATION.search(sentence):
                continue
            altered = [c for c in sentence_counterfactuals(item.id, sentence) if c.text not in seen]
            if not altered:
                continue
            seen.add(sentence)
            context = "\n".join(item.turns)
            cases.append(Counterfactual(item.id, sentence, sentence, control=True, context=context))
            for c in altered:
                seen.add(c.text)
                cases.append(replace(c, context=context))
    return cases


def _takes_context(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params.values())


def verdict_of(check: Any) -> str | None:
    """The overall verdict of a check result, tolerating a bare claim list."""
    if isinstance(check, Mapping):
        v = check.get("verdict")
        return str(v) if v is not None else None
    if isinstance(check, list):
        verdicts = [str(c.get("verdict")) for c in check if isinstance(c, Mapping) and c.get("verdict")]
        if "contradicted" in verdicts:
            return "contradicted"
        return verdicts[0] if verdicts else None
    return None


def run_counterfactual(case: Counterfactual, check_fn: Callable[..., Any]) -> CounterfactualResult:
    """Check one case in the context of its question, as an answer is checked; an exception is recorded,
    never raised, and counts as a miss. A ``check_fn`` that takes one argument is called without the context."""
    try:
        check = check_fn(case.text, case.context) if _takes_context(check_fn) else check_fn(case.text)
    except Exception as exc:  # noqa: BLE001 - the harness must survive a failing checker
        return CounterfactualResult(case, None, False, f"{type(exc).__name__}: {exc}")
    verdict = verdict_of(check)
    ok = verdict != "contradicted" if case.control else verdict == "contradicted"
    return CounterfactualResult(case, verdict, ok, None, dict(check) if isinstance(check, Mapping) else {"raw": check})
