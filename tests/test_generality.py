"""Bulletins the rules were not written from: another partner, HTML, full dates, codes, a follow-up bulletin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from conftest import BULLETINS, SERBIA

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bulletins"


@pytest.fixture(scope="module")
def wider(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    a = Assistant(Settings.from_env(env={}, home=tmp_path_factory.mktemp("wider")), embedder=embedder)
    report = a.ingest([BULLETINS, FIXTURES], progress=False)
    assert not report.rejected
    yield a
    a.close()


def _ask(a: Assistant, q: str) -> dict:  # type: ignore[type-arg]
    r = a.ask(q).to_json()
    for c in r["citations"]:
        assert a.bulletin(c["source"]).text[c["start"]:c["end"]] == c["quote"]  # type: ignore[union-attr]
    assert "Not verified" not in r["answer"], r["answer"]
    return r


def test_arrangement_record_from_html_bulletin(wider: Assistant) -> None:
    (uy,) = wider.arrangements_json("Uruguay")
    assert uy["signed"]["value"] == "2023-06-10" and uy["in_force"]["value"] == "2023-09-01"
    assert uy["announced"]["value"] == "2023-06-12"
    assert len(uy["measures"]) == 5 and uy["measures"][0]["value"] == "a lower rate of documentary checks"
    assert any("CN1234567890" in i["value"] for i in uy["identifiers"])
    doc = wider.bulletin("uruguay.html")
    assert doc is not None and doc.title == "China and Uruguay sign AEO mutual recognition arrangement"
    assert "alert" not in doc.text


def test_dates_from_the_record(wider: Assistant) -> None:
    assert "applies from 1 September 2023" in _ask(wider, "When does the China-Uruguay arrangement take effect?")["answer"]
    assert "signed on 10 June 2023" in _ask(wider, "when was the uruguay MRA signed")["answer"]


def test_follow_up_bulletin_fills_entry_into_force(wider: Assistant) -> None:
    (rs,) = wider.arrangements_json("Serbia")
    assert rs["in_force"]["value"] == "2024-03-01" and rs["signed"] == "unknown"
    r = _ask(wider, "my company is an AEO in China — will my goods be inspected less in Serbia?")
    assert "applies from 1 March 2024" in r["answer"] and r["status"] == "answered"


def test_code_question_quotes_the_instruction(wider: Assistant) -> None:
    r = _ask(wider, "What code do I give my buyer in Uruguay?")
    assert r["status"] == "answered" and "CN1234567890" in r["answer"]
    assert r["citations"][0]["source"] == "uruguay.html"


def test_latest_figure_wins_and_says_as_of_when(wider: Assistant) -> None:
    r = _ask(wider, "How many countries and regions has China achieved AEO mutual recognition with?")
    assert "52 countries and regions" in r["answer"] and "2024-03-03" in r["answer"] and "gave 43" in r["answer"]
    assert [c["n"] for c in r["citations"]] == list(range(1, len(r["citations"]) + 1))
    stale = wider.check("China Customs has achieved AEO mutual recognition with 43 countries and regions.").to_json()
    assert stale["verdict"] == "stale" and "52" in stale["claims"][0]["note"]


def test_eligibility_lists_measures_of_new_partner(wider: Assistant) -> None:
    r = _ask(wider, "my company is an AEO in China, will my goods be inspected less in Uruguay?")
    assert r["answer"].startswith("Yes") and "a lower rate of physical inspection" in r["answer"]
    assert "applies from 1 September 2023" in r["answer"]


def test_search_newest_first_without_file_names_in_text(wider: Assistant) -> None:
    r = _ask(wider, "announcements about Serbia")
    assert r["kind"] == "search" and SERBIA not in r["answer"]
    assert r["answer"].index("2024-03-03") < r["answer"].index("February 14")
    grouped = wider.search_grouped("announcements about Serbia", partner="Serbia")
    assert [g["source"] for g in grouped["groups"]][:2] == ["followup.txt", SERBIA]


def test_date_filters_use_full_dates(wider: Assistant) -> None:
    from datetime import date

    hits = wider.search("AEO arrangement", since=date(2023, 1, 1), until=date(2023, 12, 31))
    assert {h.source for h in hits} == {"uruguay.html"}


def test_markdown_bulletin_of_another_administration(wider: Assistant) -> None:
    (th,) = wider.arrangements_json("Thailand")
    assert th["signed"]["value"] == "2024-08-20" and th["in_force"]["value"] == "2024-11-01"
    assert th["published"]["value"] == "2024-11-05" and th["published"]["text"] == "5 November 2024"
    assert [m["value"] for m in th["measures"]] == [
        "reduced inspection rates for their shipments", "priority processing of import declarations",
        "simplified verification of documents"]
    r = _ask(wider, "I'm a Korean AEO, what benefits do I get in Thailand?")
    assert "Korea and Thailand" in r["answer"] and "priority processing of import declarations" in r["answer"]
    assert "Advanced Certified Enterprise" not in r["answer"]  # that is China's name for AEO status
    assert "signed on 20 August 2024" in _ask(wider, "when was the korea thailand deal signed")["answer"]
    assert "KRAEO2024-00123" in _ask(wider, "What number must a Korean exporter give to the Thai importer?")["answer"]


def test_figures_stay_with_their_administration(wider: Assistant) -> None:
    r = _ask(wider, "How many countries does Korea have AEO MRAs with?")
    assert "24 countries" in r["answer"] and "43" not in r["answer"] and "52" not in r["answer"]
    checked = wider.check("Korea has AEO MRAs with 25 countries. China has mutual recognition with 52 countries "
                          "and regions.").to_json()
    assert [c["verdict"] for c in checked["claims"]] == ["contradicted", "supported"]


def test_titles_skip_datelines(wider: Assistant) -> None:
    doc = wider.bulletin("followup.txt")
    assert doc is not None and doc.title.startswith("The General Administration of Customs announced")


def test_periods_in_questions(wider: Assistant) -> None:
    r = _ask(wider, "Which partners did China sign AEO arrangements with in 2023?")
    assert "Uruguay" in r["answer"] and "Serbia" not in r["answer"] and "Macao" not in r["answer"]
    r = _ask(wider, "announcements since 2024")
    assert r["answer"].index("2024-11-05") < r["answer"].index("2024-03-03") and "2023" not in r["answer"]
    r = _ask(wider, "bulletins from 2023")
    assert "2023-06-12" in r["answer"] and "2024" not in r["answer"]
    assert _ask(wider, "Which partners signed AEO arrangements in 2019?")["status"] == "not_found"


def test_partner_named_among_existing_partners(wider: Assistant) -> None:
    r = _ask(wider, "Does China have an AEO arrangement with Costa Rica?")
    assert r["status"] == "answered" and "Costa Rica" in r["answer"] and "announces the arrangement" in r["answer"]


def test_arrangements_are_matched_on_both_sides(wider: Assistant) -> None:
    records = {tuple(a["sides"]): a for a in wider.arrangements_json("Korea")}
    assert set(records) == {("China", "Korea"), ("Korea", "Thailand")}  # one record per pair, never merged by name
    assert records[("China", "Korea")]["signed"]["value"] == "2016-06-27"
    r = _ask(wider, "I'm a Korean AEO, what benefits do I get in Thailand?")
    assert "Thailand" in r["answer"] and "China" not in r["answer"]
    r = _ask(wider, "Does China have an AEO arrangement with Korea?")
    assert r["answer"].startswith("Yes: China and Korea have an AEO mutual recognition arrangement")
