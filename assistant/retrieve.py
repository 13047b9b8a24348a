"""Hybrid retrieval: dense (Chroma) and keyword (SQLite FTS5 BM25) rankings fused by llama-index's
reciprocal-rank fusion, with partner and date filters applied inside both rankings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.records import Passage
from index.catalog import Catalog, DocumentRow, partner_key
from index.embedder import Embedder
from index.store import StoreFilter, VectorStore


@dataclass(frozen=True)
class Filters:
    """Search restrictions a user can give: a partner economy and a date range (inclusive)."""

    partner: str | None = None
    since: date | None = None
    until: date | None = None

    def store_filter(self) -> StoreFilter | None:
        if not (self.partner or self.since or self.until):
            return None
        return StoreFilter(
            partner_key=partner_key(self.partner) if self.partner else None,
            since_key=_key(self.since) if self.since else None,
            until_key=_key(self.until) if self.until else None,
        )


def _key(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


class _Ranked(BaseRetriever):
    """A ranking computed already, handed to the fusion retriever as one of its inputs."""

    def __init__(self, nodes: list[NodeWithScore]) -> None:
        super().__init__()
        self._nodes = nodes

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self._nodes


class HybridRetriever:
    """Dense + keyword retrieval over the index, fused with reciprocal rank fusion."""

    def __init__(self, catalog: Catalog, store: VectorStore, embedder: Embedder, depth: int = 20) -> None:
        self.catalog = catalog
        self.store = store
        self.embedder = embedder
        self.depth = depth

    def retrieve(self, query: str, k: int = 5, filters: Filters | None = None,
                 query_vector: list[float] | None = None,
                 documents: Sequence[DocumentRow] | None = None) -> list[Passage]:
        """``documents`` (the catalog's, if the caller has read them already) saves reading them again."""
        filters = filters or Filters()
        docs = {d.source: d for d in (documents if documents is not None else self.catalog.documents())}
        allowed = {s for s, d in docs.items() if _allowed(d, filters)}
        if not allowed:
            return []
        vector = query_vector if query_vector is not None else self.embedder.embed([query])[0]
        dense = self.store.query(vector, self.depth, filters.store_filter())
        keyword = self.catalog.keyword_search(query, self.depth, allowed if len(allowed) < len(docs) else None)
        dense_nodes = [NodeWithScore(node=TextNode(id_=h.chunk_id, text=h.chunk_id), score=h.similarity) for h in dense]
        kw_nodes = [NodeWithScore(node=TextNode(id_=cid, text=cid), score=s) for cid, s in keyword]
        fusion = QueryFusionRetriever(
            [_Ranked(dense_nodes), _Ranked(kw_nodes)], llm=MockLLM(), mode="reciprocal_rerank",  # type: ignore[arg-type]
            similarity_top_k=k, num_queries=1, use_async=False,
        )
        fused = fusion.retrieve(query)
        chunks = self.catalog.chunks([n.node.node_id for n in fused])
        dense_by = {h.chunk_id: h.similarity for h in dense}
        kw_by = dict(keyword)
        out = []
        for n in fused:
            chunk = chunks.get(n.node.node_id)
            if chunk is None or chunk.source not in allowed:
                continue
            doc = docs[chunk.source]
            out.append(Passage(
                chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, source=chunk.source, title=doc.title,
                date=doc.date, start=chunk.start, end=chunk.end, text=chunk.text, score=float(n.score or 0.0),
                dense=dense_by.get(chunk.chunk_id), keyword=kw_by.get(chunk.chunk_id),
                partners=doc.partners,
            ))
        return out


def _allowed(doc: DocumentRow, filters: Filters) -> bool:
    if filters.partner and filters.partner not in doc.economies():
        return False
    if filters.since or filters.until:
        if doc.date is None or doc.date.year is None:
            return False  # an undated bulletin cannot be placed in a date range
        key = doc.date_key
        if filters.since and key < _key(filters.since):
            return False
        if filters.until and key > _key(filters.until) + (99 if doc.date.day is None else 0):
            return False
    return True
