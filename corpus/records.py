"""The bulletin record: one cleaned source text plus the metadata read from it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_id(text: str, length: int = 16) -> str:
    """Stable id from content, so the same text always gets the same id wherever it is ingested."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class PartialDate:
    """A date as far as the text gives it: the year may be missing and must not be invented."""

    year: int | None
    month: int | None
    day: int | None
    text: str
    start: int = -1
    end: int = -1

    @property
    def iso(self) -> str | None:
        """YYYY-MM-DD only when the text gives all three parts."""
        if self.year and self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return None

    @property
    def sort_key(self) -> int:
        """YYYYMMDD with unknown parts as 0; orders known dates and keeps unknown years first."""
        return (self.year or 0) * 10000 + (self.month or 0) * 100 + (self.day or 0)

    def label(self) -> str:
        """Human form: the ISO date, or what the text gave with the gap said plainly."""
        if self.iso:
            return self.iso
        if self.year and self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.text} (year not given)" if self.year is None else self.text


@dataclass(frozen=True)
class Bulletin:
    """A loaded, normalised bulletin. Offsets everywhere else point into ``text``."""

    doc_id: str
    source: str
    title: str
    text: str
    date: PartialDate | None = None
    partners: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()
    issuer: str | None = None
    home: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # Where each page starts in ``text`` (page 1 first), for documents that have pages (PDF): a citation's offset
    # then names its page. Empty for text, Markdown, HTML and Word bulletins.
    pages: tuple[int, ...] = ()

    @property
    def date_iso(self) -> str | None:
        return self.date.iso if self.date else None


@dataclass(frozen=True)
class Rejected:
    """A file that could not be loaded, with the reason a user can act on."""

    source: str
    reason: str
