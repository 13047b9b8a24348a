"""Fact and arrangement records: what a bulletin states, each value tied to its exact source span."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus import content_id
from index.facts.subjects import Subject


@dataclass(frozen=True)
class Fact:
    """One numeric or date mention in a bulletin.

    ``expr`` is ``text[start:end]`` of the bulletin; ``quote`` is its sentence
    (``text[sent_start:sent_end]``). ``value`` is the normalised number (None for dates) and ``norm``
    the normalised value as a string. ``as_of`` is the period the sentence names (``period``, e.g.
    2022) or else the bulletin's date. ``bulletin_sort`` orders bulletins; 0 means undated.
    """

    id: str
    source: str
    doc_id: str
    kind: str
    unit: str
    value: float | None
    norm: str
    expr: str
    start: int
    end: int
    quote: str
    sent_start: int
    sent_end: int
    subject: str
    head: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    surface: str = ""
    event: str | None = None
    qualifier: str | None = None
    tolerance: float = 0.0
    role: str | None = None
    link: str | None = None
    period: str | None = None
    as_of: str | None = None
    partners: tuple[str, ...] = ()
    scope: tuple[str, ...] = ()
    home: str | None = None
    bulletin_date: str | None = None
    bulletin_sort: int = 0
    bulletin_year_known: bool = False

    @property
    def subject_terms(self) -> Subject:
        """The subject in the form the matcher compares."""
        return Subject(self.subject, frozenset(self.head), frozenset(self.terms), self.surface, self.event)

    def json_value(self) -> Any:
        """The value for JSON: a number (int when whole) or the normalised date string."""
        if self.value is None:
            return self.norm
        return int(self.value) if self.value == int(self.value) else self.value


def fact_id(doc_id: str, start: int, end: int, kind: str, role: str | None) -> str:
    """Id from content: the same mention of the same text always gets the same id."""
    return content_id(f"{doc_id}:{start}:{end}:{kind}:{role or ''}")


@dataclass(frozen=True)
class FieldSpan:
    """One arrangement field's value and where it was read: ``text`` is bulletin.text[start:end]."""

    value: str
    source: str
    start: int
    end: int
    text: str
    bulletin_sort: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "start": self.start, "end": self.end, "text": self.text}


ARRANGEMENT_DATES = ("signed", "announced", "published", "in_force")
ARRANGEMENT_LISTS = ("administrations", "measures", "identifiers")


@dataclass(frozen=True)
class Arrangement:
    """An arrangement between two economies, ``home`` and ``partner`` (``sides`` is the pair, sorted). A date
    field left None is unknown: the text did not give it. ``events`` is its dated life cycle, newest bulletin
    last; ``status`` the state the latest valid event sets ("in_force", "suspended", "action_plan", …)."""

    partner: str
    administrations: tuple[FieldSpan, ...] = ()
    signed: FieldSpan | None = None
    announced: FieldSpan | None = None
    published: FieldSpan | None = None
    in_force: FieldSpan | None = None
    measures: tuple[FieldSpan, ...] = ()
    identifiers: tuple[FieldSpan, ...] = ()
    sources: tuple[str, ...] = ()
    home: str | None = None
    events: tuple[Any, ...] = ()
    status: str = "unknown"

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(sorted(x for x in (self.home, self.partner) if x))

    def involves(self, economy: str) -> bool:
        return economy in (self.home, self.partner)

    def other(self, economy: str) -> str | None:
        """The side that is not ``economy`` (None when ``economy`` is not a side)."""
        if economy == self.home:
            return self.partner
        if economy == self.partner:
            return self.home
        return None

    def of_role(self, role: str) -> list[Any]:
        return [e for e in self.events if e.role == role]

    @property
    def id(self) -> str:
        return content_id(f"{self.partner}:{','.join(self.sources)}")

    def to_json(self) -> dict[str, Any]:
        """Dates as {value, source, span} or the string "unknown"; lists as lists of such records."""
        out: dict[str, Any] = {"partner": self.partner, "sources": list(self.sources), "home": self.home,
                               "sides": list(self.sides), "status": self.status,
                               "events": [e.to_json() for e in self.events]}
        for name in ARRANGEMENT_DATES:
            span: FieldSpan | None = getattr(self, name)
            out[name] = span.to_json() if span else "unknown"
        for name in ARRANGEMENT_LISTS:
            out[name] = [f.to_json() for f in getattr(self, name)]
        return out
