"""The claim checker: verdicts for numeric and date claims against the seed bulletins' facts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import corpus
from assistant.check import ClaimChecker
from conftest import LATER
from corpus import Bulletin
from index.facts import FactTable

BULLETINS = Path(corpus.__file__).parent / "bulletins"
SERBIA = "000_eb2d948c419fafef.txt"
MACAO = "003_740ae7fc80938b27.txt"


def bulletin(raw: str, source: str) -> Bulletin:
    b = corpus.load_text(raw, source)
    assert isinstance(b, Bulletin)
    return b


@pytest.fixture
def table() -> FactTable:
    t = FactTable(sqlite3.connect(":memory:"))
    t.ensure_schema()
    for name in (SERBIA, MACAO):
        b = corpus.load_file(BULLETINS / name)
        assert isinstance(b, Bulletin)
        t.replace(b)
    return t


@pytest.fixture
def checker(table: FactTable) -> ClaimChecker:
    return ClaimChecker(table)


# (true statement, the same with the figure altered, claim expression, expected fact expression)
PAIRS = [
    ("China Customs has achieved AEO mutual recognition with 43 countries and regions.",
     "China Customs has achieved AEO mutual recognition with 45 countries and regions.", "43"),
    ("12 of the 17 countries in Central and Eastern Europe carry out AEO cooperation with China.",
     "13 of the 17 countries in Central and Eastern Europe carry out AEO cooperation with China.", "12"),
    ("The AEO mutual recognition decision with Central and Eastern European countries was signed in 2014.",
     "The AEO mutual recognition decision with Central and Eastern European countries was signed in 2016.", "2014"),
    ("Exports to these countries and regions account for nearly 40% of China's total exports.",
     "Exports to these countries and regions account for about 60% of China's total exports.", "nearly 40%"),
    ("The China–Serbia agreement is the first AEO cooperation document China signed with the non-EU states.",
     "The China–Serbia agreement is the second AEO cooperation document China signed with the non-EU states.",
     "first"),
    ("China signed the agreement with the remaining five non-EU member states.",
     "China signed the agreement with the remaining four non-EU member states.", "five"),
    ("China announced the AEO mutual recognition agreement with Serbia on February 14.",
     "China announced the AEO mutual recognition agreement with Serbia on February 15.", "February 14"),
    ("The General Administration of Customs and Macao Customs signed the AEO arrangement on February 7.",
     "The General Administration of Customs and Macao Customs signed the AEO arrangement on February 9.", "7th"),
    ("AEO enterprises of both sides enjoy four mutual recognition facilitation measures.",
     "AEO enterprises of both sides enjoy six mutual recognition facilitation measures.", "four"),
    ("Trade between the Mainland and Macao reached US$4.36 billion in 2022.",
     "Trade between the Mainland and Macao reached US$5.1 billion in 2022.", "US$4.36 billion"),
    ("Mainland–Macao trade grew 32.9% year on year in 2022.",
     "Mainland–Macao trade grew 12.5% year on year in 2022.", "32.9%"),
    ("This is the third AEO mutual recognition agreement China signed this year.",
     "This is the fifth AEO mutual recognition agreement China signed this year.", "third"),
    ("The number of Belt and Road countries with AEO mutual recognition has increased to 35.",
     "The number of Belt and Road countries with AEO mutual recognition has increased to 40.", "35"),
    ("Mainland Customs became the first AEO mutual recognition partner of Macao Customs.",
     "Mainland Customs became the second AEO mutual recognition partner of Macao Customs.", "first"),
]


@pytest.mark.parametrize(("true", "altered", "fact_expr"), PAIRS)
def test_true_statements_supported_altered_contradicted(
        checker: ClaimChecker, true: str, altered: str, fact_expr: str) -> None:
    good = checker.check(true)
    assert good.verdict == "supported", good.to_json()
    assert good.claims[0].fact is not None and good.claims[0].fact.expr == fact_expr
    bad = checker.check(altered)
    assert bad.verdict == "contradicted", bad.to_json()
    wrong = [c for c in bad.claims if c.verdict == "contradicted"]
    assert wrong[0].fact is not None and wrong[0].fact.expr == fact_expr
    assert fact_expr in wrong[0].note


def test_kinds_are_covered() -> None:
    kinds = {c.kind for true, _, _ in PAIRS for c in ClaimChecker(_empty()).check(true).claims}
    assert {"count", "percent", "money", "date", "year", "ordinal"} <= kinds


def _empty() -> FactTable:
    t = FactTable(sqlite3.connect(":memory:"))
    t.ensure_schema()
    return t


@pytest.mark.parametrize("text", [
    "China Customs processed 1,200 AEO declarations in 2023.",
    "The tariff on Serbian steel is 25%.",
    "China joined the WCO SAFE Framework in 2005.",
    "The arrangement will cost EUR 300 million.",
    "Customs must answer within 30 days.",
    "China and Serbia signed the AEO mutual recognition agreement on February 14.",  # signing date not given
    "Serbia's trade with China was US$4.36 billion in 2022.",  # that figure is Macao's
])
def test_unknown_subjects_are_unsupported(checker: ClaimChecker, text: str) -> None:
    result = checker.check(text)
    assert result.verdict == "unsupported", result.to_json()


def test_rounding_and_qualifiers(checker: ClaimChecker) -> None:
    assert checker.check("Mainland–Macao trade was about US$4.4 billion in 2022.").verdict == "supported"
    assert checker.check("Mainland–Macao trade grew 33% year on year in 2022.").verdict == "supported"
    assert checker.check("Mainland–Macao trade grew 30% year on year in 2022.").verdict == "contradicted"
    loose = checker.check("Exports to these countries and regions account for 40% of China's total exports.")
    assert loose.verdict == "supported" and "nearly 40%" in loose.claims[0].note
    assert checker.check("China has AEO mutual recognition with more than 40 countries and regions.").verdict \
        == "supported"


def test_date_with_a_year_the_bulletin_lacks_is_not_supported(checker: ClaimChecker) -> None:
    result = checker.check("Macao Customs and the GACC signed the AEO arrangement on February 7, 2023.")
    assert result.verdict == "unsupported"
    assert result.claims[0].fact is not None and "year" in result.claims[0].note


def test_json_shape_and_quote(checker: ClaimChecker, table: FactTable) -> None:
    text = "Mainland–Macao trade reached US$4.36 billion in 2022 [1], up 32.9% [2]. It had 99 ports."
    js = checker.check(text).to_json()
    assert set(js) == {"text", "verdict", "claims"} and js["text"] == text
    assert js["verdict"] == "unsupported"
    assert [c["claim"] for c in js["claims"]] == ["US$4.36 billion", "32.9%", "99"]
    first = js["claims"][0]
    assert {"claim", "value", "unit", "verdict", "fact", "note"} <= set(first)
    assert (first["value"], first["unit"], first["verdict"]) == ("4360000000", "USD", "supported")
    fact = first["fact"]
    assert {"value", "unit", "subject", "as_of", "source", "quote", "start", "end"} <= set(fact)
    assert fact["value"] == 4360000000 and fact["as_of"] == "2022" and fact["source"] == MACAO
    b = corpus.load_file(BULLETINS / MACAO)
    assert isinstance(b, Bulletin)
    assert b.text[fact["start"]:fact["end"]] == fact["quote"]
    assert b.text[fact["value_start"]:fact["value_end"]] == "US$4.36 billion"
    assert js["claims"][2]["fact"] is None


def test_no_claims_is_supported(checker: ClaimChecker) -> None:
    result = checker.check("The AEO system is advocated by the World Customs Organization [1][2].")
    assert result.to_json() == {"text": result.text, "verdict": "supported", "claims": []}


def test_overall_verdict_is_the_worst(checker: ClaimChecker) -> None:
    text = ("Mainland Customs became the first AEO partner of Macao Customs. "
            "AEO enterprises of both sides enjoy six mutual recognition facilitation measures. "
            "The tariff on Serbian steel is 25%.")
    result = checker.check(text)
    assert [c.verdict for c in result.claims] == ["supported", "contradicted", "unsupported"]
    assert result.verdict == "contradicted"


def test_newer_bulletin_makes_old_figure_stale(table: FactTable, checker: ClaimChecker) -> None:
    table.replace(bulletin(LATER, "later.txt"))
    old = checker.check("China Customs has achieved AEO mutual recognition with 43 countries and regions.")
    assert old.verdict == "stale", old.to_json()
    claim = old.to_json()["claims"][0]
    assert claim["fact"]["value"] == 50 and claim["fact"]["source"] == "later.txt"
    assert claim["fact"]["as_of"] == "2024-03-10" and "50" in claim["note"] and "2024-03-10" in claim["note"]
    assert claim["matched"]["source"] == SERBIA
    assert checker.check("China has AEO mutual recognition with 50 countries and regions.").verdict == "supported"
    wrong = checker.check("China has AEO mutual recognition with 47 countries and regions.")
    assert wrong.verdict == "contradicted" and wrong.claims[0].fact is not None
    assert wrong.claims[0].fact.source == "later.txt"
    # other subjects of the old bulletin stay current
    assert checker.check("The 43 countries and regions are in 17 economies.").claims[1].verdict == "supported"
    assert checker.check("The China–Serbia AEO arrangement entered into force on 1 March 2024.").verdict \
        == "supported"
    assert checker.check("The China–Serbia AEO arrangement entered into force on 1 April 2024.").verdict \
        == "contradicted"


def test_two_yearless_bulletins_do_not_supersede_each_other(table: FactTable, checker: ClaimChecker) -> None:
    table.replace(bulletin("March 3 The General Administration of Customs said China Customs has achieved "
                           "mutual recognition of AEO with 45 countries and regions.", "yearless.txt"))
    for n in ("43", "45"):
        text = f"China Customs has achieved AEO mutual recognition with {n} countries and regions."
        assert checker.check(text).verdict == "supported"


def test_deleted_bulletin_leaves_claims_unsupported(table: FactTable, checker: ClaimChecker) -> None:
    table.delete(MACAO)
    assert checker.check("Mainland Customs became the first AEO mutual recognition partner of Macao Customs.") \
        .verdict == "unsupported"


def test_invented_bulletin_claims(table: FactTable, checker: ClaimChecker) -> None:
    table.replace(bulletin(
        "Nairobi, 15 June 2023 — The GACC and the Kenya Revenue Authority signed an AEO mutual recognition "
        "arrangement on 12 June 2023. The arrangement will take effect from 1 September 2023. Customs will "
        "resolve complaints within 30 days. Bilateral trade reached RMB 1.2 trillion last year, up 15 per cent. "
        "China now has twenty-one partners in Africa.", "kenya.txt"))
    cases = {
        "China and Kenya signed the AEO arrangement on 12 June 2023.": "supported",
        "China and Kenya signed the AEO arrangement in 2023.": "supported",
        "China and Kenya signed the AEO arrangement on 14 June 2023.": "contradicted",
        "The China–Kenya arrangement takes effect on 1 September 2023.": "supported",
        "Kenyan customs resolves complaints within 30 days.": "supported",
        "Kenyan customs resolves complaints within 60 days.": "contradicted",
        "China–Kenya trade reached RMB 1.2 trillion.": "supported",
        "China–Kenya trade reached RMB 1.5 trillion.": "contradicted",
        "China–Kenya trade was up 15% last year.": "supported",
        "China has 21 AEO partners in Africa.": "supported",
        "China has 25 AEO partners in Africa.": "contradicted",
    }
    for text, verdict in cases.items():
        assert checker.check(text).verdict == verdict, (text, checker.check(text).to_json())


def test_partners_argument_only_breaks_ties(checker: ClaimChecker) -> None:
    text = "China Customs has achieved AEO mutual recognition with 43 countries and regions."
    assert checker.check(text, partners=("Macao",)).verdict == "supported"


def test_right_figure_for_the_wrong_period_is_contradicted(checker: ClaimChecker) -> None:
    """2022's figure given as 2021's is misdated; another figure for 2021, a year no bulletin covers, is unknown."""
    (claim,) = checker.check("Mainland–Macao trade was US$4.36 billion in 2021.").claims
    assert claim.verdict == "contradicted" and "for 2022, not 2021" in claim.note
    (other,) = checker.check("Mainland–Macao trade was US$5.1 billion in 2021.").claims
    assert other.verdict == "unsupported"


def test_a_text_of_more_figures_than_one_check_takes_is_refused_with_the_limit(checker: ClaimChecker) -> None:
    """Each claim's subject is read in its whole sentence: a thousand figures in one sentence took a minute of
    an answering thread. Over the limit the check says so and checks nothing; at the limit it checks them all."""
    from assistant.check import MAX_FIGURES

    def draft(n: int) -> str:
        return "Inspections fell to " + ", ".join(str(i % 80 + 5) for i in range(n)) + " tonnes."

    with pytest.raises(ValueError, match=rf"too many figures and dates to check at once \({MAX_FIGURES + 1:,}; "
                                         rf"the limit is {MAX_FIGURES:,}\)"):
        checker.check(draft(MAX_FIGURES + 1))
    assert len(checker.check(draft(MAX_FIGURES)).claims) == MAX_FIGURES
