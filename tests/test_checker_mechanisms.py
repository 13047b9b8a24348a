"""Checking and understanding mechanisms on an invented corpus (partners and wordings no rule was written from):
a correction in another bulletin, an exact count beside a bound, a figure said to be old, an as-of date, a
bulletin's own date, a future step, a period no bulletin gives, a status sheet with no issuer, an unmarked list,
and question words that are not misspelt countries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant import Assistant, Settings
from assistant.lifecycle import asker_not_certified
from assistant.understand import understand
from corpus.loader import load_text, table_side
from corpus.partners import fuzzy
from corpus.records import Bulletin

BULLETINS = {
    "a_announce.txt": (
        "Announcement No. 4 of 2025 of the General Administration of Customs\n\nDate: 2025-03-02\n\n"
        "On 20 January 2025 in Amman, the General Administration of Customs of China and Jordan Customs signed the "
        "Arrangement on Mutual Recognition of Authorized Economic Operators. The arrangement shall be implemented "
        "from 1 April 2025.\n\nJordanian companies with AEO status numbered 64 at the end of 2024."),
    "b_correction.txt": (
        "Announcement No. 6 of 2025 of the General Administration of Customs\n(Correction to Announcement No. 4 of "
        "2025)\n\nDate: 2025-03-09\n\nThis is hereby corrected: the China–Jordan arrangement shall be implemented from "
        "1 May 2025."),
    "c_jordan.md": (
        "# Jordan Customs: trusted traders update\n\n*Jordan Customs, Amman, 12 May 2025*\n\nMore than 60 Jordanian "
        "companies hold AEO status, the service said. The number of Jordanian companies with AEO status reached 71 "
        "in April 2025, up from 64 at the end of 2024.\n\n"
        "From 1 May 2025, Jordanian AEOs exporting to China receive:\n"
        "a lower rate of document and physical inspection;\npriority treatment when an inspection is required;\n"
        "a named contact officer in each administration.\n\n"
        "Trade between Jordan and China reached US$ 4.1 billion in 2024.\n\nCertified companies do not need to apply "
        "again: the recognition is automatic."),
    "d_sheet.txt": (
        "PARTNER STATUS SHEET\nSituation as at 1 June 2025.\n\nPARTNER | SIGNED | IN APPLICATION FROM | STATUS\n"
        "Jordan | 2025-01-20 | 2025-05-01 | In force\nBhutan | 2025-04-02 | -- | Signed; not yet implemented\n"
        "Fiji | 2024-11-11 | 2025-02-01 | In force\n\nOn the Chinese side only Advanced Certified Enterprises "
        "benefit.\n\nQatar and China held talks yesterday; a first arrangement is expected to be signed in 2027."),
    "e_pilot.md": (
        "# Fiji–China pilot closes\n\n*Fiji Revenue and Customs Service, Suva, 3 March 2025*\n\nThe pilot of the "
        "Fiji–China AEO arrangement at Suva port ended on 28 February 2025.\n\n## Results of the pilot\n\n"
        "| Indicator | Value |\n|---|---|\n| Consignments cleared under the pilot | 812 |\n"
        "| Average release time | 1.2 days |\n\nFull application follows from 1 April 2025."),
    "f_district.md": (
        "# Lautoka district: trade with Samoa\n\n*Lautoka Customs District, 9 June 2025*\n\n"
        "| Indicator | Value |\n|---|---|\n| Imports into the district from Samoa, 2024 | USD 3.2 million |\n"
        "| Change compared with 2022 | down 4.5% |\n"),
    "g_plan.txt": (
        "Tonga and China agree a road map\n\nNuku'alofa, 3 February 2025 -- Tonga Customs and China Customs adopted "
        "an action plan, which aims at concluding an arrangement by the end of 2027.\n\nThe plan has two stages:\n\n"
        "  1. alignment of certification criteria, to be finished by the end of 2025;\n"
        "  2. joint validation visits to certified companies during 2026.\n"),
}


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("invented-bulletins")
    for name, text in BULLETINS.items():
        (folder / name).write_text(text, encoding="utf-8")
    a = Assistant(Settings.from_env(env={}, home=tmp_path_factory.mktemp("invented-home")), embedder=embedder)
    report = a.ingest([folder], progress=False)
    assert not report.rejected
    yield a
    a.close()


def _verdicts(a: Assistant, text: str, question: str = "") -> dict[str, str]:
    result = a.check_in_context(text, [question]) if question else a.check(text)
    return {c.claim: c.verdict for c in result.claims}


def test_a_date_another_bulletin_corrected_is_contradicted(invented: Assistant) -> None:
    assert _verdicts(invented, "The China–Jordan arrangement has applied since 1 April 2025.") == {
        "1 April 2025": "contradicted"}
    assert _verdicts(invented, "The China–Jordan arrangement has applied since 1 May 2025.") == {
        "1 May 2025": "supported"}


def test_an_exact_count_outranks_a_bound(invented: Assistant) -> None:
    assert _verdicts(invented, "79 Jordanian companies hold AEO status.")["79"] == "contradicted"
    assert _verdicts(invented, "71 Jordanian companies hold AEO status.")["71"] == "supported"


def test_an_old_figure_said_to_be_old_is_not_stale(invented: Assistant) -> None:
    assert _verdicts(invented, "64 Jordanian companies hold AEO status.")["64"] == "stale"
    assert _verdicts(invented, "71 Jordanian companies hold AEO status, up from 64.")["64"] == "supported"


def test_a_future_step_and_another_period_are_unsupported(invented: Assistant) -> None:
    assert _verdicts(invented, "Qatar and China will sign their AEO arrangement in 2027.") == {"2027": "unsupported"}
    assert _verdicts(invented, "Trade between Jordan and China reached US$ 5.2 billion in 2023.")[
        "US$ 5.2 billion"] == "unsupported"  # a year no bulletin gives a figure for
    assert _verdicts(invented, "Trade between Jordan and China reached US$ 4.1 billion in 2023.")[
        "US$ 4.1 billion"] == "contradicted"  # 2024's figure, misdated


def test_talks_only_contradict_a_signing(invented: Assistant) -> None:
    assert _verdicts(invented, "Qatar and China signed an AEO arrangement in 2025.") == {"2025": "contradicted"}


def test_a_bare_figure_answers_the_question(invented: Assistant) -> None:
    q = "How many Jordanian companies hold AEO status?"
    assert _verdicts(invented, "71 at the last count.", q)["71"] == "supported"
    assert _verdicts(invented, "75 at the last count.", q)["75"] == "contradicted"


def test_a_bulletins_own_date_is_checked_as_such(invented: Assistant) -> None:
    assert _verdicts(invented, "Jordan Customs' update of 12 May 2025 lists the benefits.")["12 May 2025"] == \
        "supported"


def test_a_status_sheet_with_no_issuer_still_gives_arrangements(invented: Assistant) -> None:
    (bhutan,) = invented.arrangements_json("Bhutan")
    assert bhutan["home"] == "China" and bhutan["status"] == "sign"
    r = invented.ask("From what date does the China–Bhutan arrangement apply?").to_json()
    assert r["status"] == "not_found" and "not yet in force" in r["answer"]


def test_an_unmarked_list_of_measures(invented: Assistant) -> None:
    (jordan,) = invented.arrangements_json("Jordan")
    values = [m["value"] for m in jordan["measures"]]
    assert "a named contact officer in each administration" in values and len(values) == 3


def test_table_side_and_partner_words() -> None:
    sheet = load_text(BULLETINS["d_sheet.txt"], "d_sheet.txt")
    assert isinstance(sheet, Bulletin) and sheet.home == "China"
    assert table_side("A | x\nB | y", ["China"]) is None
    assert fuzzy("being") is None and fuzzy("began") is None and fuzzy("Jordon") == "Jordan"


def test_question_kinds_and_askers() -> None:
    assert understand("Which bulletins give the total number of arrangements?").kind == "search"
    assert understand("Bhutan arrangement — in application from when?").kind == "date"
    assert understand("What is the latest count of Advanced Certified Enterprises?").kind == "figure"
    assert understand("and from what date does that work?").date_field == "in_force"
    assert asker_not_certified("A Fijian exporter that is not PIP-certified: does it get faster clearance?")


def test_a_heading_is_answered_with_the_rows_under_it(invented: Assistant) -> None:
    r = invented.ask("What were the results of the Fiji pilot?").to_json()
    assert "812" in r["answer"], r["answer"]
    for c in r["citations"]:
        assert invented.bulletin(c["source"]).text[c["start"]:c["end"]] == c["quote"]  # type: ignore[union-attr]


def test_a_region_narrows_lists_and_follow_ups(invented: Assistant) -> None:
    from assistant.understand import understand

    first = understand("Which Oceanian or Pacific partner has an arrangement with China?")
    assert first.regions == ("oceania",)
    assert understand("since when?", first).regions == ("oceania",)
    r = invented.ask("Which Pacific partners have AEO arrangements with China?").to_json()
    assert "Fiji" in r["answer"] and "Jordan" not in r["answer"], r["answer"]


def test_a_separate_application_question_is_answered_from_the_bulletin_or_not_found(invented: Assistant) -> None:
    r = invented.ask("We are a Jordanian AEO. Do we need to apply separately to benefit in China?").to_json()
    assert r["status"] == "answered" and "do not need to apply again" in r["answer"], r["answer"]
    r = invented.ask("Do Fijian AEOs have to register separately for the China arrangement?").to_json()
    assert r["status"] == "not_found" and "separate application" in r["answer"], r["answer"]


def test_a_date_opening_a_clause_is_when_it_began_to_apply(invented: Assistant) -> None:
    asked = "What do Jordanian AEOs get in China?"
    assert _verdicts(invented, "From 1 May 2025: a lower rate of document and physical inspection.", asked) == {
        "1 May 2025": "supported"}
    assert _verdicts(invented, "From 5 May 2025: a lower rate of document and physical inspection.", asked) == {
        "5 May 2025": "contradicted"}
    # the corrected date opening the clause is still the erroneous one
    assert _verdicts(invented, "Since 1 April 2025, a named contact officer in each administration.", asked) == {
        "1 April 2025": "contradicted"}


def test_a_year_does_not_support_a_day(invented: Assistant) -> None:
    from assistant.check import agree
    from index.facts import find_quantities
    year = next(f for f in invented.facts_table.facts() if f.kind == "year" and f.norm == "2024")
    (claim,) = [q for q in find_quantities("on 4 January 2024") if q.kind == "date"]
    assert agree(claim, year) == "partial"


def test_a_count_heading_a_list_of_another_length_contradicts_itself(invented: Assistant) -> None:
    from assistant.enumeration import listed
    text = "Four: a lower rate of inspection; priority treatment; and a named contact officer."
    assert listed(text, len("Four")) == (3, 3)
    assert listed("Two partners: Fiji and Bhutan.", len("Two")) == (1, 2)
    assert listed("Two were signed in 2025.", len("Two")) is None
    assert _verdicts(invented, text)["Four"] == "contradicted"
    assert _verdicts(invented, "Five: Jordan (20 January 2025), Bhutan (2 April 2025) and Fiji (11 November 2024).",
                     "Which arrangements were signed?")["Five"] == "contradicted"
    assert _verdicts(invented, "Three: a lower rate of inspection; priority treatment; and a named contact "
                               "officer.")["Three"] != "contradicted"


def test_a_weekday_the_date_did_not_fall_on_contradicts_it(invented: Assistant) -> None:
    assert _verdicts(invented, "Jordan Customs published its update on 12 May 2025 (a Friday).")[
        "12 May 2025"] == "contradicted"
    assert _verdicts(invented, "Jordan Customs published its update on Monday, 12 May 2025.")[
        "12 May 2025"] != "contradicted"


def test_a_bare_answer_date_takes_the_asked_step_and_a_report_date_its_bulletins(invented: Assistant) -> None:
    asked = "When was the China–Jordan arrangement signed?"
    assert _verdicts(invented, "On 21 January 2025: the announcement dated 2 March 2025 reports it.", asked) == {
        "21 January 2025": "contradicted", "2 March 2025": "supported"}
    assert _verdicts(invented, "On 20 January 2025: the announcement dated 2 March 2025 reports it.", asked) == {
        "20 January 2025": "supported", "2 March 2025": "supported"}
    assert _verdicts(invented, "On 20 January 2025: the announcement dated 2 March 2021 reports it.", asked)[
        "2 March 2021"] == "contradicted"


def test_a_one_sided_mention_takes_the_other_side_from_the_question(invented: Assistant) -> None:
    asked = "What do Jordanian AEOs get?"
    assert _verdicts(invented, "Since 5 May 2025: priority treatment by Chinese customs.", asked) == {
        "5 May 2025": "contradicted"}


def test_a_change_row_measures_the_row_above_in_its_period(invented: Assistant) -> None:
    facts = [f for f in invented.facts_table.facts() if f.source == "f_district.md" and f.kind in ("money", "percent")]
    assert {f.kind: f.period for f in facts} == {"money": "2024", "percent": "2024"}
    change = next(f for f in facts if f.kind == "percent")
    assert "import" in change.terms and "decreas" in change.head
    asked = "How much did the Lautoka district import from Samoa in 2024, and the change?"
    assert set(_verdicts(invented, "USD 3.2 million in 2024, down 4.5% on 2022.", asked).values()) == {"supported"}
    assert _verdicts(invented, "USD 3.2 million in 2024, down 6.5% on 2022.", asked)["6.5%"] == "contradicted"
    assert _verdicts(invented, "USD 3.2 million in 2024, down 4.5% on 2021.", asked)["2021"] == "contradicted"
    assert _verdicts(invented, "USD 3.2 million in 2026, down 4.5% on 2022.", asked)["4.5%"] == "contradicted"


def test_steps_and_targets_are_dated_by_their_own_clause(invented: Assistant) -> None:
    asked = "What are the stages of the Tonga–China action plan?"
    steps = "Two stages: align certification criteria by the end of {}; and joint validation visits during 2026."
    assert _verdicts(invented, steps.format(2025), asked) == {"Two": "supported", "2025": "supported",
                                                              "2026": "supported"}
    result = invented.check_in_context(steps.format(2026), [asked])
    assert [c.verdict for c in result.claims if c.claim == "2026"] == ["contradicted", "supported"]
    target = "On 3 February 2025 Tonga Customs and China Customs adopted an action plan, which aims at concluding " \
             "an arrangement by the end of {}."
    assert _verdicts(invented, target.format(2027), asked)["2027"] == "supported"
    assert _verdicts(invented, target.format(2029), asked)["2029"] == "contradicted"


def test_an_announcement_date_is_checked_against_the_bulletin_its_clause_cites(invented: Assistant) -> None:
    text = "What the Jordanian administration put out that spring: {}, announcing that trade between Jordan and " \
           "China reached US$ 4.1 billion in 2024."
    assert _verdicts(invented, text.format("12 May 2025"))["12 May 2025"] == "supported"
    assert _verdicts(invented, text.format("14 May 2025"))["14 May 2025"] == "contradicted"


def test_a_question_in_two_parts_gets_each_parts_own_figure(invented: Assistant) -> None:
    answer = invented.ask("lautoka district imports from samoa 2024 how much and how much was the decrease")
    assert "3.2 million" in answer.answer and "4.5%" in answer.answer, answer.answer
    assert answer.answer.count("3.2 million") == 1
    from assistant.compose import wanted_kinds
    assert wanted_kinds("how large was the fall in imports") == {"percent", "money"}
    assert wanted_kinds("how much did the district import") == {"money"}
