"""Filtered search: the keyword ranking filtered in SQL and the dense ranking filtered through the catalog keep
exactly the bulletins the search filters allow, best first.

Real SQLite catalog in tmp_path, the invented bulletins of tests/fixtures/bulletins plus two written here
(one dated to the month only, one without a year), so every branch of the date test is exercised.
"""

from __future__ import annotations

import shutil
from datetime import date
from typing import Any

import pytest

from assistant.retrieve import Filters, _allowed
from conftest import ROOT

MONTH_ONLY = """Seoul, March 2024 — Korea Customs Service and the Thai Customs Department reviewed the AEO mutual
recognition arrangement and agreed on a joint validation pilot for AEO operators."""
NO_YEAR = """3 May — Korea Customs Service said the AEO mutual recognition arrangement with Thailand now covers
twelve hundred AEO operators."""

FILTERS = [
    Filters(partner="Korea"), Filters(partner="Thailand"), Filters(partner="Uruguay"),
    Filters(since=date(2024, 1, 1)), Filters(until=date(2024, 3, 31)), Filters(until=date(2024, 3, 1)),
    Filters(partner="Korea", since=date(2020, 1, 1), until=date(2024, 12, 31)),
]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    from assistant import Assistant, Settings

    home = tmp_path_factory.mktemp("kw")
    corpus = home / "corpus"
    shutil.copytree(ROOT / "tests" / "fixtures" / "bulletins", corpus)
    (corpus / "month-only.txt").write_text(MONTH_ONLY, encoding="utf-8")
    (corpus / "no-year.txt").write_text(NO_YEAR, encoding="utf-8")
    a = Assistant(Settings.from_env(env={}, home=home / "home"), embedder=embedder)
    a.ingest([corpus], progress=False)
    yield a
    a.close()


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_sql_filter_equals_filtering_the_full_ranking(indexed: Any, filters: Filters) -> None:
    catalog = indexed.catalog
    docs = {d.source: d for d in catalog.documents()}
    chunks = catalog.chunks([cid for cid, _ in catalog.keyword_search("AEO mutual recognition operators", 1000)])
    expected = [(cid, score) for cid, score in catalog.keyword_search("AEO mutual recognition operators", 1000)
                if _allowed(docs[chunks[cid].source], filters)]
    got = catalog.keyword_search("AEO mutual recognition operators", 1000, where=filters.document_filter())
    assert got == expected and got
    if filters.since or filters.until or filters.partner == "Uruguay":
        assert len(got) < len(chunks)  # the filter does leave bulletins out


def test_search_returns_only_allowed_bulletins(indexed: Any) -> None:
    docs = {d.source: d for d in indexed.bulletins()}
    for filters in FILTERS:
        hits = indexed.search("AEO operators", filters.partner, filters.since, filters.until)
        assert all(_allowed(docs[h.source], filters) for h in hits)
    assert {h.source for h in indexed.search("AEO operators", until=date(2024, 3, 1))} >= {"month-only.txt"}
    assert "no-year.txt" not in {h.source for h in indexed.search("AEO operators", since=date(2000, 1, 1))}


@pytest.mark.parametrize("partner", ["Korea", "Thailand", "Uruguay"])
def test_filtered_dense_ranking_equals_the_stores_filtered_search(indexed: Any, partner: str) -> None:
    from assistant.retrieve import HybridRetriever

    retriever = HybridRetriever(indexed.catalog, indexed.store, indexed.embedder, depth=3)
    vector = indexed.embedder.embed(["AEO operators inspection"])[0]
    filters = Filters(partner=partner)
    got = [h.chunk_id for h in retriever._dense(vector, filters)]
    assert got == [h.chunk_id for h in indexed.store.query(vector, 3, filters.store_filter())]
    assert got
