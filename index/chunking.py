"""Sentence-aware chunking with exact character offsets into the bulletin text."""

from __future__ import annotations

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter

from corpus.records import Bulletin
from index.records import Chunk


class Chunker:
    """Wraps llama-index's SentenceSplitter and guarantees every chunk maps to an exact span."""

    def __init__(self, chunk_size: int = 200, chunk_overlap: int = 40) -> None:
        self.chunk_size, self.chunk_overlap = chunk_size, chunk_overlap
        self._splitter = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)

    def fewest_passages(self, text: str) -> int:
        """A floor on the passages ``text`` makes, from its token count alone (tenths of a second for 5 MB,
        where splitting it into sentences takes seconds): a passage holds at most ``chunk_size`` tokens, and
        half that covers tokens counted differently once the text is cut."""
        from llama_index.core.utils import get_tokenizer

        return len(get_tokenizer()(text)) // (2 * self.chunk_size)

    def chunk(self, bulletin: Bulletin) -> list[Chunk]:
        doc = Document(text=bulletin.text, id_=bulletin.doc_id)
        nodes = self._splitter.get_nodes_from_documents([doc])
        chunks: list[Chunk] = []
        cursor = 0
        flat: str | None = None  # the text with newlines as spaces, made once: per chunk it is quadratic
        for node in nodes:
            content = node.get_content()
            start, end = getattr(node, "start_char_idx", None), getattr(node, "end_char_idx", None)
            if start is None or end is None or bulletin.text[start:end] != content:
                if flat is None:
                    flat = bulletin.text.replace("\n", " ")
                start, end = _align(flat, content, cursor)
            if end <= start:
                continue
            cursor = start + 1
            chunks.append(Chunk.make(bulletin.doc_id, bulletin.source, start, end, bulletin.text[start:end]))
        return chunks


def _align(flat: str, content: str, cursor: int) -> tuple[int, int]:
    """Locate a chunk whose whitespace the splitter changed: match its first and last words in ``flat``.

    ``flat`` is the bulletin text with newlines as spaces (same length, so offsets carry over).
    """
    words = content.split()
    if not words:
        return cursor, cursor
    head = " ".join(words[:6])
    tail = " ".join(words[-6:])
    # Search only near where the chunk must be: an unbounded find per chunk makes long texts quadratic.
    lo, reach = max(0, cursor - 1), 2 * len(content) + 200
    start = flat.find(head, lo, lo + reach)
    if start < 0:
        start = flat.find(words[0], lo, lo + reach)
    if start < 0:
        return cursor, cursor
    end_at = flat.find(tail, start, start + reach)
    end = end_at + len(tail) if end_at >= 0 else min(len(flat), start + len(content))
    return start, end
