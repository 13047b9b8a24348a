"""Loading and cleaning bulletins: bytes in, normalised ``Bulletin`` records out."""

from corpus.dates import find_dates, publication_date
from corpus.loader import SUFFIXES, discover, load_bytes, load_file, load_text
from corpus.partners import all_names, canonical, find_mentions, fuzzy
from corpus.records import Bulletin, PartialDate, Rejected, content_id
from corpus.sentences import Sentence, split_sentences

__all__ = [
    "SUFFIXES", "Bulletin", "PartialDate", "Rejected", "Sentence", "all_names", "canonical", "content_id",
    "discover", "find_dates", "find_mentions", "fuzzy", "load_bytes", "load_file", "load_text",
    "publication_date", "split_sentences",
]
