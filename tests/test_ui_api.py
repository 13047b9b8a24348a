"""The web app over HTTP: a real assistant (real model, real Chroma) behind Gradio, called with gradio_client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client, handle_file

from assistant import Assistant
from conftest import ADMIN_PASSWORD as PASSWORD
from conftest import MACAO, MACAO_Q, SERBIA, URUGUAY
from ui.app import App, parse_day

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent





def client(url: str) -> Client:
    return Client(url, verbose=False)


def bubble(chat: list[dict[str, Any]], i: int = -1) -> str:
    content = chat[i]["content"]
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def test_ask_returns_a_cited_answer_with_marked_quote(url: str, assistant: Assistant) -> None:
    box, chat, sources, result = client(url).predict(MACAO_Q, api_name="/ask")
    assert box == ""
    assert result["status"] == "answered" and result["citations"]
    assert "US$4.36 billion" in bubble(chat) and '<sup class="cite"' in bubble(chat)
    for c in result["citations"]:
        doc = assistant.bulletin(c["source"])
        assert doc is not None and doc.text[c["start"]:c["end"]] == c["quote"]
    assert "<mark>" in sources and "US$4.36 billion" in sources and MACAO in sources
    supported = [cl for ch in result["checks"] for cl in ch.get("claims", []) if cl["verdict"] == "supported"]
    if supported:
        assert 'class="fig v-supported"' in bubble(chat) and "verified" in sources


def test_follow_up_uses_the_conversation_and_reset_forgets_it(url: str) -> None:
    c = client(url)
    c.predict("When did Macao sign its AEO mutual recognition arrangement?", api_name="/ask")
    _, chat, _, result = c.predict("Which facilitation measures does it give?", api_name="/ask")
    assert len(chat) == 4 and result["status"] == "answered"
    assert any(cit["source"] == MACAO for cit in result["citations"])
    chat, _, _ = c.predict(api_name="/reset")
    assert chat == []
    _, chat, _, _ = c.predict("What is the AEO system?", api_name="/ask")
    assert len(chat) == 2


def test_unanswerable_question_shows_not_found_with_closest(url: str) -> None:
    _, chat, sources, result = client(url).predict("What is the import tariff on steel in Brazil?", api_name="/ask")
    assert result["status"] == "not_found" and not result["citations"]
    assert 'id="not-found"' in sources and "Not found in the bulletins" in sources
    assert "Not found in the bulletins" in bubble(chat)


def test_search_filters_by_partner_and_validates_dates(url: str) -> None:
    c = client(url)
    note, results, _, viewer = c.predict("AEO facilitation measures", "Serbia", "", "", api_name="/search")
    assert "ok-msg" in note and "Serbia" in note
    assert SERBIA in results and MACAO not in results and "<mark>" in results
    assert 'id="bulletin-hit"' in viewer and SERBIA in viewer
    note, results, _, _ = c.predict("AEO", "", "2024-02-30", "", api_name="/search")
    assert "error-msg" in note and "not a real date" in note and results == ""
    note, _, _, _ = c.predict("AEO", "", "03/05/2024", "", api_name="/search")
    assert "error-msg" in note and "YYYY-MM-DD" in note
    note, _, _, _ = c.predict("AEO", "", "2024-05-03", "2024-01-01", api_name="/search")
    assert "on or before" in note


def test_open_bulletin_marks_the_passage(url: str, assistant: Assistant) -> None:
    doc = assistant.bulletin(MACAO)
    assert doc is not None
    start = doc.text.index("According to official data")
    html = client(url).predict(f"{start}:{start + 26}:{MACAO}", api_name="/open_bulletin")
    assert '<mark id="bulletin-hit">According to official data</mark>' in html


def test_facts_and_check(url: str) -> None:
    c = client(url)
    note, facts, arrangements, facts_csv, arr_csv = c.predict("Macao", "", api_name="/facts")
    if "not available" in note:
        pytest.skip("the assistant has no fact table yet")
    assert facts["data"], note
    span = facts["headers"].index("Where (chars)")
    assert all(row[span].startswith(MACAO) for row in facts["data"])
    assert Path(facts_csv).read_text(encoding="utf-8").startswith("value,unit,kind")
    assert Path(arr_csv).exists()
    verdicts = c.predict("Trade between the Mainland and Macao was US$5 billion in 2022.", api_name="/check")
    assert "contradicted" in verdicts and "US$5 billion" in verdicts


def test_admin_tab_is_locked_until_the_password_is_given(url: str, assistant: Assistant, tmp_path: Path) -> None:
    path = tmp_path / "uruguay_aeo.txt"
    path.write_text(URUGUAY, encoding="utf-8")
    c = client(url)
    report, table = c.predict([handle_file(str(path))], api_name="/upload")
    assert "Locked" in report and not table["data"]
    assert not c.predict(api_name="/bulletins")["data"]
    note, _, table = c.predict("wrong", api_name="/unlock")
    assert "Wrong password" in note and not table["data"]
    note, _, table = c.predict(PASSWORD, api_name="/unlock")
    assert "Unlocked" in note and len(table["data"]) == 2
    report, table = c.predict([handle_file(str(path))], api_name="/upload")
    assert "added" in report and "uruguay_aeo.txt" in report, report
    assert any(row[0] == "uruguay_aeo.txt" and "Uruguay" in row[3] for row in table["data"])
    assert assistant.bulletin("uruguay_aeo.txt") is not None
    assert not (Path(assistant.settings.home) / "uruguay_aeo.txt").exists()
    _, chat, sources, result = c.predict("When did China and Uruguay sign their AEO arrangement?", api_name="/ask")
    assert result["status"] == "answered", result["answer"]
    assert any(cit["source"] == "uruguay_aeo.txt" for cit in result["citations"]) and "uruguay_aeo.txt" in sources


def test_upload_handler_rejects_with_a_reason(assistant: Assistant, tmp_path: Path) -> None:
    app = App(assistant)
    big = tmp_path / "big.txt"
    big.write_bytes(b"AEO " * (assistant.settings.max_file_bytes // 4 + 1))
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a bulletin")
    report, _ = app.upload([str(big), str(pdf)], True)
    assert "big.txt" in report and "limit" in report
    assert "notes.pdf" in report and "rejected" in report
    assert assistant.bulletin("big.txt") is None and assistant.bulletin("notes.pdf") is None
    locked, _ = app.upload([str(pdf)], False)
    assert "Locked" in locked


def test_dates_are_validated() -> None:
    assert parse_day("2024-05-03", "From").isoformat() == "2024-05-03"  # type: ignore[union-attr]
    assert parse_day(" ", "From") is None
    for bad in ("2024-5-3", "20240503", "2024-02-30"):
        with pytest.raises(ValueError, match="From"):
            parse_day(bad, "From")


def test_evaluate_runs_an_uploaded_set(url: str, tmp_path: Path) -> None:
    pytest.importorskip("evals.command")
    items = [
        {"id": "macao-trade", "question": MACAO_Q, "expected": {"facts": [["4.36 billion"]]},
         "numbers": [{"value": 4.36e9, "unit": "USD", "tolerance": 0.01}], "sources": [MACAO],
         "answerable": True, "type": "figure"},
        {"id": "steel", "question": "What is the import tariff on steel in Brazil?", "expected": {},
         "sources": [], "answerable": False, "type": "unanswerable"},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    c = client(url)
    endpoints = c.view_api(print_info=False, return_format="dict")["named_endpoints"]
    if "/evaluate" not in endpoints:
        pytest.skip("no Evaluate tab: the evals harness was not usable when the app was built")
    summary, failures, *_ = c.predict(None, handle_file(str(path)), "", "", None, "", api_name="/evaluate")
    assert 'id="eval-metrics"' in summary and "pass_rate" in summary
    assert 'id="eval-failing"' in failures


def test_not_found_answer_keeps_its_reason_in_the_chat(url: str) -> None:
    _, chat, sources, result = client(url).predict("When does the China–Serbia agreement come into force?",
                                                   api_name="/ask")
    assert result["status"] == "not_found"
    reason = result["answer"].split(" Closest announcements: ")[0]
    assert "do not give" in reason
    shown = bubble(chat)
    assert "Not found in the bulletins" in shown and "do not give the date" in shown
    assert '<ul class="closest">' in shown and SERBIA in shown
    assert "do not give the date" in sources and 'id="cite-1"' in sources


def test_questions_over_the_limit_or_empty_get_a_message_in_the_chat(url: str) -> None:
    c = client(url)
    _, chat, _, result = c.predict("x" * 2001, api_name="/ask")
    assert "status" not in (result or {}) and len(chat) == 1 and "error-msg" in bubble(chat)
    assert "2,001 characters" in bubble(chat) and "2,000" in bubble(chat)
    _, chat, _, _ = c.predict("   ", api_name="/ask")
    assert len(chat) == 1 and "Type a question first" in bubble(chat)
    _, chat, _, result = c.predict(MACAO_Q, api_name="/ask")  # the session goes on normally
    assert result["status"] == "answered" and len(chat) == 2


def call_raw(url: str, api: str, *data: object) -> tuple[str, Any]:
    """(SSE event, data) of an endpoint called over plain HTTP, the body JSON-escaped as a browser sends it.

    gradio_client cannot send a lone surrogate at all; a page's fetch() can (``"\\ud800"`` is valid JSON).
    """
    body = json.dumps({"data": list(data)}, ensure_ascii=True).encode("ascii")
    with httpx.Client(base_url=url, timeout=120) as http:
        event_id = http.post(f"gradio_api/call/{api}", content=body,
                             headers={"Content-Type": "application/json"}).json()["event_id"]
        event, payload = "", None
        for line in http.get(f"gradio_api/call/{api}/{event_id}").text.splitlines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                payload = json.loads(line.split(":", 1)[1])
    return event, payload


def test_lone_surrogates_are_replaced_not_a_traceback(url: str) -> None:
    event, out = call_raw(url, "ask", "Macao AEO \ud800 trade")
    assert event == "complete", out
    _, chat, _, _, result = out  # raw HTTP also returns the (empty) session state slot
    assert result["question"] == "Macao AEO \ufffd trade" and bubble(chat, 0) == "Macao AEO \ufffd trade"
    event, out = call_raw(url, "search", "Macao \ud800", "", "", "")
    assert event == "complete" and "ok-msg" in out[0] and MACAO in out[1], out
    event, out = call_raw(url, "check", "Trade was US$4.36 billion in 2022 \ud800.")
    assert event == "complete" and "verified" in out[0], out


def test_an_oversized_draft_is_refused_with_a_reason(url: str) -> None:
    out = client(url).predict("US$4.36 billion. " * 18_000, api_name="/check")
    assert "error-msg" in out and "too long" in out and "200,000" in out


def test_search_accepts_partner_aliases_and_says_what_a_date_range_leaves_out(url: str, assistant: Assistant) -> None:
    c = client(url)
    note, results, _, _ = c.predict("AEO mutual recognition", "Macau", "", "", api_name="/search")
    assert "naming Macao" in note and MACAO in results and SERBIA not in results
    undated = [d.source for d in assistant.bulletins() if not (d.date and d.date.year)]
    assert len(undated) >= 2  # the bundled bulletins give no year
    note, results, _, _ = c.predict("AEO mutual recognition", "", "2000-01-01", "", api_name="/search")
    assert f"{len(undated)} bulletins without a known year are not shown" in note, note
    note, _, _, _ = c.predict("AEO mutual recognition", "Serbai", "2000-01-01", "", api_name="/search")
    assert "naming Serbia" in note and "1 bulletin without a known year is not shown" in note, note
    note, facts, *_ = c.predict("Macau", "", api_name="/facts")
    assert "ok-msg" in note and facts["data"]
    note, *_ = c.predict("Atlantis", "", api_name="/facts")
    assert "error-msg" in note and "unknown partner" in note
