"""Crash-safe order of vector writes: a vector is added before its chunk row commits and removed only after.

The vector store and the catalog cannot share a transaction. Deleting a bulletin's old vectors inside its
SQLite write meant that a ``kill -9`` between the delete and the commit left the old, still committed chunk
rows without vectors: answers lost the bulletin's passages until a re-ingest. Here every id whose vector may
outlive its chunk row is first written to ``vector_journal`` (committed), the vector work follows, and
``settle`` later removes the vectors of journaled ids that no chunk row holds. A crash at any point leaves at
worst vectors without a chunk row, which answers never see (they read chunks by id from the catalog) and the
next ingest removes (``recover``).

Rows name their owner (host and process id), so an ingest never removes vectors another live process has
journaled but not yet committed.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable

from index.catalog import Catalog
from index.store import VectorStore

_JOURNAL = "INSERT OR IGNORE INTO vector_journal (chunk_id, owner) VALUES (?, ?)"  # table: index.catalog


def _this_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(owner: str) -> bool:
    """Whether the process that journaled under ``owner`` may still be writing (another host: assume so)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class VectorJournal:
    """Ids whose vectors may be left without a chunk row, per writing process; see the module docstring."""

    def __init__(self, catalog: Catalog, store: VectorStore) -> None:
        self.catalog = catalog
        self.store = store
        self.owner = _this_owner()

    def intend(self, ids: Iterable[str]) -> None:
        """Journal ids before their vectors are written (its own committed write: it must survive a crash)."""
        rows = self._rows(ids)
        if rows:
            with self.catalog.transaction(bump=False) as conn:
                conn.executemany(_JOURNAL, rows)

    def retire(self, ids: Iterable[str]) -> None:
        """Journal ids whose vectors are to go once the current transaction commits (call inside it)."""
        self.catalog.conn.executemany(_JOURNAL, self._rows(ids))

    def _rows(self, ids: Iterable[str]) -> list[tuple[str, str]]:
        return [(i, self.owner) for i in dict.fromkeys(ids)]

    def settle(self, owner: str | None = None) -> int:
        """Remove the vectors of ``owner``'s journaled ids that no chunk row holds, then its journal rows.

        Returns how many vectors were removed."""
        owner = owner or self.owner
        conn = self.catalog.conn
        with self.catalog.reading():
            rows = conn.execute(
                "SELECT chunk_id, EXISTS (SELECT 1 FROM chunks c WHERE c.chunk_id = j.chunk_id)"
                " FROM vector_journal j WHERE owner = ?", (owner,)).fetchall()
        if not rows:  # nothing journaled: no write (this runs after every batch and upload)
            return 0
        loose = [r[0] for r in rows if not r[1]]
        if loose:
            self.store.delete(loose)
        with self.catalog.transaction(bump=False):
            conn.execute("DELETE FROM vector_journal WHERE owner = ?", (owner,))
        return len(loose)

    def recover(self) -> int:
        """Settle what killed writers (this one's earlier self included) journaled: run as an ingest starts."""
        with self.catalog.reading():
            owners = [r[0] for r in self.catalog.conn.execute("SELECT DISTINCT owner FROM vector_journal")]
        return sum(self.settle(o) for o in owners if o == self.owner or not _alive(o))
