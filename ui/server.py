"""How ``customs-assistant serve`` runs the web app: Gradio mounted on an app whose CORS policy is ours.

Gradio's own launch answers any request whose Origin is a local address (any port) with
``Access-Control-Allow-Origin: <that origin>`` and ``Allow-Credentials: true`` — and, on a server not
addressed as localhost, any origin at all — so a page from another local service or another site could
drive the app and read its answers in the user's name. Mounted under a FastAPI app that configures
Starlette's ``CORSMiddleware``, Gradio adds no CORS headers of its own (documented for
``gr.mount_gradio_app``), and the policy is: no cross-origin access, never with credentials. The
app's own pages are same-origin and need none.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import gradio as gr
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from ui import page
from ui.api import answering_pool, runner
from ui.api import router as api_router
from ui.net import PortError

if TYPE_CHECKING:
    from ui.app import App

ALLOWED_ORIGINS: list[str] = []  # the app's own origin needs no grant; nothing else gets one


def web_app(page_app: App, mount_options: dict[str, Any]) -> FastAPI:
    """The ASGI app ``serve`` runs: the page built by ``page_app`` at ``/``, its Ask route, and the JSON API,
    behind our CORS policy. The page needs its route: it is served this way, never by ``Blocks.launch``."""
    demo = page_app.build()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(CORSMiddleware, allow_origins=ALLOWED_ORIGINS, allow_credentials=False,
                       allow_methods=["GET", "POST"])
    pool = answering_pool(page_app.a)  # one set of answering threads for the page and the tools
    app.include_router(api_router(page_app.a, pool))  # /api/…: JSON for other tools, outside Gradio's queue
    app.include_router(page.router(page_app, runner(pool)))  # /ui/…: the page's Ask, outside Gradio's queue
    return gr.mount_gradio_app(app, demo, path="/", **mount_options)


def run(app: FastAPI, host: str, port: int) -> None:
    """Serve ``app`` until interrupted; says where once it listens, and a plain reason if it cannot."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))

    def announce() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            print(f"* Running on local URL:  http://{shown}:{port}", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind (another process took the port after our check)
        raise PortError(f"cannot listen on {host}:{port}; choose another with --port") from None
