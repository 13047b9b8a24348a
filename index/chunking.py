"""Sentence-aware chunking with exact character offsets into the bulletin text."""

from __future__ import annotations

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter

from corpus.records import Bulletin
from index.records import Chunk


class Chunker:
    """Wraps llama-index's SentenceSplitter and guarantees every chunk maps to an exact span."""

    def __init__(self, chunk_size: int = 200, chunk_overlap: int = 40) -> None:
        self._splitter = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)

    def chunk(self, bulletin: Bulletin) -> list[Chunk]:
        doc = Document(text=bulletin.text, id_=bulletin.doc_id)
        nodes = self._splitter.get_nodes_from_documents([doc])
        chunks: list[Chunk] = []
        cursor = 0
        for node in nodes:
            content = node.get_content()
            start, end = getattr(node, "start_char_idx", None), getattr(node, "end_char_idx", None)
            if start is None or end is None or bulletin.text[start:end] != content:
                start, end = _align(bulletin.text, content, cursor)
            if end <= start:
                continue
            cursor = start + 1
            chunks.append(Chunk.make(bulletin.doc_id, bulletin.source, start, end, bulletin.text[start:end]))
        return chunks


def _align(text: str, content: str, cursor: int) -> tuple[int, int]:
    """Locate a chunk whose whitespace the splitter changed: match its first and last words."""
    words = content.split()
    if not words:
        return cursor, cursor
    head = " ".join(words[:6])
    tail = " ".join(words[-6:])
    flat = text.replace("\n", " ")
    start = flat.find(head, max(0, cursor - 1))
    if start < 0:
        start = flat.find(words[0], max(0, cursor - 1))
    if start < 0:
        return cursor, cursor
    end_at = flat.find(tail, start)
    end = end_at + len(tail) if end_at >= 0 else min(len(text), start + len(content))
    return start, end
