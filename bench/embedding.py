"""Embedding backends of the packaged MiniLM side by side: chunks per second, one query's latency, and how
close each backend's vectors are to fp32 torch's (issue 10).

``python -m bench.embedding --n 40`` chunks N generated bulletins (``bench.generate``) as ingest does and
embeds them with every backend that loads here (``torch``, ``onnx``, ``onnx-int8``, ``openvino`` where
optimum-intel is installed), in rounds that alternate the order, so load from other processes falls on
all alike. Retrieval quality is measured with ``customs-assistant eval`` per backend (README). Speed
belongs here, not in timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BACKENDS = ("torch", "onnx", "onnx-int8", "openvino")


def chunk_texts(n: int, seed: int = 0) -> list[str]:
    """The chunk texts ingest would embed for N generated bulletins."""
    from bench.generate import generate
    from corpus.loader import load_file
    from corpus.records import Bulletin
    from index.chunking import Chunker

    folder = Path(tempfile.mkdtemp(prefix="bench-embedding-"))
    texts: list[str] = []
    for record in generate(folder, n, seed):
        loaded = load_file(folder / record.file, 10 << 20)
        if isinstance(loaded, Bulletin):
            texts += [c.text for c in Chunker().chunk(loaded)]
    return texts


def _embedders(names: Sequence[str]) -> dict[str, Any]:
    from assistant.service import make_embedder
    from assistant.settings import Settings

    out: dict[str, Any] = {}
    for name in names:
        embedder = make_embedder(Settings.from_env(embedding=name))
        try:
            embedder.embed(["warm up"])  # load (and export, the first time) outside the timing
        except Exception as exc:  # a backend whose packages are not installed here is reported, not fatal
            print(f"{name}: not available ({type(exc).__name__}: {str(exc)[:120]})", file=sys.stderr)
            continue
        out[name] = embedder
    return out


def run(n: int, rounds: int, names: Sequence[str]) -> dict[str, Any]:
    import numpy as np

    texts = chunk_texts(n)
    embedders = _embedders(names)
    seconds: dict[str, list[float]] = {name: [] for name in embedders}
    vectors: dict[str, Any] = {}
    order = list(embedders)
    for r in range(rounds):
        for name in order if r % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            vectors[name] = np.array(embedders[name].embed(texts))
            seconds[name].append(time.perf_counter() - t0)
    reference = vectors.get("torch")
    result: dict[str, Any] = {"n": n, "chunks": len(texts), "rounds": rounds, "cpus": os.cpu_count(),
                              "load_avg": [round(x, 2) for x in os.getloadavg()], "backends": {}}
    for name, embedder in embedders.items():
        query_ms = []
        for i in range(20):
            t0 = time.perf_counter()
            embedder.embed([f"Which partners recognise our AEO operators since {2000 + i}?"])
            query_ms.append((time.perf_counter() - t0) * 1000)
        best = min(seconds[name])
        entry = {"chunks_per_s": round(len(texts) / best, 1), "query_p50_ms": round(sorted(query_ms)[10], 1)}
        if reference is not None:
            cos = (vectors[name] * reference).sum(axis=1)
            entry.update(cosine_to_torch_min=round(float(cos.min()), 5), cosine_to_torch_mean=round(float(cos.mean()), 5))
        result["backends"][name] = entry
    return result


def to_markdown(result: dict[str, Any]) -> str:
    lines = [f"{result['chunks']} chunks of {result['n']} generated bulletins, best of {result['rounds']} rounds, "
             f"{result['cpus']} CPUs (load avg {result['load_avg'][0]})", "",
             "| backend | chunks/s | vs torch | one query p50 | cosine to torch (min / mean) |", "|---|---:|---:|---:|---|"]
    base = result["backends"].get("torch", {}).get("chunks_per_s")
    for name, b in result["backends"].items():
        ratio = f"{b['chunks_per_s'] / base:.2f}×" if base else "—"
        cos = f"{b['cosine_to_torch_min']} / {b['cosine_to_torch_mean']}" if "cosine_to_torch_min" in b else "—"
        lines.append(f"| {name} | {b['chunks_per_s']} | {ratio} | {b['query_p50_ms']} ms | {cos} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.embedding", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=40, help="generated bulletins whose chunks are embedded")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = run(args.n, args.rounds, [b for b in args.backends.split(",") if b])
    print(json.dumps(result, indent=2) if args.json else to_markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
