"""Every word list the reading layer keeps as data does what its comment says, on wording of our own."""

from __future__ import annotations

import pytest

from corpus.dates import publication_date
from corpus.partners import find_mentions, fuzzy
from corpus.rules import DATE_LABELS, MONTHS, ORDINAL_DAYS, WEEKDAYS
from index.facts.rules import (
    BENEFIT_INTRO,
    CHANGE_BASE,
    CHANGE_WORDS,
    LIFECYCLE,
    MEASURE_WORDS,
    NOT_A_PERIOD,
    NOT_AN_ARRANGEMENT,
    ROLE_CUES,
    ROLE_OBJECTS,
    START_LEADS,
    STATUS_WORDS,
    compile_roles,
)
from index.facts.subjects import event_of

ROLE_EXAMPLES = {
    "in_force": "The scheme enters into force on 3 March 2026.",
    "sign": "The two services signed the text on 3 March 2026.",
    "ratify": "Parliament ratified the text on 3 March 2026.",
    "pilot": "A pilot ran from 3 March 2026.",
    "extend": "Coverage was extended to rail operators from 3 March 2026.",
    "amend": "The text was amended on 3 March 2026.",
    "suspend": "Application was suspended from 3 March 2026.",
    "resume": "Application resumed on 3 March 2026.",
    "terminate": "The old text was terminated with effect from 3 March 2026.",
    "talks": "The sides opened negotiations on 3 March 2026.",
    "action_plan": "The sides adopted an action plan on 3 March 2026.",
    "correct": "The date was corrected on 3 March 2026.",
    "announce": "The customs service announced on 3 March 2026 that work goes on.",
}


@pytest.mark.parametrize("role", sorted(ROLE_CUES))
def test_each_role_cue_gives_its_role(role: str) -> None:
    text = ROLE_EXAMPLES[role]
    start = text.index("3 March 2026")
    assert event_of(text, start, start + len("3 March 2026")) == role


def test_role_tables_are_consistent() -> None:
    assert set(LIFECYCLE) <= set(ROLE_CUES) and "announce" not in LIFECYCLE
    assert set(ROLE_OBJECTS) <= set(LIFECYCLE) and set(NOT_AN_ARRANGEMENT) <= set(LIFECYCLE)
    patterns = dict(compile_roles(STATUS_WORDS))
    assert patterns["not_in_force"].search("Signed; not yet implemented")
    assert patterns["no_arrangement"].search("an action plan only, no arrangement")


def test_object_nouns_outrank_the_verb() -> None:
    text = "The sides signed an amendment on 3 March 2026."
    start = text.index("3 March")
    assert event_of(text, start, start + len("3 March 2026")) == "amend"


def test_benefit_and_measure_words() -> None:
    import re

    intro = re.compile("|".join(BENEFIT_INTRO), re.I)
    measure = re.compile(r"\b(?:" + "|".join(MEASURE_WORDS) + r")\b", re.I)
    assert intro.search("What certified traders receive abroad")
    assert measure.search("a lower rate of physical examination") and measure.search("a named liaison officer")
    assert not measure.search("flowers") and not measure.search("KZ123456789012")


def test_date_words() -> None:
    assert MONTHS["sept"] == 9 and ORDINAL_DAYS["twenty-first"] == 21 and ORDINAL_DAYS["thirty-first"] == 31
    assert WEEKDAYS["Sunday"] == 6
    assert DATE_LABELS and publication_date("Body text first.\n\nPage last revised 4 May 2026").iso == "2026-05-04"  # type: ignore[union-attr]


def test_demonyms_name_economies_but_ordinary_words_do_not() -> None:
    assert [m.name for m in find_mentions("Ghanaian exporters and Uruguayan importers")] == ["Ghana", "Uruguay"]
    assert find_mentions("they polish the goods") == []
    assert fuzzy("ghanaian") == "Ghana" and fuzzy("Urugayan") == "Uruguay" and fuzzy("polish") is None


@pytest.mark.parametrize("lead", START_LEADS)
def test_each_start_lead_opens_a_clause_with_its_date(lead: str) -> None:
    from assistant.check import _leads_clause
    words = lead.replace("(?: on| from)?", "").replace("(?: on)?", "").replace("(?: from| on| as of)?", "")
    sentence = f"{words.capitalize()} 3 March 2026: fewer inspections."
    assert _leads_clause(sentence, sentence.index("3 March"))
    inside = f"Goods lodged {words} 3 March 2026 are cleared."
    assert not _leads_clause(inside, inside.index("3 March"))


@pytest.mark.parametrize("word", CHANGE_WORDS)
def test_each_change_word_leaves_a_row_label_naming_only_a_change(word: str) -> None:
    from index.facts.extract import _CHANGE_TERMS
    from index.facts.subjects import key_terms
    assert set(key_terms(f"{word} 2031")) <= _CHANGE_TERMS
    assert not set(key_terms(f"Rail freight {word}")) <= _CHANGE_TERMS


@pytest.mark.parametrize("base", NOT_A_PERIOD)
def test_a_base_year_is_no_period_of_a_row(base: str) -> None:
    from index.facts.extract import _row_period
    words = base.replace("(?:with|to)", "with").replace("(?:of|at)", "of").replace("\\.?", "")
    assert _row_period(f"Rail freight {words} 2031 | 7", 100) is None
    assert _row_period("Rail freight, 2031 | 7", 100) == "2031"
    if base in CHANGE_BASE:
        from assistant.check import _BASE
        assert _BASE.search(f"up 3% {words} ")
