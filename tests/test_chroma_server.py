"""Server mode: a real `chroma run` on 127.0.0.1, selected by CHROMA_HOST/CHROMA_PORT."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from conftest import BULLETINS, MACAO, free_port

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("chroma run exited early")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_ask_against_server(chroma_server: int, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)}
    settings = Settings.from_env(env=env, home=tmp_path / "home")
    assert settings.chroma_host == "127.0.0.1"
    a = Assistant(settings, embedder=embedder)
    report = a.ingest([BULLETINS], progress=False)
    assert len(report.added) == 2
    assert not (tmp_path / "home" / "chroma").exists()  # vectors went to the server, not the embedded store
    assert a.store.count() > 0
    result = a.ask("What was the total trade value between the Mainland and Macao in 2022?").to_json()
    assert any(c["source"] == MACAO and "US$4.36 billion" in c["quote"] for c in result["citations"])
    assert a.ingest([BULLETINS], progress=False).unchanged  # incremental against the server too
    a.close()
