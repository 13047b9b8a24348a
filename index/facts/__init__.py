"""Facts read from bulletins (every number and date, with its subject and span) and arrangement records."""

from index.facts.extract import extract_arrangements, extract_facts, sentence_period
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

__all__ = [
    "Arrangement", "Fact", "FactTable", "FieldSpan", "Quantity", "Subject", "date_norm", "describe",
    "extract_arrangements", "extract_facts", "fact_id", "find_quantities", "format_value", "key_terms",
    "match_score", "parse_number", "parse_ordinal", "same_subject", "scope", "sentence_period",
]
