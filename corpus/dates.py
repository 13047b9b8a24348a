"""Find dates in bulletin language: "February 14", "14 February 2023", "2023-02-14", "on the 7th".

Year-less dates stay year-less: a bulletin that says "February 14" does not tell us the year,
and inventing one would put a wrong date in front of a reader.
"""

from __future__ import annotations

import re

from corpus.records import PartialDate

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS = [
    # 2023-02-14, 2023/02/14, 2023.02.14
    re.compile(r"(?<!\d)" + _YEAR + r"[-/.](?P<mnum>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"),
    # 2023年2月14日
    re.compile(_YEAR + r"\s*年\s*(?P<mnum>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*日"),
    # February 14, 2023 / February 14th 2023 / February 14
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+" + _YEAR + r"\b)?"),
    # 14 February 2023 / 14th of February, 2023 / 14 February
    re.compile(r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTH + r"\b(?:,?\s+" + _YEAR + r"\b)?"),
    # February 2023 (month and year only)
    re.compile(r"\b" + _MONTH + r"\s+(?:of\s+)?" + _YEAR + r"\b"),
]


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= 31


def find_dates(text: str) -> list[PartialDate]:
    """All calendar dates in ``text`` with their spans, earliest position first, no overlaps."""
    found: list[PartialDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            groups = m.groupdict()
            month = int(groups["mnum"]) if groups.get("mnum") else MONTHS.get((groups.get("month") or "").lower().rstrip("."))
            day = int(groups["day"]) if groups.get("day") else None
            year = int(groups["year"]) if groups.get("year") else None
            if not _valid(year, month, day):
                continue
            found.append(PartialDate(year, month, day, m.group(0), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


_FRONT_KEYS = ("date", "published", "publication_date", "pubdate")


def publication_date(text: str, meta: dict[str, str] | None = None, head_chars: int = 300) -> PartialDate | None:
    """The bulletin's own date: front matter first, else the first date in its dateline (opening lines).

    Only the opening of the text is read, so a date deep in the body (an old agreement, a
    statistics period) is never mistaken for the publication date.
    """
    head = text[:head_chars]
    for key in _FRONT_KEYS:
        if meta and meta.get(key):
            dates = find_dates(meta[key])
            if dates:
                d = dates[0]
                # The same date in the dateline gives the front-matter date a span to cite.
                for seen in find_dates(head):
                    if (seen.year, seen.month, seen.day) == (d.year, d.month, d.day):
                        return seen
                return PartialDate(d.year, d.month, d.day, d.text)
    dates = [d for d in find_dates(head) if d.month is not None]
    return dates[0] if dates else None
