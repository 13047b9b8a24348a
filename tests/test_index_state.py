"""Every answer and every eval run records which bulletins (and versions) it was read from (issue 12, item 5)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.cli import main
from assistant.index_state import index_state
from conftest import BULLETINS, MACAO, MACAO_Q, URUGUAY


def test_fingerprint_is_order_free_and_names_versions() -> None:
    a, b = SimpleNamespace(source="a.txt", doc_id="1"), SimpleNamespace(source="b.txt", doc_id="2")
    assert index_state(3, [a, b]).fingerprint == index_state(9, [b, a]).fingerprint
    changed = SimpleNamespace(source="b.txt", doc_id="3")  # same file, new text
    assert index_state(3, [a, changed]).fingerprint != index_state(3, [a, b]).fingerprint
    assert index_state(3, [a]).to_json() == {"fingerprint": index_state(0, [a]).fingerprint, "bulletins": 1,
                                             "generation": 3}


def test_ask_json_and_eval_run_json_carry_the_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    assert main(["--home", home, "ingest", str(BULLETINS), "--json"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "ask", MACAO_Q, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["index"]
    assert first["bulletins"] == 2 and len(first["fingerprint"]) == 12

    extra = tmp_path / "uruguay.txt"
    extra.write_text(URUGUAY, encoding="utf-8")
    assert main(["--home", home, "ingest", str(extra), "--json"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "ask", MACAO_Q, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)["index"]
    assert second["bulletins"] == 3 and second["fingerprint"] != first["fingerprint"]
    assert second["generation"] > first["generation"]

    gold = tmp_path / "mini.jsonl"
    gold.write_text(json.dumps({"id": "m", "question": MACAO_Q, "expected": {"facts": [["4.36 billion"]]},
                                "sources": [MACAO], "answerable": True, "type": "figure"}) + "\n", encoding="utf-8")
    report = tmp_path / "report"
    assert main(["--home", home, "eval", str(gold), "--report", str(report), "--no-checker", "--no-progress",
                 "--resamples", "20", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    run = json.loads((report / "run.json").read_text(encoding="utf-8"))
    assert run["index"]["fingerprint"] == second["fingerprint"] and run["index"]["changed_during_run"] is False
    assert printed["index"] == run["index"]
    assert f"Index: {second['fingerprint']} (3 bulletins" in (report / "report.md").read_text(encoding="utf-8")
    assert second["fingerprint"] in (report / "report.html").read_text(encoding="utf-8")
