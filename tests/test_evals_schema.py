"""The eval-set format: validation of bad sets, and sanity of the shipped gold set."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.metrics import score_item
from evals.schema import EvalItem, SetError, load_set, parse_set, resolve_set, shipped_sets

BULLETINS = Path(__file__).resolve().parents[1] / "corpus" / "bulletins"


def line(**kw: object) -> str:
    base: dict[str, object] = {"id": "a", "question": "q?", "expected": {"facts": [["x"]]}, "sources": ["s.txt"],
                               "answerable": True, "type": "figure"}
    base.update(kw)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


def problems(text: str) -> list[str]:
    with pytest.raises(SetError) as exc:
        parse_set(text, "t.jsonl")
    return exc.value.problems


def test_valid_item_parses_with_defaults() -> None:
    items = parse_set(line(numbers=[{"value": 4.36e9, "unit": "usd", "tolerance": 0.01}]) + "\n\n")
    it = items[0]
    assert it.turns == ("q?",) and it.question == "q?" and it.line == 1
    assert it.expected.facts == (("x",),)
    assert it.numbers[0].unit == "USD" and it.numbers[0].tolerance == 0.01
    assert it.as_of is None and it.tags == ()


def test_turns_and_roundtrip() -> None:
    text = line(question=..., turns=["first?", "and then?"], type="follow-up", as_of="2023-03-01", tags=["x"])
    it = parse_set(text)[0]
    assert it.question == "and then?"
    assert parse_set(json.dumps(it.to_dict()))[0] == EvalItem(**{**it.__dict__, "line": 1})


def test_bad_json_reported_with_line_number() -> None:
    ps = problems(line() + "\n{not json\n")
    assert len(ps) == 1 and ps[0].startswith("line 2: bad JSON")


def test_every_problem_listed_and_nothing_partial() -> None:
    text = "\n".join([
        line(id="ok"),
        line(id="m", question=..., expected=...),
        line(id="t", answerable="yes", type="weird", sources="s.txt"),
        line(id="ok"),
        line(id="f", expected={"facts": ["4.36 billion"]}),
        line(id="n", numbers=[{"value": "4", "unit": "parsecs", "tolerance": -1}]),
        line(id="b", question="x", turns=["y"]),
        line(id="fu", type="follow-up"),
        "[1, 2]",
    ])
    ps = problems(text)
    joined = "\n".join(ps)
    assert "line 2: missing key 'question'" in joined
    assert "line 3: 'sources' must be a list" in joined
    assert "line 3: 'answerable' must be true or false" in joined
    assert "line 4: duplicate id 'ok' (first on line 1)" in joined
    assert "line 6: 'numbers[0]'.value must be a number" in joined
    assert "line 6: 'numbers[0]'.tolerance must be a number >= 0" in joined
    assert "line 7: give either 'question' or 'turns', not both" in joined
    assert "line 8: a follow-up item needs 'turns'" in joined
    assert "line 9: each line must be a JSON object" in joined


def test_empty_set_and_answerable_without_gold() -> None:
    assert problems("\n  \n") == ["the set is empty (no items)"]
    assert "line 1: an answerable item needs at least one gold source" in problems(line(sources=[]))
    assert any("needs 'expected.answer'" in p for p in problems(line(expected={})))
    # unanswerable items may have no sources and no expected facts
    assert parse_set(line(sources=[], expected={}, answerable=False, type="unanswerable"))[0].answerable is False


def test_error_message_lists_problems() -> None:
    with pytest.raises(SetError) as exc:
        parse_set("{bad\n" + line(id=""), "x.jsonl")
    msg = str(exc.value)
    assert "x.jsonl" in msg and "2 problem(s)" in msg and "line 1" in msg and "line 2: 'id' must be" in msg


def test_resolve_unknown_set_lists_shipped(tmp_path: Path) -> None:
    with pytest.raises(SetError) as exc:
        resolve_set("no-such-set")
    assert "seed" in str(exc.value)
    p = tmp_path / "mine.jsonl"
    p.write_text(line(), encoding="utf-8")
    assert len(load_set(p)) == 1


# --- the shipped gold set ------------------------------------------------------------------------------

def seed() -> list[EvalItem]:
    return load_set("seed")


def test_seed_is_shipped_and_large_enough() -> None:
    assert "seed" in shipped_sets()
    items = seed()
    assert len(items) >= 45
    assert sum(not i.answerable for i in items) >= 8
    types = Counter(i.type for i in items)
    for t in ("eligibility", "benefits", "date", "figure", "procedure", "list", "search", "follow-up", "unanswerable"):
        assert types[t] >= 1, t
    tags = Counter(t for i in items for t in i.tags)
    for t in ("paraphrase", "telegraphic", "misspelling", "trap"):
        assert tags[t] >= 1, t


def test_seed_sources_exist() -> None:
    names = {p.name for p in BULLETINS.iterdir()}
    for it in seed():
        assert set(it.sources) <= names, it.id


def test_seed_gold_answers_pass_their_own_checks() -> None:
    """Each reference answer, cited to its gold sources, must satisfy its own facts and numbers."""
    for it in seed():
        if not it.answerable:
            continue
        result = {"status": "answered", "answer": it.expected.answer or "",
                  "citations": [{"source": s, "quote": ""} for s in it.sources]}
        scored = score_item(it, result)
        assert scored.passed, (it.id, scored.reasons)


def test_seed_traps() -> None:
    by_id = {i.id: i for i in seed()}
    signed = by_id["date-serbia-signed"]
    assert signed.answerable and any("not given" in f for f in signed.expected.facts)
    assert not by_id["un-serbia-year"].answerable and not by_id["un-macao-year"].answerable
    follow = by_id["fu-macao-benefits"]
    assert follow.turns == ("When did China and Macao sign their AEO arrangement?", "and what benefits do enterprises get?")
    wrong_answer = {"status": "answered", "answer": "China and Serbia signed the agreement on February 14, 2023.",
                    "citations": [{"source": signed.sources[0]}]}
    assert not score_item(signed, wrong_answer).passed


def test_sets_from_other_tools_are_read_leniently() -> None:
    text = "\n".join([
        json.dumps({"id": "a", "question": "How many?", "expected": "43 countries", "sources": ["s.txt"],
                    "difficulty": "easy", "numbers": [43]}),
        json.dumps({"id": "b", "question": "Tariff?", "type": "unanswerable"}),
        json.dumps({"id": "c", "question": "Value?", "expected": ["4.36 billion", ["32.9%", "32.9 per cent"]],
                    "sources": ["s.txt"], "type": "trade-figure", "numbers": [{"value": 4.36e9, "unit": "CNY"}]}),
    ])
    a, b, c = parse_set(text)
    assert a.expected.answer == "43 countries" and a.numbers[0].unit == "any" and a.answerable
    assert b.answerable is False and b.type == "unanswerable"
    assert c.expected.facts == (("4.36 billion",), ("32.9%", "32.9 per cent")) and c.type == "trade-figure"
    assert c.numbers[0].unit == "any"
