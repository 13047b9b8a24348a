"""A plain JSON API beside the web page, for other tools: ``/api/ask``, ``/api/check``, ``/api/search``.

Gradio's endpoints go through its queue, which sets up a session from the whole page's configuration and
re-serialises every output on every event: about four fifths of a question's cost on the server. A tool
needs none of that. These routes take and return the same JSON as ``customs-assistant ask
--json``, ``check --json`` and ``search --json`` (the service shapes it; nothing here decides an answer),
run on the settings' answering threads (one per core) in the order they came, and answer every bad request with
``{"error": "..."}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

if TYPE_CHECKING:
    from assistant import Assistant

LOG = logging.getLogger(__name__)
MAX_BODY_BYTES = 1 << 20  # a draft to check is at most the service's limit; a megabyte of JSON holds it


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def body_of(request: Request) -> dict[str, Any] | JSONResponse:
    """The request's JSON object, or the error response saying why not."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return error(413, f"request body over {MAX_BODY_BYTES:,} bytes")
    raw = b""
    async for part in request.stream():
        raw += part
        if len(raw) > MAX_BODY_BYTES:
            return error(413, f"request body over {MAX_BODY_BYTES:,} bytes")
    try:
        body = json.loads(raw.decode("utf-8", "replace") or "null")
    except ValueError:
        return error(400, "the body is not JSON")
    if not isinstance(body, dict):
        return error(400, 'the body must be a JSON object, e.g. {"question": "..."}')
    return body


async def with_text(request: Request, key: str) -> tuple[dict[str, Any], str] | JSONResponse:
    """The request's JSON object and its string field ``key``, or the error response saying why not."""
    body = await body_of(request)
    if isinstance(body, JSONResponse):
        return body
    value = body.get(key)
    if not isinstance(value, str):
        return error(400, f'"{key}" must be a string')
    return body, value


def answering_pool(assistant: Assistant) -> ThreadPoolExecutor:
    """The threads answers run on, shared by ``/api/…`` and the page's ``/ui/ask``.

    Answers are CPU-bound Python: more threads than cores only trade the interpreter lock back and forth
    (measured: 50 at once answered 40% slower in total than 2, and unfairly), so requests queue here, first
    come first served, for ``concurrency`` answering threads.
    """
    return ThreadPoolExecutor(assistant.settings.concurrency, thread_name_prefix="answer")


def runner(pool: ThreadPoolExecutor) -> Callable[[Callable[[], Any]], Awaitable[JSONResponse]]:
    """Run a request's work on ``pool`` and turn its result or its failure into JSON."""
    from assistant import EmptyIndexError

    async def run(fn: Callable[[], Any]) -> JSONResponse:
        try:
            return JSONResponse(await asyncio.get_running_loop().run_in_executor(pool, fn))
        except EmptyIndexError as exc:
            return error(409, str(exc))
        except ValueError as exc:
            return error(400, str(exc))
        except Exception as exc:  # noqa: BLE001 - a tool gets JSON, the log gets the traceback
            LOG.exception("API request failed")
            return error(500, f"the request could not be answered ({type(exc).__name__})")

    return run


def router(assistant: Assistant, pool: ThreadPoolExecutor) -> APIRouter:
    """The routes, bound to one assistant, answering on ``pool``."""
    api = APIRouter(prefix="/api")
    run = runner(pool)

    @api.post("/ask")
    async def ask(request: Request) -> JSONResponse:
        got = await with_text(request, "question")
        if isinstance(got, JSONResponse):
            return got
        body, question = got
        history = body.get("history") or []
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            return error(400, '"history" must be a list of earlier questions')
        return await run(lambda: assistant.ask(question, history).to_json())

    @api.post("/check")
    async def check(request: Request) -> JSONResponse:
        got = await with_text(request, "text")
        if isinstance(got, JSONResponse):
            return got
        return await run(lambda: assistant.check(got[1]).to_json())

    @api.get("/search")
    async def search(q: str = "", partner: str | None = None, since: str | None = None, until: str | None = None,
                     k: int | None = None) -> JSONResponse:
        from assistant.service import parse_day
        from corpus.partners import resolve_partner

        def found() -> dict[str, Any]:
            named = resolve_partner(partner) if partner else None
            return assistant.search_grouped(q, partner=named, since=parse_day(since, "since"),
                                            until=parse_day(until, "until"), k=k)
        return await run(found)

    return api
