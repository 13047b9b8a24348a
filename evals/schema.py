"""The gold-set format (JSONL, one item per line) and its validation.

A set is validated whole before anything runs: every bad line is reported with its line number,
and a set with any problem raises ``SetError`` so a half-valid set never produces half a score.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETS_DIR = Path(__file__).resolve().parent / "sets"

TYPES = frozenset({
    "eligibility", "benefits", "date", "figure", "procedure", "list", "search", "follow-up",
    "unanswerable", "definition", "other",
})
UNITS = frozenset({"count", "percent", "USD", "year", "ordinal", "any"})
_UNIT_ALIASES = {u.lower(): u for u in UNITS} | {"%": "percent", "us$": "USD", "usd": "USD", "": "any"}
REQUIRED_KEYS = ("id",)
OPTIONAL_KEYS = ("question", "turns", "expected", "sources", "answerable", "type", "numbers", "as_of", "tags", "notes")
# Sets written by other tools may carry keys of their own (notes, difficulty, …): they are kept out of
# scoring, not rejected. A missing 'answerable' is read from 'type' ("unanswerable" means false).


@dataclass(frozen=True)
class NumberSpec:
    """An expected figure. ``tolerance`` is RELATIVE (0.01 = within 1% of ``value``); 0 means exact."""

    value: float
    unit: str
    tolerance: float = 0.0


@dataclass(frozen=True)
class Expected:
    """Reference answer text and required facts; each fact is a tuple of accepted alternatives."""

    answer: str | None = None
    facts: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class EvalItem:
    """One gold question (or conversation: only the last turn is scored)."""

    id: str
    turns: tuple[str, ...]
    expected: Expected
    sources: tuple[str, ...]
    answerable: bool
    type: str
    numbers: tuple[NumberSpec, ...] = ()
    as_of: str | None = None
    tags: tuple[str, ...] = ()
    line: int = 0

    @property
    def question(self) -> str:
        """The scored turn."""
        return self.turns[-1]

    def to_dict(self) -> dict[str, Any]:
        """Back to the JSONL shape (for reports)."""
        out: dict[str, Any] = {"id": self.id}
        if len(self.turns) == 1:
            out["question"] = self.turns[0]
        else:
            out["turns"] = list(self.turns)
        expected: dict[str, Any] = {}
        if self.expected.answer is not None:
            expected["answer"] = self.expected.answer
        if self.expected.facts:
            expected["facts"] = [list(f) for f in self.expected.facts]
        out["expected"] = expected
        out["numbers"] = [{"value": n.value, "unit": n.unit, "tolerance": n.tolerance} for n in self.numbers]
        out["sources"] = list(self.sources)
        out["answerable"] = self.answerable
        out["type"] = self.type
        if self.as_of is not None:
            out["as_of"] = self.as_of
        if self.tags:
            out["tags"] = list(self.tags)
        return out


class SetError(ValueError):
    """A gold set that cannot be used; ``problems`` lists every problem as "line N: message"."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid eval set {source}: {len(self.problems)} problem(s)\n{shown}")


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(float(x))


def _str_list(value: object, where: str, errors: list[str], allow_empty: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"{where} must be a list of non-empty strings")
        return ()
    if not allow_empty and not value:
        errors.append(f"{where} must not be empty")
    return tuple(v.strip() for v in value)


def _parse_turns(obj: dict[str, Any], errors: list[str]) -> tuple[str, ...]:
    has_q, has_t = "question" in obj, "turns" in obj
    if has_q and has_t:
        errors.append("give either 'question' or 'turns', not both")
        return ()
    if not has_q and not has_t:
        errors.append("missing key 'question' (or 'turns' for a conversation)")
        return ()
    if has_q:
        q = obj["question"]
        if not isinstance(q, str) or not q.strip():
            errors.append("'question' must be a non-empty string")
            return ()
        return (q.strip(),)
    return _str_list(obj["turns"], "'turns'", errors, allow_empty=False)


def _parse_expected(value: object, errors: list[str]) -> Expected:
    if isinstance(value, str):  # a bare reference answer
        return Expected(answer=value)
    if isinstance(value, list):  # a bare list of required facts
        value = {"facts": value}
    if not isinstance(value, dict):
        errors.append("'expected' must be an object with 'answer' and/or 'facts'")
        return Expected()
    answer = value.get("answer")
    if answer is not None and not isinstance(answer, str):
        errors.append("'expected.answer' must be a string")
        answer = None
    facts: list[tuple[str, ...]] = []
    raw_facts = value.get("facts", [])
    if not isinstance(raw_facts, list):
        errors.append("'expected.facts' must be a list of facts, each a list of alternative strings")
        raw_facts = []
    for i, fact in enumerate(raw_facts):
        if isinstance(fact, str):  # one accepted wording
            fact = [fact]
        if not isinstance(fact, list) or not fact or not all(isinstance(a, str) and a.strip() for a in fact):
            errors.append(
                f"'expected.facts[{i}]' must be a non-empty list of alternative strings, "
                'e.g. [["4.36 billion", "4,360,000,000"]]'
            )
            continue
        facts.append(tuple(a.strip() for a in fact))
    return Expected(answer=answer, facts=tuple(facts))


def _parse_numbers(value: object, errors: list[str]) -> tuple[NumberSpec, ...]:
    if not isinstance(value, list):
        errors.append("'numbers' must be a list of {value, unit, tolerance} objects")
        return ()
    out: list[NumberSpec] = []
    for i, n in enumerate(value):
        where = f"'numbers[{i}]'"
        if _is_number(n):  # a bare value: any unit, exact
            n = {"value": n, "unit": "any"}
        if not isinstance(n, dict):
            errors.append(f"{where} must be an object {{value, unit, tolerance}}")
            continue
        val, unit, tol = n.get("value"), n.get("unit", "any"), n.get("tolerance", 0.0)
        ok = True
        if not _is_number(val):
            errors.append(f"{where}.value must be a number")
            ok = False
        if not isinstance(unit, str):
            errors.append(f"{where}.unit must be a string such as {sorted(UNITS)}")
            ok = False
        if not _is_number(tol) or float(tol) < 0:
            errors.append(f"{where}.tolerance must be a number >= 0 (relative: 0.01 = 1%)")
            ok = False
        if ok:
            assert isinstance(unit, str)
            # A unit outside the known families (countries, CNY…) is compared as a plain value.
            out.append(NumberSpec(float(val), _UNIT_ALIASES.get(unit.strip().lower(), "any"), float(tol)))  # type: ignore[arg-type]
    return tuple(out)


def parse_item(obj: object, line: int = 0) -> tuple[EvalItem | None, list[str]]:
    """One decoded JSON value to an item, or the list of problems with it (without line prefixes)."""
    if not isinstance(obj, dict):
        return None, ["each line must be a JSON object"]
    errors: list[str] = []
    missing = [k for k in REQUIRED_KEYS if k not in obj]
    if missing:
        errors.append(f"missing key(s) {missing}")
    item_id = obj.get("id")
    if "id" in obj and (not isinstance(item_id, str) or not item_id.strip()):
        errors.append("'id' must be a non-empty string")
    turns = _parse_turns(obj, errors)
    expected = _parse_expected(obj["expected"], errors) if "expected" in obj else Expected()
    sources = _str_list(obj["sources"], "'sources'", errors) if "sources" in obj else ()
    typ = obj.get("type", "other")
    if not isinstance(typ, str) or not typ.strip():
        errors.append(f"'type' must be a non-empty string such as {sorted(TYPES)}, got {typ!r}")
    answerable = obj.get("answerable", typ != "unanswerable")
    if not isinstance(answerable, bool):
        errors.append("'answerable' must be true or false")
    numbers = _parse_numbers(obj["numbers"], errors) if "numbers" in obj else ()
    as_of = obj.get("as_of")
    if as_of is not None and not isinstance(as_of, str):
        errors.append("'as_of' must be a string (YYYY-MM-DD) or absent")
    tags = _str_list(obj["tags"], "'tags'", errors) if "tags" in obj else ()
    if answerable is True:
        if not sources and "sources" in obj:
            errors.append("an answerable item needs at least one gold source")
        if "expected" in obj and not expected.facts and not (expected.answer or "").strip() and not numbers:
            errors.append("an answerable item needs 'expected.answer', 'expected.facts' or 'numbers'")
    if typ == "follow-up" and len(turns) < 2 and turns:
        errors.append("a follow-up item needs 'turns' with at least two turns")
    if errors:
        return None, errors
    assert isinstance(item_id, str) and isinstance(answerable, bool) and isinstance(typ, str)
    return EvalItem(
        id=item_id.strip(), turns=turns, expected=expected, sources=sources, answerable=answerable,
        type=typ, numbers=numbers, as_of=as_of if isinstance(as_of, str) else None, tags=tags, line=line,
    ), []


def parse_set(text: str, source: str = "<set>") -> list[EvalItem]:
    """Parse and validate a whole JSONL set; raises ``SetError`` listing every problem."""
    problems: list[str] = []
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: bad JSON ({exc.msg} at column {exc.colno})")
            continue
        item, errs = parse_item(obj, line=n)
        problems.extend(f"line {n}: {e}" for e in errs)
        if item is None:
            continue
        if item.id in seen:
            problems.append(f"line {n}: duplicate id {item.id!r} (first on line {seen[item.id]})")
            continue
        seen[item.id] = n
        items.append(item)
    if not items and not problems:
        problems.append("the set is empty (no items)")
    if problems:
        raise SetError(source, problems)
    return items


def shipped_sets() -> list[str]:
    """Names of the sets bundled in ``evals/sets``."""
    return sorted(p.stem for p in SETS_DIR.glob("*.jsonl"))


def resolve_set(name_or_path: str) -> Path:
    """A path as given, or the bundled set of that name ("seed" -> evals/sets/seed.jsonl)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    bundled = SETS_DIR / f"{name_or_path}.jsonl"
    if bundled.exists():
        return bundled
    raise SetError(name_or_path, [f"no such file, and no shipped set of that name (shipped: {', '.join(shipped_sets())})"])


def load_set(name_or_path: str | Path) -> list[EvalItem]:
    """Load and validate a set by path or shipped name; raises ``SetError`` on any problem."""
    path = resolve_set(str(name_or_path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetError(str(path), [f"cannot read: {exc}"]) from exc
    return parse_set(text, source=str(path))
