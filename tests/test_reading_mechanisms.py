"""Reading mechanisms on invented bulletins of partners and wordings the rules were not written from: relative
days, dates a page keeps in its footer, issuers named head-noun first or by possessive, letterheads that are not
titles, figures followed by a time, counted nouns that mean operators, abbreviations a bulletin defines, network
totals, as-of dates, asides, and a correction notice that corrects another bulletin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from corpus.dates import PartialDate, publication_date, weekday_dates
from corpus.loader import load_text
from corpus.metadata import issuing_body, title_from_text
from corpus.records import Bulletin
from corpus.rules import RELATIVE_DAYS
from index.facts.events import CORRECTS, ERRONEOUS, Event, extract_events, standing, status
from index.facts.extract import PREVIOUS, extract_facts
from index.facts.numbers import find_quantities
from index.facts.subjects import acronyms, describe, event_of


def _bulletin(text: str, source: str = "x.txt", kind: str = "text") -> Bulletin:
    b = load_text(text, source, kind)
    assert isinstance(b, Bulletin), b
    return b


def test_relative_days_are_anchored_to_the_bulletin_date() -> None:
    base = PartialDate(2031, 5, 14, "14 May 2031", 0, 11)
    found = {d.text.lower(): d.iso for d in weekday_dates("Talks were held yesterday; it takes effect today. "
                                                          "Today's meeting.", base)}
    assert found == {"yesterday": "2031-05-13", "today": "2031-05-14"}
    assert RELATIVE_DAYS["tomorrow"] == 1


def test_a_date_in_the_opening_sentence_is_not_the_bulletin_date() -> None:
    text = ("Qatar and Chile sign an AEO arrangement\n\nOn 3 March 2031 in Doha, the two customs services signed "
            "an arrangement on mutual recognition of their trusted traders.\n\nPublished: 06.03.2031")
    assert publication_date(text).iso == "2031-03-06"  # type: ignore[union-attr]
    dateline = "Qatar and Chile sign\n\nDoha, 3 March 2031 -- The two services signed.\n\nPublished: 06.03.2031"
    assert publication_date(dateline).iso == "2031-03-03"  # type: ignore[union-attr]


def test_a_footer_date_dropped_with_the_page_furniture_still_dates_the_page() -> None:
    page = ("<html><body><main><h1>Jordan and Brazil recognise trusted traders</h1><p>On 2 May 2031 the two "
            "administrations signed a mutual recognition arrangement for their AEO programmes.</p></main>"
            "<footer><p>Privacy</p><p>Date of publication: 09/05/2031</p></footer></body></html>")
    b = _bulletin(page, "jo.html", "html")
    assert b.date is not None and b.date.iso == "2031-05-09"
    (sign,) = [e for e in extract_events(b, extract_facts(b)) if e.role == "sign"]
    assert sign.date == "2031-05-02"


def test_issuers_named_head_noun_first_or_by_possessive() -> None:
    assert issuing_body("BUREAU OF CUSTOMS\nADVISORY No. 7\n\nText.") == ("BUREAU OF CUSTOMS", None)
    assert issuing_body("Directorate General of Customs, Sultanate of Oman\n\nText.")[1] == "Oman"
    assert issuing_body("Wire -- Jordan's customs authority said on Monday that it had signed.")[1] == "Jordan"
    assert issuing_body("SPOKESPERSON OF THE GENERAL ADMINISTRATION OF CUSTOMS: Good morning.")[1] == "China"


def test_a_letterhead_or_a_lone_document_type_is_not_the_title() -> None:
    text = "BUREAU OF CUSTOMS\nNOTICE\nCUSTOMS NOTICE No. 12-2031\n\nMANILA, 2 May 2031\n\nBody text here."
    assert title_from_text(text) == "CUSTOMS NOTICE No. 12-2031"


def test_a_figure_followed_by_a_time_counts_the_noun_before_it() -> None:
    text = ("The number of certified traders stood at 1,204 at the end of March, compared with 1,150 at the end of "
            "December. The number of Chilean AEOs has risen to 63, up from 58 in 2030.")
    b = _bulletin("Santiago, 2 April 2031 -- " + text)
    counts = {f.value: f for f in extract_facts(b) if f.kind == "count"}
    assert "certified traders" in counts[1204].subject and "certified traders" in counts[1150].subject
    assert counts[1150].role == PREVIOUS and counts[58].role == PREVIOUS and counts[63].role is None
    assert "Chilean AEOs" in counts[58].subject


def test_a_replaced_pair_of_totals_is_previous_both() -> None:
    b = _bulletin("Rabat, 2 April 2031 -- Customs has signed 19 arrangements covering 40 economies, replacing the "
                  "figures of 17 arrangements and 38 economies it gave in January.")
    roles = {f.value: f.role for f in extract_facts(b) if f.kind == "count"}
    assert roles == {19: None, 40: None, 17: PREVIOUS, 38: PREVIOUS}


def test_counted_nouns_that_mean_operators_share_a_series() -> None:
    text = "58 Uruguayan companies held AEO status. The number of Uruguayan AEOs is 63. 5,000 members joined."
    surfaces = set()
    for q in find_quantities(text):
        if q.kind == "count":
            sentence = next(s for s in text.split(". ") if q.text in s)
            surfaces.add(describe(sentence, q, text.index(sentence)).surface)
    assert surfaces == {"operator"}


def test_abbreviations_a_bulletin_defines() -> None:
    found = acronyms("members of the Trusted Exporter Programme (TEP) and of the Swiss Federal Office (SFO).")
    assert found == {"TEP": "Trusted Exporter Programme", "SFO": "Swiss Federal Office"}
    b = _bulletin("Bern, 2 May 2031 -- About 190 exporters are members of the Trusted Exporter Programme (TEP). "
                  "About 45 of them joined this year. TEP members get faster checks.")
    (members,) = [f for f in extract_facts(b) if f.value == 190]
    assert {"trust", "programm"} & set(members.terms)


def test_a_network_total_is_no_event_of_the_bulletins_partner() -> None:
    b = _bulletin("Customs network update\n\nBeijing, 15 October 2031 -- China's customs authority said that, as at "
                  "30 September 2031, it had signed 41 AEO mutual recognition arrangements covering 70 countries and "
                  "regions.\n\nThe arrangement with Qatar took effect on 1 June 2031.")
    events = extract_events(b, extract_facts(b))
    assert [(e.sides, e.role, e.date) for e in events] == [(("China", "Qatar"), "in_force", "2031-06-01")]


def test_an_aside_gives_its_cue_to_its_own_date_only() -> None:
    s = "From 1 May 2031, when the arrangement with Chile (signed in Santiago on 2 March 2030) entered into force."
    assert event_of(s, s.index("1 May 2031"), s.index("1 May 2031") + 10) == "in_force"
    assert event_of(s, s.index("2 March"), s.index("2 March") + 12) == "sign"
    steps = "Stages: compare the rules by the end of 2031; joint visits in 2032; and sign by 2033."
    assert event_of(steps, steps.index("2032"), steps.index("2032") + 4) is None


def test_a_suspension_that_ends_is_a_resumption() -> None:
    s = "The suspension of the Chile–Jordan arrangement will end on 30 June 2031."
    assert event_of(s, s.index("30 June"), s.index("30 June") + 12) == "resume"


def test_a_correction_notice_replaces_the_date_another_bulletin_gave() -> None:
    first = _bulletin("Announcement No. 4 of 2031\n\nDate: 2031-03-02\n\nThe arrangement between China and Chile "
                      "shall be implemented from 1 April 2031.", "a.txt")
    notice = _bulletin("Announcement No. 6 of 2031 (Correction to Announcement No. 4 of 2031)\n\nDate: 2031-03-09\n\n"
                       "This is hereby corrected: the China–Chile arrangement shall be implemented from 1 May 2031.",
                       "b.txt")
    events = [*extract_events(first, extract_facts(first)), *extract_events(notice, extract_facts(notice))]
    dated = {(e.source, e.role, e.date, e.note) for e in events if e.date}
    assert ("b.txt", "in_force", "2031-05-01", CORRECTS) in dated
    stands = standing(events)
    assert [e.date for e in events if e.role == "in_force" and stands(e)] == ["2031-05-01"]
    assert not any(e.role == ERRONEOUS for e in events)  # nothing called an error: it is replaced


def test_status_after_a_suspension_and_a_resumption() -> None:
    def ev(role: str, date: str) -> Event:
        return Event(("Chile", "Jordan"), role, date, date, "s.txt", 0, 1, 0, 1, "", 20310101, "2031-01-01")

    key, event = status([ev("in_force", "2029-01-01"), ev("suspend", "2030-02-15"), ev("resume", "2030-07-01")],
                        today=dt.date(2031, 1, 1))
    assert key == "resume" and event is not None and event.date == "2030-07-01"


def test_regions_from_the_packaged_table_and_question_words() -> None:
    from corpus.regions import REGION_WORDS, in_region, regions_named

    assert in_region("Kenya", "africa") and in_region("Uzbekistan", "central asia") and in_region("Turkey", "asia")
    assert not in_region("Chile", "africa") and not in_region("European Union", "europe")
    assert regions_named("Which South American or Central Asian partners?") == ("south america", "central asia")
    assert all(REGION_WORDS[w] == REGION_WORDS[w].lower() for w in REGION_WORDS)


def test_the_region_table_is_read_without_importing_its_package() -> None:
    """country_converter imports pandas (~0.4 s, once paid by a server's first question): only its file is read."""
    import subprocess
    import sys

    code = ("import sys; from corpus import regions; regions.load(); "
            "print(len(regions._table()), 'country_converter' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).resolve().parent.parent)).stdout.split()
    assert int(out[0]) > 200 and out[1:] == ["False", "False"]
