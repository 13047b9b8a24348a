"""Load bulletin files (.txt, .md, .html/.htm, .pdf, .docx) into normalised ``Bulletin`` records.

Loading never raises on bad input: a file that cannot be a bulletin comes back as ``Rejected``
with a reason, so one bad file in a folder never stops the others.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePath

from corpus.clean import (
    CELL_SEP,
    DecodeError,
    decode,
    front_matter,
    normalise,
    plain_tables,
    read_html,
    strip_markdown,
)
from corpus.dates import find_dates, labelled_dates, publication_date
from corpus.metadata import issuing_body, partners, title_from_text
from corpus.partners import find_mentions
from corpus.records import Bulletin, PartialDate, Rejected, content_id

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".pdf": "pdf", ".docx": "docx"}
DOCUMENT_KINDS = ("pdf", "docx")  # binary formats: their text is extracted, not decoded
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MIN_CHARS = 20


def load_text(raw: str, source: str, kind: str = "text", title: str | None = None) -> Bulletin | Rejected:
    """Build a bulletin from already-decoded text; ``kind`` is text, markdown, html or document (text extracted
    from a PDF or Word file, already cleaned); ``title`` is one the file's own metadata gives."""
    meta, body = front_matter(raw) if kind in ("text", "markdown") else ({}, raw)
    title = meta.get("title") or title
    site: str | None = None
    if kind == "html":
        page = read_html(body)
        body, site = page.text, page.site
        title = title or page.title
        own = labelled_dates(page.furniture)  # "Published: 05.07.2024" in a footer the text no longer holds
        if own and not meta.get("date"):
            meta = {**meta, "date": own[0].text}
    elif kind == "markdown":
        body, md_title = strip_markdown(body)
        title = title or md_title
    if kind in ("text", "markdown"):
        body = plain_tables(body)
    text = normalise(body)
    if len(text) < MIN_CHARS:
        return Rejected(source, "no readable text (empty after cleaning)" if not text else f"too little text ({len(text)} characters)")
    masthead = " | ".join(x for x in (site, title if kind == "html" else None) if x) or None
    issuer, home = issuing_body(text, masthead)
    if meta.get("issuer"):
        issuer = meta["issuer"]
    date = publication_date(text, meta, title=title)
    primary, mentioned = partners(text, home, title)
    if home is None and (side := table_side(text, mentioned)) is not None:
        home = side  # a status sheet of one administration's partners: its own economy is no row of the table
        primary, mentioned = partners(text, home, title)
    if home is None and primary:  # an issuer whose name names no economy speaks for the other side it names most
        others = [n for n in mentioned if n not in primary[:1]]
        if others and not (len(primary) > 1 and others[0] in primary[1:] and len(primary) > 2):
            home = others[0]
            primary = tuple(p for p in primary if p != home) or primary
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


def table_side(text: str, mentioned: Sequence[str]) -> str | None:
    """The economy every row of a table of arrangements is with: when three or more rows each name a partner
    first, the economy the text names most that heads no row."""
    heads: set[str] = set()
    for line in text.split("\n"):
        if CELL_SEP.strip() in line:
            found = find_mentions(line.split(CELL_SEP.strip())[0])
            if found:
                heads.add(found[0].name)
    if len(heads) < 3:
        return None
    rest = [name for name in mentioned if name not in heads]
    return rest[0] if rest else None


def too_large(source: str, size: int, max_bytes: int) -> Rejected:
    """The one wording for a file over the size limit, wherever it is refused (ingest, an upload in the app)."""
    return Rejected(source, f"too large ({size:,} bytes; the limit is {max_bytes:,})")


def load_bytes(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Bulletin | Rejected:
    """Decode and load one file's bytes; the suffix of ``source`` picks the format."""
    kind = SUFFIXES.get(PurePath(source).suffix.lower())
    if kind is None:
        return Rejected(source, f"unsupported file type {PurePath(source).suffix or '(none)'}; "
                                "use .txt, .md, .html, .pdf or .docx")
    if not data.strip():
        return Rejected(source, "empty file")
    if len(data) > max_bytes:
        return too_large(source, len(data), max_bytes)
    if kind in DOCUMENT_KINDS:
        loaded = load_document(data, source, kind)
    else:
        try:
            raw = decode(data)
        except DecodeError as exc:
            return Rejected(source, str(exc))
        loaded = load_text(raw, source, kind)
    if isinstance(loaded, Bulletin):
        # Invisible characters (zero-width spaces and joiners, other format characters) count as text
        # for the length check; a reader sees nothing, so neither should the index.
        visible = _visible(loaded.text, MIN_CHARS)
        if visible < MIN_CHARS:
            return Rejected(source, "no readable text (only invisible characters)" if not visible
                            else f"too little text ({visible} visible characters)")
    return loaded


def load_document(data: bytes, source: str, kind: str) -> Bulletin | Rejected:
    """A PDF (``kind`` pdf) or Word file (docx) as a bulletin; a PDF's bulletin records where each page starts.

    Each page is cleaned on its own and the pages are joined by a blank line, so the offsets of the text every
    citation points into stay exact and a page boundary is a known offset in it.
    """
    from corpus.documents import ExtractError, read_docx, read_pdf

    try:
        extracted = read_pdf(data) if kind == "pdf" else read_docx(data)
    except ExtractError as exc:
        return Rejected(source, str(exc))
    pages = [normalise(plain_tables(page)) for page in extracted.pages]
    joined, starts = join_pages(pages)
    loaded = load_text(joined, source, "document", title=extracted.title)
    if isinstance(loaded, Rejected) or kind != "pdf":
        return loaded
    if loaded.text != joined:  # cleaning the whole changed it (an entity decoded twice): find each page again
        starts = realign(loaded.text, pages, starts)
    return replace(loaded, pages=tuple(starts))


def join_pages(pages: Sequence[str]) -> tuple[str, list[int]]:
    """Cleaned pages joined by a blank line, and where each starts; an empty page starts where the next one does."""
    text = ""
    starts: list[int] = []
    for page in pages:
        if page and text:
            text += "\n\n"
        starts.append(len(text))
        text += page
    following = len(text)
    for i in range(len(pages) - 1, -1, -1):
        if pages[i]:
            following = starts[i]
        else:
            starts[i] = following
    return text, starts


def realign(text: str, pages: Sequence[str], starts: Sequence[int]) -> list[int]:
    """Page starts in ``text`` found by each page's opening words, for when ``text`` is not the plain join."""
    out: list[int] = []
    cursor = 0
    for page, start in zip(pages, starts, strict=True):
        at = text.find(page[:40], cursor) if page else -1
        cursor = at if at >= 0 else max(cursor, min(start, len(text)))
        out.append(cursor)
    return out


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> Bulletin | Rejected:
    """Load one regular file from disk under ``source`` (default: its name); unreadable files are rejected.

    The file is opened without blocking and checked after opening, so a FIFO or device named like a
    bulletin is refused rather than waited on, and at most ``max_bytes + 1`` bytes are ever read.
    """
    name = source or path.name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return Rejected(name, f"cannot read file: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Rejected(name, f"not a regular file ({file_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            return too_large(name, info.st_size, max_bytes)
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return Rejected(name, f"cannot read file: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return load_bytes(data, name, max_bytes)


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, str] | Rejected]:
    """Expand files and folders into ``(file, source)`` pairs; folders are walked recursively, sorted.

    A file named directly keeps its name as its source; a file found in a folder is known by its
    path relative to that folder (``a/same.txt``), so equal names in different sub-folders stay two
    bulletins. Symbolic links are followed only while they stay inside the folder; links to folders
    are not followed. Anything that is not a regular file is refused with what it is.
    """
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            yield Rejected(str(path), "no such file or folder" if not path.is_symlink() else "broken symbolic link")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path)
        elif stat.S_ISREG(info.st_mode):
            yield path, path.name
        else:
            yield Rejected(str(path), f"not a regular file ({file_kind(info.st_mode)})")


_LOOP = Path("\0loop")  # marks a link whose target cannot be resolved


def _walk(root: Path) -> Iterator[tuple[Path, str] | Rejected]:
    """Bulletin files under ``root`` in sorted order, with the reasons for those refused."""
    real_root = root.resolve()
    found: list[tuple[str, Path | None]] = []  # None: a link leading out of the folder
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in [*files, *dirs]:
            child = Path(folder) / name
            rel = child.relative_to(root).as_posix()
            if name.startswith(".") or (name in files and PurePath(name).suffix.lower() not in SUFFIXES):
                continue
            if child.is_symlink():
                try:
                    target = child.resolve()
                except (RuntimeError, OSError):  # a link that loops back on itself
                    found.append((rel, _LOOP))
                    continue
                if not target.is_relative_to(real_root):
                    found.append((rel, None))
                    continue
                if target.is_dir():
                    continue
            if name in files:
                found.append((rel, child))
    for rel, entry in sorted(found, key=lambda t: t[0]):
        if entry is None:
            yield Rejected(rel, "symbolic link to outside the ingested folder, not followed")
            continue
        if entry is _LOOP:
            yield Rejected(rel, "symbolic link that loops back on itself, not followed")
            continue
        try:
            info = entry.stat()
        except OSError:
            yield Rejected(rel, "broken symbolic link" if entry.is_symlink() else "no such file")
            continue
        if not stat.S_ISREG(info.st_mode):
            yield Rejected(rel, f"not a regular file ({file_kind(info.st_mode)})")
            continue
        yield entry, rel


def file_kind(mode: int) -> str:
    """What a non-regular file is, in the words ``ls -l`` users know."""
    for test, label in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                        (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return label
    return "special file"


def year_hints(bulletin: Bulletin) -> list[PartialDate]:
    """Dates with a year anywhere in the text: evidence for a reader, never a publication date."""
    return [d for d in find_dates(bulletin.text) if d.year]


def _visible(text: str, enough: int) -> int:
    """How many characters of ``text`` a reader sees, counted up to ``enough`` (a long text stops early)."""
    seen = 0
    for ch in text:
        if ch.isprintable() and not ch.isspace():
            seen += 1
            if seen >= enough:
                break
    return seen
