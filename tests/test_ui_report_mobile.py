"""The evaluation report page on a phone: it declares a viewport, so a phone lays it out at its own width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.report import run_to_dict, to_html
from evals.runner import run_eval
from evals.schema import load_set
from evals.stats import summarise

CHROMIUM = Path("/usr/bin/chromium")


def report_html() -> str:
    items = load_set("seed")[:3]
    empty: dict[str, Any] = {"status": "not_found", "answer": "", "citations": [], "retrieved": [],
                             "timings_ms": {"total": 1.0}}
    run = run_eval(items, lambda turns: empty, None, progress=False, set_name="seed")
    return to_html(run_to_dict(run, summarise(run, resamples=10)))


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_report_html_is_laid_out_at_phone_width(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "report.html"
    page_file.write_text(report_html(), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True).new_page()
        page.goto(page_file.as_uri())
        # without a viewport meta tag a phone lays the page out 980px wide and shrinks it to unreadable text
        assert page.evaluate("window.innerWidth") == 375
        browser.close()
