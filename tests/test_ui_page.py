"""The page's Ask outside Gradio's queue (``POST /ui/ask``, ``GET /ui/export``) and the conversations it keeps
on the server by id (``ui.sessions``): a real assistant behind the served app."""

from __future__ import annotations

import threading

import httpx
import pytest

from conftest import MACAO, MACAO_Q
from ui.sessions import Sessions

pytestmark = pytest.mark.slow


class _Conversation:  # the store only creates and holds conversations
    pass


def test_sessions_are_unguessable_kept_by_id_and_the_least_recently_used_go_first() -> None:
    store = Sessions(_Conversation, limit=3)  # type: ignore[arg-type]
    ids = [store.new()[0] for _ in range(3)]
    assert len(set(ids)) == 3 and all(len(i) >= 22 for i in ids)  # 128 random bits, URL-safe
    assert store.get(ids[0]) is not None  # used: now the most recent
    store.new()
    assert len(store) == 3 and store.get(ids[1]) is None and store.get(ids[0]) is not None
    assert store.get(None) is None and store.get("") is None and store.get(7) is None  # type: ignore[arg-type]
    sid, session = store.find("forgotten-or-never-given")
    assert sid != "forgotten-or-never-given" and store.get(sid) is session


def test_the_page_asks_in_one_conversation_per_tab_and_exports_it(served: str) -> None:
    with httpx.Client(base_url=served, timeout=120) as http:
        first = http.post("ui/ask", json={"question": MACAO_Q, "session": None}).json()
        sid = first["session"]
        follow = http.post("ui/ask", json={"question": "And in 2021?", "session": sid}).json()
        other = http.post("ui/ask", json={"question": MACAO_Q}).json()  # another tab
        refused = http.post("ui/ask", json={"question": "   ", "session": sid}).json()
        exported = http.get("ui/export", params={"session": sid})
        unknown = http.get("ui/export", params={"session": "not-an-id"})
    assert first["result"]["status"] == "answered" and first["box"] == "" and first["shown"]
    assert any(c["source"] == MACAO for c in first["result"]["citations"])
    assert len(first["chat"]) == 2 and first["chat"][0]["role"] == "user"  # Gradio's Chatbot form
    assert "<mark>" in first["sources"] and f"session={sid}" in first["export"] and first["footer"]
    assert [t["question"] for t in first["kept"]] == [MACAO_Q]
    # the follow-up is read against the tab's first question, and its chat holds both turns
    assert follow["session"] == sid and len(follow["chat"]) == 4 and follow["result"]["question"] == "And in 2021?"
    assert "Macao" in follow["result"]["partners"]
    assert other["session"] != sid and len(other["chat"]) == 2
    # refused: the chat says why, the box keeps the text, the sources panel and the JSON are left as they are
    assert not refused["shown"] and refused["box"] is None and len(refused["chat"]) == 5
    assert "Type a question first" in str(refused["chat"][-1])
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/markdown")
    assert "attachment" in exported.headers["content-disposition"]
    assert f"## 1. {MACAO_Q}" in exported.text and "## 2. And in 2021?" in exported.text
    assert unknown.status_code == 404 and "error" in unknown.json()


def test_a_conversation_the_server_no_longer_has_is_restored_from_what_the_tab_kept(served: str) -> None:
    with httpx.Client(base_url=served, timeout=120) as http:
        first = http.post("ui/ask", json={"question": MACAO_Q}).json()
        gone = http.post("ui/ask", json={"question": "And in 2021?", "session": "a-restarted-server"})
        again = http.post("ui/ask", json={"question": "And in 2021?", "session": None, "kept": first["kept"]})
        bad = http.post("ui/ask", json={"question": "And in 2021?", "kept": "no"})
    assert gone.status_code == 409 and "send the turns" in gone.json()["error"]
    got = again.json()
    assert again.status_code == 200 and got["session"] != first["session"] and len(got["chat"]) == 4
    assert "Macao" in got["result"]["partners"]  # the follow-up resolved against the restored turn
    assert [t["question"] for t in got["kept"]] == [MACAO_Q, "And in 2021?"]
    assert bad.status_code == 400 and '"kept" must be a list' in bad.json()["error"]


@pytest.mark.parametrize(("payload", "says"), [
    ({"question": 7}, '"question" must be a string'),
    ({"question": "trade?", "session": ["x"]}, '"session" must be a string'),
    (["a list"], "must be a JSON object"),
    (b"\xff\xfe not json", "not JSON"),
])
def test_a_bad_page_request_gets_a_clear_error(served: str, payload: object, says: str) -> None:
    with httpx.Client(base_url=served, timeout=60) as http:
        if isinstance(payload, bytes):
            r = http.post("ui/ask", content=payload, headers={"Content-Type": "application/json"})
        else:
            r = http.post("ui/ask", json=payload)
    assert r.status_code == 400 and says in r.json()["error"]


def test_two_questions_at_once_in_one_tab_keep_its_chat_in_order(served: str) -> None:
    """A double click: the tab's conversation takes one question at a time, so its turns never interleave."""
    with httpx.Client(base_url=served, timeout=120) as http:
        sid = http.post("ui/ask", json={"question": MACAO_Q}).json()["session"]
        got: list[dict[str, object]] = []

        def ask() -> None:
            got.append(httpx.post(f"{served}ui/ask", json={"question": "And in 2021?", "session": sid},
                                  timeout=120).json())

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        final = http.post("ui/ask", json={"question": "And in 2020?", "session": sid}).json()
    assert sorted(len(g["chat"]) for g in got) == [4, 6]  # type: ignore[arg-type]
    roles = [m["role"] for m in final["chat"]]
    assert roles == ["user", "assistant"] * 4
