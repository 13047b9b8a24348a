"""Cold start: the package ``__init__`` files import nothing heavy until a name is used (PEP 562).

Commands that need no model (``--help``, ``facts``, ``arrangements``, ``bulletins``) should not pay
for torch, chromadb, gradio or llama-index. The timing itself lives in the benchmark, not here.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from conftest import ROOT

PACKAGES = ("assistant", "index", "index.facts", "corpus", "evals")
HEAVY = ("torch", "chromadb", "gradio", "llama_index", "sentence_transformers", "transformers")


def _loaded_after(code: str) -> list[str]:
    """Top-level modules from HEAVY that a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_packages_loads_nothing_heavy() -> None:
    assert _loaded_after("import " + ", ".join(PACKAGES)) == []


def test_a_light_name_stays_light() -> None:
    assert _loaded_after("from corpus import split_sentences\nfrom index.facts import FactTable\n"
                         "from assistant import Settings") == []


def test_a_heavy_name_still_loads_its_module() -> None:
    """The check above can fail: asking for a name that needs llama-index does load it."""
    assert "llama_index" in _loaded_after("from index import Chunker")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018
