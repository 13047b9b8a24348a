"""Many users at once: clients asking questions in parallel against the running server, timed per answer."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx

from reliability.results import Group, percentile
from reliability.server import Server

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 1000.0  # the target (issue 11); a p95 over it is reported: README, Reliability
# What the suite fails on: the p95 reached on this 2-core machine with room for a loaded CI run (measured
# 0.65-0.99 s through the JSON API and 0.79-1.07 s through the page's route, 50 clients x 4 questions; it was
# 2.1-4.3 s while the page asked through Gradio's queue).
GATE_MS = 3000.0


def seed_questions() -> list[str]:
    out = []
    for line in (ROOT / "evals" / "sets" / "seed.jsonl").read_text().splitlines():
        if line.strip():
            item = json.loads(line)
            out.append(item.get("question") or item["turns"][-1])
    return out


async def _through_page(http: httpx.AsyncClient, q: str, tab: dict[str, Any]) -> tuple[bool, str]:
    """What the Ask button does (ui.page.ASK_JS): post the question with the tab's conversation id, which the
    first answer gives, and take every value the tab shows (its chat holds every turn of the tab so far)."""
    r = await http.post("ui/ask", json={"question": q, "session": tab.get("session")})
    got = r.json() if r.status_code == 200 else {}
    tab["session"] = got.get("session") or tab.get("session")
    tab["turns"] = tab.get("turns", 0) + 1
    ok = (r.status_code == 200 and isinstance(got.get("chat"), list) and len(got["chat"]) == 2 * tab["turns"]
          and (got.get("result") or {}).get("status") in ("answered", "not_found"))
    return ok, "" if ok else f"{q[:40]!r}: HTTP {r.status_code}: {r.text[:200]}"


async def _through_api(http: httpx.AsyncClient, q: str, tab: dict[str, Any]) -> tuple[bool, str]:
    r = await http.post("api/ask", json={"question": q})
    ok = r.status_code == 200 and r.json().get("status") in ("answered", "not_found")
    return ok, "" if ok else f"{q[:40]!r}: HTTP {r.status_code}: {r.text[:200]}"


def run(server: Server, clients: int = 50, each: int = 4, api: bool = False) -> Group:
    """``clients`` users, released together, each asking ``each`` different questions one after another: in
    its own conversation through the page's Ask route, as that many browser tabs would, or (``api``) through
    the JSON API, as that many tools would. Each user has its own connection pool.

    The users are tasks of one event loop, not threads: the load client shares the machine's two cores with
    the server, and 50 client threads spent ~17 ms of CPU a request (3.4 s for 200) contending for their own
    interpreter lock — CPU the server under test did not get. As tasks the client spends ~3 ms a request.
    """
    g = Group(f"{clients} users x {each} questions" + (" (JSON API)" if api else " (web page)"))
    ask = _through_api if api else _through_page
    qs = seed_questions()
    timings: list[float] = []
    errors: list[str] = []

    async def user(i: int, http: httpx.AsyncClient, start: asyncio.Event) -> None:
        tab: dict[str, Any] = {}  # one browser tab: one conversation for its four questions
        await start.wait()
        for j in range(each):
            q = qs[(i * each + j) % len(qs)]
            t = time.perf_counter()
            try:
                ok, why = await ask(http, q, tab)
            except Exception as exc:  # noqa: BLE001 - counted
                ok, why = False, f"{q[:40]!r}: {type(exc).__name__}: {exc}"
            timings.append((time.perf_counter() - t) * 1000)
            if not ok:
                errors.append(why)

    async def everyone() -> tuple[float, float]:
        """Wall seconds and the client's own CPU seconds from the users' release to the last answer."""
        start = asyncio.Event()
        # plain HTTP to 127.0.0.1: no certificates to load for each user's pool
        pools = [httpx.AsyncClient(base_url=server.url, timeout=120, verify=False) for _ in range(clients)]
        try:
            tasks = [asyncio.create_task(user(i, http, start)) for i, http in enumerate(pools)]
            await asyncio.sleep(0)  # every user is waiting
            t0, cpu0 = time.perf_counter(), time.process_time()
            start.set()
            await asyncio.gather(*tasks)
            return time.perf_counter() - t0, time.process_time() - cpu0
        finally:
            for http in pools:
                await http.aclose()

    g.seconds, client_cpu = asyncio.run(everyone())
    for _ in timings:
        g.cases += 1
    for e in errors:
        g.fail(e)
    g.p50_ms, g.p95_ms = percentile(timings, 50), percentile(timings, 95)
    if g.p95_ms is not None and g.p95_ms > GATE_MS:
        g.fail(f"p95 {g.p95_ms:.0f} ms is over the {GATE_MS:.0f} ms gate")
    if g.p95_ms is not None and g.p95_ms > TARGET_P95_MS:
        g.notes.append(f"p95 {g.p95_ms:.0f} ms: the {TARGET_P95_MS:.0f} ms target is not met")
    g.notes.append(f"{len(timings)} answers in {g.seconds:.1f} s ({len(timings) / g.seconds:.1f}/s; the load "
                   f"client's own CPU {client_cpu:.1f} s); server ready after {server.ready_s:.1f} s")
    return g


def cors(server: Server) -> Group:
    """Cross-origin requests (another local port, another site, "null") get no CORS grant with credentials."""
    g = Group("CORS")
    origins = ["http://localhost:9999", "http://127.0.0.1:1", "https://evil.example", "null",
               f"http://localhost:{server.port}"]
    with httpx.Client(base_url=server.url, timeout=30) as http:
        for origin in origins:
            for method in ("GET", "OPTIONS"):
                headers: dict[str, Any] = {"Origin": origin}
                if method == "OPTIONS":
                    headers.update({"Access-Control-Request-Method": "POST",
                                    "Access-Control-Request-Headers": "content-type"})
                r = http.request(method, "gradio_api/info" if method == "GET" else "gradio_api/call/ask",
                                 headers=headers)
                granted = r.headers.get("access-control-allow-origin")
                creds = r.headers.get("access-control-allow-credentials")
                g.case(granted not in (origin, "*") or (origin == server.url.rstrip("/") and creds != "true"),
                       f"{method} from {origin}: allow-origin {granted!r}, credentials {creds!r}")
    return g
