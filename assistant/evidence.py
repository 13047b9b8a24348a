"""Sentence-level evidence: which sentences of the retrieved passages answer the question, and how well.

Sentence vectors are cached by text, so a sentence is embedded once per process however often
it is retrieved; that keeps answering well under the latency budget.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.records import Passage
from corpus.patterns import rx
from corpus.remember import remembered
from corpus.sentences import Sentence, addressed_to_software, split_sentences
from index.embedder import Embedder

STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "by", "with", "from", "at", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "do", "does", "did", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "has", "have", "had", "i", "me", "my", "we", "our", "you", "your", "he", "she", "they", "them", "their", "there", "here", "not", "no", "yes", "if", "then", "than", "so", "about", "into", "over", "under", "after", "before", "between", "through", "during", "up", "down", "out", "off", "again", "further", "once", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "only", "own", "same", "too", "very", "s", "t", "just", "don", "now", "get", "got", "tell", "please", "give"]
)


# Words a question uses for what bulletins say another way.
_ALIASES = {"plan": "future", "next": "future", "upcoming": "future", "grow": "increase", "growth": "increase",
            "grew": "increase", "rise": "increase", "rose": "increase", "firm": "enterprise", "company": "enterprise",
            "companie": "enterprise", "operator": "enterprise", "busines": "enterprise"}


@remembered(1 << 14)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased words that carry meaning, lightly stemmed so 'signed' meets 'signing'.

    Remembered per text: every question reads the words of each sentence its passages hold (~40), and the
    same bulletin sentences come back question after question (~1 ms an answer)."""
    words = {_stem(w) for w in rx(r"[a-z0-9$%]+").findall(text.lower()) if w not in STOPWORDS and len(w) > 1}
    return frozenset(_ALIASES.get(w, w) for w in words)


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Strip one common English suffix (cached: the same few thousand words come back in every question)."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


@dataclass(frozen=True)
class Evidence:
    """A sentence from a passage and how strongly it matches the question."""

    sentence: Sentence
    passage: Passage
    similarity: float
    overlap: float

    @property
    def score(self) -> float:
        return 0.75 * self.similarity + 0.25 * self.overlap


class SentenceScorer:
    """Scores candidate sentences against a question with the embedder plus word overlap."""

    def __init__(self, embedder: Embedder, cache_size: int = 20000) -> None:
        self.embedder = embedder
        # Kept as float64 rows: a question scores ~40-100 sentences, and turning that many lists of 384
        # Python floats into an array took ~1 ms an answer (a tenth of a busy server's interpreter time).
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()

    def _rows(self, texts: list[str]) -> list[np.ndarray]:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            fresh = self.embedder.embed(missing)
            with self._lock:
                for t, v in zip(missing, fresh, strict=True):
                    self._cache[t] = np.asarray(v, dtype=np.float64)
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        with self._lock:
            return [self._cache[t] for t in texts]

    def vectors(self, texts: list[str]) -> list[list[float]]:
        return [row.tolist() for row in self._rows(texts)]

    def matrix(self, texts: list[str]) -> np.ndarray:
        """The texts' vectors as the rows of one array (len(texts) x dimensions)."""
        rows = self._rows(texts)
        return np.stack(rows) if rows else np.zeros((0, 0))

    def score(self, question: str, passages: list[Passage], doc_texts: dict[str, str],
              query_vector: list[float] | None = None) -> list[Evidence]:
        """Every sentence overlapping the passages, best first, each once."""
        seen: set[tuple[str, int]] = set()
        candidates: list[tuple[Sentence, Passage]] = []
        for p in passages:
            text = doc_texts[p.source]
            for s in sentences_of(text):
                if s.end > p.start and s.start < p.end and (p.source, s.start) not in seen:
                    seen.add((p.source, s.start))
                    if not _addressed(s.text):  # bulletin text is data, never an instruction to quote
                        candidates.append((s, p))
        if not candidates:
            return []
        qvec = query_vector if query_vector is not None else self.vectors([question])[0]
        svecs = self.matrix([s.text for s, _ in candidates])
        qwords = content_words(question)
        sets = [content_words(s.text) for s, _ in candidates]
        idf = _idf(sets)
        present = [w for w in qwords if w in idf]
        total = sum(idf[w] for w in present)
        sims = svecs @ np.asarray(qvec, dtype=np.float64)
        out = []
        for (s, p), sim, words in zip(candidates, sims, sets, strict=True):
            overlap = sum(idf[w] for w in present if w in words) / total if total else 0.0
            out.append(Evidence(s, p, float(sim), overlap))
        return sorted(out, key=lambda e: e.score, reverse=True)


@remembered(1 << 14)
def _addressed(sentence: str) -> bool:
    """``addressed_to_software``, remembered per sentence like its words (~1 ms an answer)."""
    return addressed_to_software(sentence)


def _idf(sets: list[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency over the candidate sentences: rare words tell sentences apart."""
    df: dict[str, int] = {}
    for words in sets:
        for w in words:
            df[w] = df.get(w, 0) + 1
    n = len(sets)
    return {w: math.log(1 + n / c) for w, c in df.items()}


_SENTENCE_CACHE: dict[str, list[Sentence]] = {}


def sentences_of(text: str) -> list[Sentence]:
    """Sentence spans of a bulletin text, computed once per distinct text."""
    cached = _SENTENCE_CACHE.get(text)
    if cached is None:
        if len(_SENTENCE_CACHE) > 2000:
            _SENTENCE_CACHE.clear()
        cached = _SENTENCE_CACHE[text] = split_sentences(text)
    return cached
