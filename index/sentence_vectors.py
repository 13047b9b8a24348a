"""Sentence vectors stored at ingest, so a starting server embeds nothing but the questions it is asked.

Answers score every sentence of the retrieved passages against the question. Embedding those sentences
at start-up took minutes at a thousand bulletins; here they are embedded once, with the bulletin's chunks
and in the same batches, and kept in the catalog's SQLite file: one row per (source, sentence start),
written and removed in the bulletin's own transaction. Rows are found by a digest of the sentence text
and the embedder's name, so a sentence repeated across bulletins, or kept by a revised bulletin, is
embedded once, and vectors of another model are never mixed in.
"""

from __future__ import annotations

import hashlib
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from corpus.records import Bulletin
from index.embedder import Embedder

Span = tuple[int, int]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sentence_vectors (source TEXT NOT NULL, start INTEGER NOT NULL,"
    ' "end" INTEGER NOT NULL, digest BLOB NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL,'
    " PRIMARY KEY (source, start))",
    "CREATE INDEX IF NOT EXISTS sentence_vectors_digest ON sentence_vectors(digest, model)",
)
_BATCH = 500  # SQLite host parameters per IN (...) list


def digest(text: str) -> bytes:
    """A short stable key of a sentence's text (the text itself is in the catalog already)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def sentence_spans(bulletin: Bulletin) -> tuple[list[Span]]:
    """The spans whose vectors a bulletin needs: computed in the reading worker, as ``derive``."""
    from corpus.sentences import split_sentences

    return ([(s.start, s.end) for s in split_sentences(bulletin.text)],)


def _pack(vector: Sequence[float]) -> bytes:
    return array("f", vector).tobytes()  # the model's float32 values, kept exactly


def _unpack(blob: bytes) -> list[float]:
    values = array("f")
    values.frombytes(blob)
    return values.tolist()


class SentenceVectors:
    """The ``sentence_vectors`` table: an ingest extension (replace/delete) and a lookup by text.

    ``conn`` gives the calling thread's catalog connection, so writes join the bulletin's transaction
    and reads never share a cursor between threads.
    """

    derive = staticmethod(sentence_spans)

    def __init__(self, conn: Callable[[], sqlite3.Connection], embedder: Embedder) -> None:
        self._conn = conn
        self.embedder = embedder
        self._offered: dict[str, list[float]] = {}

    @property
    def model(self) -> str:
        return str(getattr(self.embedder, "name", "model"))

    def ensure_schema(self) -> None:
        """Create the table if missing, statement by statement, so an open transaction is not committed."""
        for statement in _SCHEMA:
            self._conn().execute(statement)

    # -- ingest ---------------------------------------------------------------------------------
    def wanted(self, bulletin: Bulletin, derived: Any = None) -> list[str]:
        """Texts of the bulletin's sentences no stored row holds yet: what the ingest batch embeds for us."""
        spans = derived[0] if derived else sentence_spans(bulletin)[0]
        texts = list(dict.fromkeys(bulletin.text[s:e] for s, e in spans))
        have = self._stored(texts)
        return [t for t in texts if t not in have]

    def offer(self, texts: Sequence[str], vectors: Sequence[list[float]]) -> None:
        """Vectors the ingest embedded for ``wanted`` texts, held until the bulletins' ``replace``."""
        self._offered = dict(zip(texts, vectors, strict=True))

    def replace(self, bulletin: Bulletin, spans: Sequence[Span] | None = None) -> None:
        """Swap in this bulletin's rows; a sentence neither offered nor stored is embedded here."""
        if spans is None:
            spans = sentence_spans(bulletin)[0]
        texts = [bulletin.text[s:e] for s, e in spans]
        known = self._stored(list(dict.fromkeys(texts)))  # read before this source's old rows go
        known.update((t, v) for t, v in self._offered.items() if t not in known)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, self.embedder.embed(missing), strict=True))
        self.store(bulletin.source, [(s, e, t, known[t]) for (s, e), t in zip(spans, texts, strict=True)])

    def store(self, source: str, rows: Iterable[tuple[int, int, str, list[float]]]) -> None:
        """Write a bulletin's rows, replacing any it had (call inside the catalog's transaction)."""
        conn = self._conn()
        conn.execute("DELETE FROM sentence_vectors WHERE source = ?", (source,))
        conn.executemany(
            'INSERT OR REPLACE INTO sentence_vectors (source, start, "end", digest, model, vector) VALUES (?,?,?,?,?,?)',
            [(source, s, e, digest(t), self.model, _pack(v)) for s, e, t, v in rows],
        )

    def delete(self, source: str) -> None:
        self._conn().execute("DELETE FROM sentence_vectors WHERE source = ?", (source,))

    # -- reading --------------------------------------------------------------------------------
    def _stored(self, texts: list[str]) -> dict[str, list[float]]:
        """Stored vectors of these texts (by digest, this model's only), one indexed query per 500."""
        by_digest = {digest(t): t for t in texts}
        keys = list(by_digest)
        out: dict[str, list[float]] = {}
        conn = self._conn()
        for i in range(0, len(keys), _BATCH):
            part = keys[i:i + _BATCH]
            marks = ",".join("?" * len(part))
            rows = conn.execute(
                f"SELECT digest, vector FROM sentence_vectors WHERE model = ? AND digest IN ({marks})",
                [self.model, *part],
            )
            for key, blob in rows:
                out[by_digest[bytes(key)]] = _unpack(blob)
        return out

    def lookup(self, texts: list[str]) -> dict[str, list[float]]:
        """Stored vectors of whichever of ``texts`` any bulletin holds."""
        return self._stored(list(dict.fromkeys(texts)))

    def unstored_sources(self) -> list[str]:
        """Bulletins with no stored sentence vectors (ingested before they were kept): start-up embeds those."""
        rows = self._conn().execute(
            "SELECT source FROM documents d WHERE NOT EXISTS"
            " (SELECT 1 FROM sentence_vectors v WHERE v.source = d.source AND v.model = ?)", (self.model,)
        )
        return [r[0] for r in rows]


class StoredFirst:
    """An embedder that answers from stored sentence vectors and embeds only what is not stored.

    Given to the sentence scorer, so evidence scoring reads the vectors ingest kept instead of
    re-embedding every sentence after each start.
    """

    def __init__(self, embedder: Embedder, stored: SentenceVectors) -> None:
        self.embedder = embedder
        self.stored = stored
        self.name = embedder.name

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        found = self.stored.lookup(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            found.update(zip(missing, self.embedder.embed(missing), strict=True))
        return [found[t] for t in texts]
