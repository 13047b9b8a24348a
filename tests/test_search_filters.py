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
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

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


class _Fixed(BaseRetriever):
    """A ranking as a llama-index retriever: the fusion retriever's public path asks it."""

    def __init__(self, ranking: list[tuple[str, float]]) -> None:
        super().__init__()
        self.ranking = ranking

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return _nodes(self.ranking)


def _nodes(ranking: list[tuple[str, float]]) -> list[NodeWithScore]:
    return [NodeWithScore(node=TextNode(id_=cid, text=cid), score=s) for cid, s in ranking]


@pytest.mark.parametrize("dense,keyword", [
    ([("a", 0.9), ("b", 0.8), ("c", 0.7)], [("c", 12.0), ("d", 3.0), ("a", 1.0)]),
    ([("a", 0.5), ("b", 0.5), ("c", 0.5)], [("b", 2.0), ("b2", 2.0)]),  # ties keep their order
    ([], [("k", 1.0), ("l", 0.5)]),
    ([("x", 0.3)], []),
])
def test_fusion_is_llama_index_reciprocal_rank_fusion(indexed: Any, dense: list[tuple[str, float]],
                                                     keyword: list[tuple[str, float]]) -> None:
    """The retriever fuses its two rankings with llama-index's reciprocal rank fusion called directly; the
    order and fused scores are those of the fusion retriever's public ``retrieve`` over the same rankings."""
    public = QueryFusionRetriever([_Fixed(dense), _Fixed(keyword)], llm=MockLLM(), mode="reciprocal_rerank",
                                  similarity_top_k=100, num_queries=1, use_async=False).retrieve("a question")
    ours = indexed.retriever._fused("a question", _nodes(dense), _nodes(keyword))
    assert [(n.node.node_id, n.score) for n in ours] == [(n.node.node_id, n.score) for n in public]
    assert len(ours) == len({cid for cid, _ in dense + keyword})
