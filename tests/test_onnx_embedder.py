"""The ONNX Runtime embedder: exported locally from the packaged weights, same vectors as torch (fp32),
close ones (int8), in the order given, and chosen by one setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.service import make_embedder
from assistant.settings import Settings
from index.embedder import SentenceTransformerEmbedder
from index.onnx_embedder import OnnxEmbedder

TEXTS = [
    "Uruguay becomes the 29th economy to recognise China's AEOs.",
    "AEO",
    "Under the arrangement, AEO enterprises of both sides enjoy a lower inspection rate, priority inspection and a "
    "designated customs liaison officer; the arrangement entered into force on 1 March 2024. " * 8,  # > 256 tokens
    "Trade between the two economies reached 4.36 billion US dollars in 2022, up 12% from the year before.",
]


def _cosines(a: list[list[float]], b: list[list[float]]) -> Any:
    return (np.array(a) * np.array(b)).sum(axis=1)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


def test_fp32_export_gives_the_torch_vectors(cache: Path, embedder: SentenceTransformerEmbedder) -> None:
    onnx = OnnxEmbedder(cache)
    got = onnx.embed(TEXTS)
    assert (cache / "all-MiniLM-L6-v2-fp32.onnx").exists()
    assert _cosines(got, embedder.embed(TEXTS)).min() > 0.9999
    one_by_one = [onnx.embed([t])[0] for t in TEXTS]
    assert _cosines(one_by_one, got).min() > 0.9999  # a batch is sorted by length inside: order is kept
    assert onnx.name != embedder.name  # stored vectors of one backend are never read by another


def test_int8_is_close_but_its_own_model(cache: Path, embedder: SentenceTransformerEmbedder) -> None:
    int8 = OnnxEmbedder(cache, quantized=True)
    got = int8.embed(TEXTS)
    assert (cache / "all-MiniLM-L6-v2-int8.onnx").exists()
    cos = _cosines(got, embedder.embed(TEXTS))
    assert cos.min() > 0.8 and cos.min() < 0.9999
    assert int8.name.endswith("int8")


def test_the_setting_picks_the_backend(tmp_path: Path, cache: Path) -> None:
    base = Settings.from_env(env={}, home=tmp_path, model_cache=cache)
    default = make_embedder(base)  # the default: ONNX fp32, which scored as torch did (README)
    assert isinstance(default, OnnxEmbedder) and not default.quantized
    torch = make_embedder(Settings.from_env(env={"CUSTOMS_ASSISTANT_EMBEDDING": "torch"}, home=tmp_path))
    assert isinstance(torch, SentenceTransformerEmbedder)
    int8 = make_embedder(Settings.from_env(env={"CUSTOMS_ASSISTANT_EMBEDDING": "onnx-int8"}, home=tmp_path))
    assert isinstance(int8, OnnxEmbedder) and int8.quantized
    with pytest.raises(ValueError, match="unknown embedding backend"):
        make_embedder(Settings.from_env(env={"CUSTOMS_ASSISTANT_EMBEDDING": "tensorrt"}, home=tmp_path))
