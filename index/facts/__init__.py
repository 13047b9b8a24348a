"""Facts read from bulletins (every number and date, with its subject and span) and arrangement records.

Names are imported on first use (PEP 562), so importing one submodule does not load the others
and their heavy dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.lazy import lazy_names

if TYPE_CHECKING:
    from index.facts.extract import by_sentence, extract_arrangements, extract_facts, sentence_period
    from index.facts.numbers import (
        Quantity,
        date_norm,
        find_quantities,
        format_value,
        parse_number,
        parse_ordinal,
    )
    from index.facts.records import Arrangement, Fact, FieldSpan, fact_id
    from index.facts.subjects import Subject, describe, key_terms, match_score, same_subject, scope
    from index.facts.table import FactTable

_MODULES: dict[str, str] = {
    "by_sentence": "index.facts.extract",
    "extract_arrangements": "index.facts.extract",
    "extract_facts": "index.facts.extract",
    "sentence_period": "index.facts.extract",
    "Quantity": "index.facts.numbers",
    "date_norm": "index.facts.numbers",
    "find_quantities": "index.facts.numbers",
    "format_value": "index.facts.numbers",
    "parse_number": "index.facts.numbers",
    "parse_ordinal": "index.facts.numbers",
    "Arrangement": "index.facts.records",
    "Fact": "index.facts.records",
    "FieldSpan": "index.facts.records",
    "fact_id": "index.facts.records",
    "Subject": "index.facts.subjects",
    "describe": "index.facts.subjects",
    "key_terms": "index.facts.subjects",
    "match_score": "index.facts.subjects",
    "same_subject": "index.facts.subjects",
    "scope": "index.facts.subjects",
    "FactTable": "index.facts.table",
}

__all__ = [
    "Arrangement", "Fact", "FactTable", "FieldSpan", "Quantity", "Subject", "by_sentence", "date_norm", "describe",
    "extract_arrangements", "extract_facts", "fact_id", "find_quantities", "format_value", "key_terms",
    "match_score", "parse_number", "parse_ordinal", "same_subject", "scope", "sentence_period",
]

__getattr__, __dir__ = lazy_names(globals(), _MODULES)
