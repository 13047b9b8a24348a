"""The index: chunks, embeddings, Chroma, the SQLite catalog with its keyword index, and the fact table."""

from index.catalog import Catalog, DocumentRow, partner_key
from index.chunking import Chunker
from index.embedder import Embedder, LlamaIndexEmbedding, SentenceTransformerEmbedder, offline
from index.ingest import Extension, Indexer, IngestReport, chunk_metadata
from index.records import Chunk
from index.store import ChromaStore, Hit, StoreFilter, VectorStore, chroma_client

__all__ = [
    "Catalog", "ChromaStore", "Chunk", "Chunker", "DocumentRow", "Embedder", "Extension", "Hit", "Indexer",
    "IngestReport", "LlamaIndexEmbedding", "SentenceTransformerEmbedder", "StoreFilter", "VectorStore",
    "chroma_client", "chunk_metadata", "offline", "partner_key",
]
