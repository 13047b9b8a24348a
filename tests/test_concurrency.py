"""Answers in parallel: per-thread SQLite connections, no global read lock, writes serialised, Gradio limits."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant import Assistant
from conftest import BULLETINS, MACAO_Q, SERBIA, URUGUAY
from index.consistency import check_store

QUESTIONS = [MACAO_Q, "When did China and Serbia sign their AEO mutual recognition agreement?",
             "Which facilitation measures do AEO enterprises of China and Serbia enjoy?",
             "How many Belt and Road partners have mutual recognition with China?"]


def test_a_reader_never_sees_an_uncommitted_write_nor_waits_for_it(make_assistant) -> None:  # type: ignore[no-untyped-def]
    a: Assistant = make_assistant()
    assert not a.ingest([BULLETINS], progress=False).rejected
    inside, release, done = threading.Event(), threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with a.catalog.transaction():
                a.catalog.remove(SERBIA)  # not committed until ``release``; then rolled back
                inside.set()
                release.wait(60)
                raise RuntimeError("roll back")
        except RuntimeError:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(60)
    try:
        # With one connection shared by threads this read ran inside the writer's transaction and saw 1.
        assert {d.source for d in a.bulletins()} >= {SERBIA}
        answer = a.ask(QUESTIONS[1])  # answered while the write is open: no lock held by the writer blocks it
        assert answer.status == "answered" and any(c.source == SERBIA for c in answer.citations)
    finally:
        release.set()
        thread.join(60)
    assert done.is_set() and a.bulletin(SERBIA) is not None


def test_parallel_questions_equal_sequential_ones_while_a_writer_works(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a: Assistant = make_assistant()
    assert not a.ingest([BULLETINS], progress=False).rejected
    a.warm()
    expected = {q: a.ask(q).answer for q in QUESTIONS}
    extra = tmp_path / "extra" / "uruguay.txt"
    extra.parent.mkdir()
    stop = threading.Event()
    writes: list[str] = []

    def writer() -> None:  # ingest and delete a bulletin about another partner, over and over
        while not stop.is_set():
            extra.write_text(URUGUAY + f"\nRound {len(writes)}.\n")
            a.ingest([extra], progress=False)
            writes.append("ingest")
            a.delete("uruguay.txt")

    def read(i: int) -> tuple[str, str]:
        q = QUESTIONS[i % len(QUESTIONS)]
        a.search_grouped(q)
        a.check("Mainland–Macao trade was US$4.36 billion in 2022.")
        return q, a.ask(q).answer

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(read, range(48)))
    finally:
        stop.set()
        thread.join(120)
    assert writes, "the writer never ran alongside the readers"
    assert all(answer == expected[q] for q, answer in results), [q for q, ans in results if ans != expected[q]]
    consistency = check_store(a.catalog, a.store)
    assert consistency.ok, consistency.problems
    assert consistency.documents == 2


def test_reading_handlers_run_in_parallel_and_uploads_one_at_a_time(make_assistant) -> None:  # type: ignore[no-untyped-def]
    from ui.app import App

    a: Assistant = make_assistant(concurrency=6)
    demo = App(a).build()
    limits = {fn.api_name: fn.concurrency_limit for fn in demo.fns.values() if fn.api_name}
    for name in ("ask", "search", "check", "open_bulletin", "facts"):
        assert limits[name] == 6, (name, limits[name])
    assert limits["upload"] in (1, "default", None) and limits["upload"] != 6


def test_one_answering_thread_per_core_by_default() -> None:
    import os

    from assistant.settings import Settings, default_concurrency

    cores = len(os.sched_getaffinity(0))
    assert default_concurrency() == max(2, min(8, cores))
    assert Settings.from_env(env={}).concurrency == default_concurrency()
    assert Settings.from_env(env={"CUSTOMS_ASSISTANT_CONCURRENCY": "5"}).concurrency == 5
    assert Settings.from_env(env={"CUSTOMS_ASSISTANT_LLM": "ollama"}).concurrency == 8  # answers wait on the model


def test_gradio_summarises_its_events_seldom_unless_told_otherwise(make_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Gradio's default re-summarises up to 10,000 past events in pandas after every event."""
    from ui.app import App

    monkeypatch.delenv("GRADIO_ANALYTICS_CACHE_FREQUENCY", raising=False)
    monkeypatch.setenv("GRADIO_ANALYTICS_MAX_EVENTS", "77")  # a user's own setting
    demo = App(make_assistant()).build().queue()
    assert demo._queue.ANAYLTICS_CACHE_FREQUENCY == 1000
    assert demo._queue.ANALYTICS_MAX_EVENTS == 77


def test_an_empty_data_folder_has_its_fact_tables_for_every_thread_at_once(make_assistant) -> None:  # type: ignore[no-untyped-def]
    """Made on first use, the fact tables were created inside the first reader's open read transaction; a
    second thread read "no such table: facts" until that reader committed (the empty index's page footer)."""
    a: Assistant = make_assistant()
    inside, release = threading.Event(), threading.Event()

    def first_reader() -> None:
        with a.catalog.reading():
            a.facts_table.facts()
            inside.set()
            release.wait(60)

    thread = threading.Thread(target=first_reader)
    thread.start()
    try:
        assert inside.wait(60)
        got: list[object] = []
        other = threading.Thread(target=lambda: got.append(a.facts_table.facts()))
        other.start()
        other.join(60)
        assert got == [[]]
    finally:
        release.set()
        thread.join(60)
