"""Reading and life-cycle events on invented bulletins of partners and wordings no rule was written from."""

from __future__ import annotations

import sqlite3
from datetime import date

from corpus.dates import find_dates, publication_date, weekday_dates
from corpus.loader import load_text
from corpus.records import Bulletin, PartialDate
from index.facts.events import extract_events, status
from index.facts.numbers import find_quantities
from index.facts.table import FactTable

CHILE_HTML = """<html><head><title>Noticias | Servicio Nacional de Aduanas de Chile</title>
<script>var tracker = 1;</script></head><body>
<header><div class="brand">Servicio Nacional de Aduanas de Chile</div>
<nav><a href="/">Inicio</a> | <a href="/news">Noticias</a> | <a href="/contact">Contacto</a></nav></header>
<div class="breadcrumbs">Inicio &gt; Noticias</div>
<main><h1>Vietnam and Chile bring trusted-trader recognition into operation</h1>
<p class="byline">Santiago, 14/03/2025</p>
<p>The Servicio Nacional de Aduanas de Chile reports that the mutual recognition arrangement on Authorized
Economic Operators with the General Department of Vietnam Customs, signed in Hanoi on 02/09/2024, becomes
operational from 01/04/2025.</p>
<table><tr><th>Indicator</th><th>Value</th></tr>
<tr><td>Chilean operators holding AEO status</td><td>58</td></tr></table>
</main><footer><p>Aduanas de Chile | Privacy | Sitemap</p></footer></body></html>"""

NORWAY_PLAN = """Oslo, 7 May 2025 (Monday)

Norway and Colombia set out roadmap towards AEO mutual recognition

Norwegian Customs and the Colombian tax and customs authority last Friday adopted an action plan on
the mutual recognition of their AEO programmes. The action plan is not an arrangement; it foresees joint
validation visits and aims to sign an arrangement by the end of 2026. Until then, operators receive no
facilitation from the other side.
"""

SUSPENSION = """---
title: Temporary suspension of the Uruguay–Norway AEO arrangement
date: 2025-06-20
---
Norwegian Customs informs traders that application of the AEO mutual recognition arrangement with Uruguay,
which took effect on 1 March 2022, is suspended from 1 July 2025 until further notice while both sides
replace their clearance systems. The arrangement has not been terminated.
"""

CORRECTION = """CUSTOMS ADMINISTRATION OF NORWAY
Notice 7/2025
Date: 2025-02-03

CORRECTION TO NOTICE 5/2025

Notice 5/2025 stated that the arrangement with Colombia "applies from 1 April 2025". That date is wrong.
The correct date from which the arrangement with Colombia applies is 15 April 2025.
"""

STATUS_SHEET = """STATUS OF ARRANGEMENTS - NORWEGIAN CUSTOMS
Position as at 30 June 2025.

PARTNER        SIGNED      IN FORCE FROM     STATUS
-------------  ----------  ----------------  -------------------------------
Uruguay        2021-10-05  2022-03-01        Suspended since 2025-07-01
Chile          2023-02-14  --                Signed; not yet implemented
Kenya          --          --                Negotiations under way
"""


def _load(text: str, source: str, kind: str = "text") -> Bulletin:
    b = load_text(text, source, kind)
    assert isinstance(b, Bulletin), b
    return b


def _table(*bulletins: Bulletin) -> FactTable:
    table = FactTable(sqlite3.connect(":memory:"))
    table.ensure_schema()
    for b in bulletins:
        table.replace(b)
    return table


def test_numeric_dates_day_first_unless_the_text_shows_month_first() -> None:
    assert [(d.year, d.month, d.day) for d in find_dates("signed 02/09/2024, in force 01/04/2025")] == [
        (2024, 9, 2), (2025, 4, 1)]
    assert [(d.month, d.day) for d in find_dates("signed 02/19/2024 and 03/04/2024")] == [(2, 19), (3, 4)]
    assert [(d.year, d.month, d.day) for d in find_dates("as at 29.12.2023")] == [(2023, 12, 29)]
    assert [(d.year, d.month) for d in find_dates("signed 2022-12 (month only)")] == [(2022, 12)]
    assert [(d.month, d.day) for d in find_dates("on the first of June")] == [(6, 1)]
    assert find_dates("you may use it") == []  # "may" the verb is not May


def test_ranges_and_weekdays_take_their_year_from_the_text() -> None:
    (first, last) = find_dates("trial from 3 February to 28 April 2025")
    assert first.year == 2025 and last.year == 2025
    base = PartialDate(2025, 5, 7, "7 May 2025")  # a Wednesday
    (friday,) = weekday_dates("adopted last Friday", base)
    assert (friday.year, friday.month, friday.day) == (2025, 5, 2)
    assert weekday_dates("met on Tuesday", PartialDate(None, 5, 7, "7 May")) == []  # no year: no guess
    quantities = find_quantities("They met on Tuesday.", PartialDate(2025, 5, 7, "x"))
    assert [q.norm for q in quantities] == ["2025-05-06"]


def test_publication_date_from_byline_label_or_signature_not_title() -> None:
    text = "Egypt and Peru set 1 June 2026 as start date\n\nLima, 3 March 2026 — The two customs signed."
    d = publication_date(text)
    assert d is not None and d.iso == "2026-03-03"
    footer = "Seoul, Dec. 9 -- The officials met.\n\nMore text here.\n[Published 2025-12-09 10:00 | Source: wire]"
    d = publication_date(footer)
    assert d is not None and d.iso == "2025-12-09"
    assert publication_date("Astana, 4 June -- Officials met. Trade was 3 billion in 2022.").iso is None  # type: ignore[union-attr]


def test_html_page_furniture_dropped_cells_kept_apart_masthead_is_issuer() -> None:
    b = _load(CHILE_HTML, "chile.html", "html")
    assert "Inicio" not in b.text and "tracker" not in b.text and "Privacy" not in b.text
    assert "Chilean operators holding AEO status | 58" in b.text
    assert b.home == "Chile" and b.partners[:1] == ("Vietnam",)
    assert b.date is not None and b.date.iso == "2025-03-14"


def test_partner_release_gives_both_sides_and_entry_into_force() -> None:
    b = _load(CHILE_HTML, "chile.html", "html")
    (arr,) = _table(b).arrangements()
    assert set(arr.sides) == {"Chile", "Vietnam"}
    assert arr.signed is not None and arr.signed.value == "2024-09-02"
    assert arr.in_force is not None and arr.in_force.value == "2025-04-01"
    assert arr.status == "in_force"


def test_action_plan_is_not_an_arrangement_and_a_target_is_not_a_signing() -> None:
    b = _load(NORWAY_PLAN, "plan.txt")
    events = extract_events(b, [])
    assert events == []  # no facts given: events come from dated facts
    (arr,) = _table(b).arrangements()
    assert arr.status == "action_plan"
    assert [e.role for e in arr.events] == ["action_plan"] and arr.events[0].date == "2025-05-02"
    assert arr.signed is None


def test_suspension_sets_status_and_keeps_entry_into_force() -> None:
    b = _load(SUSPENSION, "suspension.md", "markdown")
    (arr,) = _table(b).arrangements()
    assert set(arr.sides) == {"Norway", "Uruguay"}
    assert arr.in_force is not None and arr.in_force.value == "2022-03-01"
    assert status(list(arr.events), date(2025, 8, 1))[0] == "suspend"
    assert status(list(arr.events), date(2025, 6, 1))[0] == "in_force"


def test_correction_replaces_the_date_it_corrects() -> None:
    original = _load("Oslo, 10 January 2025\n\nNorwegian Customs announces that the AEO arrangement with Colombia "
                     "applies from 1 April 2025.", "notice5.txt")
    table = _table(original, _load(CORRECTION, "notice7.txt"))
    (arr,) = table.arrangements()
    assert arr.in_force is not None and arr.in_force.value == "2025-04-15"
    assert any(e.role == "erroneous" and e.date == "2025-04-01" for e in arr.events)


def test_fixed_width_status_table_gives_one_record_per_row() -> None:
    b = _load(STATUS_SHEET, "sheet.txt")
    assert "Uruguay | 2021-10-05 | 2022-03-01 | Suspended since 2025-07-01" in b.text
    arrs = {a.partner: a for a in _table(b).arrangements()}
    assert set(arrs) == {"Uruguay", "Chile", "Kenya"}
    assert arrs["Uruguay"].in_force is not None and arrs["Uruguay"].in_force.value == "2022-03-01"
    assert arrs["Uruguay"].status == "suspend"
    assert arrs["Chile"].status == "sign" and arrs["Chile"].in_force is None
    assert arrs["Kenya"].status == "talks"
