"""The consistency check of a data folder no process has open (after a ``kill -9``)."""

from __future__ import annotations

from pathlib import Path

from index.consistency import Consistency


def check_home(home: Path, orphans_are_problems: bool = True) -> Consistency:
    """``index.consistency.check_store`` on ``home``'s catalog and embedded Chroma store, opened afresh."""
    from chromadb.api.client import SharedSystemClient

    from index.catalog import Catalog
    from index.consistency import check_store
    from index.store import ChromaStore, chroma_client

    SharedSystemClient.clear_system_cache()  # another process wrote the store since: read it from disk
    catalog = Catalog(home / "catalog.sqlite")
    try:
        return check_store(catalog, ChromaStore(chroma_client(path=home / "chroma")), orphans_are_problems)
    finally:
        catalog.close()
        SharedSystemClient.clear_system_cache()


def indexed_sources(home: Path) -> set[str]:
    """Sources of the bulletins the catalog holds."""
    import sqlite3

    path = home / "catalog.sqlite"
    if not path.exists():
        return set()
    with sqlite3.connect(str(path), timeout=30) as conn:
        try:
            return {r[0] for r in conn.execute("SELECT source FROM documents")}
        except sqlite3.OperationalError:
            return set()
