"""The web app over HTTP: a real assistant (real model, real Chroma) behind Gradio, called with gradio_client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    span = facts["headers"].index("span")
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
    summary, failures = c.predict(None, handle_file(str(path)), api_name="/evaluate")
    assert 'id="eval-metrics"' in summary and "pass_rate" in summary
    assert 'id="eval-failing"' in failures
