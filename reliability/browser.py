"""Script payloads inside bulletins, rendered in real Chromium by the running server: none may run."""

from __future__ import annotations

import time
from typing import Any

from reliability.results import Group
from reliability.server import Server
from ui.chromium import ARGS, CHROMIUM, open_app

TIMEOUT_MS = 60_000


def run(server: Server, partners: list[str], markers: list[str]) -> Group:
    """Every view showing bulletin text, once per payload bulletin; a case fails on any script execution
    (``window.__pwned`` set or a dialog opened). ``markers`` are payload strings that must show as text."""
    g = Group("XSS payloads in Chromium")
    t0 = time.perf_counter()
    if not CHROMIUM.exists():
        g.fail(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
        return g
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for partner in partners:
                _views(g, browser, server.url, partner, markers)
        finally:
            browser.close()
    g.seconds = time.perf_counter() - t0
    return g


def _views(g: Group, browser: Any, url: str, partner: str, markers: list[str]) -> None:
    page = open_app(browser, url, TIMEOUT_MS)
    context, dialogs = page.context, page.dialogs

    def executed(view: str) -> None:
        page.wait_for_timeout(300)
        pwned = page.evaluate("window.__pwned || 0")
        g.case(not pwned and not dialogs, f"{partner} {view}: {pwned} script runs, dialogs {dialogs[:2]}")

    page.locator("#ask-question textarea").fill(f"What does the {partner} arrangement give AEO enterprises at the harbour?")
    page.locator("#ask-button").click()
    page.locator('#ask-sources .answer-panel[data-turn="1"]').wait_for()
    executed("Ask (answer and sources)")
    page.get_by_role("tab", name="Search").click()
    page.locator("#search-query textarea").fill(f"{partner} harbour trade fair")
    page.locator("#search-button").click()
    page.locator("#search-bulletin #bulletin-hit").wait_for()
    shown = page.locator("#search-bulletin").inner_text()
    g.case(any(m in shown for m in markers), f"{partner} Search: no payload shown as text (did the view load it?)")
    executed("Search (results and bulletin)")
    page.get_by_role("tab", name="Facts").click()
    page.locator("#facts-partner input").fill(partner)
    page.locator("#facts-button").click()
    page.locator("#facts-message").get_by_text("facts").wait_for()
    executed("Facts (table)")
    page.locator("#check-text textarea").fill(f"{partner} trade reached US$21.25 billion <script>window.__pwned=1</script>")
    page.locator("#check-button").click()
    page.locator("#check-result").get_by_text("21.25").first.wait_for()
    executed("Facts (draft check)")
    page.get_by_role("tab", name="Bulletins").click()
    page.locator("#bulletins-warnings #addressed-warnings").wait_for()
    warned = page.locator("#bulletins-warnings").inner_text()
    g.case("addressed to software" in warned and "Ignore previous instructions" in warned,
           f"{partner} Bulletins: no warning for the planted sentences: {warned[:200]!r}")
    executed("Bulletins (table and warnings)")
    context.close()
