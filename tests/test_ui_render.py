"""Render helpers: bulletin text is always escaped, quotes are marked where they are, verdicts labelled."""

from __future__ import annotations

import csv
from pathlib import Path

from ui import render

EVIL = '<script>window.__pwned = 1</script><img src=x onerror="alert(1)">'
TEXT = ("First paragraph about Serbia.\n\nIn recent years, trade grew. According to official data, trade was "
        "US$4.36 billion in 2022, up 32.9%. More follows here.\n\nLast paragraph.")
QUOTE = "According to official data, trade was US$4.36 billion in 2022, up 32.9%."


def claim(text: str, verdict: str, fact: dict | None = None, note: str = "") -> dict:
    return {"claim": text, "value": "1", "unit": "USD", "verdict": verdict, "fact": fact, "note": note}


def test_esc_neutralises_markup_and_quotes() -> None:
    out = render.esc(EVIL + "\"'")
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert "&lt;script&gt;" in out


def test_mark_spans_escapes_around_and_inside_marks() -> None:
    text = "a <b> c <i>"
    out = render.mark_spans(text, [(2, 5)])
    assert out == "a <mark>&lt;b&gt;</mark> c &lt;i&gt;"


def test_mark_spans_merges_overlaps_clips_and_ids_first() -> None:
    out = render.mark_spans("abcdefgh", [(5, 99), (1, 3), (2, 4), (-3, 0)], first_id="hit")
    assert out == 'a<mark id="hit">bcd</mark>e<mark>fgh</mark>'


def test_quote_marked_inside_its_paragraph_only() -> None:
    start = TEXT.index(QUOTE)
    out = render.quote_in_context(TEXT, start, start + len(QUOTE), QUOTE)
    assert f"<mark>{render.esc(QUOTE)}</mark>" in out
    assert "In recent years, trade grew." in out and "More follows here." in out
    assert "First paragraph" not in out and "Last paragraph" not in out


def test_quote_found_by_text_when_offsets_are_stale() -> None:
    start = TEXT.index(QUOTE)
    out = render.quote_in_context(TEXT, start + 5, start + 20, QUOTE)
    assert f"<mark>{render.esc(QUOTE)}</mark>" in out


def test_quote_without_text_falls_back_to_escaped_quote() -> None:
    assert render.quote_in_context(None, 0, 5, EVIL) == f"<mark>{render.esc(EVIL)}</mark>"


def test_long_paragraph_is_cut_at_word_breaks_with_ellipses() -> None:
    text = " ".join(["word"] * 400) + " TARGET " + " ".join(["word"] * 400)
    s = text.index("TARGET")
    out = render.quote_in_context(text, s, s + 6, "TARGET", limit=50)
    assert out.startswith("…") and out.endswith("…") and "<mark>TARGET</mark>" in out
    assert len(out) < 200


def test_verdict_badges_label_every_verdict() -> None:
    assert "verified" in render.verdict_badge("supported") and "v-supported" in render.verdict_badge("supported")
    assert "contradicted" in render.verdict_badge("contradicted")
    assert "stale" in render.verdict_badge("stale")
    assert "unverified" in render.verdict_badge("unsupported")
    assert "unverified" in render.verdict_badge("something-new")
    assert 'title="&lt;x&gt;"' in render.verdict_badge("stale", "<x>")


def test_annotate_marks_figures_and_citations_and_escapes() -> None:
    fact = {"value": 4360000000, "unit": "USD", "subject": "trade", "as_of": "2022", "source": "m.txt",
            "quote": EVIL, "start": 1, "end": 2}
    text = "Trade was US$4.36 billion <b>. [1] Old figure 35. [2]"
    out = render.annotate(text, [claim("US$4.36 billion", "supported", fact), claim("35", "stale", None, "newer")])
    assert '<span class="fig v-supported"' in out and "US$4.36 billion&#8239;<span class=\"fig-mark\">✓</span>" in out
    assert '<span class="fig v-stale"' in out
    assert '<sup class="cite" data-cite="1">[1]</sup>' in out
    assert "&lt;b&gt;" in out and "<script" not in out and "<img" not in out


def test_the_export_link_escapes_its_id() -> None:
    link = render.export_link('a"><script>x</script>')
    assert "<script" not in link and 'href="ui/export?session=a&quot;&gt;' in link


def test_sources_panel_shows_title_date_and_marked_quote() -> None:
    start = TEXT.index(QUOTE)
    result = {"status": "answered", "answer": "x [1]", "checks": [], "citations": [
        {"n": 1, "source": "m.txt", "title": EVIL, "date": None, "quote": QUOTE, "start": start,
         "end": start + len(QUOTE)}]}
    out = render.sources_html(result, {"m.txt": TEXT})
    assert "date not given" in out and 'id="cite-1"' in out and "<mark>" in out
    assert "<script" not in out and "<img" not in out


def test_not_found_lists_closest_announcements() -> None:
    result = {"status": "not_found", "question": "Steel <b>?", "answer": "…",
              "closest": [{"source": "a.txt", "title": "China–Serbia AEO", "date": "2024-05-03"}]}
    out = render.sources_html(result, {})
    assert 'id="not-found"' in out and "Not found in the bulletins" in out
    assert "China–Serbia AEO" in out and "2024-05-03" in out and "Steel &lt;b&gt;?" in out
    assert "Not found in the bulletins" in render.answer_bubble(result)


def test_claims_html_shows_fact_row_in_details() -> None:
    fact = {"value": 35, "unit": "count", "subject": "partners", "as_of": "2023", "source": "m.txt",
            "quote": "…increased to 35.", "start": 10, "end": 30}
    out = render.claims_html(render.claims_of([{"text": "35", "verdict": "supported",
                                                 "claims": [claim("35", "supported", fact)]}]))
    assert "<details>" in out and "m.txt (chars 10–30)" in out and "verified" in out
    missing = render.claims_html([claim("12", "unsupported")])
    assert "unverified" in missing and "No row in the fact table" in missing


def test_check_html_handles_no_figures() -> None:
    assert "No figures" in render.check_html({"text": "hello", "verdict": "supported", "claims": []})


def test_search_groups_mark_highlights_in_snippets() -> None:
    result = {"groups": [{"source": "s.txt", "title": "T <i>", "date": None, "date_text": "February 14",
                          "passages": [{"snippet": "AEO <x> measures", "highlights": [[0, 3], [8, 16]],
                                        "score": 0.5, "start": 100, "end": 116}]}]}
    out = render.search_html(result)
    assert "<mark>AEO</mark> &lt;x&gt; <mark>measures</mark>" in out and "T &lt;i&gt;" in out
    assert render.hit_choices(result)[0][1] == "100:116:s.txt"
    assert render.parse_hit("100:116:s:odd.txt") == ("s:odd.txt", 100, 116)
    assert render.parse_hit("garbage") is None
    assert 'id="search-empty"' in render.search_html({"groups": []})


def test_bulletin_view_marks_passage_with_scroll_target() -> None:
    doc = {"title": "T", "source": "s.txt", "date_text": None, "partners": ["Uruguay"]}
    out = render.bulletin_html(doc, "before " + EVIL + " after", [(0, 6)])
    assert '<mark id="bulletin-hit">before</mark>' in out and "&lt;script&gt;" in out and "<script" not in out
    assert "Uruguay" in out and "date not given" in out


def test_fact_rows_and_csv_keep_the_source_span(tmp_path: Path) -> None:
    facts = [{"value": 35, "unit": "count", "kind": "count", "subject": "partners", "as_of": "2023",
              "partners": ["Macao"], "source": "m.txt", "quote": "q", "start": 5, "end": 7}]
    rows = render.fact_rows(facts)
    assert rows[0][render.FACT_HEADERS.index("span")] == "m.txt:5-7"
    headers, arows = render.record_table(
        [{"partner": "Macao", "signed": {"value": "--02-07", "source": "m.txt", "start": 1, "end": 4, "text": "7th"},
          "in_force": "unknown", "measures": [{"value": "lower inspection rate", "source": "m.txt", "start": 9,
                                              "end": 30}], "sources": ["m.txt"]}], render.ARRANGEMENT_PREFERRED)
    assert headers[:3] == ["partner", "signed", "in_force"]
    assert arows[0][1] == "--02-07 [m.txt:1-4]" and "lower inspection rate [m.txt:9-30]" in arows[0]
    path = render.write_csv(tmp_path / "f.csv", render.FACT_HEADERS, rows)
    read = list(csv.reader(path.open(encoding="utf-8")))
    assert read[0] == render.FACT_HEADERS and read[1][0] == "35"


def test_ingest_report_says_why_a_file_was_rejected() -> None:
    out = render.ingest_html("x.pdf", {"added": ["a.txt"], "rejected": [{"source": "x.pdf", "reason": "<bad> type"}]})
    assert "added" in out and "a.txt" in out and "rejected" in out and "&lt;bad&gt; type" in out


def test_eval_html_lists_failures() -> None:
    summary = {"pass_rate": {"value": 0.5, "low": 0.0, "high": 1.0, "n": 2}}
    assert "pass_rate" in render.metrics_html(summary, {"items": 2})
    out = render.failures_html([{"id": "q1", "question": "<q>", "passed": False, "reasons": ["no citation"]},
                                {"id": "q2", "question": "ok", "passed": True}])
    assert "q1" in out and "q2" not in out and "&lt;q&gt;" in out


def test_not_found_bubble_keeps_the_reason_and_lists_the_closest() -> None:
    reason = "The bulletins do not give the date from which it takes effect <b>. The report is dated February 14 [1]."
    result = {"status": "not_found", "question": "When?", "checks": [],
              "answer": reason + render.CLOSEST_LEAD + "China–Serbia AEO (February 14, a.txt).",
              "citations": [{"n": 1, "source": "a.txt", "title": "China–Serbia AEO", "date": None,
                             "quote": "February 14", "start": 0, "end": 11}],
              "closest": [{"source": "a.txt", "title": "China–Serbia AEO", "date": "February 14"}]}
    bubble = render.answer_bubble(result)
    assert "Not found in the bulletins" in bubble and "do not give the date" in bubble
    assert "&lt;b&gt;" in bubble and '<sup class="cite" data-cite="1">[1]</sup>' in bubble
    assert '<ul class="closest"><li><strong>China–Serbia AEO</strong> · February 14 · <code>a.txt</code>' in bubble
    assert bubble.count("China–Serbia AEO") == 1  # the appended sentence is replaced by the list, not repeated
    panel = render.sources_html(result, {"a.txt": "February 14 China and Serbia signed."})
    assert "do not give the date" in panel and 'id="cite-1"' in panel and "<mark>February 14</mark>" in panel
    bare = render.answer_bubble({"status": "not_found", "answer": "", "closest": []})
    assert "do not answer this question" in bare and "No indexed bulletin is close" in bare


def test_fact_table_shows_dates_in_words_and_short_sentences() -> None:
    assert render.readable_date("--02-07") == "7 February (year not given)"
    assert render.readable_date("2024-05-03") == "3 May 2024"
    assert render.readable_date("2022-03") == "March 2022"
    assert render.readable_date("2022") == "2022" and render.readable_date(35) == 35
    long = "word " * 60
    rows = render.fact_display_rows([{"value": "--02-14", "unit": "date", "kind": "date", "subject": long,
                                      "as_of": "--02-14", "partners": ["Serbia"], "source": "s.txt",
                                      "quote": long, "start": 0, "end": 11}])
    shown = dict(zip(render.FACT_HEADERS, rows[0], strict=True))
    assert shown["value"] == shown["as_of"] == "14 February (year not given)"
    assert shown["quote"].endswith("…") and len(shown["quote"]) <= render.SHORT_CELL + 1
    assert shown["span"] == "s.txt:0-11" and len(render.FACT_LABELS) == len(render.FACT_HEADERS)


def test_arrangement_columns_read_as_words() -> None:
    labels, rows = render.record_display(["partner", "in_force", "extra_key"],
                                         [["Macao", "--02-07 [m.txt:28-40]", "x " * 100]])
    assert labels == ["Partner", "In force from", "Extra key"]
    assert rows[0][1] == "7 February (year not given) [m.txt:28-40]" and rows[0][2].endswith("…")
