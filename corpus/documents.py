"""Text out of the office formats bulletins are published in: PDF (its text layer, page by page) and Word (.docx).

Only the text a file already carries is read: a PDF whose pages are images (a scan) has no text layer and is
refused with that reason rather than indexed empty or guessed at. pypdf and python-docx are imported here, on
first use, so nothing else pays for them.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class ExtractError(ValueError):
    """A PDF or Word file whose text cannot be read; the message is the reason a user can act on."""


@dataclass(frozen=True)
class Extracted:
    """A document's text: one entry per page for a PDF, a single entry for a Word file."""

    pages: tuple[str, ...]
    title: str | None = None


# A PDF line ends where the layout ran out of width, not where the sentence ends. A break is read as a space when
# the line does not end a sentence and either runs (nearly) the full width of the page or is followed by a lower-case
# word; headings (short lines), list items and lines ending in . ! ? : ; keep their breaks.
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
_ENDS_SENTENCE = (".", "!", "?", ":", ";")
_ITEM = re.compile(r"^\s*(?:[-*\u2022\u25aa\u2013]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
FULL_LINE = 0.7  # share of the page's longest line from which a line counts as filled to the margin


def unwrap(text: str) -> str:
    """A PDF page's text with the layout's line breaks inside sentences joined (``cus-\\ntoms`` too)."""
    lines = _HYPHEN_BREAK.sub("", text).split("\n")
    width = max((len(line.strip()) for line in lines), default=0)
    out: list[str] = []
    previous = ""
    for line in lines:
        stripped, before = line.strip(), previous
        previous = stripped
        if out and before and stripped and not before.endswith(_ENDS_SENTENCE) and not _ITEM.match(stripped) \
                and (stripped[0].islower() or len(before) >= FULL_LINE * width):
            out[-1] = f"{out[-1]} {stripped}"
        else:
            out.append(stripped)
    return "\n".join(out)


def read_pdf(data: bytes) -> Extracted:
    """The text layer of every page, in page order (an image-only page gives ``""``)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("encrypted PDF: save it without a password and upload it again")
        pages = [unwrap(page.extract_text() or "") for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta is not None and meta.title else None
    except ExtractError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files; all mean the same to a user
        raise ExtractError(f"not a readable PDF ({type(exc).__name__})") from None
    if not pages:
        raise ExtractError("not a readable PDF (no pages)")
    if not any(p.strip() for p in pages):
        scanned = sum(1 for page in reader.pages if _has_images(page))
        if scanned:
            raise ExtractError(f"scanned PDF with no text layer ({scanned} page{'s' if scanned != 1 else ''} of "
                               "images): run it through OCR first")
        raise ExtractError("PDF with no text layer: nothing to read")
    return Extracted(tuple(pages), title or None)


def _has_images(page: Any) -> bool:
    """Whether a PDF page draws an image (what a scanner produces), read from its resources without decoding."""
    try:
        objects = page.get("/Resources", {}).get_object().get("/XObject", {}).get_object()
        return any(obj.get_object().get("/Subtype") == "/Image" for obj in objects.values())
    except Exception:  # a malformed resource dictionary: not evidence of a scan
        return False


def read_docx(data: bytes) -> Extracted:
    """Paragraphs and tables of a Word document in reading order; a table row is one line of cells."""
    from docx import Document
    from docx.table import Table

    from corpus.clean import CELL_SEP

    try:
        document = Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    seen: set[int] = set()
                    for cell in row.cells:  # a merged cell is returned once per grid column it spans
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            cells.append(" ".join(cell.text.split()))
                    lines.append(CELL_SEP.join(cells))
                lines.append("")
            else:
                lines.append(block.text)
        title = (document.core_properties.title or "").strip() or None
    except Exception as exc:  # a damaged or non-Word zip
        raise ExtractError(f"not a readable Word document ({type(exc).__name__})") from None
    return Extracted(("\n".join(lines),), title)


def page_at(starts: Sequence[int], offset: int) -> int | None:
    """The 1-based page holding character ``offset`` of a paged bulletin's text; None when it has no pages.

    An empty page starts where the next one does, so an offset lands on the page that has the text."""
    if not starts:
        return None
    return max(1, bisect_right(starts, offset))
