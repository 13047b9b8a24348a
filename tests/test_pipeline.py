"""The pipeline end to end on the real model and real Chroma: ingest, re-ingest, search, ask."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant import Assistant, EmptyIndexError
from assistant.cli import main
from conftest import BULLETINS, MACAO, SERBIA, CountingEmbedder

MACAO_Q = "What was the total trade value between the Mainland and Macao in 2022?"


def _copy_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "bulletins"
    shutil.copytree(BULLETINS, folder)
    return folder


def test_ask_cites_macao_trade_value(seeded: Assistant) -> None:
    result = seeded.ask(MACAO_Q).to_json()
    assert result["status"] == "answered"
    assert any(c["source"] == MACAO and "US$4.36 billion" in c["quote"] for c in result["citations"])
    assert set(result) >= {"question", "status", "answer", "citations", "checks", "timings_ms"}
    assert set(result["timings_ms"]) >= {"retrieve", "answer", "total"}


def test_every_citation_points_at_its_exact_span(seeded: Assistant) -> None:
    for q in (MACAO_Q, "Which facilitation measures do AEO enterprises in China and Serbia get?",
              "When did the Mainland and Macao sign the AEO arrangement?"):
        result = seeded.ask(q).to_json()
        assert result["citations"], q
        for c in result["citations"]:
            text = seeded.bulletin(c["source"]).text  # type: ignore[union-attr]
            assert text[c["start"]:c["end"]] == c["quote"]
            assert f"[{c['n']}]" in result["answer"]


@pytest.mark.parametrize("question", [
    "What is the import tariff rate on steel in Brazil?",
    "What is the weather in Paris tomorrow?",
])
def test_not_found_says_so(seeded: Assistant, question: str) -> None:
    result = seeded.ask(question).to_json()
    assert result["status"] == "not_found"
    assert result["citations"] == []
    assert "do not" in result["answer"].lower()


def test_search_filters_by_partner_and_date(seeded: Assistant) -> None:
    hits = seeded.search("AEO mutual recognition", partner="Serbia")
    assert hits and {h.source for h in hits} == {SERBIA}
    hits = seeded.search("AEO mutual recognition", partner="Macao")
    assert {h.source for h in hits} == {MACAO}
    from datetime import date
    assert seeded.search("AEO", since=date(2020, 1, 1)) == []  # the seeds give no year: not in any range
    grouped = seeded.search_grouped("Macao trade value")
    assert grouped["groups"][0]["source"] == MACAO
    assert "**Macao**" in grouped["results"][0]["highlighted"]


def test_empty_index_refuses_with_hint(make_assistant) -> None:  # type: ignore[no-untyped-def]
    a: Assistant = make_assistant()
    with pytest.raises(EmptyIndexError, match="ingest"):
        a.ask("anything")


def test_reingest_unchanged_does_no_embedding(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path)
    a: Assistant = make_assistant(counting=True)
    first = a.ingest([folder], progress=False)
    assert sorted(first.added) == [SERBIA, MACAO]
    emb = a.embedder
    assert isinstance(emb, CountingEmbedder) and emb.texts > 0
    before = emb.texts
    again = a.ingest([folder], progress=False)
    assert sorted(again.unchanged) == [SERBIA, MACAO] and not again.added and not again.updated
    assert emb.texts == before


def test_changed_file_replaces_all_old_chunks(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path)
    a: Assistant = make_assistant()
    a.ingest([folder], progress=False)
    old_ids = set(a.catalog.chunk_ids(MACAO))
    (folder / MACAO).write_text("Beijing, 1 March 2024. China Customs and Macao Customs agreed on a new pilot "
                                "for cross-border e-commerce parcels with a 48-hour release target.", encoding="utf-8")
    report = a.ingest([folder], progress=False)
    assert report.updated == [MACAO]
    new_ids = set(a.catalog.chunk_ids(MACAO))
    assert new_ids and not (old_ids & new_ids)
    assert a.store.existing(sorted(old_ids)) == set()
    assert a.catalog.keyword_search("4.36 billion", 10) == []
    result = a.ask("What is the release target for e-commerce parcels between China and Macao?").to_json()
    assert result["status"] == "answered" and "48-hour" in result["answer"]


def test_prune_removes_deleted_files(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path)
    a: Assistant = make_assistant()
    a.ingest([folder], progress=False)
    ids = a.catalog.chunk_ids(SERBIA)
    (folder / SERBIA).unlink()
    assert a.ingest([folder], progress=False).removed == []  # without --prune nothing is removed
    report = a.ingest([folder], prune=True, progress=False)
    assert report.removed == [SERBIA]
    assert a.catalog.document(SERBIA) is None and a.store.existing(ids) == set()


def test_failed_ingest_keeps_previous_state(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path)
    a: Assistant = make_assistant()
    a.ingest([folder], progress=False)
    old_ids = a.catalog.chunk_ids(MACAO)
    (folder / MACAO).write_text("Beijing, 2 April 2024. A changed bulletin about Macao customs cooperation.", "utf-8")

    real_add = a.store.add

    def broken_add(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    a.store.add = broken_add  # type: ignore[method-assign]
    report = a.ingest([folder], progress=False)
    a.store.add = real_add  # type: ignore[method-assign]
    assert [r.source for r in report.rejected] == [MACAO] and "disk full" in report.rejected[0].reason
    assert a.catalog.chunk_ids(MACAO) == old_ids
    assert a.store.existing(old_ids) == set(old_ids)
    assert "4.36" in a.bulletin(MACAO).text  # type: ignore[union-attr]


def test_bad_files_rejected_and_nothing_lost(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    a: Assistant = make_assistant()
    a.ingest([BULLETINS], progress=False)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (bad / "dup.txt").write_bytes((BULLETINS / SERBIA).read_bytes())
    report = a.ingest([bad], progress=False)
    assert {r.source for r in report.rejected} == {"empty.txt", "binary.txt", "dup.txt"}
    assert a.catalog.count() == 2


def test_cli_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "cli-home")
    assert main(["ingest", str(BULLETINS), "--home", home, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(out["added"]) == [SERBIA, MACAO]
    assert main(["--home", home, "ask", MACAO_Q, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "answered" and result["citations"][0]["source"] == MACAO
    assert main(["search", "Serbia inspection", "--partner", "Serbia", "--home", home, "--json"]) == 0
    assert {r["source"] for r in json.loads(capsys.readouterr().out)["results"]} == {SERBIA}
    assert main(["ask", "--home", str(tmp_path / "empty"), "anything"]) == 1
    assert "ingest" in capsys.readouterr().err
    assert main(["search", "x", "--partner", "Atlantis", "--home", home]) == 2


def test_bad_questions_get_clear_errors(seeded: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="empty question"):
        seeded.ask("   ")
    with pytest.raises(ValueError, match="too long"):
        seeded.ask("customs " * 1000)
    with pytest.raises(ValueError, match="between 1 and 100"):
        seeded.search("AEO", k=0)
    assert seeded.ask("<script>alert(1)</script> ' OR 1=1 -- \" NEAR(") .status in ("answered", "not_found")


def test_unreadable_data_folder_gets_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "broken"
    home.mkdir()
    (home / "catalog.sqlite").write_bytes(b"not a database at all" * 10)
    assert main(["ask", "anything", "--home", str(home)]) == 1
    err = capsys.readouterr().err
    assert "cannot be read" in err and err.count("\n") == 1
