"""A process killed in the middle of a bulletin's write leaves every committed chunk with its vector.

Each case runs a real ingest in a child process that dies (``os._exit``, as ``kill -9`` would: no cleanup,
no rollback handler) at one point of the write, then opens the data folder afresh and checks it with
``index.consistency.check_store``. Vectors without a chunk row may be left by a crash; the next ingest
removes them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.consistency import Consistency

ROOT = Path(__file__).resolve().parent.parent
OLD = time.time() - 3600

# The child: an ingest whose first bulletin write dies just before its COMMIT ("before") or just after it
# ("after"), or runs to the end ("none").
_CHILD = """
import os, sys
from contextlib import contextmanager
from pathlib import Path
from index.catalog import Catalog

home, folder, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_transaction, real_put = Catalog.transaction, Catalog.put
wrote = []

def put(self, *args, **kwargs):
    wrote.append(1)
    return real_put(self, *args, **kwargs)

@contextmanager
def transaction(self, bump=True):
    with real_transaction(self, bump) as conn:
        yield conn
        if wrote and point == "before":
            os._exit(9)
    if wrote and point == "after":
        os._exit(9)

Catalog.put, Catalog.transaction = put, transaction
from assistant import Assistant, Settings
a = Assistant(Settings.from_env(env={}, home=home))
a.ingest([folder], progress=False)
a.close()
"""


def _bulletin(partner: str, revision: int) -> str:
    return (f"Apia, 2 June 2025 — The customs administration and the customs service of {partner} "
            f"signed a mutual recognition arrangement of Authorized Economic Operators. Revision {revision}: "
            f"trade between the two sides reached US${revision + 1}.25 billion in 2024.\n\n"
            f"Certified operators of {partner} enjoy fewer document checks. Inspection rates fell by "
            f"{revision + 3} percentage points in the first year of the arrangement.\n")


def _write_all(folder: Path, revision: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, partner in enumerate(["Vanuatu", "Palau", "Nauru"]):
        path = folder / f"b{i}.txt"
        path.write_text(_bulletin(partner, revision), encoding="utf-8")
        os.utime(path, (OLD + revision, OLD + revision))


def _ingest(home: Path, folder: Path, point: str) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUSTOMS_ASSISTANT_", "CHROMA_"))}
    env.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _CHILD, str(home), str(folder), point], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 9), done.stderr[-2000:]
    return done.returncode


def _check(home: Path, orphans_are_problems: bool) -> tuple[Consistency, dict[str, list[str]]]:
    from chromadb.api.client import SharedSystemClient

    from index.catalog import Catalog
    from index.consistency import check_store
    from index.store import ChromaStore, chroma_client

    SharedSystemClient.clear_system_cache()
    catalog = Catalog(home / "catalog.sqlite")
    try:
        result = check_store(catalog, ChromaStore(chroma_client(path=home / "chroma")), orphans_are_problems)
        ids = {d.source: catalog.chunk_ids(d.source) for d in catalog.documents()}
        return result, ids
    finally:
        catalog.close()
        SharedSystemClient.clear_system_cache()


@pytest.mark.parametrize("point", ["before", "after"])
def test_a_kill_around_the_commit_keeps_every_committed_chunk_with_its_vector(tmp_path: Path, point: str) -> None:
    home, folder = tmp_path / "home", tmp_path / "files"
    _write_all(folder, 0)
    assert _ingest(home, folder, "none") == 0
    first, old_ids = _check(home, orphans_are_problems=True)
    assert first.ok and first.documents == 3, first.problems
    _write_all(folder, 1)  # every bulletin changes: each write replaces chunks whose old vectors must go
    assert _ingest(home, folder, point) == 9
    killed, ids = _check(home, orphans_are_problems=False)
    assert killed.ok, killed.problems  # no chunk without its vector, whichever side of the commit it died
    assert killed.documents == 3
    changed = [s for s in ids if ids[s] != old_ids[s]]
    assert len(changed) == (0 if point == "before" else 1)  # the dying write committed only when "after"
    assert killed.orphan_vectors > 0  # what the crash left: new vectors ("before") or old ones ("after")
    assert _ingest(home, folder, "none") == 0
    final, _ = _check(home, orphans_are_problems=True)
    assert final.ok and final.orphan_vectors == 0 and final.documents == 3, final.problems
