"""Reports of a run: run.json (everything), report.md (summary), report.html (self-contained drill-down).

The HTML has no external assets (inline CSS and SVG) so it can be attached to a CI job or mailed,
and every piece of text that came from an answer, a bulletin or the set is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from evals.metrics import Score
from evals.runner import EvalRun, ItemResult, normalise_checks
from evals.stats import Comparison, MetricSummary, by_group

FORMAT = "customs-assistant-eval-run/1"


def _num(v: float | None, digits: int = 3) -> str:
    if v is None:
        return "–"
    return f"{v:.{digits}f}" if abs(v) < 1000 else f"{v:.0f}"


def group_metrics(run: EvalRun) -> list[str]:
    k = run.k
    return ["fact_recall", "numeric_accuracy", f"hit@{k}", "citation_recall"]


def item_dict(r: ItemResult) -> dict[str, Any]:
    return {
        **r.item.to_dict(), "line": r.item.line, "result": r.result, "scores": r.scores, "passed": r.passed,
        "reasons": list(r.reasons), "error": r.error,
    }


def run_to_dict(run: EvalRun, summary: Mapping[str, MetricSummary], comparison: Comparison | None = None,
                gate_failures: Sequence[str] | None = None, settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The full run as JSON-ready data; its ``items`` double as a baseline for later comparisons."""
    gm = group_metrics(run)
    return {
        "format": FORMAT,
        "set": run.set_name,
        "k": run.k,
        "settings": dict(settings or {}),
        "counts": {"items": len(run.items), "passed": run.passed, "failed": len(run.items) - run.passed,
                   "errors": sum(1 for r in run.items if r.error), "counterfactuals": len(run.counterfactuals)},
        "summary": {name: m.to_dict() for name, m in summary.items()},
        "by_type": by_group(run, lambda r: [r.item.type], gm),
        "by_tag": by_group(run, lambda r: list(r.item.tags), gm),
        "items": [item_dict(r) for r in run.items],
        "counterfactuals": [
            {"item_id": c.case.item_id, "control": c.case.control, "original": c.case.original, "text": c.case.text,
             "figure": c.case.figure, "altered_figure": c.case.altered_figure, "verdict": c.verdict, "ok": c.ok,
             "error": c.error, "check": c.check}
            for c in run.counterfactuals
        ],
        "comparison": comparison.to_dict() if comparison else None,
        "gate": None if gate_failures is None else {"passed": not gate_failures, "failures": list(gate_failures)},
        "index": run_index(run),
    }


def run_index(run: EvalRun) -> dict[str, Any] | None:
    """The index state the answers were read from (the last answer's ``index``), with ``changed_during_run``
    when the bulletins indexed changed while the set ran (its scores then mix two indexes)."""
    states = [r.result["index"] for r in run.items if isinstance(r.result.get("index"), Mapping)]
    if not states:
        return None
    last = dict(states[-1])
    last["changed_during_run"] = any(s.get("fingerprint") != last.get("fingerprint") for s in states)
    return last


def index_line(index: Mapping[str, Any] | None) -> str:
    """One line naming the index a run read, for the reports."""
    if not index:
        return "Index: not recorded."
    note = " (it changed during the run)" if index.get("changed_during_run") else ""
    return (f"Index: {index.get('fingerprint')} ({index.get('bulletins')} bulletins, "
            f"generation {index.get('generation')}){note}.")


class RunFileError(ValueError):
    """A baseline file that is not a readable run.json."""


def load_item_scores(path: str | Path) -> dict[str, dict[str, Score]]:
    """id -> scores (with "pass") from a run.json written by ``write_reports``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunFileError(f"cannot read baseline {path}: {exc}") from exc
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RunFileError(f"baseline {path} has no 'items' list; is it a run.json from --report?")
    out: dict[str, dict[str, Score]] = {}
    for i, it in enumerate(items):
        if not isinstance(it, dict) or not isinstance(it.get("id"), str) or not isinstance(it.get("scores"), dict):
            raise RunFileError(f"baseline {path}: items[{i}] needs 'id' and 'scores'")
        scores = {k: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
                  for k, v in it["scores"].items()}
        scores["pass"] = 1.0 if it.get("passed") else 0.0
        out[it["id"]] = scores
    return out


# --- markdown ------------------------------------------------------------------------------------

def _md(text: object) -> str:
    """Table-safe and inert: pipes escaped, newlines flattened, raw HTML neutralised."""
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace("\n", " ").replace("\r", " ")


def to_markdown(data: Mapping[str, Any]) -> str:
    """Summary: metric table with CIs, pass rates per type, failing items, checker misses, comparison."""
    c = data["counts"]
    lines = [f"# Eval report: {_md(data.get('set') or 'set')}", "",
             f"{c['passed']}/{c['items']} items passed ({c['errors']} errors); k={data['k']}; "
             f"{c['counterfactuals']} checker cases.", "", index_line(data.get("index")), ""]
    if data.get("gate") is not None:
        g = data["gate"]
        lines += ["**Gate: PASS**" if g["passed"] else "**Gate: FAIL**", ""]
        lines += [f"- {_md(f)}" for f in g["failures"]]
        lines.append("")
    lines += ["## Metrics", "", "| metric | value | 95% CI | n |", "|---|---:|---|---:|"]
    for name, m in data["summary"].items():
        ci = f"[{_num(m['low'])}, {_num(m['high'])}]" if m["low"] is not None else "–"
        lines.append(f"| {name} | {_num(m['value'])} | {ci} | {m['n']} |")
    for title, key in (("By question type", "by_type"), ("By tag", "by_tag")):
        groups = data.get(key) or {}
        if not groups:
            continue
        cols = [m for m in next(iter(groups.values())) if m not in ("n", "passed", "pass_rate")]
        lines += ["", f"## {title}", "", "| group | n | pass rate | " + " | ".join(cols) + " |",
                  "|---|---:|---:|" + "---:|" * len(cols)]
        for g_name, row in groups.items():
            lines.append(f"| {_md(g_name)} | {row['n']} | {_num(row['pass_rate'])} | "
                         + " | ".join(_num(row[m]) for m in cols) + " |")
    failing = [it for it in data["items"] if not it["passed"]]
    lines += ["", f"## Failing items ({len(failing)})", ""]
    for it in failing:
        q = it.get("question") or " → ".join(it.get("turns") or [])
        lines.append(f"- **{_md(it['id'])}** ({_md(it['type'])}): {_md(q)}")
        lines += [f"  - {_md(reason)}" for reason in it["reasons"]]
    misses = [cf for cf in data["counterfactuals"] if not cf["ok"]]
    if misses:
        lines += ["", f"## Claim-checker misses ({len(misses)})", ""]
        for cf in misses:
            want = "not contradicted" if cf["control"] else f"contradicted ({cf['figure']} → {cf['altered_figure']})"
            lines.append(f"- {_md(cf['item_id'])}: expected {_md(want)}, got {_md(cf['verdict'] or cf['error'])}: "
                         f"{_md(cf['text'])}")
    comp = data.get("comparison")
    if comp:
        lines += ["", "## Against baseline (new − old, paired bootstrap)", "",
                  "| metric | n | old | new | diff | 95% CI | |", "|---|---:|---:|---:|---:|---|---|"]
        for name, d in comp["metrics"].items():
            flag = "**regression**" if d["significant_regression"] else ("improvement" if d["significant_improvement"] else "")
            lines.append(f"| {name} | {d['n']} | {_num(d['old'])} | {_num(d['new'])} | {_num(d['diff'])} | "
                         f"[{_num(d['low'])}, {_num(d['high'])}] | {flag} |")
        lines += ["", f"pass → fail: {', '.join(comp['pass_to_fail']) or 'none'}",
                  "", f"fail → pass: {', '.join(comp['fail_to_pass']) or 'none'}"]
    return "\n".join(lines) + "\n"


# --- html ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#176b2c}.fail{color:#a11}
details{border:1px solid #ddd;border-radius:4px;margin:.3rem 0;padding:.3rem .6rem}
details[open]{background:#fafafa}summary{cursor:pointer}pre{white-space:pre-wrap;background:#f3f3f3;padding:.4rem}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart h3{font-size:.95rem;margin:.2rem 0}
blockquote{border-left:3px solid #bbb;margin:.3rem 0;padding-left:.6rem;color:#444}
.chart{max-width:100%}.chart svg{max-width:100%;height:auto}table{display:block;max-width:100%;overflow-x:auto}
td,th,summary{overflow-wrap:anywhere}@media (max-width:600px){body{margin:.75rem}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def svg_bars(title: str, rows: Sequence[tuple[str, float | None]]) -> str:
    """A horizontal bar chart of values in [0, 1] as inline SVG."""
    bar_h, label_w, width = 18, 160, 220
    height = bar_h * len(rows) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 50}" height="{height}" '
             f'viewBox="0 0 {label_w + width + 50} {height}" '
             f'role="img" aria-label="{_e(title)}">']
    for i, (label, value) in enumerate(rows):
        y = i * bar_h + 2
        w = 0 if value is None else max(0.0, min(1.0, value)) * width
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{_e(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{width}" height="{bar_h - 4}" fill="#eee"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 4}" fill="#3b6ea8"/>')
        parts.append(f'<text x="{label_w + width + 4}" y="{y + 13}" font-size="12">{_e(_num(value, 2))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _kv_table(rows: Sequence[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def _item_html(it: Mapping[str, Any]) -> str:
    res = it.get("result") or {}
    status_cls = "pass" if it["passed"] else "fail"
    q = it.get("question") or (it.get("turns") or [""])[-1]
    head = (f'<summary><span class="{status_cls}">{"PASS" if it["passed"] else "FAIL"}</span> '
            f'<b>{_e(it["id"])}</b> [{_e(it["type"])}] {_e(q)}</summary>')
    body = []
    if it.get("turns"):
        body.append("<p>Conversation:</p><ol>" + "".join(f"<li>{_e(t)}</li>" for t in it["turns"]) + "</ol>")
    if it["reasons"]:
        body.append("<p>Why it failed:</p><ul>" + "".join(f"<li>{_e(r)}</li>" for r in it["reasons"]) + "</ul>")
    body.append(f"<p>Status: <b>{_e(res.get('status'))}</b></p><p>Answer:</p><pre>{_e(res.get('answer') or '')}</pre>")
    cites = [c for c in res.get("citations") or [] if isinstance(c, Mapping)]
    if cites:
        body.append("<p>Citations:</p>" + "".join(
            f"<blockquote>[{_e(c.get('n', ''))}] <b>{_e(c.get('source', ''))}</b> {_e(c.get('date') or '')}"
            f"<br>{_e(c.get('quote', ''))}</blockquote>" for c in cites))
    checks = normalise_checks(res.get("checks"))
    if checks:
        rows = []
        for ch in checks:
            claims = "; ".join(f"{cl.get('claim', cl.get('value', ''))}: {cl.get('verdict', '')}"
                               + (f" ({cl['note']})" if cl.get("note") else "")
                               for cl in ch["claims"] if isinstance(cl, Mapping))
            rows.append(f"<tr><td>{_e(ch['verdict'])}</td><td>{_e(ch['text'])}</td><td>{_e(claims)}</td></tr>")
        body.append("<p>Checks:</p><table><tr><th>verdict</th><th>text</th><th>claims</th></tr>" + "".join(rows) + "</table>")
    retrieved = [r for r in res.get("retrieved") or [] if isinstance(r, Mapping)]
    if retrieved:
        body.append("<p>Retrieved: " + ", ".join(
            _e(r.get("source", "")) + (f" ({_e(r['score'])})" if r.get("score") is not None else "")
            for r in retrieved) + "</p>")
    exp = it.get("expected") or {}
    body.append(_kv_table([
        ("expected answer", _e(exp.get("answer", "–"))),
        ("required facts", _e(" AND ".join(" | ".join(f) for f in exp.get("facts", [])) or "–")),
        ("numbers", _e(", ".join(f"{n['value']:g} {n['unit']} ±{n['tolerance']:g} rel" for n in it.get("numbers", [])) or "–")),
        ("gold sources", _e(", ".join(it.get("sources", [])) or "–")),
        ("answerable", _e(it.get("answerable"))),
        ("scores", _e(", ".join(f"{k}={_num(v)}" for k, v in it["scores"].items()))),
        ("error", _e(it.get("error") or "–")),
    ]))
    return f'<details class="{status_cls}">{head}{"".join(body)}</details>'


def to_html(data: Mapping[str, Any]) -> str:
    """One self-contained page: metrics with CIs, SVG bars by question type, per-item drill-down."""
    c = data["counts"]
    out = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
           f"<title>Eval report: {_e(data.get('set') or 'set')}</title><style>{_CSS}</style></head><body>",
           f"<h1>Eval report: {_e(data.get('set') or 'set')}</h1>",
           f"<p>{c['passed']}/{c['items']} items passed ({c['errors']} errors), k={_e(data['k'])}, "
           f"{c['counterfactuals']} checker cases.</p>", f'<p class="index">{_e(index_line(data.get("index")))}</p>']
    if data.get("gate") is not None:
        g = data["gate"]
        out.append(f'<p class="{"pass" if g["passed"] else "fail"}"><b>Gate: {"PASS" if g["passed"] else "FAIL"}</b></p>')
        if g["failures"]:
            out.append("<ul>" + "".join(f"<li>{_e(f)}</li>" for f in g["failures"]) + "</ul>")
    out.append("<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>95% CI</th><th>n</th></tr>")
    for name, m in data["summary"].items():
        ci = f"[{_num(m['low'])}, {_num(m['high'])}]" if m["low"] is not None else "–"
        out.append(f'<tr><td>{_e(name)}</td><td class="n">{_num(m["value"])}</td><td>{ci}</td><td class="n">{m["n"]}</td></tr>')
    out.append("</table>")
    groups = data.get("by_type") or {}
    if groups:
        metrics = ["pass_rate"] + [m for m in next(iter(groups.values())) if m not in ("n", "passed", "pass_rate")]
        out.append('<h2>By question type</h2><div class="charts">')
        for m in metrics:
            rows = [(f"{g} (n={row['n']})", row[m]) for g, row in groups.items()]
            out.append(f'<div class="chart"><h3>{_e(m)}</h3>{svg_bars(m, rows)}</div>')
        out.append("</div>")
    comp = data.get("comparison")
    if comp:
        out.append("<h2>Against baseline (new − old)</h2><table><tr><th>metric</th><th>n</th><th>old</th>"
                   "<th>new</th><th>diff</th><th>95% CI</th><th></th></tr>")
        for name, d in comp["metrics"].items():
            flag = "regression" if d["significant_regression"] else ("improvement" if d["significant_improvement"] else "")
            out.append(f"<tr><td>{_e(name)}</td><td class=n>{d['n']}</td><td class=n>{_num(d['old'])}</td>"
                       f"<td class=n>{_num(d['new'])}</td><td class=n>{_num(d['diff'])}</td>"
                       f"<td>[{_num(d['low'])}, {_num(d['high'])}]</td><td>{flag}</td></tr>")
        out.append("</table>")
        out.append(f"<p>pass → fail: {_e(', '.join(comp['pass_to_fail']) or 'none')}<br>"
                   f"fail → pass: {_e(', '.join(comp['fail_to_pass']) or 'none')}</p>")
    items = data["items"]
    out.append(f"<h2>Items ({len(items)}, failing first)</h2>")
    out += [_item_html(it) for it in sorted(items, key=lambda it: it["passed"])]
    cfs = data["counterfactuals"]
    if cfs:
        out.append(f"<h2>Claim-checker cases ({len(cfs)})</h2><table><tr><th>ok</th><th>item</th><th>kind</th>"
                   "<th>sentence</th><th>verdict</th></tr>")
        for cf in cfs:
            kind = "control" if cf["control"] else f"{cf['figure']} → {cf['altered_figure']}"
            out.append(f'<tr><td class="{"pass" if cf["ok"] else "fail"}">{"ok" if cf["ok"] else "MISS"}</td>'
                       f"<td>{_e(cf['item_id'])}</td><td>{_e(kind)}</td><td>{_e(cf['text'])}</td>"
                       f"<td>{_e(cf['verdict'] or cf['error'] or '')}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def write_reports(directory: str | Path, data: Mapping[str, Any]) -> dict[str, Path]:
    """Write run.json, report.md and report.html into ``directory`` (created if missing)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = {"json": d / "run.json", "markdown": d / "report.md", "html": d / "report.html"}
    paths["json"].write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    paths["markdown"].write_text(to_markdown(data), encoding="utf-8")
    paths["html"].write_text(to_html(data), encoding="utf-8")
    return paths
