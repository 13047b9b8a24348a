"""A real ``customs-assistant serve`` on 127.0.0.1 for the suite, and calls through Gradio's HTTP API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``customs-assistant serve`` in a child process; ``url`` once it answers HTTP 200."""

    def __init__(self, home: Path, env: dict[str, str], log: Path, timeout_s: float = 300) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant", "--home", str(home), "serve", "--host",
                                      "127.0.0.1", "--port", str(self.port)], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}: see {log}")
            try:
                if httpx.get(self.url, timeout=5).status_code == 200:
                    self.ready_s = time.perf_counter() - t0
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"serve did not answer within {timeout_s:.0f} s: see {log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def call(client: httpx.Client, api: str, *data: Any, session: str | None = None) -> tuple[str, Any]:
    """One call of a named endpoint through ``/gradio_api/call``: the last event's name and its data.

    ``session``: the caller's session hash, as a browser tab sends one for all its requests (without one,
    every call is a new session, which Gradio sets up from the whole app's configuration)."""
    body: dict[str, Any] = {"data": list(data)}
    if session is not None:
        body["session_hash"] = session
    posted = client.post(f"gradio_api/call/{api}", json=body)
    posted.raise_for_status()
    event_id = posted.json()["event_id"]
    event, payload = "", None
    with client.stream("GET", f"gradio_api/call/{api}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                payload = json.loads(line.split(":", 1)[1])
    return event, payload
