"""The served app's JSON API (/api/ask, /api/check, /api/search): the CLI's JSON, and a clear error for each
bad request — never a traceback, never an HTML page."""

from __future__ import annotations

import httpx
import pytest

from conftest import MACAO, MACAO_Q

pytestmark = pytest.mark.slow


def _same(answer: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in answer.items() if k != "timings_ms"}  # all but how long it took


def test_ask_check_and_search_answer_with_the_cli_json(served: str, assistant) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=served, timeout=120) as http:
        asked = http.post("api/ask", json={"question": MACAO_Q})
        checked = http.post("api/check", json={"text": "The total trade value with Macao in 2022 was 999 billion yuan."})
        found = http.get("api/search", params={"q": "trade value Macao", "k": 3})
        filtered = http.get("api/search", params={"q": "trade value", "partner": "Macao", "since": "2000-01-01"})
        follow = http.post("api/ask", json={"question": "And in 2021?", "history": [MACAO_Q]})
    assert asked.status_code == 200 and _same(asked.json()) == _same(assistant.ask(MACAO_Q).to_json())
    assert any(c["source"] == MACAO for c in asked.json()["citations"])
    assert checked.status_code == 200 and checked.json()["claims"]
    assert found.status_code == 200 and found.json()["results"] and len(found.json()["results"]) <= 3
    assert filtered.status_code == 200 and {r["source"] for r in filtered.json()["results"]} <= {MACAO}
    assert follow.status_code == 200 and _same(follow.json()) == _same(assistant.ask("And in 2021?", [MACAO_Q]).to_json())


@pytest.mark.parametrize(("method", "path", "payload", "status", "says"), [
    ("post", "api/ask", {"question": ""}, 400, "empty question"),
    ("post", "api/ask", {"question": "x" * 2001}, 400, "too long"),
    ("post", "api/ask", {"question": 7}, 400, '"question" must be a string'),
    ("post", "api/ask", {"question": "trade?", "history": "no"}, 400, '"history" must be a list'),
    ("post", "api/ask", ["a list"], 400, "must be a JSON object"),
    ("post", "api/ask", b"\xff\xfe not json", 400, "not JSON"),
    ("post", "api/ask", {"question": "\ud800 trade with Macao?"}, 200, ""),
    ("post", "api/check", {"text": "y" * 2_000_000}, 413, "request body over"),
    ("post", "api/check", {}, 400, '"text" must be a string'),
    ("get", "api/search", {"q": ""}, 400, "empty query"),
    ("get", "api/search", {"q": "trade", "partner": "Atlantis"}, 400, "unknown partner"),
    ("get", "api/search", {"q": "trade", "since": "May 2020"}, 400, "YYYY-MM-DD"),
    ("get", "api/search", {"q": "trade", "k": 0}, 400, "-k must be between"),
])
def test_bad_requests_get_a_json_error(served: str, method: str, path: str, payload: object, status: int,
                                       says: str) -> None:
    with httpx.Client(base_url=served, timeout=120) as http:
        if method == "get":
            got = http.get(path, params=payload)  # type: ignore[arg-type]
        elif isinstance(payload, bytes):
            got = http.post(path, content=payload, headers={"content-type": "application/json"})
        else:
            import json

            body = json.dumps(payload).encode("utf-8")  # surrogates escaped as \ud800, as a client may send them
            got = http.post(path, content=body, headers={"content-type": "application/json"})
    assert got.status_code == status, got.text
    assert got.headers["content-type"].startswith("application/json")
    if says:
        assert says in got.json()["error"]


def test_a_failure_inside_the_service_is_a_json_error_not_a_traceback(served: str, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(assistant, "ask", broken)
    with httpx.Client(base_url=served, timeout=60) as http:
        got = http.post("api/ask", json={"question": "When was it signed?"})
    assert got.status_code == 500 and got.json() == {"error": "the request could not be answered (RuntimeError)"}


def test_answers_run_at_most_concurrency_at_once_first_come_first_served(make_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Many requests at once queue for ``concurrency`` answering threads (more threads than cores only fight
    over the interpreter lock), and are answered in the order they came."""
    import asyncio
    import threading
    import time

    from fastapi import FastAPI

    from ui.api import answering_pool, router

    a = make_assistant(concurrency=2)
    running, most, order = 0, 0, []
    lock = threading.Lock()

    def slow(question: str, history: list[str] | None = None):  # type: ignore[no-untyped-def]
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            order.append(question)
        time.sleep(0.2)
        with lock:
            running -= 1
        return type("Answer", (), {"to_json": lambda self: {"status": "answered", "question": question}})()

    monkeypatch.setattr(a, "ask", slow)
    app = FastAPI()
    app.include_router(router(a, answering_pool(a)))

    async def many() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            sent = []
            for i in range(8):
                sent.append(asyncio.create_task(http.post("/api/ask", json={"question": f"q{i}"})))
                await asyncio.sleep(0.01)  # sent one after another
            return await asyncio.gather(*sent)

    replies = asyncio.run(many())
    assert [r.status_code for r in replies] == [200] * 8
    assert most == 2, most
    assert order == [f"q{i}" for i in range(8)]
