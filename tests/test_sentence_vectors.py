"""Sentence vectors stored at ingest: answers read them instead of re-embedding, and answer the same.

Real model, real Chroma and SQLite in tmp_path, on the invented bulletins of tests/fixtures/bulletins.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from assistant.evidence import SentenceScorer, sentences_of
from conftest import ROOT, CountingEmbedder

FIXTURES = ROOT / "tests" / "fixtures" / "bulletins"
QUESTIONS = [
    "When did the arrangement between Korea and Thailand enter into force?",
    "What benefits do AEO enterprises get under the Uruguay arrangement?",
    "How many economies have mutual recognition with China?",
    "Which bulletins mention Korea?",
]


def _answers(a: Any) -> list[dict[str, Any]]:
    out = []
    for q in QUESTIONS:
        answer = a.ask(q).to_json()
        answer.pop("timings_ms")
        out.append(answer)
    return out


def _rows(a: Any) -> int:
    return int(a.catalog.conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0])


def test_ingest_stores_every_sentence_and_delete_removes_them(make_assistant: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES, corpus)
    a = make_assistant()
    a.ingest([corpus], progress=False)
    docs = a.bulletins()
    assert _rows(a) == sum(len(sentences_of(d.text)) for d in docs) > 0
    assert a.sentence_vectors.unstored_sources() == []
    gone = docs[0]
    assert a.delete(gone.source)
    assert _rows(a) == sum(len(sentences_of(d.text)) for d in docs[1:])
    left = a.catalog.conn.execute("SELECT count(*) FROM sentence_vectors WHERE source = ?", (gone.source,))
    assert left.fetchone()[0] == 0


def test_answers_with_stored_vectors_equal_answers_embedding_afresh(make_assistant: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES, corpus)
    home = tmp_path / "home"
    make_assistant(home=home).ingest([corpus], progress=False)

    stored = make_assistant(home=home, counting=True)
    assert stored.warm() == 0  # nothing left to embed at start-up
    with_stored = _answers(stored)
    counter = stored.embedder
    assert isinstance(counter, CountingEmbedder)
    # Only questions (and the warm-up probe) were embedded: every sentence vector came from the store.
    assert counter.texts <= 1 + 2 * len(QUESTIONS)

    fresh = make_assistant(home=home)
    fresh._scorer = SentenceScorer(fresh.embedder)  # the path before vectors were stored: embed every sentence
    assert _answers(fresh) == with_stored
    assert any(a["status"] == "answered" and a["citations"] for a in with_stored)


def test_start_up_stores_vectors_of_bulletins_ingested_before_they_were_kept(make_assistant: Any,
                                                                             tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES, corpus)
    home = tmp_path / "home"
    a = make_assistant(home=home)
    a.ingest([corpus], progress=False)
    expected = _rows(a)
    with a.catalog.transaction(bump=False):
        a.catalog.conn.execute("DELETE FROM sentence_vectors")  # an index written by an older version
    later = make_assistant(home=home)
    assert later.warm() == expected
    assert _rows(later) == expected
    assert later.sentence_vectors.unstored_sources() == []
    assert make_assistant(home=home).warm() == 0


def test_the_scorer_keeps_rows_it_hands_out_as_one_array_and_as_lists(embedder: Any) -> None:
    """Evidence scoring reads a question's sentences as one array (no list-of-floats conversion per answer);
    the lists ``vectors`` gives are the same numbers, and a text is embedded once."""
    import numpy as np

    counter = CountingEmbedder(embedder)
    scorer = SentenceScorer(counter, cache_size=3)
    texts = ["The arrangement entered into force in May.", "AEO enterprises get priority inspection.",
             "The arrangement entered into force in May."]
    matrix = scorer.matrix(texts)
    assert matrix.shape == (3, 384) and counter.texts == 2
    assert np.array_equal(matrix, np.array(scorer.vectors(texts))) and counter.texts == 2
    assert np.allclose(matrix[0], embedder.embed(texts[:1])[0], atol=1e-6)
    assert scorer.matrix([]).shape[0] == 0
    scorer.matrix(["one more", "and another"])  # the oldest is forgotten past the cache size
    scorer.matrix(texts[1:2])
    assert counter.texts == 4  # kept
    scorer.matrix(texts[:1])
    assert counter.texts == 5  # forgotten, embedded again
