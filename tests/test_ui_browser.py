"""The web app in real headless Chromium: ask, not found, search, facts, admin upload, and no script injection.

Screenshots of every tab go to test-artifacts/screenshots/ and are copied to docs/screenshots/ for the README when UPDATE_DOCS_SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from conftest import ADMIN_PASSWORD as PASSWORD
from conftest import MACAO, MACAO_Q, SERBIA, URUGUAY
from ui.chromium import CHROMIUM

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install chromium, or `make browser`)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
EVIL = """Beijing, 4 June 2024 — Customs of Atlantis and China Customs signed an AEO mutual recognition \
arrangement on the harbour of Poseidonia <script>window.__pwned = 1</script> during the Atlantis trade fair.

The Atlantis arrangement gives AEO enterprises priority clearance <img src=x onerror="window.__pwned = 2; \
alert('xss')"> at the Poseidonia harbour.
"""
TIMEOUT = 60_000



def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):  # refresh the README's copies only when asked
        shutil.copyfile(SHOTS / name, DOCS_SHOTS / name)




def tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def ask(page: Any, question: str, n_answers: int) -> None:
    """Ask and wait until the n-th answer has finished streaming (its sources panel is filled)."""
    page.locator("#ask-question textarea").fill(question)
    page.locator("#ask-button").click()
    page.locator(f'#ask-sources .answer-panel[data-turn="{n_answers}"]').wait_for()
    page.locator("#ask-chat [data-testid=bot]").nth(n_answers - 1).wait_for()


def upload(page: Any, path: Path) -> str:
    page.locator("#upload-files input[type=file]").set_input_files(str(path))
    page.locator("#upload-files").get_by_text(path.name).first.wait_for()
    page.locator("#upload-button").click()
    page.locator("#upload-result #upload-report").wait_for()
    return str(page.locator("#upload-result").inner_text())


def unlock(page: Any) -> None:
    tab(page, "Bulletins")
    assert not page.locator("#upload-files").is_visible()
    page.locator("#admin-password input").fill("not it")
    page.locator("#admin-unlock").click()
    page.locator("#admin-message").get_by_text("Wrong password").wait_for()
    assert not page.locator("#upload-files").is_visible()
    page.locator("#admin-password input").fill(PASSWORD)
    page.locator("#admin-unlock").click()
    page.locator("#upload-files").wait_for(state="visible")
    page.locator("#admin-password").wait_for(state="hidden")


def test_ask_shows_cited_answer_with_highlighted_quote(page: Any, assistant: Assistant) -> None:
    page.locator("#ask-examples").get_by_text("What was the total trade value", exact=False).first.click()
    sync_api.expect(page.locator("#ask-question textarea")).to_have_value(MACAO_Q)
    page.locator("#ask-button").click()
    page.locator("#ask-sources #answer-sources").wait_for()
    answer = page.locator("#ask-chat [data-testid=bot]").last
    assert "US$4.36 billion" in answer.inner_text()
    assert answer.locator("sup.cite").count() >= 1
    marks = page.locator("#ask-sources .cite-card blockquote mark").all_inner_texts()
    assert any("US$4.36 billion" in m for m in marks), marks
    assert MACAO in page.locator("#ask-sources").inner_text()
    expected = assistant.ask(MACAO_Q).to_json()
    supported = [c for ch in expected["checks"] for c in ch.get("claims", []) if c["verdict"] == "supported"]
    if supported:
        fig = answer.locator(".fig.v-supported").first
        fig.wait_for()
        assert "verified" in (fig.get_attribute("title") or "")
        assert page.locator("#ask-sources #answer-checks .badge.v-supported").count() >= 1
    shot(page, "ask.png")
    # a follow-up uses the conversation
    ask(page, "Which facilitation measures does it give?", 2)
    assert page.locator("#ask-chat [data-testid=bot]").count() == 2
    assert MACAO in page.locator("#ask-sources").inner_text()


def test_unanswerable_question_shows_not_found(page: Any) -> None:
    ask(page, "What is the import tariff on steel in Brazil?", 1)
    box = page.locator("#ask-sources #not-found")
    assert "Not found in the bulletins" in box.inner_text()
    assert box.locator("ul.closest li").count() >= 1
    assert "Not found in the bulletins" in page.locator("#ask-chat [data-testid=bot]").last.inner_text()


def test_search_with_partner_filter_and_bulletin_view(page: Any) -> None:
    tab(page, "Search")
    page.locator("#search-query textarea").fill("AEO facilitation measures")
    page.locator("#search-since input, #search-since textarea").first.fill("2024-02-30")
    page.locator("#search-button").click()
    page.locator("#search-message .error-msg").get_by_text("not a real date", exact=False).wait_for()
    page.locator("#search-since input, #search-since textarea").first.fill("")
    partner = page.locator("#search-partner input")
    partner.click()
    partner.fill("")
    partner.press_sequentially("Serbia")
    partner.press("Enter")
    assert partner.input_value() == "Serbia"
    page.locator("#search-button").click()
    page.locator("#search-message .ok-msg").get_by_text("naming Serbia", exact=False).wait_for()
    groups = page.locator("#search-results .search-group")
    assert groups.count() >= 1
    assert all(SERBIA in g.inner_text() for g in groups.all())
    assert page.locator("#search-results mark").count() >= 1
    hit = page.locator("#search-bulletin #bulletin-hit")
    hit.wait_for()
    assert SERBIA in page.locator("#search-bulletin #bulletin-meta").inner_text()
    shot(page, "search.png")


def test_facts_table_and_draft_check(page: Any, assistant: Assistant) -> None:
    tab(page, "Facts")
    page.locator("#facts-message").get_by_text("facts", exact=False).wait_for()
    if not hasattr(assistant, "facts_json"):
        shot(page, "facts.png")
        pytest.skip("the assistant has no fact table yet")
    table = page.locator("#facts-table").inner_text()
    assert MACAO in table and "(year not given)" in table and "--02-" not in table  # dates in words
    assert "As of" in table and "as_of" not in table  # headings people read
    heading = page.locator("#arrangements-table thead").first.evaluate("e => e.getBoundingClientRect().height")
    assert heading < 90, heading  # no heading squeezed into a sliver, one letter per line
    page.locator("#check-text textarea").fill("Trade between the Mainland and Macao was US$5 billion in 2022.")
    page.locator("#check-button").click()
    result = page.locator("#check-result #check-verdicts, #check-result .notice, #check-result .error-msg").first
    result.wait_for()
    assert "contradicted" in result.inner_text()
    shot(page, "facts.png")


def test_upload_a_bulletin_then_ask_about_it(page: Any, tmp_path: Path) -> None:
    unlock(page)
    path = tmp_path / "china_uruguay_aeo.txt"
    path.write_text(URUGUAY, encoding="utf-8")
    report = upload(page, path)
    assert "added" in report and path.name in report, report
    page.locator("#bulletins-table").get_by_text(path.name).wait_for()
    shot(page, "bulletins.png")
    tab(page, "Ask")
    ask(page, "When did China and Uruguay sign their AEO arrangement?", 1)
    assert path.name in page.locator("#ask-sources").inner_text()
    assert "Uruguay" in page.locator("#ask-chat [data-testid=bot]").last.inner_text()


def test_markup_inside_a_bulletin_never_runs(page: Any, tmp_path: Path) -> None:
    unlock(page)
    path = tmp_path / "atlantis_aeo.txt"
    path.write_text(EVIL, encoding="utf-8")
    report = upload(page, path)
    assert "added" in report, report
    page.locator("#bulletins-table").get_by_text(path.name).wait_for()
    tab(page, "Ask")
    ask(page, "What does the Atlantis arrangement give AEO enterprises at the Poseidonia harbour?", 1)
    tab(page, "Search")
    page.locator("#search-query textarea").fill("Atlantis Poseidonia harbour")
    page.locator("#search-button").click()
    page.locator("#search-bulletin #bulletin-hit").wait_for()
    shown = page.locator("#search-bulletin").inner_text()
    assert "<script>window.__pwned = 1</script>" in shown
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.locator("#search-bulletin script, #ask-sources script, #ask-chat script").count() == 0
    assert page.locator("#search-bulletin img, #ask-sources img").count() == 0


def test_evaluate_tab_runs_a_set(page: Any, tmp_path: Path) -> None:
    if page.get_by_role("tab", name="Evaluate").count() == 0:
        pytest.skip("no Evaluate tab: the evals harness is not usable")
    items = [{"id": "macao-trade", "question": MACAO_Q, "expected": {"facts": [["4.36 billion"]]},
              "sources": [MACAO], "answerable": True, "type": "figure"},
             {"id": "steel", "question": "What is the import tariff on steel in Brazil?", "expected": {},
              "sources": [], "answerable": False, "type": "unanswerable"}]
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    tab(page, "Evaluate")
    page.locator("#eval-upload input[type=file]").set_input_files(str(path))
    page.locator("#eval-upload").get_by_text(path.name).first.wait_for()
    page.locator("#eval-run").click()
    page.locator("#eval-summary table").wait_for()
    assert "pass_rate" in page.locator("#eval-summary").inner_text()
    shot(page, "evaluate.png")


CONTRAST_JS = """(sel) => {
  const parse = (c) => { const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(',').map(Number);
                         return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c[3] > 0.5) return c; }
    return [255, 255, 255, 1];
  };
  const lum = (rgb) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                         return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]); };
  return [...document.querySelectorAll(sel)].map((el) => {
    const a = lum(parse(getComputedStyle(el).color)), b = lum(background(el));
    return [el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""
READABLE = ("#ask-sources .cite-title, #ask-sources .cite-date, #ask-sources .cite-source, #ask-sources .cite-context, "
            "#ask-sources .search-score, #ask-sources .badge, #search-results .search-hit, "
            "#search-results .cite-head strong, #search-results .cite-head code, #search-results .search-score")


def contrasts(page: Any) -> list[tuple[str, float]]:
    """WCAG contrast of every source-card title, date, file name and search passage against its background."""
    return [(str(name), float(ratio)) for name, ratio in page.evaluate(CONTRAST_JS, READABLE)]


def fill_sources_and_search(page: Any) -> None:
    ask(page, MACAO_Q, 1)
    tab(page, "Search")
    page.locator("#search-query textarea").fill("AEO facilitation measures")
    page.locator("#search-button").click()
    page.locator("#search-results .search-group").first.wait_for()
    tab(page, "Ask")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_light_and_dark_themes_are_readable_and_light_is_the_default(browser: Any, url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.locator("#ask-question textarea").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("document.body.classList.contains('dark')") is False  # the OS setting does not switch it
    fill_sources_and_search(page)
    for dark in (False, True):
        if dark:
            page.locator("#theme-toggle").click()
            page.wait_for_function("document.body.classList.contains('dark')")
        found = contrasts(page)
        assert len(found) >= 8, found
        low = [(name, round(r, 2)) for name, r in found if r < 4.5]
        assert not low, f"unreadable in {'dark' if dark else 'light'} mode: {low}"
    if scheme == "dark":
        shot(page, "ask-dark.png")
    page.reload()  # the choice is remembered
    page.locator("#ask-question textarea").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("document.body.classList.contains('dark')") is True
    context.close()


def test_phone_width_shows_every_tab_and_readable_table_headers(browser: Any, url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.locator("#ask-question textarea").wait_for()
    assert page.get_by_role("textbox", name="Your question").count() == 1  # the box has an accessible name
    visible = [b.inner_text() for b in page.locator("#tabs [role=tab], #tabs .overflow-dropdown button").all()
               if b.is_visible()]
    assert {"Ask", "Search", "Facts", "Bulletins", "Evaluate"} <= set(visible), visible
    assert not page.locator('#tabs button[aria-label="More tabs"]').is_visible()
    ask(page, MACAO_Q, 1)
    shot(page, "mobile.png")
    page.get_by_role("tab", name="Facts").click()
    page.locator("#facts-message").get_by_text("facts", exact=False).wait_for()
    widths = page.locator("#facts-table th").evaluate_all("ths => ths.map(th => th.getBoundingClientRect().width)")
    assert widths and min(widths) >= 60, widths  # not one letter per line
    context.close()


def test_a_citation_marker_opens_the_bulletin_at_the_quoted_span(page: Any, assistant: Assistant) -> None:
    ask(page, MACAO_Q, 1)
    expected = assistant.ask(MACAO_Q).to_json()["citations"][0]
    full = page.locator("#cite-1 details.cite-full")
    assert full.get_attribute("open") is None  # folded until asked for
    page.locator("#ask-chat [data-testid=bot] sup.cite").first.click()
    hit = page.locator("#cite-1-hit")
    sync_api.expect(hit).to_be_in_viewport()
    assert full.get_attribute("open") is not None
    assert hit.inner_text() == expected["quote"]
    whole = page.locator("#cite-1 .cite-bulletin").inner_text()
    doc = assistant.bulletin(expected["source"])
    assert doc is not None and whole.strip() == doc.text.strip()  # the whole bulletin, not only the paragraph
    shot(page, "ask-citation.png")
    # the card's title line toggles it too
    page.locator("#cite-1 summary").click()
    assert full.get_attribute("open") is None
    page.locator("#cite-1 summary").click()
    sync_api.expect(hit).to_be_in_viewport()


def test_a_pdf_upload_is_rejected_once_with_the_reason(page: Any, tmp_path: Path) -> None:
    unlock(page)
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4 not a bulletin")
    report = upload(page, path)
    assert "rejected" in report and "notes.pdf" in report and report.count("notes.pdf") == 1, report
    page.wait_for_timeout(500)
    assert page.locator(".toast-body, [data-testid=toast-body]").count() == 0  # no second message as a toast
    assert not page.locator("#upload-files").get_by_text("Error", exact=True).is_visible()
