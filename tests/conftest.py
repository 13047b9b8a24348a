"""Shared fixtures: the real packaged model (loaded once per session) and real stores in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant import Assistant, Settings  # noqa: E402
from index.embedder import Embedder, SentenceTransformerEmbedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BULLETINS = ROOT / "corpus" / "bulletins"
SERBIA = "000_eb2d948c419fafef.txt"
MACAO = "003_740ae7fc80938b27.txt"


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0
        self.texts = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture
def make_assistant(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> Iterator:
    made: list[Assistant] = []

    def factory(home: Path | None = None, counting: bool = False, **overrides: object) -> Assistant:
        emb: Embedder = CountingEmbedder(embedder) if counting else embedder
        a = Assistant(Settings.from_env(env={}, home=home or tmp_path / "home", **overrides), embedder=emb)
        made.append(a)
        return a

    yield factory
    for a in made:
        a.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Iterator[Assistant]:
    """One assistant over the bundled bulletins, shared by a module's read-only tests."""
    home = tmp_path_factory.mktemp("seeded")
    a = Assistant(Settings.from_env(env={}, home=home), embedder=embedder)
    report = a.ingest([BULLETINS], progress=False)
    assert not report.rejected, report.rejected
    yield a
    a.close()
