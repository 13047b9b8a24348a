"""Question understanding: kinds, partners (aliases, misspellings), periods and follow-ups."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.understand import understand

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize("question, kind, field", [
    ("my company is an AEO in China — will my goods be inspected less in Serbia?", "eligibility", None),
    ("Does China have an AEO arrangement with Uruguay?", "eligibility", None),
    ("What benefits do AEO enterprises get under the China-Serbia arrangement?", "benefits", None),
    ("When did China and Macao sign their AEO arrangement?", "date", "signed"),
    ("macao aeo deal when signed", "date", "signed"),
    ("When does the China–Serbia agreement come into force?", "date", "in_force"),
    ("When was the Serbia bulletin published?", "date", "announced"),
    ("How many countries and regions has China achieved AEO mutual recognition with?", "figure", None),
    ("what share of exports go to AEO partners", "figure", None),
    ("what code do I give my buyer?", "procedure", None),
    ("Which partners has China signed AEO arrangements with?", "list", None),
    ("announcements about Macao", "search", None),
    ("What is the import tariff on steel?", "out_of_scope", None),
    ("What tariff rate applies under the AEO agreement?", "out_of_scope", None),
    ("Under the agreement, what happens when trade resumes after an interruption?", "general", None),
])
def test_kinds(question: str, kind: str, field: str | None) -> None:
    intent = understand(question, today=TODAY)
    assert (intent.kind, intent.date_field) == (kind, field)


@pytest.mark.parametrize("question, partners", [
    ("When did the Mainland and Macau sign?", ("China", "Macao")),
    ("benefits in Serbai for AEO firms", ("Serbia",)),
    ("Is there an MRA with the UAE?", ("United Arab Emirates",)),
    ("trade with the Emirates", ("United Arab Emirates",)),
    ("US$4.36 billion of trade", ()),
    ("the Philippines and Costa Rica", ("Philippines", "Costa Rica")),
])
def test_partners_with_aliases_and_misspellings(question: str, partners: tuple[str, ...]) -> None:
    assert understand(question, today=TODAY).partners == partners


def test_periods() -> None:
    assert understand("trade value in 2022", today=TODAY).year == 2022
    assert understand("arrangements signed this year", today=TODAY).year == 2026
    intent = understand("arrangements signed before 2020", today=TODAY)
    assert intent.until == date(2019, 12, 31)
    assert understand("arrangements since 2018", today=TODAY).since == date(2018, 1, 1)


def test_followups_resolve_against_previous_turn() -> None:
    first = understand("When did China and Macao sign their AEO arrangement?", today=TODAY)
    benefits = understand("and what benefits do enterprises get?", first, today=TODAY)
    assert benefits.followup and benefits.kind == "benefits" and "Macao" in benefits.partners
    other = understand("and for Serbia?", first, today=TODAY)
    assert other.kind == "date" and other.date_field == "signed" and "Serbia" in other.partners
    assert "Macao" not in other.partners and "Serbia" in other.query
    force = understand("when did it take effect?", first, today=TODAY)
    assert force.date_field == "in_force" and "Macao" in force.partners
    fresh = understand("How many countries has China achieved AEO mutual recognition with?", first, today=TODAY)
    assert not fresh.followup


def test_definition_questions_and_source_hints() -> None:
    assert understand("What is AEO?", today=TODAY).kind == "definition"
    assert understand("How does the AEO system work?", today=TODAY).kind == "definition"
    assert understand("What is the import tariff on steel?", today=TODAY).kind == "out_of_scope"
    intent = understand("What kind of enterprises does customs certify, according to the Macao announcement?",
                        today=TODAY)
    assert intent.query == "What kind of enterprises does customs certify?" and intent.partners == ("Macao",)
