"""How the project drives Debian's Chromium against its own app — the browser tests, the reliability suite and
the README screenshots alike: one path, one set of launch flags (the background-networking ones keep Chromium
off this machine's closed network), one way to open the app with its dialogs recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def open_app(browser: Any, url: str, timeout_ms: int = 60_000, **context: Any) -> Any:
    """A page of a new browser context with the app loaded and its question box ready. ``page.dialogs`` lists
    the messages of any dialog the page opened (each dismissed): a script payload that ran shows there.
    Close it with ``page.context.close()``."""
    page = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **context}).new_page()
    page.set_default_timeout(timeout_ms)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.dialogs = dialogs
    page.goto(url)
    page.locator("#ask-question textarea").wait_for()
    return page
