"""Composed answers on the real pipeline: each kind of question, honest not-found, follow-ups, LLM path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata

from assistant import Assistant
from conftest import BULLETINS, MACAO, SERBIA

ROOT = Path(__file__).resolve().parent.parent


def _ask(a: Assistant, q: str) -> dict[str, Any]:
    return a.ask(q).to_json()


def _assert_cited(a: Assistant, result: dict[str, Any]) -> None:
    assert result["citations"]
    for c in result["citations"]:
        assert a.bulletin(c["source"]).text[c["start"]:c["end"]] == c["quote"]  # type: ignore[union-attr]


def test_eligibility_answer(seeded: Assistant) -> None:
    r = _ask(seeded, "my company is an AEO in China — will my goods be inspected less in Serbia?")
    assert r["status"] == "answered" and r["kind"] == "eligibility"
    text = r["answer"]
    assert text.startswith("Yes") and "lower inspection rate" in text
    assert "do not say from which date it applies" in text
    # An answer says only what its cited sentences say: no fixed gloss on what an AEO is called in China.
    quotes = " ".join(c["quote"] for c in r["citations"])
    assert "Advanced Certified Enterprise" not in text or "Advanced Certified Enterprise" in quotes
    _assert_cited(seeded, r)
    assert all(c["source"] == SERBIA for c in r["citations"])


def test_signing_date_not_given_is_never_substituted(seeded: Assistant) -> None:
    r = _ask(seeded, "When did China and Serbia sign their AEO agreement?")
    assert r["status"] == "answered"
    assert "do not give the date on which" in r["answer"] and "not the signing date" in r["answer"]
    assert "signed on February 14" not in r["answer"]
    r = _ask(seeded, "macao aeo deal when signed")
    assert "signed on February 7 (the year is not given)" in r["answer"]
    _assert_cited(seeded, r)


@pytest.mark.parametrize("question", [
    "When does the China–Serbia AEO agreement enter into force?",
    "In which year did the Mainland and Macao sign the AEO arrangement?",
    "When did China and Japan sign their AEO arrangement?",
    "What customs duty is charged on wine shipped from Macao to the Mainland?",
    "How many AEO-certified enterprises are there in Macao?",
])
def test_unanswerable_is_not_found_with_no_borrowed_figures(seeded: Assistant, question: str) -> None:
    r = _ask(seeded, question)
    assert r["status"] == "not_found", r["answer"]
    assert "US$4.36" not in r["answer"] and "43" not in r["answer"]


def test_figure_for_another_year_is_not_found_and_labelled(seeded: Assistant) -> None:
    r = _ask(seeded, "What will the Mainland–Macao trade value be in 2025?")
    assert r["status"] == "not_found"
    assert "no figure for the year asked" in r["answer"] and "Not verified" not in r["answer"]


def test_figure_answer_cites_its_sentence_and_is_verified(seeded: Assistant) -> None:
    r = _ask(seeded, "With how many countries and regions has China Customs achieved AEO mutual recognition?")
    assert "43 countries and regions" in r["answer"]
    assert r["checks"] and all(c["verdict"] == "supported" for c in r["checks"])
    assert r["verdict"] == "supported"


def test_follow_up_questions_use_the_conversation(seeded: Assistant) -> None:
    chat = seeded.conversation()
    first = chat.ask("When did China and Macao sign their AEO arrangement?").to_json()
    assert "February 7" in first["answer"]
    second = chat.ask("and what benefits do enterprises get?").to_json()
    assert "priority customs clearance" in second["answer"] and second["citations"][0]["source"] == MACAO
    third = chat.ask("and for Serbia?").to_json()
    assert "Serbia" in third["answer"]


def test_search_kind_lists_bulletins(seeded: Assistant) -> None:
    r = _ask(seeded, "announcements about Macao")
    assert r["kind"] == "search" and "Macao" in r["answer"]
    assert {c["source"] for c in r["citations"]} == {MACAO}


def test_no_unflagged_unverified_number_in_any_gold_answer(seeded: Assistant) -> None:
    """Every figure shown is either verified by the checker or flagged in the answer text."""
    for line in (ROOT / "evals" / "sets" / "seed.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        chat = seeded.conversation()
        for turn in item.get("turns") or [item["question"]]:
            r = chat.ask(turn).to_json()
        bad = [c for c in r["checks"] if c["verdict"] != "supported"]
        assert not bad or "Not verified against the fact table" in r["answer"], (item["id"], bad)


def test_revised_figure_answers_with_latest_and_says_as_of(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a: Assistant = make_assistant()
    folder = tmp_path / "b"
    folder.mkdir()
    for p in BULLETINS.iterdir():
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "later.md").write_text(
        "---\ndate: 2024-03-10\n---\nBeijing, 10 March 2024. Customs statistics show that China Customs has achieved "
        "mutual recognition of AEO with 50 countries and regions in 20 economies.", encoding="utf-8")
    a.ingest([folder], progress=False)
    r = a.ask("With how many countries and regions has China Customs achieved AEO mutual recognition?").to_json()
    assert "50 countries and regions" in r["answer"]
    assert "earlier bulletin" in r["answer"] and "43" in r["answer"]
    verdicts = {c["claims"][0]["claim"]: c["verdict"] for c in r["checks"]}
    assert verdicts.get("50") == "supported"


class ScriptedLLM(CustomLLM):
    """Stands in for a hosted LLM (which cannot run here): replies with a fixed script."""

    script: str = ""

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="scripted")

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self.script)

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        yield CompletionResponse(text=self.script, delta=self.script)


def test_llm_rewrite_with_wrong_number_and_missing_citation_is_caught(make_assistant) -> None:  # type: ignore[no-untyped-def]
    bad = ScriptedLLM(script="Trade between the Mainland and Macao reached US$5.1 billion in 2022 [1]. "
                             "It grew strongly that year.")
    a: Assistant = make_assistant(llm=None)
    a._llm = bad  # the LLM role, as the factory would set it from settings
    a.ingest([BULLETINS], progress=False)
    r = a.ask("What was the total trade value between the Mainland and Macao in 2022?").to_json()
    flags = " ".join(r["llm"]["flags"])
    assert r["llm"]["used"] is False
    assert "uncited sentence" in flags and "It grew strongly" in flags
    assert "5.1 billion" in flags and "contradicted" in flags
    assert "US$5.1 billion" not in r["answer"] and "US$4.36 billion" in r["answer"]


def test_llm_rewrite_that_passes_checks_is_used(make_assistant) -> None:  # type: ignore[no-untyped-def]
    good = ScriptedLLM(script="In 2022, trade between the Mainland and Macao totalled US$4.36 billion, "
                              "up 32.9% on the year before [1].")
    a: Assistant = make_assistant()
    a._llm = good
    a.ingest([BULLETINS], progress=False)
    r = a.ask("What was the total trade value between the Mainland and Macao in 2022?").to_json()
    assert r["llm"]["used"] is True and r["answer"].startswith("In 2022, trade")
    assert r["verdict"] == "supported"


def test_checker_matches_paraphrased_subjects_by_meaning(seeded: Assistant) -> None:
    wrong = seeded.check("Nearly 60% of China's total exports go to the countries and regions with which it has "
                         "AEO mutual recognition.").to_json()
    assert wrong["verdict"] == "contradicted" and wrong["claims"][0]["fact"]["value"] == 40
    right = seeded.check("Nearly 40% of China's total exports go to the countries and regions with which it has "
                         "AEO mutual recognition.").to_json()
    assert right["verdict"] == "supported"


def test_definition_answer_names_the_term(seeded: Assistant) -> None:
    r = _ask(seeded, "What is AEO?")
    assert r["kind"] == "definition" and r["answer"].startswith("The AEO system is advocated by the World Customs")
    assert len(r["citations"]) == 2


def test_a_hard_line_break_inside_a_quoted_sentence_is_a_space(seeded: Assistant) -> None:
    """The answer reads as running text; the citation keeps the bulletin's exact span, line break and all."""
    r = seeded.ask("How many countries and regions has China Customs achieved AEO mutual recognition with?").to_json()
    assert "Singapore South Korea" in r["answer"] and "\n" not in r["answer"], r["answer"]
    quotes = [c["quote"] for c in r["citations"]]
    assert any("Singapore\nSouth Korea" in q for q in quotes)
    for c in r["citations"]:
        assert seeded.bulletin(c["source"]).text[c["start"]:c["end"]] == c["quote"]  # type: ignore[union-attr]
