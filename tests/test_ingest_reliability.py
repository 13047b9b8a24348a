"""Ingest write path: identity by path, hygiene of what is read, per-file time budget, batching, generation."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from assistant import Assistant
from conftest import BULLETINS, SERBIA, CountingEmbedder
from corpus import Rejected, load_bytes
from index import prepare as prepare_module
from index.catalog import Catalog
from index.ingest import Indexer
from index.prepare import Job, Worker

OLD = time.time() - 3600  # an mtime old enough that the file's size and mtime can be trusted


def _bulletin(partner: str, figure: str) -> str:
    """An invented AEO bulletin: the partner and figure make each one distinct."""
    return (f"Beijing, 3 May 2024 — China Customs and the customs service of {partner} signed a mutual "
            f"recognition arrangement of Authorized Economic Operators (AEO). Trade between the two sides "
            f"reached US${figure} billion in 2023. AEO enterprises of both sides enjoy a lower inspection rate.\n")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (OLD, OLD))
    return path


def _reasons(report_rejected: list[Rejected]) -> dict[str, str]:
    return {r.source: r.reason for r in report_rejected}


# -- 1. identity by path ---------------------------------------------------------------------------

def test_same_name_in_two_folders_are_two_bulletins(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "d"
    _write(d / "a" / "same.txt", _bulletin("Uruguay", "1.5"))
    _write(d / "b" / "same.txt", _bulletin("Peru", "2.5"))
    a: Assistant = make_assistant()
    first = a.ingest([d], progress=False)
    assert sorted(first.added) == ["a/same.txt", "b/same.txt"] and not first.updated
    assert {doc.source for doc in a.bulletins()} == {"a/same.txt", "b/same.txt"}
    again = a.ingest([d], progress=False)
    assert sorted(again.unchanged) == ["a/same.txt", "b/same.txt"] and not again.updated and not again.added
    # A file named directly keeps its bare name; an upload keeps its base name.
    single = a.ingest([_write(tmp_path / "solo" / "x" / "one.txt", _bulletin("Chile", "3.5"))], progress=False)
    assert single.added == ["one.txt"]
    up = a.ingest_upload(_bulletin("Ghana", "4.5").encode(), "some/dir/up.txt")
    assert up.added == ["up.txt"]


def test_bare_name_rows_of_older_versions_are_adopted(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "d"
    _write(d / "a" / "same.txt", _bulletin("Uruguay", "1.5"))
    _write(d / "b" / "same.txt", _bulletin("Peru", "2.5"))
    a: Assistant = make_assistant()
    # What an older version stored: the bulletin under its bare file name, the last one read winning.
    assert a.ingest([d / "b" / "same.txt"], progress=False).added == ["same.txt"]
    report = a.ingest([d], prune=True, progress=False)
    assert report.updated == ["a/same.txt"] and report.added == ["b/same.txt"]
    assert not report.rejected and not report.removed
    assert {doc.source for doc in a.bulletins()} == {"a/same.txt", "b/same.txt"}
    for source in ("a/same.txt", "b/same.txt"):
        ids = a.catalog.chunk_ids(source)
        assert ids and a.store.existing(ids) == set(ids)
    assert {f.source for f in a.facts_table.facts()} <= {"a/same.txt", "b/same.txt"}
    again = a.ingest([d], prune=True, progress=False)
    assert sorted(again.unchanged) == ["a/same.txt", "b/same.txt"] and not again.removed


# -- 2. hygiene ------------------------------------------------------------------------------------

def test_links_out_of_the_folder_and_special_files_are_refused(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    outside = _write(tmp_path / "secret" / "passwd.txt", _bulletin("Kenya", "5.5"))
    d = tmp_path / "d"
    _write(d / "ok.txt", _bulletin("Uruguay", "1.5"))
    (d / "leak.txt").symlink_to(outside)
    os.mkfifo(d / "pipe.txt")
    os.mkfifo(tmp_path / "direct.txt")
    a: Assistant = make_assistant()
    report = a.ingest([d, tmp_path / "direct.txt"], progress=False)
    reasons = _reasons(report.rejected)
    assert report.added == ["ok.txt"]
    assert "outside the ingested folder" in reasons["leak.txt"]
    assert reasons["pipe.txt"] == "not a regular file (FIFO)"
    assert reasons[str(tmp_path / "direct.txt")] == "not a regular file (FIFO)"


def test_invisible_and_misdecoded_text_is_rejected() -> None:
    zero_width = ("\u200b\u200c\u200d\u2060" * 50).encode("utf-8")
    rejected = load_bytes(zero_width, "zw.txt")
    assert isinstance(rejected, Rejected) and "no readable text" in rejected.reason
    noise = b"\xff\xfe" + bytes((i * 7919 + 13) % 256 for i in range(20000))
    rejected = load_bytes(noise, "u16.txt")
    assert isinstance(rejected, Rejected) and "binary" in rejected.reason
    real = load_bytes(_bulletin("Uruguay", "1.5").encode("utf-16"), "real16.txt")
    assert not isinstance(real, Rejected) and "Uruguay" in real.text


def test_short_random_bytes_after_a_utf16_bom_are_rejected_and_utf16_text_in_any_script_is_read() -> None:
    """Short junk decodes to assigned CJK and Hangul code points (few unassigned ones to give it away), but
    no text runs forty characters without a space or punctuation mark."""
    import random

    rng = random.Random(3)
    junk = [b"\xff\xfe" + rng.randbytes(rng.randrange(60, 120)) for _ in range(200)]
    read = [j for j in junk if not isinstance(load_bytes(j, "junk.txt"), Rejected)]
    assert len(read) <= 2, [j[:20] for j in read]
    texts = {  # invented sentences in four scripts, sparse punctuation
        "zh": "海关总署与某国海关签署经认证的经营者互认安排自二〇二四年起实施，双方企业享受通关便利措施。",
        "ja": "税関は認定事業者の相互承認取決めに署名しました。手続きは簡素化されます。",
        "ru": "Таможенные службы подписали соглашение о взаимном признании уполномоченных операторов.",
        "ko": "관세청은 상호인정약정을 체결했으며 수출기업은 통관 혜택을 받는다.",
    }
    for lang, text in texts.items():
        got = load_bytes((text * 3).encode("utf-16"), f"{lang}.txt")
        assert not isinstance(got, Rejected), (lang, got)


# -- 3. time budget --------------------------------------------------------------------------------

def test_a_file_too_slow_to_read_is_rejected_and_the_rest_lands(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "d"
    _write(d / "a_good.txt", _bulletin("Uruguay", "1.5"))
    # 100 kB of digit runs and percentages: fact extraction on this takes minutes without a budget.
    _write(d / "b_slow.txt", " ".join(f"{i % 97}.{i % 10}% 1{i:07d}" for i in range(8000)))
    _write(d / "c_good.txt", _bulletin("Peru", "2.5"))
    a: Assistant = make_assistant()
    indexer = Indexer(a.catalog, a.store, a.embedder, extensions=[a.facts_table], time_budget=3.0,
                      max_passages=0)  # no passage limit: it would refuse the file before its facts are read
    started = time.monotonic()
    report = indexer.ingest_paths([d], progress=False)
    assert time.monotonic() - started < 120  # the slow file cost its budget, not minutes
    assert sorted(report.added) == ["a_good.txt", "c_good.txt"]
    assert _reasons(report.rejected) == {"b_slow.txt": "took longer than 3 s to read"}


def test_a_bulletin_too_long_to_embed_in_time_is_refused_before_its_facts(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    """Embedding runs at some 16 passages a second on 2 cores: a file of thousands of passages would hold the
    ingest for minutes after it was read. Over the limit it is refused, saying which setting raises it."""
    d = tmp_path / "d"
    _write(d / "long.txt", _bulletin("Fiji", "1.5") * 40)
    _write(d / "short.txt", _bulletin("Samoa", "2.5"))
    a: Assistant = make_assistant()
    indexer = Indexer(a.catalog, a.store, a.embedder, extensions=[a.facts_table], max_passages=5)
    report = indexer.ingest_paths([d], progress=False)
    assert report.added == ["short.txt"]
    reason = _reasons(report.rejected)["long.txt"]
    assert reason.startswith("too long to index in time (") and "the limit is 5" in reason
    assert "CUSTOMS_ASSISTANT_MAX_PASSAGES" in reason
    assert a.settings.max_passages == prepare_module.DEFAULT_MAX_PASSAGES
    assert len(a.ingest([d], progress=False).added) == 1  # the default limit takes it


def test_worker_prepares_and_falls_back_to_reading_here(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    job = Job("w.txt", data=_bulletin("Chile", "3.5").encode(), max_bytes=1 << 20)
    with Worker(budget=60.0) as worker:
        for _ in range(2):  # one child serves several files
            got = worker.run(job)
            assert not isinstance(got, Rejected) and got.chunks and got.bulletin.source == "w.txt"
    monkeypatch.setattr(prepare_module, "_can_fork", lambda: False)
    inline = Worker(budget=60.0)
    got = inline.run(job)  # no process can start: read in this process rather than not at all
    assert not isinstance(got, Rejected) and got.chunks


_MARK = "CUSTOMS_ASSISTANT_TEST_MARK"


def _stuck_once(bulletin):  # type: ignore[no-untyped-def]
    """A deriver that hangs without using CPU the first time (a lock held at the fork), then works."""
    mark = Path(os.environ[_MARK])
    if not mark.exists():
        mark.write_text("hung")
        time.sleep(600)
    return None


def _stuck_always(bulletin):  # type: ignore[no-untyped-def]
    time.sleep(600)


def test_a_reader_stuck_without_cpu_is_replaced_and_the_file_read(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The budget is CPU time: a child that sits idle for a whole budget is replaced and the job sent again
    once; one that hangs again is rejected after WALL_FACTOR budgets of wall time, not left waiting."""
    monkeypatch.setenv(_MARK, str(tmp_path / "mark"))
    text = _bulletin("Chile", "3.5").encode()
    with Worker(budget=1.0) as worker:
        t0 = time.monotonic()
        got = worker.run(Job("s.txt", data=text, max_bytes=1 << 20, derivers=(_stuck_once,)))
        assert not isinstance(got, Rejected) and got.chunks, got
        assert (tmp_path / "mark").exists() and time.monotonic() - t0 < 10
        t0 = time.monotonic()
        got = worker.run(Job("h.txt", data=text, max_bytes=1 << 20, derivers=(_stuck_always,)))
        assert isinstance(got, Rejected) and got.reason == "took longer than 1 s to read"
        assert prepare_module.WALL_FACTOR * 1.0 - 0.5 <= time.monotonic() - t0 < 15


def test_a_new_reader_that_never_says_ready_is_replaced(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A child stuck before its first instruction (a lock some parent thread held at the fork) is killed
    and another forked; it does not eat the file's budget."""
    mark = tmp_path / "mark"
    real = prepare_module._serve

    def hangs_first(conn):  # type: ignore[no-untyped-def]
        if not mark.exists():
            mark.write_text("hung")
            time.sleep(600)
        real(conn)

    monkeypatch.setattr(prepare_module, "_serve", hangs_first)
    monkeypatch.setattr(prepare_module, "READY_S", 1.0)
    with Worker(budget=60.0) as worker:
        got = worker.run(Job("r.txt", data=_bulletin("Peru", "2.5").encode(), max_bytes=1 << 20))
    assert mark.exists() and not isinstance(got, Rejected) and got.chunks


class _RecordsWhereFinalized:
    """Garbage (a reference cycle) whose finalizer notes the process it ran in, as a store client's would
    wait there for its own threads."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.cycle = self

    def __del__(self) -> None:
        with self.log.open("a") as f:
            f.write(f"{os.getpid()}\n")


def test_the_parents_garbage_is_not_finalized_in_the_reader(tmp_path: Path) -> None:
    """A forked reader that collected the parent's garbage ran finalizers waiting on threads it does not have,
    and hung; the parent now collects before the fork and the child never sees that garbage."""
    import gc

    log = tmp_path / "finalized"
    gc.disable()
    try:
        _RecordsWhereFinalized(log)  # unreachable at once: only a collection finalizes it
        with Worker(budget=60.0) as worker:
            job = Job("g.html", data=("<p>" + "<b>x</b> " * 20000 + "</p>").encode(), max_bytes=1 << 20)
            worker.run(job)  # the child collects (many allocations) with its collector on
            child = worker._proc.pid if worker._proc is not None else None
    finally:
        gc.enable()
    gc.collect()
    pids = log.read_text().split() if log.exists() else []
    assert str(child) not in pids and pids == [str(os.getpid())]


# -- 4. throughput ---------------------------------------------------------------------------------

def test_bulletins_are_embedded_in_batches_and_one_failure_keeps_its_old_version(
        tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "d"
    names = ["Uruguay", "Peru", "Chile", "Ghana", "Kenya", "Oman"]
    for i, name in enumerate(names):
        _write(d / f"{i}.txt", _bulletin(name, f"{i}.5"))
    a: Assistant = make_assistant(counting=True)
    emb = a.embedder
    assert isinstance(emb, CountingEmbedder)
    first = a.ingest([d], progress=False)
    assert len(first.added) == len(names)
    sentences = a.catalog.conn.execute("SELECT count(DISTINCT digest) FROM sentence_vectors").fetchone()[0]
    assert sentences > 0
    # One call for the whole folder: its chunks and its distinct sentences (stored for evidence scoring).
    assert emb.calls == 1 and emb.texts == first.chunks_embedded + sentences
    old_ids = a.catalog.chunk_ids("2.txt")
    for i, name in enumerate(names):
        _write(d / f"{i}.txt", _bulletin(name, f"{i}.75"))
    real_add = a.store.add

    def add_fails_for_one(chunks, embeddings, metadata):  # type: ignore[no-untyped-def]
        if any(c.source == "2.txt" for c in chunks):
            raise RuntimeError("disk full")
        return real_add(chunks, embeddings, metadata)

    a.store.add = add_fails_for_one  # type: ignore[method-assign]
    second = a.ingest([d], progress=False)
    a.store.add = real_add  # type: ignore[method-assign]
    assert _reasons(second.rejected) == {"2.txt": "indexing failed, previous version kept: disk full"}
    assert sorted(second.updated) == sorted(f"{i}.txt" for i in range(len(names)) if i != 2)
    assert a.catalog.chunk_ids("2.txt") == old_ids and a.store.existing(old_ids) == set(old_ids)
    assert "2.5 billion" in a.bulletin("2.txt").text  # type: ignore[union-attr]


def test_unchanged_files_are_not_read_again(tmp_path: Path, make_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "d"
    _write(d / "one.txt", _bulletin("Uruguay", "1.5"))
    _write(d / "two.txt", _bulletin("Peru", "2.5"))
    a: Assistant = make_assistant()
    assert len(a.ingest([d], progress=False).added) == 2

    def no_reading(self, job):  # type: ignore[no-untyped-def]
        raise AssertionError(f"{job.source} was read again")

    with monkeypatch.context() as m:
        m.setattr(Worker, "submit", no_reading)
        again = a.ingest([d], progress=False)
    assert sorted(again.unchanged) == ["one.txt", "two.txt"]
    # A touched file with the same text is read, found unchanged, and not embedded again.
    later = OLD + 60
    os.utime(d / "one.txt", (later, later))
    third = a.ingest([d], progress=False)
    assert sorted(third.unchanged) == ["one.txt", "two.txt"] and third.chunks_embedded == 0
    # Lost vectors are noticed without reading: the file goes through again and is repaired.
    ids = a.catalog.chunk_ids("two.txt")
    a.store.delete(ids)
    fourth = a.ingest([d], progress=False)
    assert fourth.updated == ["two.txt"] or fourth.added == ["two.txt"] or "two.txt" in fourth.unchanged
    assert a.store.existing(ids) == set(ids)


def test_a_refused_file_is_refused_again_unread_until_it_changes(tmp_path: Path, make_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file the reader refused costs its reading once: unchanged, it is refused again with the same reason
    and not read; changed (or read under other limits), it is read again."""
    d = tmp_path / "d"
    _write(d / "good.txt", _bulletin("Tuvalu", "1.5"))
    _write(d / "junk.txt", "\u200b" * 300)
    a: Assistant = make_assistant()
    first = a.ingest([d], progress=False)
    assert first.added == ["good.txt"] and "junk.txt" in _reasons(first.rejected)
    reason = _reasons(first.rejected)["junk.txt"]
    read: list[str] = []
    real_submit = Worker.submit

    def counting(self, job):  # type: ignore[no-untyped-def]
        read.append(job.source)
        return real_submit(self, job)

    monkeypatch.setattr(Worker, "submit", counting)
    again = a.ingest([d], progress=False)
    assert read == [] and _reasons(again.rejected) == {"junk.txt": reason} and again.unchanged == ["good.txt"]
    other = Indexer(a.catalog, a.store, a.embedder, extensions=[a.facts_table], max_bytes=1 << 20)
    other.ingest_paths([d], progress=False)  # another size limit: the refusal may not hold, so it is read
    assert read == ["junk.txt"]
    _write(d / "junk.txt", _bulletin("Kiribati", "2.5"))
    os.utime(d / "junk.txt", (OLD + 5, OLD + 5))
    fixed = a.ingest([d], progress=False)
    assert fixed.added == ["junk.txt"] and not fixed.rejected
    assert "junk.txt" not in a.catalog.refusals(a.indexer._limits)


def test_existing_catalog_is_migrated_and_lookups_use_indexes(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    a: Assistant = make_assistant()
    a.ingest([BULLETINS], progress=False)
    path = a.settings.catalog_path
    a.close()
    # Make it look like a catalog written by the previous version.
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX documents_doc_id")
    conn.execute("ALTER TABLE documents DROP COLUMN file_size")
    conn.execute("ALTER TABLE documents DROP COLUMN file_mtime_ns")
    conn.execute("DROP TABLE catalog_meta")
    rows = conn.execute("SELECT chunk_id, source, text FROM chunks_fts").fetchall()
    conn.execute("DELETE FROM chunks_fts")
    conn.executemany("INSERT INTO chunks_fts (rowid, chunk_id, source, text) VALUES (?,?,?,?)",
                     [(10_000 + i, *r) for i, r in enumerate(rows)])
    conn.commit()
    conn.close()
    catalog = Catalog(path)
    try:
        plan = " ".join(str(r[3]) for r in catalog.conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM documents WHERE doc_id = ?", ("x",)))
        assert "documents_doc_id" in plan
        assert catalog.stamps() == {}  # columns exist, nothing stamped yet
        assert catalog.keyword_search("Serbia", 5)
        with catalog.transaction():
            catalog.remove(SERBIA)
        left = {r[0] for r in catalog.conn.execute("SELECT DISTINCT source FROM chunks_fts")}
        assert SERBIA not in left and left
    finally:
        catalog.close()


# -- 5. generation ---------------------------------------------------------------------------------

def test_generation_grows_with_every_committed_write(tmp_path: Path, make_assistant) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "d"
    _write(d / "one.txt", _bulletin("Uruguay", "1.5"))
    a: Assistant = make_assistant()
    reader = Catalog(a.settings.catalog_path)  # another process's view (the running server)
    try:
        g0 = reader.generation()
        a.ingest([d], progress=False)
        g1 = reader.generation()
        assert g1 > g0
        a.ingest([d], progress=False)
        assert reader.generation() == g1  # nothing changed, nothing to reload
        _write(d / "two.txt", _bulletin("Peru", "2.5"))
        a.ingest([d], progress=False)
        g2 = reader.generation()
        assert g2 > g1
        assert a.delete("two.txt") and reader.generation() > g2
    finally:
        reader.close()


def test_facts_derived_in_the_worker_equal_what_the_fact_table_derives(tmp_path: Path) -> None:
    from corpus import load_file
    from index.facts.table import FactTable
    from index.prepare import fact_rows

    for path in sorted(BULLETINS.iterdir()):
        bulletin = load_file(path)
        assert not isinstance(bulletin, Rejected)
        here, there = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
        itself, given = FactTable(here), FactTable(there)
        itself.ensure_schema()
        given.ensure_schema()
        itself.replace(bulletin)
        given.replace(bulletin, *fact_rows(bulletin))
        assert given.facts() == itself.facts() and given.arrangements() == itself.arrangements()


def test_the_reading_child_dies_with_a_killed_ingest(tmp_path: Path) -> None:
    """kill -9 of the ingesting process leaves no forked reader behind holding its memory."""
    import signal
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from index.prepare import Worker\n"
        "w = Worker()\n"
        "w._start()\n"
        "print(w._proc.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as f:  # a zombie awaiting its reaper is gone too
            if f.read().split()[2] == "Z":
                break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the forked reader outlived the killed ingest")


def test_a_file_far_over_the_passage_limit_is_refused_before_it_is_split(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Splitting 5 MB into sentences took seconds of a file's 20 s budget; its token count alone shows it is
    over the limit. The floor is never above what splitting gives, whatever the text's shape."""
    from index.chunking import Chunker

    chunker = Chunker()
    shapes = [_bulletin("Tonga", "3.5") * 30, "1234567890" * 4000, "x" * 40_000, "| a | 12.5% |\n" * 3000,
              ", ".join(str(i) for i in range(8000)), "Ports " * 9000]
    for text in shapes:
        loaded = load_bytes(text.encode(), "shape.txt")
        assert not isinstance(loaded, Rejected)
        assert chunker.fewest_passages(loaded.text) <= len(chunker.chunk(loaded)), text[:40]
    assert chunker.fewest_passages(load_bytes(("Ports " * 9000).encode(), "p.txt").text) > 5  # type: ignore[union-attr]

    def no_split(self, bulletin):  # type: ignore[no-untyped-def]
        raise AssertionError("split although its tokens already put it over the limit")

    monkeypatch.setattr(Chunker, "chunk", no_split)
    job = Job(source="long.txt", data=("Ports " * 9000).encode(), max_bytes=1 << 20, chunk_size=200,
              chunk_overlap=40, max_passages=5)
    got = prepare_module.prepare(job)
    assert isinstance(got, Rejected)
    assert got.reason.startswith("too long to index in time (at least ") and "the limit is 5" in got.reason
