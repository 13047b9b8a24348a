"""Refresh the README screenshots of the Ask tab: light, dark, phone (375 px) and a clicked citation.

Runs the real app: ingests corpus/bulletins into a temporary data folder, starts ``customs-assistant serve`` on a
free 127.0.0.1 port, drives Debian's Chromium with Playwright (same launch flags as tests/test_ui_browser.py) and
writes ask.png, ask-dark.png, mobile.png and ask-citation.png next to this file.

    .venv/bin/python docs/screenshots/take.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from ui.chromium import ARGS, CHROMIUM, open_app

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CLI = Path(sys.executable).with_name("customs-assistant")
QUESTION = "What was the total trade value between the Mainland and Macao in 2022?"
TIMEOUT = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, server: subprocess.Popen[bytes], seconds: float = 180) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            raise SystemExit(f"customs-assistant serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def open_page(browser: Any, url: str, **context: Any) -> Any:
    return open_app(browser, url, TIMEOUT, **context)


def ask(page: Any) -> None:
    page.locator("#ask-question textarea").fill(QUESTION)
    page.locator("#ask-button").click()
    page.locator('#ask-sources .answer-panel[data-turn="1"]').wait_for()
    page.locator("#ask-chat [data-testid=bot]").first.wait_for()
    page.locator("#index-state").get_by_text("bulletins", exact=False).first.wait_for()
    page.wait_for_timeout(500)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(HERE / name), full_page=True)
    print(f"wrote {HERE / name}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="customs-shots-") as home:
        env = {**os.environ, "CUSTOMS_ASSISTANT_HOME": home}
        env.pop("CUSTOMS_ASSISTANT_ADMIN_PASSWORD", None)
        subprocess.run([str(CLI), "ingest", str(ROOT / "corpus" / "bulletins"), "--quiet"], env=env, check=True)
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen([str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env)
        try:
            wait_up(url, server)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                desktop = {"viewport": {"width": 1400, "height": 1000}, "color_scheme": "light"}
                page = open_page(browser, url, **desktop)
                ask(page)
                shot(page, "ask.png")
                page.locator("#ask-chat [data-testid=bot] sup.cite").first.click()
                page.locator("#cite-1-hit").wait_for()
                page.wait_for_timeout(500)
                shot(page, "ask-citation.png")
                page.context.close()

                page = open_page(browser, url, **desktop)
                page.locator("#theme-toggle").click()
                page.wait_for_function("document.body.classList.contains('dark')")
                ask(page)
                shot(page, "ask-dark.png")
                page.context.close()

                page = open_page(browser, url, viewport={"width": 375, "height": 800}, is_mobile=True)
                ask(page)
                shot(page, "mobile.png")
                page.context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
