"""Reading a bulletin's figures costs time in proportion to the file, however its figures are laid out.

A 50 KB Markdown table of 10,000 numbers took over 20 s to read (and was refused by the reader's budget in the
reliability suite): each figure looked for its sentence, its neighbours and its claimed span by scanning every
sentence and every figure of the file. These tests count the work, not the seconds: doubling the figures must
roughly double what is scanned, where the scans made it four times as much.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from corpus import Bulletin, Sentence, split_sentences
from corpus.loader import load_bytes
from index.facts import by_sentence, extract_facts, find_quantities, subjects
from index.facts import extract as extract_module
from index.facts.extract import FIGURE_WINDOW, around
from index.facts.numbers import Spans

HEAD = "Valdoria, 3 March 2031 - The customs service of Valdoria and the border agency of Ostmark signed a mutual " \
       "recognition arrangement for authorised operators.\n\n"


def _bulletin(body: str, name: str = "linear.md") -> Bulletin:
    got = load_bytes((HEAD + body).encode(), name)
    assert isinstance(got, Bulletin), got
    return got


def _table(rows: int) -> str:
    return "| port | lanes |\n|---|---|\n" + "".join(f"| gate {i} | {i % 7 + 1} |\n" for i in range(rows))


def _long_sentence(figures: int) -> str:
    return "Cleared consignments per lane were " + ", ".join(str(i % 90 + 3) for i in range(figures)) + " in 2030.\n"


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The per-figure work, summed: characters handed to the subject reader's key-term scan, and figures
    handed to the period reader (it was handed every figure of the file, once per figure)."""
    total = [0]
    terms, period = subjects.key_terms, extract_module.sentence_period

    def counting_terms(text: str, drop: object = ()) -> list[str]:
        total[0] += len(text)
        return terms(text, drop)  # type: ignore[arg-type]

    def counting_period(text: str, sentence: Sentence, found: list[object], year: int | None = None) -> object:
        total[0] += len(found)
        return period(text, sentence, found, year)  # type: ignore[arg-type]

    monkeypatch.setattr(subjects, "key_terms", counting_terms)
    monkeypatch.setattr(extract_module, "sentence_period", counting_period)
    yield total


@pytest.mark.parametrize("body", [_table, _long_sentence], ids=["table rows", "one long sentence"])
def test_doubling_the_figures_about_doubles_the_reading(body: object, scanned: list[int]) -> None:
    make = body  # type: ignore[assignment]
    work = []
    for n in (600, 1200):
        scanned[0] = 0
        facts = extract_facts(_bulletin(make(n)))  # type: ignore[operator]
        assert len(facts) >= n
        work.append(scanned[0])
    assert work[1] <= 2.5 * work[0], work  # quadratic reading gives 4x


def test_spans_answer_as_a_scan_of_every_claimed_span_would() -> None:
    rng = random.Random(7)
    for _ in range(300):
        claimed: list[tuple[int, int]] = []
        spans = Spans()
        for _ in range(rng.randint(0, 30)):
            s = rng.randint(0, 200)
            e = s + rng.randint(1, 15)
            claimed.append((s, e))
            spans.add(s, e)
        for _ in range(40):
            s = rng.randint(0, 220)
            e = s + rng.randint(1, 15)
            assert spans.free(s, e) == (not any(s < ce and cs < e for cs, ce in claimed)), (claimed, s, e)


def test_quantities_by_sentence_are_those_each_sentence_holds() -> None:
    text = _bulletin("Lanes rose to 14 in 2030. Ostmark added 3 ports; the rest, 9, stayed. No figure here.\n"
                     + _table(5)).text
    sentences = split_sentences(text)
    found = find_quantities(text)
    grouped = by_sentence(sentences, found)
    assert grouped == [[q for q in found if s.start <= q.start < s.end] for s in sentences]
    assert sum(len(g) for g in grouped) == len(found)


def test_a_figure_in_an_overlong_sentence_is_read_in_a_window_of_whole_words() -> None:
    text = _bulletin(_long_sentence(2000)).text
    sent = max(split_sentences(text), key=lambda s: s.end - s.start)
    inside = [q for q in find_quantities(text) if sent.start <= q.start < sent.end]
    q = inside[len(inside) // 2]
    window, others = around(text, sent, inside, q, [o.start for o in inside])
    assert window.text == text[window.start:window.end]
    assert window.start <= q.start and q.end <= window.end
    assert window.end - window.start <= 2 * FIGURE_WINDOW + (q.end - q.start)
    assert text[window.start - 1] == " " and text[window.end] == " "  # no word cut in two
    assert others and all(window.start <= o.start and o.end <= window.end and o is not q for o in others)
    short = Sentence("Lanes rose to 14 in 2030.", 0, 25)
    found = find_quantities(short.text)
    assert around(short.text, short, found, found[0], [o.start for o in found]) == (short, found[1:])


def test_the_window_leaves_ordinary_sentences_whole() -> None:
    """Every sentence of an ordinary bulletin is shorter than the window, so facts quote whole sentences."""
    b = _bulletin("Trade between Valdoria and Ostmark reached US$2.4 billion in 2030, up 6% from 2029, across the "
                  "14 ports the arrangement covers, which the two services will review every 2 years.\n")
    sentences = {(s.start, s.end) for s in split_sentences(b.text)}
    facts = extract_facts(b)
    assert facts and all((f.sent_start, f.sent_end) in sentences for f in facts)
    assert max(e - s for s, e in sentences) < extract_module.FIGURE_WINDOW * 2
