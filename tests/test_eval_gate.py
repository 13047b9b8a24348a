"""The gold set against the real assistant, with the thresholds a change must keep to land."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from conftest import BULLETINS

# Thresholds CI holds the assistant to on evals/sets/seed.jsonl (README "Evaluation" shows current scores).
GATE = ["pass_rate=0.9", "hit@5=0.95", "citation_precision=0.95", "refusal_accuracy=0.9",
        "numeric_accuracy=0.9", "fact_recall=0.85", "checker_control=0.9", "checker_accuracy=0.8"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> str:
    h = str(tmp_path_factory.mktemp("eval-home"))
    assert main(["ingest", str(BULLETINS), "--home", h, "-q"]) == 0
    return h


def test_gold_set_passes_gate_and_is_deterministic(home: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "first"
    args = ["eval", "seed", "--home", home, "--report", str(first), "--no-progress"]
    for threshold in GATE:
        args += ["--min", threshold]
    code = main(args)
    out = capsys.readouterr().out
    assert code == 0, out
    for name in ("run.json", "report.md", "report.html"):
        assert (first / name).stat().st_size > 0
    run = json.loads((first / "run.json").read_text())
    assert run["gate"]["passed"] is True

    second = tmp_path / "second"
    assert main(["eval", "seed", "--home", home, "--report", str(second), "--no-progress",
                 "--baseline", str(first / "run.json")]) == 0
    again = json.loads((second / "run.json").read_text())
    stable = {k: v for k, v in run["summary"].items() if not k.startswith("latency")}
    assert {k: v for k, v in again["summary"].items() if not k.startswith("latency")} == stable
    comparison = again["comparison"]
    assert comparison["pass_to_fail"] == [] and comparison["fail_to_pass"] == []
    assert not any(m["significant_regression"] for m in comparison["metrics"].values())


def test_gate_fails_on_unreachable_threshold(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "seed", "--home", home, "--no-progress", "--no-checker", "--min", "pass_rate=1.01"]) == 1
    capsys.readouterr()


def test_malformed_set_is_reported_by_line(home: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q?", "answerable": true, "type": "figure"}\nnot json\n', "utf-8")
    assert main(["eval", str(bad), "--home", home, "--no-progress"]) == 2
    assert "line 2" in capsys.readouterr().err + capsys.readouterr().out
