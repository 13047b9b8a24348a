"""Load bulletin files (.txt, .md, .html/.htm) into normalised ``Bulletin`` records.

Loading never raises on bad input: a file that cannot be a bulletin comes back as ``Rejected``
with a reason, so one bad file in a folder never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corpus.clean import DecodeError, decode, front_matter, normalise, strip_html, strip_markdown
from corpus.dates import find_dates, publication_date
from corpus.metadata import issuing_body, partners, title_from_text
from corpus.records import Bulletin, PartialDate, Rejected, content_id

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MIN_CHARS = 20


def load_text(raw: str, source: str, kind: str = "text") -> Bulletin | Rejected:
    """Build a bulletin from already-decoded text; ``kind`` is text, markdown or html."""
    meta, body = front_matter(raw) if kind in ("text", "markdown") else ({}, raw)
    title: str | None = meta.get("title")
    if kind == "html":
        body, html_title = strip_html(body)
        title = title or html_title
    elif kind == "markdown":
        body, md_title = strip_markdown(body)
        title = title or md_title
    text = normalise(body)
    if len(text) < MIN_CHARS:
        return Rejected(source, "no readable text (empty after cleaning)" if not text else f"too little text ({len(text)} characters)")
    issuer, home = issuing_body(text)
    if meta.get("issuer"):
        issuer = meta["issuer"]
    date = publication_date(text, meta)
    primary, mentioned = partners(text, home)
    if meta.get("partners"):
        primary = tuple(p.strip() for p in meta["partners"].split(",") if p.strip())
    return Bulletin(
        doc_id=content_id(text),
        source=source,
        title=normalise(title) if title else title_from_text(text),
        text=text,
        date=date,
        partners=primary,
        mentioned=mentioned,
        issuer=issuer,
        home=home,
        extra={k: v for k, v in meta.items() if k not in ("title", "date", "issuer", "partners")},
    )


def load_bytes(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Bulletin | Rejected:
    """Decode and load one file's bytes; the suffix of ``source`` picks the format."""
    kind = SUFFIXES.get(Path(source).suffix.lower())
    if kind is None:
        return Rejected(source, f"unsupported file type {Path(source).suffix or '(none)'}; use .txt, .md or .html")
    if not data.strip():
        return Rejected(source, "empty file")
    if len(data) > max_bytes:
        return Rejected(source, f"too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    try:
        raw = decode(data)
    except DecodeError as exc:
        return Rejected(source, str(exc))
    return load_text(raw, source, kind)


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Bulletin | Rejected:
    """Load one file from disk; unreadable files are rejected, not raised."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Rejected(path.name, f"too large ({size:,} bytes; the limit is {max_bytes:,})")
        data = path.read_bytes()
    except OSError as exc:
        return Rejected(path.name, f"cannot read file: {exc.strerror or exc}")
    return load_bytes(data, path.name, max_bytes)


def discover(paths: Iterable[Path]) -> Iterator[Path | Rejected]:
    """Expand files and folders into bulletin files; folders are walked recursively, sorted."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if child.suffix.lower() in SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Rejected(str(path), "no such file or folder")


def year_hints(bulletin: Bulletin) -> list[PartialDate]:
    """Dates with a year anywhere in the text: evidence for a reader, never a publication date."""
    return [d for d in find_dates(bulletin.text) if d.year]
