"""The daily-tool features in real Chromium (issue 12): thumbs on an answer, a conversation that survives a
reload and is cleared by "New conversation", and the index footer."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import Assistant
from conftest import MACAO_Q
from ui.chromium import CHROMIUM

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def test_rate_an_answer_reload_keeps_the_conversation_and_new_clears_it(page: Any, assistant: Assistant) -> None:
    footer = page.locator("#index-line")
    sync_api.expect(footer).to_contain_text(assistant.index_state().fingerprint)
    page.locator("#ask-question textarea").fill(MACAO_Q)
    page.locator("#ask-button").click()
    page.locator('#ask-sources .answer-panel[data-turn="1"]').wait_for()
    bot = page.locator("#ask-chat [data-testid=bot]").first
    sync_api.expect(bot).to_contain_text("4.36 billion")

    before = len(assistant.feedback.all())
    page.locator("#feedback-note textarea").fill("right figure")
    page.locator("#ask-chat").get_by_role("button", name="Like", exact=True).first.click()
    sync_api.expect(page.locator("#feedback-message")).to_contain_text("thumbs up saved")
    stored = assistant.feedback.all()
    assert len(stored) == before + 1 and stored[-1].rating == "up" and stored[-1].question == MACAO_Q
    assert stored[-1].note == "right figure"
    export = page.locator("#ask-export")
    sync_api.expect(export).to_be_visible()

    page.reload()
    page.locator("#ask-question textarea").wait_for()
    sync_api.expect(page.locator("#ask-chat [data-testid=bot]").first).to_contain_text("4.36 billion")
    sync_api.expect(page.locator("#ask-chat [data-testid=user]").first).to_contain_text(MACAO_Q)

    page.locator("#ask-reset").click()
    sync_api.expect(page.locator("#ask-chat [data-testid=bot]")).to_have_count(0)
    page.wait_for_timeout(500)
    page.reload()
    page.locator("#ask-question textarea").wait_for()
    page.wait_for_timeout(1500)
    assert page.locator("#ask-chat [data-testid=bot]").count() == 0
