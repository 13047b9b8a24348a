"""The suite's table on stdout and in ``out/reliability/`` as JSON and Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reliability.results import Group

HEADERS = ["case group", "cases", "failures", "tracebacks", "inconsistent stores", "data lost", "p50 / p95",
           "slowest case", "time"]


def rows(groups: list[Group]) -> list[list[str]]:
    out = []
    for g in groups:
        lat = f"{g.p50_ms:.0f} / {g.p95_ms:.0f} ms" if g.p95_ms is not None and g.p50_ms is not None else "–"
        slow = f"{g.max_s:.1f} s" if g.max_s is not None else "–"
        out.append([g.name, str(g.cases), str(g.failures), str(g.tracebacks), str(g.inconsistent), str(g.data_lost),
                    lat, slow, f"{g.seconds:.0f} s"])
    total = [sum(int(r[i]) for r in out) for i in range(1, 6)]
    out.append(["**total**", *[str(t) for t in total], "", "", f"{sum(g.seconds for g in groups):.0f} s"])
    return out


def markdown(groups: list[Group]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join(["---"] + ["---:"] * (len(HEADERS) - 1)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows(groups)]
    return "\n".join(lines)


def text_table(groups: list[Group]) -> str:
    table = [HEADERS, *[[c.replace("**", "") for c in r] for r in rows(groups)]]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADERS))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                     for r in table)


def failures_text(groups: list[Group]) -> str:
    """Every group's notes, then every failure: failures last, so a log's tail (all CI keeps) shows them."""
    notes = [f"  ({g.name}) {n}" for g in groups for n in g.notes]
    failures = [f"- {g.name}: {e}" for g in groups for e in g.examples]
    return "\n".join(notes + failures)


def write(out_dir: Path, groups: list[Group], meta: dict[str, Any]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"meta": meta, "groups": [g.to_json() for g in groups],
            "ok": all(g.failures == 0 and g.inconsistent == 0 and g.data_lost == 0 for g in groups)}
    (out_dir / "reliability.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    md = [f"# Reliability suite\n\n{meta.get('machine', '')}; seed {meta.get('seed')}; "
          f"{meta.get('seconds', 0):.0f} s in all.\n", markdown(groups), "", "## Failures and notes", "",
          failures_text(groups) or "none"]
    (out_dir / "reliability.md").write_text("\n".join(md) + "\n")
