"""The served app (as ``serve`` runs it) grants no cross-origin access, with or without credentials."""

from __future__ import annotations

import httpx
import pytest

from conftest import MACAO, MACAO_Q

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("origin", ["http://localhost:9999", "http://127.0.0.1:1", "https://evil.example", "null"])
def test_no_origin_is_echoed_with_credentials(served: str, origin: str) -> None:
    with httpx.Client(base_url=served, timeout=30) as http:
        simple = http.get("gradio_api/info", headers={"Origin": origin})
        assert simple.status_code == 200
        preflight = http.options("gradio_api/call/ask", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    for response in (simple, preflight):
        assert response.headers.get("access-control-allow-origin") not in (origin, "*"), dict(response.headers)
        assert response.headers.get("access-control-allow-credentials") != "true", dict(response.headers)


def test_the_mounted_app_serves_its_page_and_answers(served: str) -> None:
    with httpx.Client(base_url=served, timeout=120) as http:
        assert http.get("").status_code == 200
        posted = http.post("gradio_api/call/ask", json={"data": [MACAO_Q, None]},
                           headers={"Origin": served.rstrip("/")})  # the app's own page: same origin
        assert posted.status_code == 200
        stream = http.get(f"gradio_api/call/ask/{posted.json()['event_id']}").text
    assert "event: complete" in stream and MACAO in stream
