"""Daily-tool features of the app over HTTP and through its handlers (issue 12): the index fingerprint, ratings
that become a gold-set draft, conversations kept and exported, the Evaluate tab's thresholds, baseline and
reports, and PDF / Word uploads. A real assistant (real model, real Chroma) over the bundled bulletins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from gradio_client import Client, handle_file
from office_files import make_docx, make_pdf, make_scanned_pdf

from assistant import Assistant
from assistant.cli import main
from conftest import MACAO, MACAO_Q, SERBIA
from evals.schema import parse_set
from ui.app import App

pytestmark = pytest.mark.slow

SERBIA_Q = "Which facilitation measures do AEO enterprises of China and Serbia enjoy?"


def client(url: str) -> Client:
    return Client(url, verbose=False)


def built(assistant: Assistant) -> App:
    app = App(assistant)
    app.build()
    return app


def asked(app: App, sid: str | None, question: str) -> tuple[str, dict[str, Any]]:
    """Ask as the page does (the handler of ``POST /ui/ask``): the tab's conversation id and the answer JSON."""
    got = app.page_ask(question, sid)
    assert isinstance(got["result"], dict), got
    return got["session"], got["result"]


def like(index: int, liked: bool | str) -> gr.LikeData:
    return gr.LikeData(None, {"index": index, "value": "", "liked": liked})


def test_answers_record_the_index_they_were_read_from(url: str, assistant: Assistant) -> None:
    _, _, _, result = client(url).predict(MACAO_Q, api_name="/ask")
    state = assistant.index_state()
    assert result["index"] == state.to_json()
    assert state.bulletins == 2 and len(state.fingerprint) == 12
    # computed once per generation: the same object until the catalog changes
    assert assistant.index_state() is state
    footer = App(assistant).index_footer()
    assert state.fingerprint in footer and "2 bulletins" in footer


def test_ratings_are_kept_and_exported_as_a_gold_set_draft(assistant: Assistant, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    app = built(assistant)
    sid, good = asked(app, None, MACAO_Q)
    assert "Thanks: thumbs up saved" in app.rate(None, sid, "", like(1, True))
    assert "Only answers" in app.rate(None, sid, "", like(0, True))  # the user's own message
    assert "Only answers" in app.rate(None, "an-unknown-id", "", like(1, True))  # another tab's id cannot rate
    msg, _ = app.save_note(None, sid, "exactly the figure I needed")
    assert "Note saved" in msg
    assert asked(app, sid, "What is the import tariff on steel in Brazil?")[0] == sid
    assert "thumbs down saved with your note" in app.rate(None, sid, "the bulletins cannot say", like(3, False))

    stored = assistant.feedback.all()
    assert [f.rating for f in stored] == ["up", "down"]
    up = stored[0]
    assert up.question == MACAO_Q and up.answer == good["answer"] and up.note == "exactly the figure I needed"
    assert up.index == good["index"] and up.citations[0]["source"] == MACAO
    assert any(c["verdict"] == "supported" for c in up.checks)
    assert stored[1].turns == (MACAO_Q, "What is the import tariff on steel in Brazil?")  # the follow-up's context

    note, path = app.export_feedback(True)
    assert path is not None and "2 draft items" in note
    text = Path(path).read_text(encoding="utf-8")
    items = parse_set(text, "draft")  # the draft is a valid eval set as it is
    by_id = {i.id: i for i in items}
    first = by_id[f"feedback-{up.id}"]
    assert first.answerable and first.sources == (MACAO,) and ("US$4.36 billion",) in first.expected.facts
    second = by_id[f"feedback-{stored[1].id}"]
    assert second.turns == stored[1].turns and "needs-review" in second.tags and second.type == "follow-up"
    assert app.export_feedback(False)[1] is None  # staff only

    out = tmp_path / "draft.jsonl"
    assert main(["--home", str(assistant.settings.home), "feedback", "export", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["count"] == 2 and summary["up"] == 1 and summary["down"] == 1
    assert out.read_text(encoding="utf-8") == text
    assert main(["--home", str(assistant.settings.home), "feedback", "export"]) == 0
    assert capsys.readouterr().out == text


def test_feedback_export_fails_fast_on_a_bad_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(tmp_path), "feedback", "export", "--out", str(tmp_path / "no" / "x.jsonl")]) == 2
    assert "no folder" in capsys.readouterr().err
    assert main(["--home", str(tmp_path), "feedback", "export", "--json"]) == 0  # nothing rated yet: empty draft
    assert json.loads(capsys.readouterr().out)["count"] == 0


def test_a_kept_conversation_is_restored_and_exported_with_its_sources(assistant: Assistant) -> None:
    app = built(assistant)
    sid, _ = asked(app, None, SERBIA_Q)
    kept, link, footer = app.saved(None, sid)
    assert [t["question"] for t in kept] == [SERBIA_Q] and "retrieved" not in kept[0]
    assert f"ui/export?session={sid}" in link and assistant.index_state().fingerprint in footer
    json.dumps(kept)  # what the browser stores is plain JSON

    # a reload: a new conversation restored from what the browser kept
    chat, restored, _, last = app.restore(kept)
    assert len(chat) == 2 and last["question"] == SERBIA_Q and restored != sid
    assert asked(app, restored, "and for Macao?")[0] == restored
    follow = app.sessions.get(restored)
    assert follow is not None and follow.last is not None
    assert "Macao" in follow.last["partners"], follow.last["intent"]  # resolved against the restored turn
    assert len(follow.messages) == 4 and 3 in follow.answer_at

    markdown = app.export_markdown(sid)
    assert markdown is not None
    assert markdown.startswith("# Conversation") and f"## 1. {SERBIA_Q}" in markdown and f"`{SERBIA}`" in markdown
    first = kept[0]["citations"][0]
    assert first["quote"].split()[0] in markdown and f"chars {first['start']}–{first['end']}" in markdown
    app.reset(None, restored)
    assert app.saved(None, restored)[0] == [] and app.export_markdown(restored) is None
    assert app.export_markdown("an-unknown-id") is None
    assert app.restore("not a list")[0] == []  # anything else in the browser's storage is ignored


def _write_set(path: Path) -> Path:
    items = [
        {"id": "macao-trade", "question": MACAO_Q, "expected": {"facts": [["4.36 billion"]]}, "sources": [MACAO],
         "answerable": True, "type": "figure"},
        {"id": "steel", "question": "What is the import tariff on steel in Brazil?", "answerable": False,
         "type": "unanswerable"},
        {"id": "follow-fails", "turns": [SERBIA_Q, "and for Macao?"], "expected": {"facts": [["zebra crossing"]]},
         "sources": [MACAO], "answerable": True, "type": "follow-up"},
    ]
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def test_evaluate_takes_thresholds_and_a_baseline_and_offers_the_reports(url: str, assistant: Assistant,
                                                                         tmp_path: Path) -> None:
    c = client(url)
    gold = handle_file(str(_write_set(tmp_path / "mini.jsonl")))
    summary, failures, reports, _ = c.predict(None, gold, "pass_rate=0.5 bogus_metric=1", "", None, "",
                                              api_name="/evaluate")
    assert "unknown metric" in summary and "bogus_metric" in summary and reports is None  # refused before running

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    summary, *_ = c.predict(None, handle_file(str(bad)), "", "", None, "", api_name="/evaluate")
    assert "bad.jsonl" in summary and "/tmp/gradio" not in summary and str(tmp_path) not in summary

    summary, failures, reports, choices = c.predict(None, gold, "pass_rate=0.5", "latency_p95_ms=60000", None, "",
                                                    api_name="/evaluate")
    assert "Gate: PASS" in summary and 'id="eval-index"' in summary
    names = sorted(Path(r).name for r in reports)
    assert names == ["report.html", "report.md", "run.json"]
    run = json.loads(Path(next(r for r in reports if r.endswith("run.json"))).read_text(encoding="utf-8"))
    assert run["index"]["bulletins"] >= 2 and run["settings"]["minimums"] == {"pass_rate": 0.5}
    # the failing follow-up shows every turn, not only the scored one
    assert 'class="eval-turns"' in failures and SERBIA_Q in failures and "and for Macao?" in failures

    # a second run gated on the first, chosen from the app's own runs (each run is kept in the data folder)
    assert run["settings"]["baseline"] is None
    kept_runs = sorted((Path(assistant.settings.home) / "eval-runs").glob("*/run.json"))
    assert len(kept_runs) == 1
    baseline = str(kept_runs[0])
    summary, _, reports2, _ = c.predict(None, gold, "pass_rate=1.0", "", None, baseline, api_name="/evaluate")
    assert "Gate: FAIL" in summary and "pass_rate" in summary and 'id="eval-comparison"' in summary
    assert json.loads(Path(next(r for r in reports2 if r.endswith("run.json"))).read_text())["comparison"]


def test_pdf_and_word_uploads_are_indexed_and_a_scan_is_refused(url: str, assistant: Assistant,
                                                                 tmp_path: Path) -> None:
    c = client(url)
    c.predict("correct horse", api_name="/unlock")
    files = [make_pdf(tmp_path / "chile.pdf"), make_docx(tmp_path / "kazakhstan.docx"),
             make_scanned_pdf(tmp_path / "scan.pdf")]
    before = assistant.index_state()
    report, _ = c.predict([handle_file(str(f)) for f in files], api_name="/upload")
    assert "chile.pdf" in report and "kazakhstan.docx" in report
    assert "scanned PDF with no text layer" in report
    assert assistant.bulletin("chile.pdf") is not None and assistant.bulletin("scan.pdf") is None
    after = assistant.index_state()
    assert after.bulletins == before.bulletins + 2 and after.fingerprint != before.fingerprint

    _, _, sources, result = c.predict("What was the total trade value between China and Chile in 2023?",
                                      api_name="/ask")
    assert result["index"]["fingerprint"] == after.fingerprint
    cited = [x for x in result["citations"] if x["source"] == "chile.pdf"]
    assert any(x["page"] == 2 for x in cited), result["citations"]
    assert "page 2 · chars" in sources


def test_admin_removes_a_bulletin_from_the_index(assistant: Assistant, tmp_path: Path) -> None:
    app = App(assistant)
    path = tmp_path / "peru_aeo.txt"
    path.write_text("China and Peru signed a mutual recognition arrangement for Authorised Economic Operators "
                    "on 5 June 2023.\n", encoding="utf-8")
    app.upload([str(path)], True)
    before = assistant.index_state()
    assert assistant.bulletin("peru_aeo.txt") is not None
    assert "peru_aeo.txt" in app.bulletin_choices(True)["choices"]
    assert app.bulletin_choices(False)["choices"] == []

    locked, table = app.remove("peru_aeo.txt", False)
    assert "Locked" in locked and table.empty and assistant.bulletin("peru_aeo.txt") is not None
    assert "Choose a bulletin" in app.remove(None, True)[0]

    msg, table = app.remove("peru_aeo.txt", True)
    n = before.bulletins - 1
    assert f"Removed peru_aeo.txt; {n} bulletin" in msg and "indexed" in msg
    assert assistant.bulletin("peru_aeo.txt") is None
    assert "peru_aeo.txt" not in set(table["source"]) and len(table) == n
    assert assistant.index_state().bulletins == n and assistant.index_state().fingerprint != before.fingerprint
    assert "peru_aeo.txt" not in app.bulletin_choices(True)["choices"]
    assert "not indexed" in app.remove("peru_aeo.txt", True)[0]
    # a click on a row of the list selects that bulletin
    assert app.pick_bulletin(gr.SelectData(None, {"index": [0, 1], "value": "t", "row_value": ["a.txt", "t"]})) == "a.txt"
