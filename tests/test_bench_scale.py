"""The scale benchmark's generator and harness: deterministic invented bulletins, and the JSON the harness writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import scale
from bench.generate import ECONOMIES, MAX_BYTES, MIN_BYTES, generate, register_economies, workload
from corpus.partners import find_mentions, fuzzy


def test_invented_economies_are_not_real_ones() -> None:
    """The gazetteer must not recognise, even fuzzily, any invented economy as a real one."""
    invented = {e.name for e in ECONOMIES}  # other tests may have registered them in this process
    for e in ECONOMIES:
        text = f"{e.name} and {e.city} and the {e.administration}"
        assert [m.name for m in find_mentions(text) if m.name not in invented] == [], e
        assert fuzzy(e.name) in (None, e.name), e.name


def test_generator_is_deterministic_and_has_the_promised_shapes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 40, seed=3)
    assert generate(tmp_path / "b", 40, seed=3) == a
    c = generate(tmp_path / "c", 40, seed=4)
    files_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files_a == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)
    assert [r.file for r in a] != [r.file for r in c] or any(
        (tmp_path / "a" / r.file).read_bytes() != (tmp_path / "c" / r.file).read_bytes() for r in a)

    texts = {r.file: (tmp_path / "a" / r.file).read_text(encoding="utf-8") for r in a}
    assert {f.rsplit(".", 1)[1] for f in texts} == {"txt", "md", "html"}
    assert all(MIN_BYTES <= len(t.encode()) < MAX_BYTES for t in texts.values())
    body = "\n".join(texts.values())
    for style in (r"\b20\d\d-\d\d-\d\d\b", r"\b\d{1,2} [A-Z][a-z]+ 20\d\d\b", r"\b[A-Z][a-z]+ \d{1,2}, 20\d\d\b",
                  r"\b\d\d/\d\d/20\d\d\b"):
        assert re.search(style, body), style
    assert re.search(r"\d+(\.\d)?%", body) and "US$" in body
    assert sum(1 for r in a if r.revises) == 10  # every fourth bulletin revises an earlier figure
    revision = next(r for r in a if r.revises)
    assert "up from" in texts[revision.file]
    follow = [r for r in a if r.follow_up_of]
    assert follow and all("entered into force" in texts[r.file] for r in follow)
    assert all(next(s for s in a if s.file == r.follow_up_of).kind == "signing" for r in follow)


def test_workload_names_partners_the_service_can_resolve(tmp_path: Path) -> None:
    from corpus.partners import resolve_partner

    records = generate(tmp_path, 30, seed=0)
    work = workload(records, questions=6, searches=2, drafts=2)
    assert len(work.ask) == 6 and len(work.check) == 2
    assert {s["mode"] for s in work.search} == {"plain", "partner", "dates", "partner_dates"}
    from corpus.partners import canonical

    assert canonical("china") == "China"  # the gazetteer's caches built before the fictional economies join
    register_economies()
    assert canonical(ECONOMIES[0].name.upper()) == ECONOMIES[0].name  # case-insensitive too: no stale cache
    for s in work.search:
        if "partner" in s:
            assert resolve_partner(s["partner"]) == s["partner"]
    # five figures per draft, two of them altered
    assert all(len(re.findall(r"\d[\d,.]*", d)) >= 5 for d in work.check)


def test_harness_writes_the_json_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = scale.main(["--n", "5", "--no-serve", "--slices", "2", "--work", str(tmp_path / "work"),
                       "--out", str(out)])
    assert code == 0
    result = json.loads((out / "scale-N5.json").read_text())
    assert result["n"] == 5 and result["corpus"]["files"] == 5
    ingest = result["ingest"]
    for side in ("ours", "vanilla"):
        assert ingest[side]["chunks"] > 0 and ingest[side]["chunks_per_s"] > 0
    assert ingest["ours"]["rejected_reasons"] == [] and ingest["ours"]["files"] == 5
    assert ingest["ratio_chunks_per_s"] == pytest.approx(
        ingest["ours"]["chunks_per_s"] / ingest["vanilla"]["chunks_per_s"], abs=1e-3)
    assert set(result["latency"]) == {"ask", "check", "search_plain", "search_partner", "search_dates",
                                      "search_partner_dates"}
    for stats in result["latency"].values():
        assert stats["n"] > 0 and 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["max_ms"]
    assert sum(result["outcomes"]["ask_status"].values()) == result["workload"]["ask"]
    assert result["outcomes"]["search_results"]["search_partner"] > 0  # the partner filter matched bulletins
    assert result["serve"]["skipped"] is True
    assert result["rss_mb"]["peak"] >= result["rss_mb"]["after_model_load"] > 0
    table = (out / "scale-N5.md").read_text()
    assert "chunks/s" in table and "| ask p50 / p95" in table
    assert table in capsys.readouterr().out


def test_the_fact_table_benchmark_measures_a_small_corpus(tmp_path: Path) -> None:
    from bench import snapshot

    assert snapshot.main(["--n", "6", "--drafts", "2", "--rounds", "1", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "snapshot-N6.json").read_text(encoding="utf-8"))
    assert result["n"] == 6 and result["facts"] > 0 and result["check_ms"]["n"] == 2
    assert result["fact_index_s"] is not None and result["supersessions_s"] >= 0
    assert "Fact-table benchmark, N=6" in (tmp_path / "snapshot-N6.md").read_text(encoding="utf-8")
