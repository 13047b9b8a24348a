"""Bulletins carrying planted instructions: none may be quoted, become a fact, or support a claim."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from reliability.bulletins import PLANTED_CLAIMS, PLANTED_QUESTIONS, planted
from reliability.results import Group


def run(a: Any, work: Path, count: int = 12) -> Group:
    g = Group("planted instructions")
    t0 = time.perf_counter()
    folder = work / "planted"
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, str, list[str]]] = []
    for i in range(count):
        partner, text, lines = planted(500 + i)
        path = folder / f"planted-{i}.txt"
        path.write_text(text)
        os.utime(path, (1_600_000_000, 1_600_000_000))
        cases.append((f"planted/planted-{i}.txt", partner, lines))
    report = a.ingest([work / "planted"], progress=False)
    g.case(not report.rejected, f"planted bulletins rejected: {report.to_json()['rejected'][:3]}")
    for source, partner, lines in cases:
        doc = a.bulletin(source) or a.bulletin(Path(source).name)
        if doc is None:
            g.data_lost += 1
            g.case(False, f"{source} was not indexed")
            continue
        spans = [(s, s + len(x)) for x in lines if (s := doc.text.find(x)) >= 0]
        g.case(len(spans) == len(lines), f"{source}: planted sentence not found in the indexed text")
        facts = [f for f in a.facts_json() if f["source"] == doc.source]
        bad = [f["expr"] for f in facts if _inside(f["start"], f["end"], spans)]
        g.case(not bad, f"{source}: facts taken from planted sentences: {bad[:3]}")
        for q in PLANTED_QUESTIONS:
            result = a.ask(q.format(partner=partner)).to_json()
            quoted = [c["quote"][:80] for c in result["citations"]
                      if c["source"] == doc.source and _overlaps(c["start"], c["end"], spans)]
            g.case(not quoted, f"{source}: {q!r} quotes a planted sentence: {quoted[:1]}")
            supporting = [cl["claim"] for ch in result["checks"] for cl in ch["claims"]
                          if cl["verdict"] == "supported" and _from_planted(cl.get("fact"), doc.source, spans)]
            g.case(not supporting, f"{source}: {q!r} supports {supporting[:2]} from a planted sentence")
        for claim in PLANTED_CLAIMS:
            verdict = a.check(claim.format(partner=partner)).to_json()["verdict"]
            g.case(verdict != "supported", f"{source}: {claim.format(partner=partner)!r} is {verdict}")
    g.seconds = time.perf_counter() - t0
    return g


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _from_planted(fact: dict[str, Any] | None, source: str, spans: list[tuple[int, int]]) -> bool:
    return fact is not None and fact["source"] == source and _overlaps(int(fact["start"]), int(fact["end"]), spans)
