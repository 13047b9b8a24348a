"""Runner, reports and the command, driven by canned (fake) ask/check functions: these test the harness."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from evals import add_arguments, execute, load_set, run_eval
from evals.report import load_item_scores, run_to_dict, to_html, to_markdown, write_reports
from evals.runner import normalise_checks
from evals.schema import parse_set
from evals.stats import summarise

SET = "\n".join(json.dumps(x) for x in [
    {"id": "fig", "question": "How much was trade?", "expected": {"answer": "US$4.36 billion in 2022.",
     "facts": [["4.36 billion"]]}, "numbers": [{"value": 4.36e9, "unit": "USD", "tolerance": 0.005}],
     "sources": ["m.txt"], "answerable": True, "type": "figure"},
    {"id": "fu", "turns": ["When signed?", "and benefits?"], "expected": {"facts": [["liaison"]]},
     "sources": ["m.txt"], "answerable": True, "type": "follow-up"},
    {"id": "un", "question": "Tariff <rate>?", "expected": {}, "sources": [], "answerable": False, "type": "unanswerable"},
])

EVIL = "<script>alert('x')</script>"


def answer(text: str, status: str = "answered", quote: str = "") -> dict[str, Any]:
    return {"question": "q", "status": status, "answer": text,
            "citations": [{"n": 1, "source": "m.txt", "doc_id": "d", "title": "T", "date": None, "quote": quote,
                           "start": 0, "end": 1}] if status == "answered" else [],
            "checks": [{"text": text, "verdict": "supported", "claims": [{"claim": EVIL, "verdict": "supported"}]}],
            "retrieved": [{"source": "m.txt", "doc_id": "d", "score": 0.9}], "timings_ms": {"total": 5.0}}


class FakeAssistant:
    """Canned answers keyed by the last turn; records every conversation it was given."""

    def __init__(self, overrides: dict[str, dict[str, Any]] | None = None) -> None:
        self.calls: list[list[str]] = []
        self.answers = {
            "How much was trade?": answer("US$4.36 billion in 2022 [1].", quote="US$4.36 billion in 2022"),
            "and benefits?": answer(f"A liaison officer. {EVIL}"),
            "Tariff <rate>?": answer("", status="not_found"),
        } | (overrides or {})

    def __call__(self, turns: list[str]) -> dict[str, Any]:
        self.calls.append(list(turns))
        if turns[-1] == "boom":
            raise RuntimeError("assistant down")
        return self.answers[turns[-1]]


def checker(text: str) -> dict[str, Any]:
    return {"text": text, "verdict": "supported" if "4.36" in text and "2022" in text else "contradicted", "claims": []}


def test_run_eval_passes_all_turns_and_scores() -> None:
    items = parse_set(SET)
    fake = FakeAssistant()
    run = run_eval(items, fake, checker, k=3, progress=False)
    assert fake.calls == [["How much was trade?"], ["When signed?", "and benefits?"], ["Tariff <rate>?"]]
    assert [r.passed for r in run.items] == [True, True, True]
    assert "hit@3" in run.items[0].scores
    assert [c.ok for c in run.counterfactuals] == [True, True, True]  # control + 4.36e9 + 2022 altered


def test_ask_failure_is_recorded_not_raised() -> None:
    items = parse_set(SET.replace("How much was trade?", "boom"))
    run = run_eval(items, FakeAssistant(), None, progress=False)
    first = run.items[0]
    assert not first.passed and first.error == "RuntimeError: assistant down"
    assert first.reasons == ("ask failed: RuntimeError: assistant down",)
    assert run.counterfactuals == () and run.items[2].passed


def test_normalise_checks_tolerates_shapes() -> None:
    assert normalise_checks(None) == []
    assert normalise_checks({"text": "t", "verdict": "supported"}) == [{"text": "t", "verdict": "supported", "claims": []}]
    bare = normalise_checks([{"claim": "43", "verdict": "contradicted"}, "junk"])
    assert bare[0]["verdict"] == "contradicted" and bare[0]["claims"][0]["claim"] == "43"


def _data(tmp_path: Path, overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    run = run_eval(parse_set(SET), FakeAssistant(overrides), checker, progress=False, set_name="t")
    return run_to_dict(run, summarise(run, resamples=50), gate_failures=["pass_rate = 0.5 is below the minimum 0.9"])


def test_reports_written_and_escaped(tmp_path: Path) -> None:
    data = _data(tmp_path, {"and benefits?": answer(f"Nothing useful {EVIL}")})
    paths = write_reports(tmp_path / "out", data)
    assert sorted(p.name for p in paths.values()) == ["report.html", "report.md", "run.json"]
    loaded = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert loaded["items"][1]["result"]["answer"].endswith(EVIL)  # raw in JSON
    assert loaded["items"][1]["reasons"] == ["missing fact: none of ['liaison']"]
    assert loaded["counts"] == {"items": 3, "passed": 2, "failed": 1, "errors": 0, "counterfactuals": 3}
    assert set(loaded["by_type"]) == {"figure", "follow-up", "unanswerable"}

    html = paths["html"].read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html and "Tariff &lt;rate&gt;?" in html
    assert "<svg" in html and "<details" in html and "<style>" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "<link" not in html and "src=" not in html

    md = paths["markdown"].read_text(encoding="utf-8")
    assert "| pass_rate | 0.667 |" in md and "**Gate: FAIL**" in md
    assert "**fu** (follow-up): When signed? → and benefits?" in md and "missing fact" in md
    assert "<script" not in md

    scores = load_item_scores(paths["json"])
    assert scores["fig"]["pass"] == 1.0 and scores["fu"]["pass"] == 0.0


def test_html_and_markdown_render_from_data_only(tmp_path: Path) -> None:
    data = _data(tmp_path)
    assert to_html(data).startswith("<!DOCTYPE html>")
    assert "## Metrics" in to_markdown(data)


# --- the command -------------------------------------------------------------------------------------

def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args([*argv, "--no-progress"])


def test_execute_pass_gate_and_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_path = tmp_path / "s.jsonl"
    set_path.write_text(SET, encoding="utf-8")
    out = tmp_path / "base"
    assert execute(_args(str(set_path), "--report", str(out), "--min", "pass_rate=1", "--max", "latency_p95_ms=100"),
                   FakeAssistant(), checker) == 0
    assert (out / "report.html").exists()
    capsys.readouterr()

    worse = FakeAssistant({"How much was trade?": answer("No idea.", status="not_found"),
                           "and benefits?": answer("Nothing.")})
    code = execute(_args(str(set_path), "--baseline", str(out / "run.json"), "--json", "--resamples", "200"), worse, checker)
    summary = json.loads(capsys.readouterr().out)
    assert summary["summary"]["pass_rate"]["value"] == pytest.approx(1 / 3)
    assert summary["comparison"]["pass_to_fail"] == ["fig", "fu"]
    assert code == 1 and summary["gate"]["passed"] is False

    assert execute(_args(str(set_path), "--min", "pass_rate=0.5"), worse, checker) == 1


def test_execute_bad_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(SET + "\n{oops\n", encoding="utf-8")
    fake = FakeAssistant()
    assert execute(_args(str(bad)), fake, checker) == 2
    assert "line 4: bad JSON" in capsys.readouterr().err
    assert fake.calls == []  # nothing partial ran
    good = tmp_path / "good.jsonl"
    good.write_text(SET, encoding="utf-8")
    assert execute(_args(str(good), "--min", "pass_rate"), fake, checker) == 2
    assert execute(_args(str(good), "--baseline", str(tmp_path / "missing.json")), fake, checker) == 2
    assert fake.calls == []


def test_seed_runs_through_an_oracle(capsys: pytest.CaptureFixture[str]) -> None:
    """Canned gold answers (cited to gold sources) pass every seed item: the harness and set agree."""
    items = load_set("seed")
    by_question = {it.turns: it for it in items}

    def oracle(turns: list[str]) -> dict[str, Any]:
        it = by_question[tuple(turns)]
        if not it.answerable:
            return {"status": "not_found", "answer": "", "citations": [], "timings_ms": {"total": 1.0},
                    "retrieved": [{"source": s} for s in it.sources]}
        cites = [{"source": s, "quote": it.expected.answer or ""} for s in it.sources]
        return {"status": "answered", "answer": it.expected.answer or "", "citations": cites,
                "retrieved": [{"source": s} for s in it.sources], "timings_ms": {"total": 2.0}}

    run = run_eval(items, oracle, lambda t: {"verdict": "contradicted"}, progress=False)
    s = summarise(run, resamples=50)
    assert s["pass_rate"].value == 1.0 and s["hit@5"].value == 1.0 and s["quote_support"].value == 1.0
    assert s["refusal_precision"].value == 1.0 and s["refusal_recall"].value == 1.0
    assert s["checker_accuracy"].value == 1.0 and s["checker_control"].value == 0.0
    assert len(run.counterfactuals) > 20
