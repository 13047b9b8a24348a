"""The index: chunks, embeddings, Chroma, the SQLite catalog with its keyword index, and the fact table.

Names are imported on first use (PEP 562), so importing one submodule does not load the others
and their heavy dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.lazy import lazy_names

if TYPE_CHECKING:
    from index.catalog import Catalog, DocumentRow, partner_key
    from index.chunking import Chunker
    from index.embedder import Embedder, SentenceTransformerEmbedder, offline
    from index.ingest import Extension, Indexer, IngestReport, chunk_metadata
    from index.llama_embedding import LlamaIndexEmbedding
    from index.records import Chunk
    from index.store import ChromaStore, Hit, StoreFilter, VectorStore, chroma_client

_MODULES: dict[str, str] = {
    "Catalog": "index.catalog",
    "DocumentRow": "index.catalog",
    "partner_key": "index.catalog",
    "Chunker": "index.chunking",
    "Embedder": "index.embedder",
    "LlamaIndexEmbedding": "index.llama_embedding",
    "SentenceTransformerEmbedder": "index.embedder",
    "offline": "index.embedder",
    "Extension": "index.ingest",
    "Indexer": "index.ingest",
    "IngestReport": "index.ingest",
    "chunk_metadata": "index.ingest",
    "Chunk": "index.records",
    "ChromaStore": "index.store",
    "Hit": "index.store",
    "StoreFilter": "index.store",
    "VectorStore": "index.store",
    "chroma_client": "index.store",
}

__all__ = [
    "Catalog", "ChromaStore", "Chunk", "Chunker", "DocumentRow", "Embedder", "Extension", "Hit", "Indexer",
    "IngestReport", "LlamaIndexEmbedding", "SentenceTransformerEmbedder", "StoreFilter", "VectorStore",
    "chroma_client", "chunk_metadata", "offline", "partner_key",
]

__getattr__, __dir__ = lazy_names(globals(), _MODULES)
