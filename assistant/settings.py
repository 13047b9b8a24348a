"""One typed settings object, built from the environment and command-line flags, then passed in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


def default_home(env: Mapping[str, str]) -> Path:
    """$CUSTOMS_ASSISTANT_HOME, else $XDG_DATA_HOME/customs-assistant, else ~/.local/share/customs-assistant."""
    if env.get("CUSTOMS_ASSISTANT_HOME"):
        return Path(env["CUSTOMS_ASSISTANT_HOME"]).expanduser()
    base = Path(env["XDG_DATA_HOME"]).expanduser() if env.get("XDG_DATA_HOME") else Path.home() / ".local" / "share"
    return base / "customs-assistant"


def default_cache(env: Mapping[str, str]) -> Path:
    """$CUSTOMS_ASSISTANT_MODEL_CACHE, else $XDG_CACHE_HOME/customs-assistant/models, else ~/.cache/…: a model
    exported once serves every data folder."""
    if env.get("CUSTOMS_ASSISTANT_MODEL_CACHE"):
        return Path(env["CUSTOMS_ASSISTANT_MODEL_CACHE"]).expanduser()
    base = Path(env["XDG_CACHE_HOME"]).expanduser() if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "customs-assistant" / "models"


def default_concurrency(llm: bool = False) -> int:
    """Answering threads: the cores this process may run on (at least 2, so one slow answer does not hold
    up the rest; at most 8), or 8 with an LLM, whose answers mostly wait on the model."""
    if llm:
        return 8
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 2
    return max(2, min(8, cores))


def _positive(value: str | None, default: int) -> int:
    """A positive whole number from the environment; the default when unset or not one."""
    try:
        number = int(value or default)
    except ValueError:
        return default
    return number if number > 0 else default


@dataclass(frozen=True)
class Settings:
    """Everything that varies between deployments. Nothing is read at import time."""

    home: Path
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "bulletins"
    model_path: str | None = None
    chunk_size: int = 200
    chunk_overlap: int = 40
    max_file_bytes: int = 5 * 1024 * 1024
    max_passages: int = 200  # a longer bulletin is refused: embedding it would take minutes (index.prepare)
    top_k: int = 5
    llm_provider: str | None = None  # None (default: no LLM), "ollama" or "openai"
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0
    admin_password: str | None = None
    # Questions, searches and checks the web app answers at once (writes stay one at a time). Answering is
    # CPU-bound Python, so more threads than cores only contend for the interpreter lock: one per core.
    concurrency: int = field(default_factory=default_concurrency)
    # How the packaged model runs: "torch" (sentence-transformers, fp32), "onnx" (ONNX Runtime, fp32, same
    # vectors, faster), "onnx-int8" (dynamically quantised) or "openvino" (sentence-transformers' backend,
    # where optimum-intel is installed). Vectors of one backend are not mixed with another's: re-ingest.
    embedding: str = "onnx"  # measured in README (Embedding backends): same scores as torch, faster
    model_cache: Path | None = None  # where ONNX exports are kept; None: the user's cache folder

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read CUSTOMS_ASSISTANT_* and CHROMA_* variables; explicit overrides (flags) win when not None."""
        env = os.environ if env is None else env
        settings = cls(
            home=default_home(env),
            chroma_host=env.get("CHROMA_HOST") or None,
            chroma_port=int(env.get("CHROMA_PORT") or 8000),
            collection=env.get("CUSTOMS_ASSISTANT_COLLECTION") or "bulletins",
            model_path=env.get("CUSTOMS_ASSISTANT_MODEL") or None,
            max_file_bytes=int(env.get("CUSTOMS_ASSISTANT_MAX_FILE_BYTES") or 5 * 1024 * 1024),
            max_passages=_positive(env.get("CUSTOMS_ASSISTANT_MAX_PASSAGES"), cls.max_passages),
            llm_provider=(env.get("CUSTOMS_ASSISTANT_LLM") or None),
            llm_model=env.get("CUSTOMS_ASSISTANT_LLM_MODEL") or None,
            llm_base_url=env.get("CUSTOMS_ASSISTANT_LLM_BASE_URL") or None,
            llm_api_key=env.get("CUSTOMS_ASSISTANT_LLM_API_KEY") or None,
            admin_password=env.get("CUSTOMS_ASSISTANT_ADMIN_PASSWORD") or None,
            concurrency=_positive(env.get("CUSTOMS_ASSISTANT_CONCURRENCY"),
                                  default_concurrency(llm=bool(env.get("CUSTOMS_ASSISTANT_LLM")))),
            embedding=env.get("CUSTOMS_ASSISTANT_EMBEDDING") or cls.embedding,
            model_cache=default_cache(env),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        if "home" in given:
            given["home"] = Path(given["home"]).expanduser()
        return replace(settings, **given)

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"
