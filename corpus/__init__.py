"""Loading and cleaning bulletins: bytes in, normalised ``Bulletin`` records out.

Names are imported on first use (PEP 562), so importing one submodule does not load the others
and their heavy dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.lazy import lazy_names

if TYPE_CHECKING:
    from corpus.dates import find_dates, publication_date
    from corpus.loader import SUFFIXES, discover, load_bytes, load_file, load_text
    from corpus.partners import all_names, canonical, find_mentions, fuzzy
    from corpus.records import Bulletin, PartialDate, Rejected, content_id
    from corpus.sentences import Sentence, split_sentences

_MODULES: dict[str, str] = {
    "find_dates": "corpus.dates",
    "publication_date": "corpus.dates",
    "SUFFIXES": "corpus.loader",
    "discover": "corpus.loader",
    "load_bytes": "corpus.loader",
    "load_file": "corpus.loader",
    "load_text": "corpus.loader",
    "all_names": "corpus.partners",
    "canonical": "corpus.partners",
    "find_mentions": "corpus.partners",
    "fuzzy": "corpus.partners",
    "Bulletin": "corpus.records",
    "PartialDate": "corpus.records",
    "Rejected": "corpus.records",
    "content_id": "corpus.records",
    "Sentence": "corpus.sentences",
    "split_sentences": "corpus.sentences",
}

__all__ = [
    "SUFFIXES", "Bulletin", "PartialDate", "Rejected", "Sentence", "all_names", "canonical", "content_id",
    "discover", "find_dates", "find_mentions", "fuzzy", "load_bytes", "load_file", "load_text",
    "publication_date", "split_sentences",
]

__getattr__, __dir__ = lazy_names(globals(), _MODULES)
