"""An ingest worker in its own process: the model loaded once, files ingested on request, killable.

The suite must time each file and stop one that runs past the target without losing the whole run, so
ingest happens here, behind a pipe, and the parent (``IngestWorker``) kills the process when a request
runs over its deadline. Run as ``python -m reliability.worker HOME``: one JSON request per stdin line
(``{"paths": [...]}``), one JSON reply per stdout line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import IO, Any


def main(home: str) -> int:
    """Serve ingest requests until stdin closes; a failure is a reply carrying its traceback."""
    from assistant import Assistant, Settings
    from index.consistency import check_store

    out = sys.stdout
    sys.stdout = sys.stderr  # anything the libraries print must not corrupt the replies
    a = Assistant(Settings.from_env(env=os.environ, home=Path(home)))
    a.embedder.embed(["ready"])
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        t0 = time.perf_counter()
        try:
            if "check" in request:  # the store as this process sees it, after the requests before
                reply: dict[str, Any] = {"consistency": check_store(a.catalog, a.store).to_json()}
            else:
                reply = {"report": a.ingest([Path(p) for p in request["paths"]], progress=False).to_json()}
        except BaseException:  # noqa: BLE001 - the suite counts it
            reply = {"traceback": traceback.format_exc()}
        reply["seconds"] = time.perf_counter() - t0
        out.write(json.dumps(reply) + "\n")
        out.flush()
    a.close()
    return 0


class IngestWorker:
    """The parent's handle: ``ingest`` returns the reply, or None when the deadline passed (worker killed)."""

    def __init__(self, home: Path, log: Path) -> None:
        self.home = home
        self.log = log
        self.proc: subprocess.Popen[str] | None = None
        self.restarts = 0

    def _start(self) -> subprocess.Popen[str]:
        err: IO[str] = self.log.open("a")
        proc = subprocess.Popen([sys.executable, "-m", "reliability.worker", str(self.home)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=err, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                                start_new_session=True)
        ready = _readline(proc, 300)
        if ready is None or not json.loads(ready).get("ready"):
            proc.kill()
            raise RuntimeError(f"the ingest worker did not start: see {self.log}")
        return proc

    def ingest(self, paths: list[Path], deadline_s: float) -> dict[str, Any] | None:
        return self._ask({"paths": [str(p) for p in paths]}, deadline_s)

    def check(self) -> dict[str, Any]:
        """``index.consistency`` of the store, as a dict (``ok``, ``problems``…)."""
        reply = self._ask({"check": True}, 300)
        if reply is None or "consistency" not in reply:
            return {"ok": False, "problems": [f"the check failed: {(reply or {}).get('traceback', 'no reply')}"]}
        return dict(reply["consistency"])

    def _ask(self, request: dict[str, Any], deadline_s: float) -> dict[str, Any] | None:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = _readline(self.proc, deadline_s)
        if line is None:
            self.kill()
            self.restarts += 1
            return None
        return dict(json.loads(line))

    def kill(self) -> None:
        if self.proc is not None:  # the whole group: its reading worker would outlive it (see crash.py)
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
            self.proc = None


def _readline(proc: subprocess.Popen[str], timeout: float) -> str | None:
    """One line of the worker's stdout, or None when it gives none within ``timeout`` seconds."""
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(proc.stdout.readline() if proc.stdout else ""), daemon=True)
    reader.start()
    reader.join(timeout)
    return got[0] if got and got[0] else None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
