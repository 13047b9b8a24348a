"""The fact table in SQLite: facts and arrangement fields per bulletin, replaced whole on re-ingest.

Rows are keyed by source file, so a changed bulletin's rows are swapped in one go and a pruned
bulletin's rows disappear; the caller owns the transaction, so the catalog and the facts change
together or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from corpus import Bulletin
from index.facts.events import Event, current, extract_events, status
from index.facts.extract import extract_arrangements, extract_facts
from index.facts.records import ARRANGEMENT_DATES, ARRANGEMENT_LISTS, Arrangement, Fact, FieldSpan
from index.facts.subjects import cover, key_terms

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fact_documents (
    source TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    date TEXT,
    date_key INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS facts (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    value REAL,
    norm TEXT NOT NULL,
    expr TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    quote TEXT NOT NULL,
    sent_start INTEGER NOT NULL,
    sent_end INTEGER NOT NULL,
    subject TEXT NOT NULL,
    head TEXT NOT NULL,
    terms TEXT NOT NULL,
    surface TEXT NOT NULL,
    event TEXT,
    qualifier TEXT,
    tolerance REAL NOT NULL,
    role TEXT,
    link TEXT,
    period TEXT,
    as_of TEXT,
    partners TEXT NOT NULL,
    scope TEXT NOT NULL,
    home TEXT,
    bulletin_date TEXT,
    bulletin_sort INTEGER NOT NULL,
    bulletin_year_known INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_source ON facts(source);
CREATE INDEX IF NOT EXISTS facts_kind ON facts(kind);
CREATE TABLE IF NOT EXISTS arrangement_fields (
    source TEXT NOT NULL,
    partner TEXT NOT NULL,
    field TEXT NOT NULL,
    ord INTEGER NOT NULL,
    value TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    bulletin_sort INTEGER NOT NULL,
    PRIMARY KEY (source, partner, field, ord)
);
CREATE INDEX IF NOT EXISTS arrangement_partner ON arrangement_fields(partner);
CREATE TABLE IF NOT EXISTS events (
    source TEXT NOT NULL,
    ord INTEGER NOT NULL,
    side_a TEXT NOT NULL,
    side_b TEXT NOT NULL,
    role TEXT NOT NULL,
    date TEXT,
    date_text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sent_start INTEGER NOT NULL,
    sent_end INTEGER NOT NULL,
    quote TEXT NOT NULL,
    bulletin_sort INTEGER NOT NULL,
    bulletin_date TEXT,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, ord)
);
CREATE INDEX IF NOT EXISTS events_side_a ON events(side_a);
CREATE INDEX IF NOT EXISTS events_side_b ON events(side_b);
CREATE INDEX IF NOT EXISTS events_role ON events(role);
"""
_EVENT_COLUMNS = ["sides", "role", "date", "date_text", "source", "start", "end", "sent_start", "sent_end", "quote",
                  "bulletin_sort", "bulletin_date", "note"]
_FACT_COLUMNS = [
    "id", "source", "doc_id", "kind", "unit", "value", "norm", "expr", "start", "end", "quote", "sent_start",
    "sent_end", "subject", "head", "terms", "surface", "event", "qualifier", "tolerance", "role", "link", "period",
    "as_of", "partners", "scope", "home", "bulletin_date", "bulletin_sort", "bulletin_year_known",
]
_TUPLES = {"head", "terms", "partners", "scope"}
_FIRST_WINS = {"announced", "published"}


def _to_row(fact: Fact) -> list[Any]:
    row: list[Any] = []
    for name in _FACT_COLUMNS:
        value = getattr(fact, name)
        row.append(json.dumps(list(value), ensure_ascii=False) if name in _TUPLES else value)
    return row


def _from_row(row: sqlite3.Row | tuple[Any, ...]) -> Fact:
    values: dict[str, Any] = dict(zip(_FACT_COLUMNS, row, strict=True))
    for name in _TUPLES:
        values[name] = tuple(json.loads(values[name]))
    values["bulletin_year_known"] = bool(values["bulletin_year_known"])
    return Fact(**values)


class FactTable:
    """Facts and arrangement fields in the given connection; never commits (the caller does)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def ensure_schema(self) -> None:
        """Create the tables if missing; statement by statement, so an open transaction is not committed."""
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)

    def replace(self, bulletin: Bulletin, facts: Sequence[Fact] | None = None,
                arrangements: Sequence[Arrangement] | None = None) -> None:
        """Swap in this bulletin's rows (extracted here unless given); old rows of its source go first."""
        facts = list(facts) if facts is not None else extract_facts(bulletin)
        events = extract_events(bulletin, facts)
        if arrangements is None:
            arrangements = extract_arrangements(bulletin, facts, events)
        self.delete(bulletin.source)
        date = bulletin.date
        self.conn.execute(
            "INSERT INTO fact_documents (source, doc_id, date, date_key) VALUES (?, ?, ?, ?)",
            (bulletin.source, bulletin.doc_id, date.label() if date else None, date.sort_key if date else 0),
        )
        marks = ", ".join("?" for _ in _FACT_COLUMNS)
        columns = ", ".join(f'"{c}"' for c in _FACT_COLUMNS)
        self.conn.executemany(f"INSERT OR REPLACE INTO facts ({columns}) VALUES ({marks})", [_to_row(f) for f in facts])
        self.conn.executemany(
            'INSERT INTO events (source, ord, side_a, side_b, role, date, date_text, start, "end", sent_start, '
            "sent_end, quote, bulletin_sort, bulletin_date, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(e.source, i, e.sides[0], e.sides[1], e.role, e.date, e.date_text, e.start, e.end, e.sent_start,
              e.sent_end, e.quote, e.bulletin_sort, e.bulletin_date, e.note) for i, e in enumerate(events)],
        )
        rows = []
        for arr in arrangements:
            key = _pair_key(arr)
            for name in ARRANGEMENT_DATES:
                span: FieldSpan | None = getattr(arr, name)
                if span is not None:
                    rows.append((span.source, key, name, 0, span.value, span.start, span.end, span.text,
                                 span.bulletin_sort))
            for name in ARRANGEMENT_LISTS:
                for i, span in enumerate(getattr(arr, name)):
                    rows.append((span.source, key, name, i, span.value, span.start, span.end, span.text,
                                 span.bulletin_sort))
            rows.append((bulletin.source, key, "partner", 0, arr.partner, -1, -1, "", date.sort_key if date else 0))
            rows.append((bulletin.source, key, "home", 0, arr.home or "", -1, -1, "", date.sort_key if date else 0))
        self.conn.executemany(
            'INSERT OR REPLACE INTO arrangement_fields (source, partner, field, ord, value, start, "end", text, '
            "bulletin_sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
        )

    def delete(self, source: str) -> None:
        """Remove every row read from ``source`` (a pruned or replaced bulletin)."""
        for table in ("facts", "arrangement_fields", "fact_documents", "events"):
            self.conn.execute(f"DELETE FROM {table} WHERE source = ?", (source,))

    def sources(self) -> list[str]:
        """Bulletins whose facts are in the table."""
        return [r[0] for r in self.conn.execute("SELECT source FROM fact_documents ORDER BY source")]

    def facts(self, partner: str | None = None, subject: str | None = None) -> list[Fact]:
        """Facts, optionally only those involving ``partner`` or whose subject (head terms) covers ``subject``."""
        columns = ", ".join(f'"{c}"' for c in _FACT_COLUMNS)
        rows = self.conn.execute(f"SELECT {columns} FROM facts ORDER BY bulletin_sort, source, start").fetchall()
        out = [_from_row(tuple(r)) for r in rows]
        if partner:
            out = [f for f in out if partner in f.partners]
        if subject:
            wanted = frozenset(key_terms(subject))
            out = [f for f in out if wanted and cover(wanted, frozenset(f.head or f.terms)) >= 0.6]
        return out

    def events(self, economy: str | None = None) -> list[Event]:
        """Life-cycle events, optionally only those with ``economy`` as a side; oldest bulletin first."""
        sql = ('SELECT side_a, side_b, role, date, date_text, source, start, "end", sent_start, sent_end, quote, '
               "bulletin_sort, bulletin_date, note FROM events")
        args: tuple[Any, ...] = ()
        if economy:
            sql += " WHERE side_a = ? OR side_b = ?"
            args = (economy, economy)
        rows = self.conn.execute(sql + " ORDER BY bulletin_sort, source, ord", args).fetchall()
        return [Event((r[0], r[1]), *tuple(r)[2:]) for r in rows]

    def facts_in(self, source: str) -> list[Fact]:
        """The facts of one bulletin, in reading order (an indexed lookup by source)."""
        columns = ", ".join(f'"{c}"' for c in _FACT_COLUMNS)
        rows = self.conn.execute(f"SELECT {columns} FROM facts WHERE source = ? ORDER BY start", (source,)).fetchall()
        return [_from_row(tuple(r)) for r in rows]

    def arrangements(self, partner: str | None = None) -> list[Arrangement]:
        """One merged record per pair of economies: dates from the life-cycle events of every bulletin (a
        correction or a newer bulletin wins), lists united, the announcement kept from the first bulletin.

        A follow-up bulletin that only says when the arrangement entered into force fills in that field
        and leaves the signing date read from the first bulletin alone.
        """
        sql = 'SELECT source, partner, field, ord, value, start, "end", text, bulletin_sort FROM arrangement_fields'
        args: tuple[Any, ...] = ()
        if partner:
            sql += " WHERE partner LIKE ? OR partner LIKE ?"
            args = (f"{partner}|%", f"%|{partner}")
        by_pair: dict[str, list[tuple[Any, ...]]] = {}
        for row in self.conn.execute(sql + " ORDER BY bulletin_sort, source, field, ord", args):
            by_pair.setdefault(row[1], []).append(tuple(row))
        events: dict[str, list[Event]] = {}
        for e in self.events(partner):
            events.setdefault("|".join(e.sides), []).append(e)
        return [_merge(key, rows, events.get(key, [])) for key, rows in sorted(by_pair.items())]


def _pair_key(arr: Arrangement) -> str:
    return "|".join(arr.sides) if len(arr.sides) == 2 else arr.partner


def _event_span(event: Event | None) -> FieldSpan | None:
    if event is None or event.date is None:
        return None
    return FieldSpan(event.date, event.source, event.start, event.end, event.date_text, event.bulletin_sort)


def _merge(key: str, rows: list[tuple[Any, ...]], events: list[Event]) -> Arrangement:
    dates: dict[str, FieldSpan] = {}
    lists: dict[str, list[FieldSpan]] = {name: [] for name in ARRANGEMENT_LISTS}
    sources: list[str] = []
    home = partner = None
    for source, _, field, _, value, start, end, text, sort in rows:
        if source not in sources:
            sources.append(source)
        if field == "partner":
            partner = partner or value
            continue
        if field == "home":
            home = home or value or None
            continue
        span = FieldSpan(value, source, start, end, text, sort)
        if field in _FIRST_WINS:
            dates.setdefault(field, span)
        elif field in lists and value.lower() not in [s.value.lower() for s in lists[field]]:
            lists[field].append(span)
    if partner is None:
        partner = key.split("|")[-1]
    ordered = sorted(events, key=lambda e: (e.date or e.bulletin_date or "", e.bulletin_sort))
    return Arrangement(
        partner=partner, home=home,
        administrations=tuple(lists["administrations"]),
        signed=_event_span(current(events, "sign")), announced=dates.get("announced"),
        published=dates.get("published"), in_force=_event_span(current(events, "in_force")),
        measures=tuple(lists["measures"]), identifiers=tuple(lists["identifiers"]), sources=tuple(sources),
        events=tuple(ordered), status=status(events)[0],
    )
