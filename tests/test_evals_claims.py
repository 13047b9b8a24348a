"""The claims scorer: verdicts from `check --batch --json` compared with a claims set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.claims import ClaimsError, load_claims, main, score


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_score_counts_each_verdict_and_lists_the_misjudged(tmp_path: Path) -> None:
    claims = _write(tmp_path / "c.jsonl", [
        {"id": "a", "text": "Ruritania signed on 2 May 2024.", "verdict": "supported"},
        {"id": "b", "text": "Ruritania signed on 3 May 2024.", "verdict": "contradicted"},
        {"id": "c", "text": "Ruritania has 40 AEOs.", "verdict": "stale"},
    ])
    result = score(load_claims(claims), [{"verdict": "supported"}, {"verdict": "unsupported"}, {"verdict": "stale"}])
    assert (result["correct"], result["n"]) == (2, 3)
    assert result["by_verdict"]["contradicted"]["correct"] == 0
    assert [w["id"] for w in result["wrong"]] == ["b"]


def test_bad_lines_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "verdict": "maybe"}\n', encoding="utf-8")
    with pytest.raises(ClaimsError, match=r"bad.jsonl:1"):
        load_claims(bad)


def test_main_gates_on_accuracy(tmp_path: Path) -> None:
    claims = _write(tmp_path / "c.jsonl", [{"text": "One.", "verdict": "supported"}])
    out = _write(tmp_path / "o.jsonl", [{"verdict": "contradicted"}])
    assert main([str(claims), str(out), "--min", "0.5"]) == 1
    assert main([str(claims), str(out)]) == 0
    assert main([str(claims), str(tmp_path / "missing.jsonl")]) == 2
