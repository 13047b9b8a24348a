"""Hybrid retrieval: dense (Chroma) and keyword (SQLite FTS5 BM25) rankings fused by llama-index's
reciprocal-rank fusion, with partner and date filters applied inside both rankings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.records import Passage
from index.catalog import Catalog, DocumentFilter, DocumentRow, partner_key
from index.embedder import Embedder
from index.store import Hit, StoreFilter, VectorStore

WIDEN = 20  # a filtered dense search first reads this many times its depth, unfiltered (ids only: cheap)


@dataclass(frozen=True)
class Filters:
    """Search restrictions a user can give: a partner economy and a date range (inclusive)."""

    partner: str | None = None
    since: date | None = None
    until: date | None = None

    def document_filter(self) -> DocumentFilter | None:
        """The same restriction for the keyword ranking, as SQL over the catalog's documents."""
        if not (self.partner or self.since or self.until):
            return None
        return DocumentFilter(self.partner, _key(self.since) if self.since else None,
                              _key(self.until) if self.until else None)

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


@lru_cache(maxsize=1 << 13)
def _node(chunk_id: str) -> TextNode:
    """A chunk as the fusion sees it (its id is all the fusion reads), made once while it keeps being retrieved:
    each new node is a pydantic validation, and forty a question cost more than the fusion itself. Never
    changed after it is made (the fusion sets the score on the ``NodeWithScore`` around it), so threads share it."""
    return TextNode(id_=chunk_id, text=chunk_id)


class _Ranked(BaseRetriever):
    """Stands for one of the two rankings in the fusion retriever's list of inputs; never asked itself, as
    ``HybridRetriever`` hands both rankings to the fusion directly."""

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        raise NotImplementedError("the rankings are computed before fusion")


class HybridRetriever:
    """Dense + keyword retrieval over the index, fused with reciprocal rank fusion."""

    def __init__(self, catalog: Catalog, store: VectorStore, embedder: Embedder, depth: int = 20) -> None:
        self.catalog = catalog
        self.store = store
        self.embedder = embedder
        self.depth = depth
        # Built once: its constructor resolves the LLM, which retries missing optional imports on every call.
        self._fusion = QueryFusionRetriever(
            [_Ranked(), _Ranked()], llm=MockLLM(), mode="reciprocal_rerank",  # type: ignore[arg-type]
            similarity_top_k=1 << 30, num_queries=1, use_async=False,  # cut per call to its own k
        )

    def retrieve(self, query: str, k: int = 5, filters: Filters | None = None,
                 query_vector: list[float] | None = None,
                 documents: Sequence[DocumentRow] | Mapping[str, DocumentRow] | None = None) -> list[Passage]:
        """Filters apply inside both rankings (Chroma metadata, SQL on the keyword side), so a search costs
        indexed lookups and reads only the bulletins of its hits; ``documents`` (the catalog's, if the caller
        has read them already) saves reading even those."""
        filters = filters or Filters()
        vector = query_vector if query_vector is not None else self.embedder.embed([query])[0]
        dense = self._dense(vector, filters)
        keyword = self.catalog.keyword_search(query, self.depth, where=filters.document_filter())
        dense_nodes = [NodeWithScore(node=_node(h.chunk_id), score=h.similarity) for h in dense]
        kw_nodes = [NodeWithScore(node=_node(cid), score=s) for cid, s in keyword]
        fused = self._fused(query, dense_nodes, kw_nodes)[:k]
        chunks = self.catalog.chunks([n.node.node_id for n in fused])
        docs = _documents(self.catalog, {c.source for c in chunks.values()}, documents)
        allowed = {s for s, d in docs.items() if _allowed(d, filters)}
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

    def _fused(self, query: str, dense: list[NodeWithScore], keyword: list[NodeWithScore]) -> list[NodeWithScore]:
        """llama-index's reciprocal rank fusion of the two rankings, called on the rankings themselves.

        Through ``retrieve`` the fusion retriever asked each input retriever for its ranking, every call
        wrapped in llama-index's instrumentation spans (a signature binding and a uuid each, six a question):
        0.77 ms a question against 0.26 ms for the fusion alone (20 + 20 hits), CPU that 50 users asking at
        once queue behind. The ranking is the same function's; ``tests/test_search_filters.py`` pins it.
        """
        return self._fusion._reciprocal_rerank_fusion({(query, 0): dense, (query, 1): keyword})

    def _dense(self, vector: list[float], filters: Filters) -> list[Hit]:
        """The dense ranking under the filters: the unfiltered neighbours the catalog allows, when there are
        enough of them; the store's own filtered search otherwise.

        A filtered search in the store costs a pass over the metadata of every chunk (21 ms at 1,000
        bulletins for a date range, growing with the corpus); the unfiltered one is an index walk. When
        ``depth`` of the first ``depth * WIDEN`` neighbours are allowed, they are exactly the best allowed
        ones, as an allowed chunk ranked above them would be among those neighbours too.
        """
        where = filters.document_filter()
        if where is None:  # ids and distances only: the passages' text is read from the catalog
            return self.store.nearest(vector, self.depth)
        wide = self.store.nearest(vector, self.depth * WIDEN)
        keep = self.catalog.allowed_chunks([h.chunk_id for h in wide], where)
        hits = [h for h in wide if h.chunk_id in keep]
        if len(hits) >= self.depth or len(wide) < self.depth * WIDEN:  # enough, or every chunk was seen
            return hits[:self.depth]
        return self.store.query(vector, self.depth, filters.store_filter())


def _documents(catalog: Catalog, sources: set[str],
               given: Sequence[DocumentRow] | Mapping[str, DocumentRow] | None) -> dict[str, DocumentRow]:
    """The rows of the hits' bulletins: from ``given`` when the caller holds them (by source: a lookup each),
    else one catalog lookup each."""
    if isinstance(given, Mapping):
        return {s: given[s] for s in sources if s in given}
    if given is not None:
        return {d.source: d for d in given if d.source in sources}
    found = {s: catalog.document(s) for s in sources}
    return {s: d for s, d in found.items() if d is not None}


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
