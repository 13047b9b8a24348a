"""Deterministic per-item metrics. ``None`` means "not applicable" (e.g. no gold sources) and is left
out of averages rather than counted as 0 or 1, so a metric is only ever averaged over items it applies to.

Retrieval (over the de-duplicated ranked list of retrieved source names, gold = ``item.sources``):
  hit@k     1 if any gold source is in the top k, else 0.
  mrr@k     1/rank of the first gold source within the top k, else 0.
  ndcg@k    binary-relevance DCG (sum 1/log2(rank+1) over gold hits in top k) / ideal DCG for
            min(|gold|, k) hits.
  recall@k  |gold in top k| / |gold|.
Answer:
  fact_recall      share of required facts with at least one alternative found in the answer
                   (case-insensitive, punctuation/whitespace-normalised, whole-word match).
  token_f1         SQuAD-style token F1 of the answer vs ``expected.answer``.
  substring_match  1 if normalised ``expected.answer`` occurs in the normalised answer.
  numeric_accuracy share of expected numbers found in the answer (value within relative tolerance
                   and a compatible unit).
Citations:
  citation_precision  share of cited (distinct) sources that are gold; None when nothing is cited.
  citation_recall     share of gold sources cited.
  quote_support       share of the answer's digit figures that some citation quote also contains
                      (same value and unit family); None when the answer has no digit figures.
Refusal:
  refusal_accuracy  1 if (status == "not_found") == (item is unanswerable).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evals.schema import EvalItem, NumberSpec

Score = float | None

# --- figures in text ------------------------------------------------------------------------------
# "US$4.36 billion" -> 4.36e9 USD, "32.9%" -> 32.9 percent, "third" -> ordinal 3. Numbers are compared by
# value and unit, not spelling, so "4,360,000,000 dollars" equals "US$4.36 billion" while "43%" is not
# the count 43.

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORD_ONES = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
             "seventeenth", "eighteenth", "nineteenth"]
_ORD_TENS = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
             "ninetieth"]
_WORD_VALUE: dict[str, tuple[int, bool]] = {}
for _i, _w in enumerate(_ONES):
    _WORD_VALUE[_w] = (_i, False)
for _i, _w in enumerate(_ORD_ONES):
    _WORD_VALUE[_w] = (_i, True)
for _i, _w in enumerate(_TENS):
    if _w:
        _WORD_VALUE[_w] = (_i * 10, False)
for _i, _w in enumerate(_ORD_TENS):
    if _w:
        _WORD_VALUE[_w] = (_i * 10, True)

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december"
          "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")


def _alt(words: list[str]) -> str:
    return "|".join(sorted((w for w in words if w), key=len, reverse=True))


_WORD_NUM = (
    rf"(?:(?:{_alt(_TENS)})(?:[-\s](?:{_alt(_ORD_ONES[1:10])}|{_alt(_ONES[1:10])}))?"
    rf"|{_alt(_ORD_TENS)}|{_alt(_ORD_ONES)}|{_alt(_ONES)})"
)
_FIGURE = re.compile(
    r"(?<![\w.,$])"
    r"(?P<cur>US\s?\$|USD\s?|\$)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + _WORD_NUM + r")"
    r"(?:(?P<ord>st|nd|rd|th)\b|(?=\s?(?:thousand|million|billion|trillion|bn|mn)\b)|\b)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per\s+cent\b))?"
    r"(?:\s(?P<cur2>(?:US\s)?dollars?\b|USD\b))?",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-[01]\d-[0-3]\d\b")
_CITE_MARK = re.compile(r"\[\d+(?:\s*[,;\-–]\s*\d+)*\]")
_LIST_MARK = re.compile(r"(?m)^\s*\d+[.)]\s")
_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?\s+$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^\s+(?:of\s+)?(?:{MONTHS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A figure found in text; ``num_start``/``num_end`` span just the numeral (for rewriting it)."""

    value: float
    unit: str  # count | percent | USD | year | ordinal | day
    text: str
    start: int
    end: int
    num_start: int
    num_end: int
    spelled: bool = False


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _word_value(word: str) -> tuple[int, bool]:
    parts = re.split(r"[-\s]+", word.lower())
    total, ordinal = 0, False
    for p in parts:
        v, o = _WORD_VALUE[p]
        total += v
        ordinal = o
    return total, ordinal


def extract_numbers(text: str) -> list[Figure]:
    """Every figure in ``text`` (citation markers like "[1]" and list numbering are ignored)."""
    clean = _blank(_blank(text or "", _CITE_MARK), _LIST_MARK)
    out: list[Figure] = []
    for m in _ISO_DATE.finditer(clean):
        out.append(Figure(float(m.group(1)), "year", m.group(0), m.start(), m.end(), m.start(1), m.end(1)))
    clean = _blank(clean, _ISO_DATE)
    for m in _FIGURE.finditer(clean):
        raw = m.group("num")
        spelled = not raw[0].isdigit()
        if spelled:
            value_i, ordinal = _word_value(raw)
            value = float(value_i)
        else:
            value = float(raw.replace(",", ""))
            ordinal = bool(m.group("ord"))
        if m.group("scale"):
            value *= SCALES[m.group("scale").lower()]
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur") or m.group("cur2"):
            unit = "USD"
        elif _MONTH_BEFORE.search(clean[: m.start()]) or _MONTH_AFTER.search(clean[m.end():]):
            unit = "day" if not spelled else ("ordinal" if ordinal else "count")
        elif ordinal:
            unit = "ordinal"
        elif not spelled and re.fullmatch(r"(?:19|20)\d\d", raw) and not m.group("scale"):
            unit = "year"
        else:
            unit = "count"
        end = m.end()
        while end > m.start() and clean[end - 1].isspace():
            end -= 1
        out.append(Figure(value, unit, text[m.start():end], m.start(), end, m.start("num"), m.end("num"), spelled))
    return sorted(out, key=lambda f: f.start)


_COMPATIBLE = {
    "count": {"count", "year", "ordinal"},
    "ordinal": {"ordinal", "count"},
    "year": {"year"},
    "percent": {"percent"},
    "USD": {"USD", "count"},  # "4.36 billion" with the currency left out does not disagree
    "day": {"day"},
}


def units_agree(expected: str, found: str) -> bool:
    """Whether a found figure's unit can stand for the expected unit ("any" matches everything)."""
    return expected == "any" or found in _COMPATIBLE.get(expected, {expected})


def close(a: float, b: float, rel: float = 0.0) -> bool:
    """|a-b| <= rel*|b| (b is the expected value), with a float-noise floor so 4.36*1e9 equals 4.36e9."""
    return abs(a - b) <= max(rel, 1e-9) * abs(b) + 1e-12


def family(unit: str) -> str:
    """Coarse unit family used when matching answer figures against quotes."""
    return {"percent": "percent", "USD": "money"}.get(unit, "plain")


def int_to_words(n: int, ordinal: bool = False) -> str:
    """0..99 in words ("forty-three", "thirty-fifth"); larger numbers fall back to digits."""
    if not 0 <= n < 100:
        return f"{n}th" if ordinal else str(n)
    if n < 20:
        return _ORD_ONES[n] if ordinal else _ONES[n]
    tens, ones = divmod(n, 10)
    if ones == 0:
        return _ORD_TENS[tens] if ordinal else _TENS[tens]
    return f"{_TENS[tens]}-{_ORD_ONES[ones] if ordinal else _ONES[ones]}"



def normalise(text: str | None) -> str:
    """Lowercase, unify %/per cent, turn punctuation into spaces, collapse whitespace."""
    t = unicodedata.normalize("NFKC", text or "").lower()
    t = t.replace("%", " percent ").replace("per cent", "percent")
    t = re.sub(r"[^\w\s]|_", " ", t)
    return " ".join(t.split())


def contains(haystack: str, needle: str) -> bool:
    """Whole-word containment after normalisation ("40" is not found in "400")."""
    n = normalise(needle)
    return bool(n) and f" {n} " in f" {normalise(haystack)} "


# --- retrieval -------------------------------------------------------------------------------------

def source_name(source: object) -> str:
    """Compare sources by file name, so "corpus/bulletins/x.txt" and "x.txt" are the same bulletin."""
    return str(source or "").replace("\\", "/").rsplit("/", 1)[-1].strip()


def ranked_sources(retrieved: Iterable[Any]) -> list[str]:
    """Source names in rank order, duplicates (several chunks of one bulletin) kept at first rank."""
    out: list[str] = []
    for r in retrieved or []:
        name = source_name(r.get("source") if isinstance(r, Mapping) else r)
        if name and name not in out:
            out.append(name)
    return out


def _gold(gold: Iterable[str]) -> set[str]:
    return {source_name(g) for g in gold if source_name(g)}


def hit_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> Score:
    g = _gold(gold)
    if not g:
        return None
    return 1.0 if any(s in g for s in _dedupe(ranked)[:k]) else 0.0


def mrr_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> Score:
    g = _gold(gold)
    if not g:
        return None
    for i, s in enumerate(_dedupe(ranked)[:k], start=1):
        if s in g:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> Score:
    g = _gold(gold)
    if not g:
        return None
    dcg = sum(1.0 / math.log2(i + 1) for i, s in enumerate(_dedupe(ranked)[:k], start=1) if s in g)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(g), k) + 1))
    return dcg / ideal if ideal else 0.0


def recall_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> Score:
    g = _gold(gold)
    if not g:
        return None
    return len(g & set(_dedupe(ranked)[:k])) / len(g)


def _dedupe(ranked: Sequence[str]) -> list[str]:
    return ranked_sources(ranked)


# --- answer text -----------------------------------------------------------------------------------

def fact_found(alternatives: Iterable[str], answer: str) -> bool:
    return any(contains(answer, a) for a in alternatives)


def fact_recall(facts: Sequence[Sequence[str]], answer: str) -> Score:
    if not facts:
        return None
    return sum(fact_found(f, answer) for f in facts) / len(facts)


_ARTICLES = {"a", "an", "the"}


def _tokens(text: str) -> list[str]:
    return [t for t in normalise(text).split() if t not in _ARTICLES]


def token_f1(answer: str, reference: str | None) -> Score:
    """Token-overlap F1 (articles dropped). Both empty -> 1; one empty -> 0; no reference -> None."""
    if reference is None:
        return None
    pred, ref = _tokens(answer), _tokens(reference)
    if not pred and not ref:
        return 1.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    p, r = common / len(pred), common / len(ref)
    return 2 * p * r / (p + r)


def substring_match(answer: str, reference: str | None) -> Score:
    if reference is None or not normalise(reference):
        return None
    return 1.0 if contains(answer, reference) else 0.0


def number_found(spec: NumberSpec, answer: str) -> bool:
    return any(units_agree(spec.unit, f.unit) and close(f.value, spec.value, spec.tolerance)
               for f in extract_numbers(answer))


def numeric_accuracy(specs: Sequence[NumberSpec], answer: str) -> Score:
    if not specs:
        return None
    return sum(number_found(s, answer) for s in specs) / len(specs)


# --- citations -------------------------------------------------------------------------------------

def cited_sources(citations: Iterable[Any]) -> list[str]:
    return ranked_sources(c for c in (citations or []) if isinstance(c, Mapping))


def citation_precision(citations: Iterable[Any], gold: Iterable[str]) -> Score:
    cited, g = cited_sources(citations), _gold(gold)
    if not cited or not g:
        return None
    return sum(c in g for c in cited) / len(cited)


def citation_recall(citations: Iterable[Any], gold: Iterable[str]) -> Score:
    g = _gold(gold)
    if not g:
        return None
    return len(g & set(cited_sources(citations))) / len(g)


def quote_support(answer: str, citations: Iterable[Any]) -> Score:
    figures = [f for f in extract_numbers(answer) if not f.spelled]
    if not figures:
        return None
    quoted = [q for c in (citations or []) if isinstance(c, Mapping)
              for q in extract_numbers(str(c.get("quote") or ""))]
    supported = sum(any(family(q.unit) == family(f.unit) and close(q.value, f.value, 1e-6) for q in quoted)
                    for f in figures)
    return supported / len(figures)


# --- whole item ------------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile (numpy's default), q in [0, 100]; None for no values."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, Score]:
    """Precision/recall of refusing, from (refused, should_refuse) pairs; positive class = not_found."""
    tp = fp = fn = 0
    for refused, should in pairs:
        tp += refused and should
        fp += refused and not should
        fn += (not refused) and should
    return {
        "refusal_precision": tp / (tp + fp) if tp + fp else None,
        "refusal_recall": tp / (tp + fn) if tp + fn else None,
    }


@dataclass(frozen=True)
class ItemScore:
    """Scores of one item plus the pass verdict and, when it failed, why (one reason per failed rule)."""

    scores: dict[str, Score]
    passed: bool
    reasons: tuple[str, ...]


def latency_ms(result: Mapping[str, Any]) -> Score:
    timings = result.get("timings_ms")
    total = timings.get("total") if isinstance(timings, Mapping) else None
    return float(total) if isinstance(total, int | float) and not isinstance(total, bool) else None


def score_item(item: EvalItem, result: Mapping[str, Any], k: int = 5, error: str | None = None) -> ItemScore:
    """All per-item metrics and the pass rule.

    Answerable items pass when status is "answered", every required fact and expected number is in
    the answer, and at least one citation is to a gold source. Unanswerable items pass when status is
    "not_found". A failed ask (exception) always fails.
    """
    status = result.get("status")
    answer = str(result.get("answer") or "")
    citations = result.get("citations") if isinstance(result.get("citations"), list) else []
    retrieved = result.get("retrieved") if isinstance(result.get("retrieved"), list) else []
    ranked = ranked_sources(retrieved or [])
    gold = item.sources
    s: dict[str, Score] = {
        f"hit@{k}": hit_at_k(ranked, gold, k),
        f"mrr@{k}": mrr_at_k(ranked, gold, k),
        f"ndcg@{k}": ndcg_at_k(ranked, gold, k),
        f"recall@{k}": recall_at_k(ranked, gold, k),
        "fact_recall": None, "token_f1": None, "substring_match": None, "numeric_accuracy": None,
        "citation_precision": None, "citation_recall": None, "quote_support": None,
        "refusal_accuracy": 1.0 if (status == "not_found") == (not item.answerable) else 0.0,
        "latency_ms": latency_ms(result),
    }
    reasons: list[str] = []
    if error:
        reasons.append(f"ask failed: {error}")
        s["refusal_accuracy"] = 0.0
    if item.answerable:
        s["fact_recall"] = fact_recall(item.expected.facts, answer)
        s["token_f1"] = token_f1(answer, item.expected.answer)
        s["substring_match"] = substring_match(answer, item.expected.answer)
        s["numeric_accuracy"] = numeric_accuracy(item.numbers, answer)
        s["citation_precision"] = citation_precision(citations or [], gold)
        s["citation_recall"] = citation_recall(citations or [], gold)
        s["quote_support"] = quote_support(answer, citations or [])
    if error:
        pass  # the ask failed: the other rules would only repeat that there is no answer
    elif item.answerable:
        if status != "answered":
            reasons.append(f"status was {status!r}, expected 'answered'")
        reasons += [f"missing fact: none of {list(f)}" for f in item.expected.facts if not fact_found(f, answer)]
        reasons += [f"missing number: {n.value:g} {n.unit} (relative tolerance {n.tolerance:g})"
                    for n in item.numbers if not number_found(n, answer)]
        if gold and not s["citation_recall"]:
            cited = cited_sources(citations or [])
            reasons.append(f"no citation to a gold source {sorted(_gold(gold))} (cited: {cited or 'nothing'})")
    elif status != "not_found":
        reasons.append(f"status was {status!r}, expected 'not_found' (unanswerable)")
    s["pass"] = 0.0 if reasons else 1.0
    return ItemScore(scores=s, passed=not reasons, reasons=tuple(reasons))
