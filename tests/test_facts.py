"""Fact extraction, arrangement records and the fact table, pinned on the seed bulletins and invented ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import corpus
from conftest import LATER
from corpus import Bulletin
from index.facts import Fact, FactTable, extract_arrangements, extract_facts, find_quantities

BULLETINS = Path(corpus.__file__).parent / "bulletins"
SERBIA = "000_eb2d948c419fafef.txt"
MACAO = "003_740ae7fc80938b27.txt"


KENYA = """Nairobi, 15 June 2023 — The General Administration of Customs of China (GACC) and the Kenya Revenue \
Authority signed an AEO mutual recognition arrangement on 12 June 2023. The arrangement will take effect from \
1 September 2023.
Under the MRA, certified enterprises of both sides will enjoy benefits including lower inspection rates, \
priority inspection and a designated customs liaison officer.
Customs will resolve complaints within 30 days. Bilateral trade reached RMB 1.2 trillion last year, up 15 per \
cent. China now has twenty-one partners in Africa.
When declaring goods, Chinese exporters must fill in the Kenyan importer's AEO code in the format "KEAEO" \
followed by the 10-digit PIN, and Kenyan importers use AEOCN1234567890."""


def load(name: str) -> Bulletin:
    b = corpus.load_file(BULLETINS / name)
    assert isinstance(b, Bulletin)
    return b


def text_bulletin(raw: str, source: str) -> Bulletin:
    b = corpus.load_text(raw, source)
    assert isinstance(b, Bulletin)
    return b


def find(facts: list[Fact], expr: str, nth: int = 0) -> Fact:
    hits = [f for f in facts if f.expr == expr]
    assert len(hits) > nth, f"no fact {expr!r} (#{nth}) in {[f.expr for f in facts]}"
    return hits[nth]


@pytest.fixture
def conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:")
    FactTable(c).ensure_schema()
    return c


# (expression, occurrence, kind, unit, normalised value, qualifier, subject fragment)
SERBIA_FIGURES = [
    ("February 14", 0, "date", "date", "--02-14", None, "publication date"),
    ("14th", 0, "date", "date", "--02-14", None, ""),
    ("12", 0, "count", "count", "12", None, "countries in Central and Eastern Europe"),
    ("17", 0, "count", "count", "17", None, "countries in Central and Eastern Europe"),
    ("2014", 0, "year", "year", "2014", None, ""),
    ("first", 0, "ordinal", "ordinal", "1", None, "AEO cooperation document"),
    ("five", 0, "count", "count", "5", None, "non-EU member states"),
    ("17", 1, "count", "count", "17", None, "countries in Central and Eastern Europe"),
    ("43", 0, "count", "count", "43", None, "countries and regions"),
    ("17", 2, "count", "count", "17", None, "economies"),
    ("first", 1, "ordinal", "ordinal", "1", None, "countries and regions"),
    ("nearly 40%", 0, "percent", "percent", "40", "nearly", "exports"),
]
MACAO_FIGURES = [
    ("February 7th", 0, "date", "date", "--02-07", None, "publication date"),
    ("7th", 0, "date", "date", "--02-07", None, "signed"),
    ("first", 0, "ordinal", "ordinal", "1", None, "AEO mutual recognition partner of Macao Customs"),
    ("four", 0, "count", "count", "4", None, "mutual recognition facilitation measures"),
    ("US$4.36 billion", 0, "money", "USD", "4360000000", None, "total trade value"),
    ("2022", 0, "year", "year", "2022", None, ""),
    ("32.9%", 0, "percent", "percent", "32.9", None, "year-on-year increase"),
    ("third", 0, "ordinal", "ordinal", "3", None, "AEO mutual recognition agreement"),
    ("35", 0, "count", "count", "35", None, "Belt and Road"),
    ("first", 1, "ordinal", "ordinal", "1", None, "agreements"),
]


@pytest.mark.parametrize(("name", "figures"), [(SERBIA, SERBIA_FIGURES), (MACAO, MACAO_FIGURES)])
def test_seed_figures_are_pinned_with_exact_spans(name: str, figures: list[tuple]) -> None:
    b = load(name)
    facts = extract_facts(b)
    assert len(facts) == len(figures)
    for expr, nth, kind, unit, norm, qualifier, subject in figures:
        f = find(facts, expr, nth)
        assert (f.kind, f.unit, f.norm, f.qualifier) == (kind, unit, norm, qualifier), expr
        assert subject in f.subject, (expr, f.subject)
        assert b.text[f.start:f.end] == expr
        assert b.text[f.sent_start:f.sent_end] == f.quote and f.sent_start <= f.start < f.end <= f.sent_end
        assert f.source == name and f.partners[0] == b.partners[0]


def test_serbia_details() -> None:
    facts = extract_facts(load(SERBIA))
    part, total = find(facts, "12"), find(facts, "17")
    assert (part.role, total.role, part.link, total.link) == ("part", "total", "12 of 17", "12 of 17")
    assert find(facts, "14th").event == "announce"  # learned on the 14th; the signing date is not given
    assert find(facts, "2014").event == "sign"
    assert all(f.as_of == "--02-14" for f in facts)  # the bulletin's date; no year is invented
    assert find(facts, "nearly 40%").value == 40.0


def test_macao_details() -> None:
    facts = extract_facts(load(MACAO))
    money = find(facts, "US$4.36 billion")
    assert money.value == 4_360_000_000 and money.as_of == "2022" and money.period == "2022"
    assert "Macao" in money.scope and "Macao" in money.partners
    assert find(facts, "32.9%").as_of == "2022"
    assert find(facts, "7th").event == "sign"
    assert find(facts, "February 7th").event == "announce"


def test_serbia_arrangement_keeps_signing_unknown() -> None:
    (arr,) = extract_arrangements(load(SERBIA))
    assert arr.partner == "Serbia"
    assert arr.signed is None and arr.in_force is None
    assert arr.published is not None and arr.published.value == "--02-14" and arr.published.text == "February 14"
    assert arr.announced is not None and arr.announced.text == "14th"
    js = arr.to_json()
    assert js["signed"] == "unknown" and js["in_force"] == "unknown"
    assert [m.value for m in arr.measures][:2] == [
        "applying a lower document audit rate", "applying a lower inspection rate for imported goods"]
    assert len(arr.measures) == 5
    b = load(SERBIA)
    assert all(b.text[m.start:m.end] == m.value for m in arr.measures)


def test_macao_arrangement_signed_on_the_7th_without_a_year() -> None:
    b = load(MACAO)
    (arr,) = extract_arrangements(b)
    assert arr.partner == "Macao"
    assert arr.signed is not None and arr.signed.value == "--02-07" and arr.signed.text == "7th"
    assert b.text[arr.signed.start:arr.signed.end] == "7th"
    assert arr.published is not None and arr.published.text == "February 7th"
    assert [a.value for a in arr.administrations] == ["Macao Customs"]
    assert [m.value for m in arr.measures] == [
        "lower inspection rate", "priority inspection", "designated liaison service", "priority customs clearance"]
    assert arr.in_force is None and arr.identifiers == ()


@pytest.mark.parametrize(("text", "kind", "unit", "norm", "qualifier"), [
    ("trade of US$4.36 billion", "money", "USD", "4360000000", None),
    ("trade of RMB 2.5 trillion", "money", "CNY", "2500000000000", None),
    ("worth EUR 300 million", "money", "EUR", "300000000", None),
    ("worth 2.5 trillion yuan", "money", "CNY", "2500000000000", None),
    ("an increase of 32.9%", "percent", "percent", "32.9", None),
    ("up 15 per cent", "percent", "percent", "15", None),
    ("nearly 40% of exports", "percent", "percent", "40", "nearly"),
    ("more than 50 economies", "count", "count", "50", "more than"),
    ("twenty-one partners", "count", "count", "21", None),
    ("1,200 enterprises", "count", "count", "1200", None),
    ("the third agreement", "ordinal", "ordinal", "3", None),
    ("the 21st partner", "ordinal", "ordinal", "21", None),
    ("within 30 days", "duration", "day", "30", "at most"),
    ("for six months", "duration", "month", "6", None),
    ("on 1 July 2024", "date", "date", "2024-07-01", None),
    ("on February 7", "date", "date", "--02-07", None),
    ("since 2014", "year", "year", "2014", None),
])
def test_quantities_normalise(text: str, kind: str, unit: str, norm: str, qualifier: str | None) -> None:
    (q,) = find_quantities(text)
    assert (q.kind, q.unit, q.norm, q.qualifier) == (kind, unit, norm, qualifier)
    assert text[q.start:q.end] == q.text


def test_not_claims_are_skipped() -> None:
    text = "The AEO system [1] [2, 3] follows Announcement No. 45 of 2023; use code AEOCN1234567890 at 10:30."
    assert find_quantities(text) == []


def test_day_only_date_takes_month_from_dateline_but_never_a_year() -> None:
    b = load(MACAO)
    (q,) = [q for q in find_quantities(b.text, b.date) if q.text == "7th"]
    assert q.date is not None and (q.date.year, q.date.month, q.date.day) == (None, 2, 7)


def test_invented_bulletin_new_phrasing() -> None:
    b = text_bulletin(KENYA, "kenya.txt")
    facts = extract_facts(b)
    assert find(facts, "within 30 days").kind == "duration"
    assert find(facts, "RMB 1.2 trillion").value == 1.2e12 and find(facts, "RMB 1.2 trillion").as_of == "2022"
    assert find(facts, "15 per cent").unit == "percent"
    assert find(facts, "twenty-one").value == 21 and "partners" in find(facts, "twenty-one").subject
    (arr,) = extract_arrangements(b, facts)
    assert arr.partner == "Kenya"
    assert arr.signed is not None and arr.signed.value == "2023-06-12"
    assert arr.in_force is not None and arr.in_force.value == "2023-09-01"
    assert arr.published is not None and arr.published.value == "2023-06-15"
    assert [a.value for a in arr.administrations] == ["Kenya Revenue Authority"]
    assert [m.value for m in arr.measures] == [
        "lower inspection rates", "priority inspection", "a designated customs liaison officer"]
    assert [i.value for i in arr.identifiers] == ["KEAEO", "AEOCN1234567890"]
    assert all(b.text[x.start:x.end] == x.value for x in (*arr.measures, *arr.identifiers))
    assert b.text[arr.signed.start:arr.signed.end] == arr.signed.text == "12 June 2023"


def test_table_replace_is_idempotent_and_not_committed(conn: sqlite3.Connection) -> None:
    table = FactTable(conn)
    conn.commit()
    b = load(SERBIA)
    table.replace(b)
    assert conn.in_transaction  # the caller owns the transaction
    first = table.facts()
    table.replace(b)
    assert [f.id for f in table.facts()] == [f.id for f in first] and len(first) == 12
    assert len(table.arrangements()) == 1
    conn.rollback()
    assert table.facts() == [] and table.sources() == []


def test_table_round_trips_facts_and_filters(conn: sqlite3.Connection) -> None:
    table = FactTable(conn)
    for name in (SERBIA, MACAO):
        table.replace(load(name))
    assert table.sources() == [SERBIA, MACAO]
    assert sorted(table.facts(), key=lambda f: f.id) == sorted(
        extract_facts(load(SERBIA)) + extract_facts(load(MACAO)), key=lambda f: f.id)
    assert {f.source for f in table.facts(partner="Macao")} == {MACAO}
    assert "43" in [f.expr for f in table.facts(subject="countries and regions")]
    assert [f.expr for f in table.facts(subject="trade value")] == ["US$4.36 billion", "2022", "32.9%"]


def test_changed_bulletin_replaces_rows_and_delete_removes(conn: sqlite3.Connection) -> None:
    table = FactTable(conn)
    b = load(SERBIA)
    table.replace(b)
    changed = text_bulletin(b.text.replace("43 countries", "44 countries"), SERBIA)
    table.replace(changed)
    exprs = [f.expr for f in table.facts()]
    assert "44" in exprs and "43" not in exprs and len(exprs) == 12
    table.replace(load(MACAO))
    table.delete(SERBIA)
    assert table.sources() == [MACAO]
    assert {f.source for f in table.facts()} == {MACAO}
    assert [a.partner for a in table.arrangements()] == ["Macao"]


def test_follow_up_bulletin_fills_entry_into_force(conn: sqlite3.Connection) -> None:
    table = FactTable(conn)
    table.replace(load(SERBIA))
    table.replace(text_bulletin(LATER, "later.txt"))
    (arr,) = table.arrangements("Serbia")
    assert arr.sources == (SERBIA, "later.txt")
    assert arr.in_force is not None and arr.in_force.value == "2024-03-01" and arr.in_force.source == "later.txt"
    assert arr.in_force.text == "1 March 2024"
    assert arr.signed is None  # neither bulletin gives the signing date
    assert arr.published is not None and arr.published.source == SERBIA
    assert len(arr.measures) == 5
    table.delete("later.txt")
    (arr,) = table.arrangements("Serbia")
    assert arr.in_force is None
