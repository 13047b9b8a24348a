"""Commands that read only the catalog load no model stack, so they answer at once (the speed itself is measured
by `make bench-scale`, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("torch", "chromadb", "llama_index", "sentence_transformers", "gradio")


def test_catalog_commands_import_no_model_stack(tmp_path: Path) -> None:
    probe = (
        "import sys, io, contextlib; from assistant.cli import main\n"
        "for cmd in (['facts', '--json'], ['arrangements', '--json'], ['bulletins', '--json'],"
        " ['facts', '--partner', 'Macau', '--json']):\n"
        f"    main(['--home', {str(tmp_path)!r}, *cmd])\n"
        f"print('LOADED', [m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    loaded = out.stdout.strip().splitlines()[-1]
    assert loaded == "LOADED []", loaded
    first = json.loads(out.stdout.splitlines()[0])
    assert "facts" in first
