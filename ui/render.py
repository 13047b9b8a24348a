"""HTML for the web app, built from the assistant's JSON.

Every string that came from a bulletin, an answer or a user is passed through ``esc`` before it is
placed in markup, so a bulletin containing ``<script>`` or an ``onerror=`` attribute shows as text and
never runs in the page. Only the tags written in this module are live HTML.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

# verdict from the checker -> (css key, label shown to users, symbol)
VERDICTS: dict[str, tuple[str, str, str]] = {
    "supported": ("supported", "verified", "✓"),
    "contradicted": ("contradicted", "contradicted", "✗"),
    "stale": ("stale", "stale", "⏱"),
    "unsupported": ("unsupported", "unverified", "?"),
}

# Colours are custom properties with a light set and a ``.dark`` set (Gradio puts ``dark`` on <body>), so every
# card, date, file name and passage is readable in both themes; nothing below uses a fixed text colour.
CSS = """
:root{--ca-bg:#ffffff;--ca-bg-soft:#f6f8fa;--ca-text:#1f2328;--ca-muted:#57606a;--ca-border:#d0d7de;
  --ca-accent:#0b5cad;--ca-mark-bg:#ffe58a;--ca-mark-text:#1f2328;--ca-ok:#11602a;--ca-err:#9b1c13;
  --ca-nf-bg:#fffbea;--ca-nf-border:#d4a000;--ca-code-bg:#eff1f3;
  --ca-sup-bg:#d3f5dc;--ca-sup:#11602a;--ca-con-bg:#ffd7d5;--ca-con:#9b1c13;--ca-sta-bg:#fff0c2;--ca-sta:#7a5300;
  --ca-uns-bg:#e8e8e8;--ca-uns:#444444;--ca-line-sup:#1f9d45;--ca-line-con:#d1242f;--ca-line-sta:#d4a000;
  --ca-line-uns:#8c959f}
.dark{--ca-bg:#161b22;--ca-bg-soft:#0d1117;--ca-text:#e6edf3;--ca-muted:#a8b3bf;--ca-border:#3d444d;
  --ca-accent:#79b8ff;--ca-mark-bg:#f2cc60;--ca-mark-text:#111111;--ca-ok:#7ee2a0;--ca-err:#ff9b94;
  --ca-nf-bg:#2b2411;--ca-nf-border:#bb8009;--ca-code-bg:#262c36;
  --ca-sup-bg:#12391f;--ca-sup:#8fe9ad;--ca-con-bg:#4a1714;--ca-con:#ffb4ad;--ca-sta-bg:#3d2e05;--ca-sta:#f6d37a;
  --ca-uns-bg:#30363d;--ca-uns:#d0d7de;--ca-line-sup:#3fb950;--ca-line-con:#f85149;--ca-line-sta:#d29922;
  --ca-line-uns:#8b949e}
.cite-card,.search-group,.bulletin-view,.not-found,.fact-row,.metrics,.claims,.closest,.not-found-bubble{
  color:var(--ca-text)}
.cite-card code,.search-group code,.not-found code,.not-found-bubble code,.bulletin-meta code,#bulletin-meta code{
  background:var(--ca-code-bg);color:var(--ca-text);padding:0 3px;border-radius:3px;word-break:break-all}
.cite-card{border:1px solid var(--ca-border);border-radius:8px;padding:8px 10px;margin:0 0 10px 0;background:var(--ca-bg)}
.cite-head{font-size:0.9em;color:var(--ca-muted);margin-bottom:4px}
.cite-head strong,.cite-title{color:var(--ca-text)}
.cite-date{color:var(--ca-muted)}
.cite-n{font-weight:700;color:var(--ca-accent);margin-right:4px}
.cite-full>summary{cursor:pointer;list-style:none}
.cite-full>summary::-webkit-details-marker{display:none}
.cite-open{color:var(--ca-accent);text-decoration:underline}
.cite-full[open] .cite-open{display:none}
.cite-full[open]+.cite-context{display:none}
.cite-bulletin{max-height:320px;margin:6px 0}
.cite-card.cite-focus{outline:2px solid var(--ca-accent)}
sup.cite{cursor:pointer}
.cite-context{margin:4px 0 0 0;padding:6px 10px;border-left:3px solid var(--ca-accent);background:var(--ca-bg-soft);
  white-space:pre-wrap;font-size:0.92em;color:var(--ca-text)}
mark{background:var(--ca-mark-bg);color:var(--ca-mark-text);padding:0 1px;border-radius:2px}
.badge{display:inline-block;font-size:0.78em;font-weight:600;padding:1px 6px;border-radius:10px;margin:0 2px;
  white-space:nowrap}
.badge.v-supported{background:var(--ca-sup-bg);color:var(--ca-sup)}
.badge.v-contradicted{background:var(--ca-con-bg);color:var(--ca-con)}
.badge.v-stale{background:var(--ca-sta-bg);color:var(--ca-sta)}
.badge.v-unsupported{background:var(--ca-uns-bg);color:var(--ca-uns)}
.fig{border-bottom:2px solid var(--ca-line-uns);cursor:help;white-space:nowrap}
.fig-mark{font-size:0.8em;font-weight:700}
.fig.v-supported{border-color:var(--ca-line-sup)}
.fig.v-contradicted{border-color:var(--ca-line-con)}
.fig.v-stale{border-color:var(--ca-line-sta)}
.claims{list-style:none;padding-left:0;margin:6px 0}
.claims li{margin:4px 0}
.fact-row{font-size:0.88em;border-collapse:collapse;margin:4px 0}
.fact-row td,.fact-row th{border:1px solid var(--ca-border);padding:2px 6px;text-align:left;vertical-align:top}
.not-found{border:1px solid var(--ca-nf-border);background:var(--ca-nf-bg);border-radius:8px;padding:10px 12px}
.not-found h3{color:var(--ca-text);margin-top:0}
.closest{margin:4px 0 0 0;padding-left:1.2em;font-size:0.92em}
.closest strong{font-weight:600}
.not-found-bubble .closest li{cursor:pointer}
.notice{color:var(--ca-muted);font-style:italic}
.error-msg{color:var(--ca-err);font-weight:600}
.ok-msg{color:var(--ca-ok);font-weight:600}
.search-group{border:1px solid var(--ca-border);border-radius:8px;padding:8px 10px;margin:0 0 10px 0;
  background:var(--ca-bg)}
.search-hit{margin:6px 0;padding:4px 8px;background:var(--ca-bg-soft);color:var(--ca-text);white-space:pre-wrap;
  font-size:0.92em}
.search-score{color:var(--ca-muted);font-size:0.8em}
.search-hit[data-hit]{cursor:pointer}
.search-hit[data-hit]:hover,.search-hit[data-hit]:focus{outline:2px solid var(--ca-accent)}
.bulletin-view{white-space:pre-wrap;max-height:520px;overflow-y:auto;border:1px solid var(--ca-border);
  border-radius:8px;padding:10px 12px;background:var(--ca-bg);font-size:0.92em}
.cite{color:var(--ca-accent);font-weight:600}
#theme-toggle{flex-grow:0;align-self:flex-start;max-width:160px}
@media (max-width:640px){
  /* Gradio hides tabs that do not fit behind "…"; on a phone show them all, wrapped onto a second line */
  #tabs .tab-wrapper{flex-wrap:wrap;height:auto}
  #tabs .overflow-menu>button[aria-label="More tabs"]{display:none}
  #tabs .overflow-menu .overflow-dropdown,#tabs .overflow-menu .overflow-dropdown.hide{display:flex!important;
    position:static;flex-direction:row;box-shadow:none;border:none;background:transparent;padding:0;min-width:0}
  #tabs .overflow-menu .overflow-dropdown button{width:auto;padding:var(--size-1) var(--size-4)}
  #app-header{flex-wrap:wrap}
  #app-header>*{min-width:100%!important}
  #theme-toggle{max-width:none}
}
.metrics{border-collapse:collapse}
.metrics td,.metrics th{border:1px solid var(--ca-border);padding:2px 8px;text-align:left}
/* the Ask tab while its question is being answered (ui.page.ASK_JS sets the class) */
#ask-chat.ca-asking::after{content:"Searching the bulletins\2026";display:block;padding:4px 12px;
  color:var(--ca-muted);font-style:italic}
.export-link{color:var(--ca-accent);font-size:var(--text-sm)}
"""


def esc(value: object) -> str:
    """Text made safe for HTML content and attributes (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def verdict_info(verdict: str | None) -> tuple[str, str, str]:
    """(css key, label, symbol) for a checker verdict; anything unknown counts as unverified."""
    return VERDICTS.get(str(verdict or "unsupported"), VERDICTS["unsupported"])


def verdict_badge(verdict: str | None, title: str = "") -> str:
    """A small coloured label: verified / contradicted / stale / unverified."""
    key, label, symbol = verdict_info(verdict)
    attr = f' title="{esc(title)}"' if title else ""
    return f'<span class="badge v-{key}" data-verdict="{key}"{attr}>{symbol} {label}</span>'


def date_label(value: str | None) -> str:
    return value if value else "date not given"


# -- spans ----------------------------------------------------------------------------------------
def merge_spans(spans: Iterable[Sequence[int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to ``[0, length]``, empty ones dropped, overlapping or touching ones merged."""
    cleaned = sorted((max(0, int(s[0])), min(length, int(s[1]))) for s in spans)
    merged: list[list[int]] = []
    for s, e in cleaned:
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def mark_spans(text: str, spans: Iterable[Sequence[int]], first_id: str | None = None) -> str:
    """``text`` escaped, with each span wrapped in ``<mark>``; the first mark can carry an id."""
    out: list[str] = []
    last = 0
    for i, (s, e) in enumerate(merge_spans(spans, len(text))):
        ident = f' id="{esc(first_id)}"' if first_id and i == 0 else ""
        out.append(esc(text[last:s]) + f"<mark{ident}>" + esc(text[s:e]) + "</mark>")
        last = e
    out.append(esc(text[last:]))
    return "".join(out)


def locate(text: str, start: int, end: int, quote: str | None = None) -> tuple[int, int] | None:
    """Where the quoted span is in ``text``: the given offsets when they hold the quote, else a search."""
    if 0 <= start < end <= len(text) and (quote is None or text[start:end] == quote):
        return start, end
    if quote:
        found = text.find(quote)
        if found >= 0:
            return found, found + len(quote)
    return None


def paragraph_bounds(text: str, start: int, end: int, limit: int = 320) -> tuple[int, int]:
    """The paragraph around ``[start, end)``, cut to ``limit`` characters either side at a word break."""
    lo = text.rfind("\n\n", 0, start)
    lo = 0 if lo < 0 else lo + 2
    hi = text.find("\n\n", end)
    hi = len(text) if hi < 0 else hi
    if start - lo > limit:
        cut = text.find(" ", start - limit, start)
        lo = cut + 1 if cut >= 0 else start - limit
    if hi - end > limit:
        cut = text.rfind(" ", end, end + limit)
        hi = cut if cut > end else end + limit
    return lo, hi


def quote_in_context(text: str | None, start: int, end: int, quote: str | None = None, limit: int = 320) -> str:
    """The quoted span marked inside its surrounding paragraph (escaped); the bare quote if it cannot be found."""
    span = locate(text, start, end, quote) if text else None
    if text is None or span is None:
        return f"<mark>{esc(quote or '')}</mark>"
    s, e = span
    lo, hi = paragraph_bounds(text, s, e, limit)
    before = "…" if lo > 0 and text[lo - 1] != "\n" else ""
    after = "…" if hi < len(text) and text[hi] != "\n" else ""
    return before + mark_spans(text[lo:hi], [(s - lo, e - lo)]) + after


# -- answers --------------------------------------------------------------------------------------
_MARKER = re.compile(r"\[(\d+)\]")


def claims_of(checks: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Every checked claim of an answer, whether checks hold claim lists or are bare claims."""
    claims: list[dict[str, Any]] = []
    for check in checks or []:
        if not isinstance(check, Mapping):
            continue
        inner = check.get("claims")
        if isinstance(inner, list):
            claims.extend(dict(c) for c in inner if isinstance(c, Mapping))
        elif "claim" in check:
            claims.append(dict(check))
    return claims


def fact_summary(fact: Mapping[str, Any] | None) -> str:
    """One line describing the fact row behind a verdict (plain text, for a title attribute)."""
    if not fact:
        return "no matching row in the fact table"
    value = " ".join(str(x) for x in (fact.get("value"), fact.get("unit")) if x not in (None, ""))
    parts = [value]
    if fact.get("subject"):
        parts.append(str(fact["subject"]))
    if fact.get("as_of"):
        parts.append(f"as of {fact['as_of']}")
    if fact.get("source"):
        parts.append(f"{fact['source']} chars {fact.get('start')}-{fact.get('end')}")
    if fact.get("quote"):
        parts.append(f"“{fact['quote']}”")
    return " · ".join(p for p in parts if p)


def claim_title(claim: Mapping[str, Any]) -> str:
    _, label, _ = verdict_info(claim.get("verdict"))
    note = f" ({claim['note']})" if claim.get("note") else ""
    return f"{label}{note}: {fact_summary(claim.get('fact'))}"


def annotate(text: str, claims: Sequence[Mapping[str, Any]] = ()) -> str:
    """Answer text escaped, citation markers as superscripts, each checked figure underlined by verdict."""
    spans: list[tuple[int, int, str, str]] = []
    for m in _MARKER.finditer(text):
        spans.append((m.start(), m.end(), f'<sup class="cite" data-cite="{m.group(1)}">', "</sup>"))
    for claim in sorted(claims, key=lambda c: -len(str(c.get("claim") or ""))):
        needle = str(claim.get("claim") or "")
        if not needle:
            continue
        key, _, symbol = verdict_info(claim.get("verdict"))
        at = text.find(needle)
        while at >= 0:  # each occurrence, left to right, none overlapping the one before
            s, e = at, at + len(needle)
            at = text.find(needle, e)
            if any(s < e2 and s2 < e for s2, e2, _, _ in spans):
                continue
            spans.append((s, e, f'<span class="fig v-{key}" data-verdict="{key}" title="{esc(claim_title(claim))}">',
                          f'&#8239;<span class="fig-mark">{symbol}</span></span>'))
    spans.sort()
    out: list[str] = []
    last = 0
    for s, e, open_tag, close_tag in spans:
        out.append(esc(text[last:s]) + open_tag + esc(text[s:e]) + close_tag)
        last = e
    out.append(esc(text[last:]))
    return "".join(out)


# How ``Assistant.ask`` appends the nearest bulletins to a not-found answer; the bubble lists them instead.
CLOSEST_LEAD = " Closest announcements: "


def answer_bubble(result: Mapping[str, Any]) -> str:
    """The chat message for an answer.

    A not-found answer keeps its reason (what the bulletins do not give, and any dated reference) and
    lists the closest announcements, so the chat alone says why nothing was found.
    """
    claims = claims_of(result.get("checks"))
    if result.get("status") == "not_found":
        return ('<div class="not-found-bubble"><strong>Not found in the bulletins.</strong> '
                + annotate(not_found_reason(result), claims) + closest_list(result.get("closest")) + "</div>")
    return annotate(str(result.get("answer") or "").strip(), claims)


def not_found_reason(result: Mapping[str, Any]) -> str:
    """The answer text of a not-found result without the appended closest-announcements sentence."""
    answer = str(result.get("answer") or "").strip()
    if result.get("closest") and CLOSEST_LEAD in answer:
        answer = answer[: answer.rindex(CLOSEST_LEAD)].strip()
    return answer or "The bulletins do not answer this question."


def closest_list(closest: Iterable[Mapping[str, Any]] | None) -> str:
    """The closest announcements as a list (title · date · file name), or a line saying there are none."""
    items = "".join(
        f'<li><strong>{esc(c.get("title"))}</strong> · {esc(date_label(c.get("date_text") or c.get("date")))} · '
        f'<code>{esc(c.get("source"))}</code></li>' for c in closest or [])
    if not items:
        return '<p class="notice">No indexed bulletin is close to this question.</p>'
    return f'<p class="closest-lead">The closest announcements are:</p><ul class="closest">{items}</ul>'


def citations_html(result: Mapping[str, Any], texts: Mapping[str, str | None]) -> str:
    """One card per citation: title, date, source, the quote marked in its paragraph, and the whole bulletin.

    The bulletin sits folded under the card with the quote marked (``id="cite-N-hit"``); clicking the card's
    title line or the answer's ``[N]`` opens it scrolled to that span (see ``CITE_JS``).
    """
    cards = []
    for c in result.get("citations") or []:
        text = texts.get(c.get("source", ""))
        start, end = int(c.get("start") or 0), int(c.get("end") or 0)
        context = quote_in_context(text, start, end, c.get("quote"))
        n = esc(c.get("n"))
        span = locate(text, start, end, c.get("quote")) if text else None
        full = (f'<details class="cite-full"><summary class="cite-head">'
                f'<span class="cite-n">[{n}]</span><strong class="cite-title">{esc(c.get("title"))}</strong> · '
                f'<span class="cite-date">{esc(date_label(c.get("date_text") or c.get("date")))}</span> · '
                f'<code class="cite-source">{esc(c.get("source"))}</code> '
                f'<span class="search-score">{page_note(c)}chars {esc(c.get("start"))}–{esc(c.get("end"))} · '
                f'<span class="cite-open">open the bulletin here</span></span></summary>'
                f'<div class="bulletin-view cite-bulletin">{mark_spans(text, [span], first_id=f"cite-{n}-hit")}</div>'
                f"</details>") if text is not None and span else (
                f'<div class="cite-head"><span class="cite-n">[{n}]</span>'
                f'<strong class="cite-title">{esc(c.get("title"))}</strong> · '
                f'<span class="cite-date">{esc(date_label(c.get("date_text") or c.get("date")))}</span> · '
                f'<code class="cite-source">{esc(c.get("source"))}</code></div>')
        cards.append(
            f'<div class="cite-card" id="cite-{n}" data-source="{esc(c.get("source"))}">{full}'
            f'<blockquote class="cite-context">{context}</blockquote></div>'
        )
    return "".join(cards)


# Clicking a citation marker anywhere opens its card's bulletin and scrolls the marked quote into view; opening
# a card's bulletin by its title line does the same. Delegated from the document, so streamed chat HTML needs no
# handlers of its own.
CITE_JS = r"""
document.addEventListener("click", (event) => {
  const sup = event.target.closest && event.target.closest("sup.cite");
  if (!sup) return;
  // the chat's HTML sanitiser drops data- attributes, so the number is read from the "[N]" text
  const n = sup.dataset.cite || (sup.textContent.match(/\d+/) || [])[0];
  const card = n && document.getElementById("cite-" + n);
  const full = card && card.querySelector("details.cite-full");
  if (!full) return;
  full.open = true;
  card.classList.add("cite-focus");
  setTimeout(() => card.classList.remove("cite-focus"), 1600);
  const hit = full.querySelector("mark[id]");
  (hit || card).scrollIntoView({block: "center", behavior: "smooth"});
});
document.addEventListener("click", (event) => {
  const item = event.target.closest && event.target.closest(".closest li");
  if (!item || event.target.closest("details.closest-full")) return;  // the panel's own item toggles itself
  const source = (item.querySelector("code") || {}).textContent;
  const view = [...document.querySelectorAll("#ask-sources details.closest-full")].find((d) => d.dataset.source === source);
  if (!view) return;
  view.open = true;
  const hit = view.querySelector("mark[id]");
  (hit || view).scrollIntoView({block: "center", behavior: "smooth"});
});
// Gradio's dropdown opens an option list (role "listbox") with no name of its own; screen readers then announce
// an unnamed list. Name each one, when it appears, after the combobox that controls it.
new MutationObserver(() => {
  for (const list of document.querySelectorAll('[role="listbox"][id]:not([aria-label]):not([aria-labelledby])')) {
    const owner = document.querySelector(`[aria-controls="${CSS.escape(list.id)}"]`);
    const name = owner && (owner.getAttribute("aria-label") || "").trim();
    if (name) list.setAttribute("aria-label", name + " options");
  }
}).observe(document.documentElement, {childList: true, subtree: true});
document.addEventListener("toggle", (event) => {
  const full = event.target;
  if (!(full instanceof HTMLDetailsElement) || !full.classList.contains("cite-full") || !full.open) return;
  const hit = full.querySelector("mark[id]");
  if (hit) hit.scrollIntoView({block: "center"});
}, true);
"""


def fact_table(fact: Mapping[str, Any] | None) -> str:
    """The fact row behind a verdict as a small two-column table."""
    if not fact:
        return '<span class="notice">No row in the fact table matches this figure.</span>'
    rows = [("value", " ".join(str(x) for x in (fact.get("value"), fact.get("unit")) if x not in (None, ""))),
            ("subject", fact.get("subject")), ("as of", fact.get("as_of")),
            ("source", f"{fact.get('source')} (chars {fact.get('start')}–{fact.get('end')})"),
            ("quote", fact.get("quote"))]
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows if v not in (None, ""))
    return f'<table class="fact-row">{cells}</table>'


def claims_html(claims: Sequence[Mapping[str, Any]]) -> str:
    """Each figure with its verdict badge and, folded, the fact row behind it."""
    if not claims:
        return ""
    items = []
    for c in claims:
        key, _, _ = verdict_info(c.get("verdict"))
        note = f' <span class="notice">{esc(c["note"])}</span>' if c.get("note") else ""
        items.append(
            f'<li class="claim v-{key}" data-verdict="{key}">{verdict_badge(c.get("verdict"), claim_title(c))} '
            f'<strong>{esc(c.get("claim"))}</strong>{note}'
            f"<details><summary>fact row</summary>{fact_table(c.get('fact'))}</details></li>"
        )
    return f'<ul class="claims">{"".join(items)}</ul>'


def not_found_html(result: Mapping[str, Any], texts: Mapping[str, str | None] | None = None) -> str:
    """The clear "not in the bulletins" state: the reason, any dated reference cited, the closest announcements."""
    cited = citations_html(result, texts or {})
    cited = f'<h4>Cited for reference</h4><div id="answer-sources">{cited}</div>' if cited else ""
    return (f'<div class="not-found" id="not-found"><h3>Not found in the bulletins</h3>'
            f"<p>None of the indexed bulletins answers “{esc(result.get('question'))}”.</p>"
            f'<p class="not-found-reason">{annotate(not_found_reason(result))}</p>'
            f"{closest_views(result.get('closest'), texts or {})}</div>{cited}")


def closest_views(closest: Iterable[Mapping[str, Any]] | None, texts: Mapping[str, str | None]) -> str:
    """The closest announcements beside the chat: each opens its whole bulletin at its nearest passage, marked
    (its title line, or the same announcement named in the chat; see ``CITE_JS``)."""
    items = []
    for i, c in enumerate(closest or [], 1):
        source = str(c.get("source") or "")
        head = (f'<strong class="cite-title">{esc(c.get("title"))}</strong> · '
                f'<span class="cite-date">{esc(date_label(c.get("date_text") or c.get("date")))}</span> · '
                f'<code class="cite-source">{esc(source)}</code>')
        text, start, end = texts.get(source), c.get("start"), c.get("end")
        if text is None or not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            items.append(f"<li>{head}</li>")  # a turn kept from before spans were recorded, or a bulletin removed since
            continue
        items.append(f'<li><details class="cite-full closest-full" id="closest-{i}" data-source="{esc(source)}">'
                     f'<summary class="cite-head">{head} <span class="search-score">chars {start}–{end} · '
                     f'<span class="cite-open">open the bulletin here</span></span></summary>'
                     f'<div class="bulletin-view cite-bulletin">{mark_spans(text, [(start, end)], first_id=f"closest-{i}-hit")}'
                     f"</div></details></li>")
    if not items:
        return '<p class="notice">No indexed bulletin is close to this question.</p>'
    return f'<p class="closest-lead">The closest announcements are:</p><ul class="closest">{"".join(items)}</ul>'


def sources_html(result: Mapping[str, Any] | None, texts: Mapping[str, str | None], turn: int = 0) -> str:
    """The panel beside the chat: sources of the latest answer and its checked figures.

    ``turn`` numbers the answer in its conversation, so a reader (or a test) can tell a new panel from the last.
    """
    if not result:
        return '<p class="notice">Sources of the latest answer appear here.</p>'
    if result.get("status") == "not_found":
        body = not_found_html(result, texts)
    else:
        claims = claims_of(result.get("checks"))
        checks = (f'<h4>Figures checked</h4><div id="answer-checks">{claims_html(claims)}</div>' if claims else "")
        body = f'<div id="answer-sources"><h4>Sources</h4>{citations_html(result, texts)}</div>{checks}'
    return f'<div class="answer-panel" data-turn="{int(turn)}">{body}</div>'


def check_html(result: Mapping[str, Any] | None) -> str:
    """The verdict of every figure in a pasted draft (``Assistant.check`` JSON)."""
    if not result:
        return ""
    claims = claims_of([result])
    if not claims:
        return '<p class="notice">No figures found in the text to check.</p>'
    overall = verdict_badge(result.get("verdict")) if result.get("verdict") else ""
    return f'<div id="check-verdicts"><p>Overall: {overall}</p>{claims_html(claims)}</div>'


# -- search and bulletins -------------------------------------------------------------------------
def search_html(result: Mapping[str, Any]) -> str:
    """Search hits grouped by bulletin, the query's words marked in each snippet."""
    groups = result.get("groups") or []
    if not groups:
        return '<p class="notice" id="search-empty">No matching passages.</p>'
    out = []
    for g in groups:
        hits = []
        for p in g.get("passages") or []:
            snippet = str(p.get("snippet") or "")
            score = p.get("score")
            score_txt = f"{float(score):.4f}" if isinstance(score, int | float) else ""
            hit = f'{p.get("start")}:{p.get("end")}:{g.get("source")}'
            hits.append(f'<div class="search-hit" data-start="{esc(p.get("start"))}" data-hit="{esc(hit)}" tabindex="0" '
                        f'role="button" title="Open the bulletin at this passage">'
                        f"{mark_spans(snippet, p.get('highlights') or [])} "
                        f'<span class="search-score">score {esc(score_txt)} · chars {esc(p.get("start"))}–'
                        f"{esc(p.get('end'))}</span></div>")
        out.append(f'<div class="search-group" data-source="{esc(g.get("source"))}">'
                   f'<div class="cite-head"><strong>{esc(g.get("title"))}</strong> · '
                   f'{esc(date_label(g.get("date_text") or g.get("date")))} · <code>{esc(g.get("source"))}</code></div>'
                   f'{"".join(hits)}</div>')
    return f'<div id="search-groups">{"".join(out)}</div>'


def hit_choices(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the "open bulletin" picker; value is ``start:end:source``."""
    choices = []
    for g in result.get("groups") or []:
        for i, p in enumerate(g.get("passages") or [], 1):
            label = f"{_short(g.get('title'), 70)} — passage {i} (chars {p.get('start')}–{p.get('end')})"
            choices.append((label, f"{p.get('start')}:{p.get('end')}:{g.get('source')}"))
    return choices


def parse_hit(value: str | None) -> tuple[str, int, int] | None:
    """The (source, start, end) packed by ``hit_choices``; None for anything malformed."""
    if not value:
        return None
    parts = str(value).split(":", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return parts[2], int(parts[0]), int(parts[1])


def bulletin_html(doc: Mapping[str, Any], text: str, spans: Sequence[Sequence[int]] = ()) -> str:
    """A whole bulletin as text, the matching passage marked (and given an id to scroll to)."""
    partners = ", ".join(doc.get("partners") or []) or "-"
    return (f'<div id="bulletin-meta" class="cite-head"><strong>{esc(doc.get("title"))}</strong> · '
            f'{esc(date_label(doc.get("date_text") or doc.get("date")))} · <code>{esc(doc.get("source"))}</code>'
            f" · partners: {esc(partners)}</div>"
            f'<div class="bulletin-view" id="bulletin-text">{mark_spans(text, spans, first_id="bulletin-hit")}</div>')


def bulletin_rows(rows: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """Indexed bulletins as table rows (``Assistant.bulletin_json`` dicts); the last column counts sentences
    addressed to software."""
    return [[r.get("source"), r.get("title"), r.get("date_text") or r.get("date") or "date not given",
             ", ".join(r.get("partners") or []), r.get("chars"), r.get("ingested_at"),
             f"⚠ {len(r.get('addressed_to_software') or [])}" if r.get("addressed_to_software") else ""]
            for r in rows]


BULLETIN_HEADERS = ["source", "title", "date", "partners", "chars", "ingested", "warnings"]


def addressed_html(rows: Iterable[Mapping[str, Any]]) -> str:
    """The warning under the bulletin list: per bulletin, its sentences addressed to an assistant or a program
    (instructions planted in the text), which answers never quote or use as evidence."""
    items = []
    for r in rows:
        flagged = r.get("addressed_to_software") or []
        if not flagged:
            continue
        sentences = "".join(f'<li><q>{esc(f.get("text"))}</q> <span class="notice">(chars {esc(f.get("start"))}–'
                            f'{esc(f.get("end"))})</span></li>' for f in flagged)
        n = len(flagged)
        items.append(f'<li data-source="{esc(r.get("source"))}"><span class="error-msg">⚠ {n} sentence'
                     f'{"s" if n != 1 else ""} in <code>{esc(r.get("source"))}</code> '
                     f'{"are" if n != 1 else "is"} addressed to software, not to readers</span><ul>{sentences}</ul></li>')
    if not items:
        return ""
    return ('<div id="addressed-warnings" role="alert"><p>Possible planted instructions: these sentences are never '
            'quoted in answers or used to support a figure. Check the bulletins they come from.</p>'
            f'<ul>{"".join(items)}</ul></div>')


def ingest_html(name: str, report: Mapping[str, Any]) -> str:
    """What an upload did to one file; a rejection says why."""
    parts = []
    for label in ("added", "updated", "unchanged", "removed"):
        for source in report.get(label) or []:
            parts.append(f'<li class="ok-msg" data-outcome="{label}">{esc(label)}: <code>{esc(source)}</code></li>')
    for r in report.get("rejected") or []:
        parts.append(f'<li class="error-msg" data-outcome="rejected">rejected: <code>{esc(r.get("source") or name)}'
                     f"</code> — {esc(r.get('reason'))}</li>")
    if not parts:
        parts.append(f"<li>{esc(name)}: nothing happened</li>")
    return "".join(parts)


def export_link(sid: str) -> str:
    """The Ask tab's link to download its conversation as Markdown (served by ``ui.page``)."""
    return (f'<a id="ask-export-link" class="export-link" href="ui/export?session={esc(sid)}" '
            'download="conversation.md">Export conversation (Markdown)</a>')


def message(text: str, ok: bool = False, elem: str = "p") -> str:
    cls = "ok-msg" if ok else "error-msg"
    return f'<{elem} class="{cls}">{esc(text)}</{elem}>'


# -- facts ----------------------------------------------------------------------------------------
FACT_HEADERS = ["value", "unit", "kind", "subject", "as_of", "partners", "source", "span", "quote"]
ARRANGEMENT_PREFERRED = ["partner", "signed", "in_force", "announced", "published", "administrations", "measures",
                         "identifiers", "sources", "span", "quote"]


def _cell(value: Any) -> Any:
    """A table cell: field spans read "value [source:start-end]" so every value shows where it was read."""
    if isinstance(value, list | tuple):
        return "; ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        shown = value.get("value", value.get("text"))
        if shown is None:
            return "; ".join(f"{k}={v}" for k, v in value.items())
        return f"{shown} [{_span(value)}]" if value.get("start") is not None else str(shown)
    return "" if value is None else value


def _span(row: Mapping[str, Any]) -> str:
    if row.get("start") is None:
        return ""
    return f"{row.get('source')}:{row.get('start')}-{row.get('end')}"


# What the on-screen fact table calls each FACT_HEADERS column (the CSV keeps the stable keys).
FACT_LABELS = ["Figure", "Unit", "Kind", "About", "As of", "Partners", "Bulletin", "Where (chars)", "Sentence"]
SHORT_CELL = 90  # characters of a subject or sentence shown in a row; the CSV download has the full text
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_PARTIAL_DATE = re.compile(r"^(\d{4}|-)-(\d{2})(?:-(\d{2}))?$")


def readable_date(value: object) -> object:
    """ISO-like dates as words: ``--02-07`` → "7 February (year not given)", ``2024-05-03`` → "3 May 2024"."""
    m = _PARTIAL_DATE.match(str(value)) if isinstance(value, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        return value
    month = _MONTHS[int(m.group(2)) - 1]
    day = f"{int(m.group(3))} " if m.group(3) else ""
    return f"{day}{month} {m.group(1)}" if m.group(1) != "-" else f"{day}{month} (year not given)"


def fact_display_rows(facts: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """Fact rows for the screen: dates in words, long subjects and sentences cut at a word with "…"."""
    rows = []
    for row in fact_rows(facts):
        shown = dict(zip(FACT_HEADERS, row, strict=True))
        for key in ("value", "as_of"):
            shown[key] = readable_date(shown[key])
        for key in ("subject", "quote"):
            shown[key] = _short_words(shown[key], SHORT_CELL)
        rows.append([shown[h] for h in FACT_HEADERS])
    return rows


def _short_words(text: object, n: int) -> str:
    s = "" if text is None else " ".join(str(text).split())
    if len(s) <= n:
        return s
    cut = s.rfind(" ", 0, n)
    return s[: cut if cut > n // 2 else n].rstrip(",;:") + "…"


def fact_rows(facts: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """Fact table rows with the source span each figure was read from."""
    return [[_cell(f.get(h)) if h != "span" else _span(f) for h in FACT_HEADERS] for f in facts]


def record_table(records: Sequence[Mapping[str, Any]], preferred: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows for records whose keys are not fixed: preferred keys first, then the rest."""
    keys: list[str] = []
    for r in records:
        for k in r:
            if k not in keys:
                keys.append(k)
    has_span = any(r.get("start") is not None for r in records)
    headers = [k for k in preferred if k in keys or (k == "span" and has_span)]
    headers += [k for k in keys if k not in headers and k not in ("start", "end")]
    rows = [[_span(r) if h == "span" else _cell(r.get(h)) for h in headers] for r in records]
    return headers, rows


ARRANGEMENT_LABELS = {"partner": "Partner", "signed": "Signed", "in_force": "In force from", "announced": "Announced",
                      "published": "Published", "administrations": "Customs administrations", "measures": "Measures",
                      "identifiers": "Identifiers", "sources": "Bulletins", "span": "Where (chars)", "quote": "Sentence"}
_DATE_TOKEN = re.compile(r"(?<![\w-])(?:--\d{2}-\d{2}|\d{4}-\d{2}-\d{2})(?![\w-])")


def column_label(key: str) -> str:
    """A record key as a column heading people read ("in_force" → "In force from")."""
    return ARRANGEMENT_LABELS.get(key) or key.replace("_", " ").capitalize()


def record_display(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Arrangement rows for the screen: readable headings, dates in words, long cells cut with "…"."""
    shown = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, str):
                cell = _short_words(_DATE_TOKEN.sub(lambda m: str(readable_date(m.group())), cell), SHORT_CELL)
            cells.append(cell)
        shown.append(cells)
    return [column_label(h) for h in headers], shown


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a table as UTF-8 CSV (what the Download buttons hand out)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


# -- evaluation -----------------------------------------------------------------------------------
def metrics_html(summary: Mapping[str, Any], counts: Mapping[str, Any]) -> str:
    """Summary metrics with their 95% intervals."""
    def fmt(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, int | float) else "–"

    rows = "".join(
        f"<tr><td>{esc(name)}</td><td>{fmt(m.get('value'))}</td>"
        f"<td>{fmt(m.get('low'))} – {fmt(m.get('high'))}</td><td>{esc(m.get('n'))}</td></tr>"
        for name, m in summary.items())
    head = " · ".join(f"{esc(k)}: {esc(v)}" for k, v in counts.items())
    return (f'<div id="eval-metrics"><p>{head}</p><table class="metrics"><tr><th>metric</th><th>value</th>'
            f"<th>95% CI</th><th>n</th></tr>{rows}</table></div>")


def failures_html(items: Sequence[Mapping[str, Any]]) -> str:
    """The questions that failed and why."""
    failed = [i for i in items if not i.get("passed")]
    if not failed:
        return '<p class="ok-msg" id="eval-failing">Every question passed.</p>'
    rows = "".join(
        f"<tr><td><code>{esc(i.get('id'))}</code></td><td>{turns_html(i)}</td>"
        f"<td>{esc('; '.join(i.get('reasons') or []) or i.get('error') or '')}</td>"
        f"<td>{esc(_short((i.get('answer') or ''), 200))}</td></tr>" for i in failed)
    return (f'<div id="eval-failing"><h4>Failing questions ({len(failed)})</h4><table class="metrics">'
            f"<tr><th>id</th><th>question</th><th>why</th><th>answer</th></tr>{rows}</table></div>")


def _short(text: object, n: int) -> str:
    s = "" if text is None else " ".join(str(text).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def page_note(citation: Mapping[str, Any]) -> str:
    """"page N · " for a citation of a PDF bulletin; nothing for bulletins without pages."""
    page = citation.get("page")
    return f"page {esc(page)} · " if page else ""


def turns_html(item: Mapping[str, Any]) -> str:
    """A failing item's question; for a follow-up every turn, in order, the scored one last."""
    turns = [t for t in item.get("turns") or [] if t]
    if len(turns) < 2:
        return esc(item.get("question") or (turns[-1] if turns else ""))
    return '<ol class="eval-turns">' + "".join(f"<li>{esc(t)}</li>" for t in turns) + "</ol>"


def gate_html(data: Mapping[str, Any]) -> str:
    """The gate's verdict, what failed it, the comparison with a baseline and the index the run read."""
    from assistant.index_state import state_label

    out = [f'<p class="notice" id="eval-index">{esc(state_label(data.get("index")))}</p>']
    gate = data.get("gate")
    if gate is not None:
        cls = "ok-msg" if gate.get("passed") else "error-msg"
        out.append(f'<p class="{cls}" id="eval-gate"><strong>Gate: {"PASS" if gate.get("passed") else "FAIL"}</strong></p>')
        if gate.get("failures"):
            out.append("<ul>" + "".join(f"<li>{esc(f)}</li>" for f in gate["failures"]) + "</ul>")
    comparison = data.get("comparison")
    if comparison:
        def fmt(v: Any) -> str:
            return f"{v:.3f}" if isinstance(v, int | float) else "–"

        rows = "".join(
            f"<tr><td>{esc(name)}</td><td>{fmt(d.get('old'))}</td><td>{fmt(d.get('new'))}</td>"
            f"<td>{fmt(d.get('diff'))}</td><td>{fmt(d.get('low'))} – {fmt(d.get('high'))}</td>"
            f"<td>{'regression' if d.get('significant_regression') else 'improvement' if d.get('significant_improvement') else ''}</td></tr>"
            for name, d in (comparison.get("metrics") or {}).items())
        moved = "".join(f"<li>{esc(label)}: {esc(', '.join(ids))}</li>" for label, ids in (
            ("pass → fail", comparison.get("pass_to_fail") or []), ("fail → pass", comparison.get("fail_to_pass") or []))
            if ids)
        out.append(f'<div id="eval-comparison"><h4>Against the baseline (new − old)</h4><table class="metrics">'
                   f"<tr><th>metric</th><th>old</th><th>new</th><th>diff</th><th>95% CI</th><th></th></tr>{rows}</table>"
                   f"{f'<ul>{moved}</ul>' if moved else ''}</div>")
    return "".join(out)


def index_footer(state: Mapping[str, Any] | None) -> str:
    """The app's footer line: which bulletins (and versions) answers are read from."""
    from assistant.index_state import state_label

    return f'<p class="notice" id="index-line">Answers read from {esc(state_label(state))}</p>'
