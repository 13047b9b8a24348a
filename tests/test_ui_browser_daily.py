"""The daily-tool features in real Chromium (issue 12): thumbs on an answer, a conversation that survives a
reload and is cleared by "New conversation", and the index footer."""

from __future__ import annotations

import json
from pathlib import Path
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


def test_the_ask_button_asks_outside_gradios_queue_and_keeps_the_tab_when_the_server_is_unreachable(
        page: Any) -> None:
    queued: list[str] = []
    page.on("request", lambda r: queued.append(r.post_data or "") if "/gradio_api/queue/join" in r.url else None)
    with page.expect_request(lambda r: r.url.endswith("/ui/ask") and r.method == "POST") as posted:
        page.locator("#ask-question textarea").fill(MACAO_Q)
        page.locator("#ask-button").click()
    page.locator('#ask-sources .answer-panel[data-turn="1"]').wait_for()
    assert json.loads(posted.value.post_data)["question"] == MACAO_Q
    sync_api.expect(page.locator("#ask-chat [data-testid=bot]").first).to_contain_text("4.36 billion")
    # the answer came from the page's route: no event on Gradio's queue carried the question (the page's load
    # events may still be on their way)
    assert not [body for body in queued if "4.36" in body or "Macao" in body], queued

    with page.expect_download() as download:
        page.locator("#ask-export a").click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# Conversation") and MACAO_Q in markdown

    bodies: list[dict[str, Any]] = []

    def restarted_once(route: Any) -> None:  # the server restarted and no longer has the conversation
        bodies.append(json.loads(route.request.post_data))
        if len(bodies) == 1:
            route.fulfill(status=409, content_type="application/json", body='{"error": "no conversation"}')
        else:
            route.continue_()

    page.route("**/ui/ask", restarted_once)
    page.locator("#ask-question textarea").fill("And in 2021?")
    page.locator("#ask-button").click()
    page.locator('#ask-sources .answer-panel[data-turn="2"]').wait_for()
    assert bodies[0]["session"] and bodies[1]["session"] is None
    assert [t["question"] for t in bodies[1]["kept"]] == [MACAO_Q]  # asked again with what the tab kept
    sync_api.expect(page.locator("#ask-chat [data-testid=bot]")).to_have_count(2)
    page.unroute("**/ui/ask")

    page.route("**/ui/ask", lambda route: route.abort())  # the server goes away
    page.locator("#ask-question textarea").fill("And in 2020?")
    page.locator("#ask-button").click()
    sync_api.expect(page.locator("#ask-sources")).to_contain_text("could not be fetched from the server")
    sync_api.expect(page.locator("#ask-question textarea")).to_have_value("And in 2020?")  # kept to send again
    assert page.locator("#ask-chat [data-testid=bot]").count() == 2
    assert "ca-asking" not in (page.locator("#ask-chat").get_attribute("class") or "")
