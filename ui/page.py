"""The page's own routes beside Gradio: Ask and the conversation export, outside Gradio's queue.

Through Gradio's queue one question cost the server about four times the answer itself (a session set up
from the page's configuration, pre- and postprocessing of every output, the SSE stream): 50 tabs asking at
once waited seconds for answers of ~10 ms. The Ask button runs ``ASK_JS`` in the browser instead, which posts
the question and the tab's conversation id to ``/ui/ask`` and sets the tab's values from the JSON it gets
back: the same values the handlers compute, the chat already in Gradio's own form. The answer runs on the
same answering threads as ``/api/…``. An id the server no longer has (it restarted, or forgot the
conversation as least recently used) gets 409, and the page asks again with the turns the browser kept.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ui import render
from ui.api import error, with_text

if TYPE_CHECKING:
    from ui.app import App

# What the sources panel says when the server cannot be reached (the browser shows no detail: it is text
# from the network, and the panel is HTML).
UNREACHABLE = render.message("The answer could not be fetched from the server. Check that it is running, "
                             "then ask again.")

# Inputs and outputs, in this order: question box, chat, conversation id, sources panel, answer JSON, the
# turns the browser keeps, the export link, the index footer. On any failure the tab keeps what it shows.
ASK_JS = """async (question, chat, sid, sources, raw, saved, exported, footer) => {
  const panel = document.getElementById("ask-chat");
  panel?.classList.add("ca-asking");
  try {
    const base = window.location.pathname.replace(/[^/]*$/, "");
    const post = (body) => fetch(base + "ui/ask", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    });
    let response = await post({question: question ?? "", session: sid || null});
    if (response.status === 409) {  // the server no longer has this conversation: restore what the tab kept
      response = await post({question: question ?? "", session: null, kept: Array.isArray(saved) ? saved : []});
    }
    const got = await response.json();
    if (!response.ok || !Array.isArray(got.chat)) throw new Error(got.error || String(response.status));
    return [got.box ?? question, got.chat, got.session, got.shown ? got.sources : sources,
            got.shown ? got.result : raw, got.kept, got.export, got.footer];
  } catch (e) {
    console.error("ask failed", e);
    return [question, chat, sid, UNREACHABLE, raw, saved, exported, footer];
  } finally {
    panel?.classList.remove("ca-asking");
  }
}""".replace("UNREACHABLE", json.dumps(UNREACHABLE))

Run = Callable[[Callable[[], Any]], Awaitable[JSONResponse]]


def router(app: App, run: Run) -> APIRouter:
    """``POST /ui/ask`` and ``GET /ui/export``, bound to one app's conversations."""
    routes = APIRouter(prefix="/ui")

    @routes.post("/ask")
    async def ask(request: Request) -> JSONResponse:
        got = await with_text(request, "question")
        if isinstance(got, JSONResponse):
            return got
        body, question = got
        sid, turns = body.get("session"), body.get("kept")
        if sid is not None and not isinstance(sid, str):
            return error(400, '"session" must be a string')
        if turns is not None and not isinstance(turns, list):
            return error(400, '"kept" must be a list of turns')
        if sid and turns is None and app.sessions.get(sid) is None:
            # a restarted server, or a conversation forgotten: the tab sends what it kept (ASK_JS)
            return error(409, "no conversation with that id: send the turns the page kept")
        return await run(lambda: app.page_ask(question, sid, turns))

    @routes.get("/export")
    def export(session: str = "") -> Response:
        text = app.export_markdown(session)
        if text is None:
            return error(404, "no answered conversation with that id")
        return Response(text, media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="conversation.md"'})

    return routes
