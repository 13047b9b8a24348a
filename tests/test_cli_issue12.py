"""Issue 12's command-line items through the real CLI (``python -m assistant``): the gate is printed only when one
was asked for, dates are read by the one rule the app uses too, and answers that must not borrow a benefit list
or a bulletin's line breaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from conftest import MACAO, MACAO_Q

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "chromadb", "gradio", "llama_index.core", "sentence_transformers")
# main() in a fresh interpreter; after it returns (or argparse exits), which heavy libraries it imported.
PROBE = ("import json, sys\nfrom assistant.cli import main\ntry:\n    rc = main(sys.argv[1:])\n"
         "except SystemExit as exc:\n    rc = exc.code\n"
         f"print(json.dumps({{'rc': rc, 'loaded': [m for m in {HEAVY!r} if m in sys.modules]}}))")


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "CUSTOMS_ASSISTANT_HOME": str(home), "PYTHONPATH": str(ROOT)}


def cli(args: list[str], home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m assistant ARGS`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          env=env(home), cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def home(seeded: Assistant) -> Path:
    return Path(seeded.settings.home)


def test_eval_prints_a_gate_only_when_one_was_asked_for(home: Path, tmp_path: Path) -> None:
    items = [{"id": "macao-trade", "question": MACAO_Q, "expected": {"facts": [["4.36 billion"]]},
              "sources": [MACAO], "answerable": True, "type": "figure"},
             {"id": "steel", "question": "What is the import tariff on steel in Brazil?", "answerable": False,
              "type": "unanswerable"}]
    gold = tmp_path / "two.jsonl"
    gold.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    common = ["eval", str(gold), "--no-progress", "--no-checker", "--resamples", "50"]

    plain = cli([*common, "--report", str(tmp_path / "plain")], home)
    assert plain.returncode == 0, plain.stderr
    assert "pass_rate" in plain.stdout and "Gate" not in plain.stdout, plain.stdout  # no threshold, no verdict
    run = json.loads((tmp_path / "plain" / "run.json").read_text(encoding="utf-8"))
    assert run["gate"] is None
    for report in ("report.md", "report.html"):
        assert "Gate" not in (tmp_path / "plain" / report).read_text(encoding="utf-8")

    gated = cli([*common, "--min", "pass_rate=0.5"], home)
    assert gated.returncode == 0 and "Gate: PASS" in gated.stdout, gated.stdout + gated.stderr
    failed = cli([*common, "--min", "pass_rate=1.01", "--json"], home)
    assert failed.returncode == 1 and json.loads(failed.stdout)["gate"]["passed"] is False, failed.stdout


def probe(args: list[str], home: Path) -> tuple[dict[str, object], str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env(home),
                          cwd=ROOT, timeout=120)
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


@pytest.mark.parametrize("day", ["20240503", "2024W181", "2024-5-3", "03/05/2024", "2024-02-30"])
def test_a_date_is_read_by_the_one_rule_the_app_uses(day: str, tmp_path: Path, seeded: Assistant) -> None:
    """`search --since` refuses what the app's From box refuses, with the same words, before any model loads
    (Python's own date.fromisoformat takes '20240503' and the ISO week '2024W181', which the app refuses)."""
    from ui.app import App

    shown = App(seeded).search("AEO", "", day, "")[0]
    assert "error-msg" in shown, shown
    app_words = shown.split("From ", 1)[1].split("<", 1)[0]  # the reason, without the box's name
    result, err = probe(["search", "AEO", "--since", day], tmp_path)
    assert result == {"rc": 2, "loaded": []}, err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2, err
    assert app_words.replace("&#x27;", "'") in err, (app_words, err)


def test_a_valid_date_is_taken_by_the_cli(home: Path) -> None:
    proc = cli(["search", "AEO arrangement", "--since", "2000-01-01", "--until", "2030-12-31", "-k", "3", "--json"],
               home)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["since"] == "2000-01-01" and out["until"] == "2030-12-31"


def test_answers_do_not_borrow_a_benefit_list_or_a_line_break(home: Path) -> None:
    questions = ["Do I need to apply separately to get Serbian benefits?",
                 "How many countries and regions has China Customs achieved AEO mutual recognition with?"]
    proc = cli(["ask", "--batch", "-", "--json"], home, stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    separate, count = (json.loads(line) for line in proc.stdout.splitlines())
    # the bulletins do not say whether a separate application is needed: say that, not the list of benefits
    said = separate["answer"].split(" Closest announcements: ")[0]
    assert "appl" in said.lower(), separate["answer"]
    assert separate["status"] == "not_found" or said.startswith("The bulletin says"), separate["answer"]
    assert "inspection" not in said.lower(), separate["answer"]
    # a quote that runs over a line break in the bulletin reads as one line
    assert count["status"] == "answered" and "\n" not in count["answer"], count["answer"]
    assert any("\n" in c["quote"] for c in count["citations"]), count["citations"]  # the span itself is exact
