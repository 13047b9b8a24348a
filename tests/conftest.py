"""Shared fixtures: the real packaged model (loaded once per session) and real stores in tmp_path."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant import Assistant, Settings  # noqa: E402
from index.embedder import Embedder, SentenceTransformerEmbedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "correct horse"
MACAO_Q = "What was the total trade value between the Mainland and Macao in 2022?"
URUGUAY = """Beijing, 3 May 2024 — China Customs and the National Customs Directorate of Uruguay signed a \
mutual recognition arrangement of Authorized Economic Operators (AEO) on 3 May 2024 in Montevideo.

Under the arrangement, AEO enterprises of China and Uruguay enjoy a lower inspection rate, priority \
inspection and a designated customs liaison officer. Uruguay becomes the 29th economy to recognise China's AEOs.
"""
LATER = """Beijing, 10 March 2024 — The General Administration of Customs announced that China Customs has \
achieved mutual recognition of AEO with 50 countries and regions. The China–Serbia AEO mutual recognition \
arrangement entered into force on 1 March 2024, the General Administration of Customs said."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
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


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Iterator[Assistant]:
    """The app's assistant: the bundled bulletins, the admin password set (UI modules)."""
    home = tmp_path_factory.mktemp("ui-home")
    a = Assistant(Settings.from_env(env={}, home=home, admin_password=ADMIN_PASSWORD), embedder=embedder)
    assert not a.ingest([BULLETINS], progress=False).rejected
    yield a
    a.close()


@contextlib.contextmanager
def running(assistant: Assistant) -> Iterator[str]:
    """``ui.server.web_app`` under uvicorn on a free local port: exactly the app ``serve`` runs."""
    import uvicorn

    from ui.app import App, mount_options
    from ui.server import web_app

    server = uvicorn.Server(uvicorn.Config(web_app(App(assistant), mount_options(assistant)), host="127.0.0.1",
                                           port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.1)
    assert server.started
    yield f"http://127.0.0.1:{server.config.port}/"
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def url(assistant: Assistant) -> Iterator[str]:
    """The web app served on a free local port for the module's tests."""
    with running(assistant) as where:
        yield where


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per browser-test module (ui.chromium: path and flags)."""
    from playwright import sync_api

    from ui.chromium import ARGS, CHROMIUM

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:
    """A fresh browser session (its own conversation and admin lock) on the module's app ``url``, loaded."""
    from ui.chromium import open_app

    pg = open_app(browser, url)
    yield pg
    pg.context.close()


@pytest.fixture(scope="module")
def served(url: str) -> str:
    """The app ``serve`` runs (the same as ``url``: the page needs its own routes)."""
    return url
