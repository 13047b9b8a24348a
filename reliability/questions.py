"""Hostile questions through the service (ask, search, check) and the CLI's batch modes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reliability.hostile_questions import batch_lines, questions
from reliability.results import Group, percentile


def through_service(a: Any, seed: int) -> Group:
    """Each string as a question, a search and a draft: an answer or a one-line refusal, never a traceback."""
    from assistant import EmptyIndexError

    g = Group("hostile questions (service)")
    t0 = time.perf_counter()
    timings: list[float] = []
    texts = {d.source: d.text for d in a.bulletins()}
    calls: list[tuple[str, Callable[[str], Any]]] = [
        ("ask", lambda q: a.ask(q).to_json()), ("search", lambda q: a.search_grouped(q)),
        ("check", lambda q: a.check(q).to_json())]
    for q in questions(seed):
        for name, call in calls:
            t = time.perf_counter()
            try:
                result = call(q)
            except (ValueError, EmptyIndexError) as exc:
                message = str(exc)
                g.case(bool(message) and "\n" not in message and len(message) < 300,
                       f"{name} {q[:40]!r}: unclear refusal {message[:200]!r}")
                continue
            except Exception:  # noqa: BLE001 - counted
                g.case(False, f"{name} {q[:40]!r}: {traceback.format_exc()}")
                continue
            finally:
                timings.append((time.perf_counter() - t) * 1000)
            g.case(_valid(name, result, texts), f"{name} {q[:40]!r}: malformed result")
    g.p50_ms, g.p95_ms = percentile(timings, 50), percentile(timings, 95)
    g.seconds = time.perf_counter() - t0
    return g


def _valid(name: str, result: dict[str, Any], texts: dict[str, str]) -> bool:
    """Encodable as UTF-8 JSON, and (for answers) every quote the exact text of its span."""
    try:
        json.dumps(result, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):
        return False
    if name == "ask":
        if result["status"] not in ("answered", "not_found"):
            return False
        return all(texts.get(c["source"], "")[c["start"]:c["end"]] == c["quote"] for c in result["citations"])
    return True


def through_cli(home: Path, env: dict[str, str], seed: int) -> Group:
    """``ask --batch -`` fed invalid bytes: one JSON line per input line, no traceback."""
    g = Group("hostile questions (CLI batch)")
    data = batch_lines(seed)
    expected = [x for x in io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace") if x.strip()]
    for command in ("ask",):  # check --batch decodes its input the same way; one model load is enough
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "assistant", "--home", str(home), command, "--batch", "-",
                               "--json"], input=data, capture_output=True, env=env, timeout=600)
        g.seconds += time.perf_counter() - t0
        err = proc.stderr.decode("utf-8", "replace")
        g.case("Traceback" not in err and proc.returncode in (0, 1), f"{command} --batch exit {proc.returncode}: "
                                                                       f"{err[-400:]}")
        lines = proc.stdout.decode("utf-8").splitlines()
        for i, line in enumerate(lines):
            try:
                json.loads(line)
                g.case(True)
            except ValueError:
                g.case(False, f"{command} --batch line {i} is not JSON: {line[:100]!r}")
        g.case(len(lines) == len(expected), f"{command} --batch gave {len(lines)} lines for {len(expected)} inputs")
    return g
