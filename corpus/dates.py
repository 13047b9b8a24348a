"""Find dates in bulletin language: "February 14", "14 February 2023", "2023-02-14", "01/08/2017", "29.12.2023",
"the first of June", and weekdays ("last Tuesday") anchored to the bulletin's own date.

Year-less dates stay year-less: a bulletin that says "February 14" does not tell us the year, and inventing one
would put a wrong date in front of a reader. Numeric dates are read day first, as most administrations write them,
unless the text itself shows month-first order (a second field above 12).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from corpus.patterns import rx
from corpus.records import PartialDate
from corpus.rules import DATE_LABELS, MONTHS, ORDINAL_DAYS, RELATIVE_DAYS, WEEKDAYS

_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_ORD_WORDS = "|".join(sorted(ORDINAL_DAYS, key=len, reverse=True))
_DAY = rf"(?P<day>[0-3]?\d(?:st|nd|rd|th)?|{_ORD_WORDS})"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS = [
    # 2023-02-14, 2023/02/14, 2023.02.14
    re.compile(r"(?<![\d.])" + _YEAR + r"[-/.](?P<mnum>[01]?\d)[-/.](?P<dnum>[0-3]?\d)(?![\d])"),
    # 2022-12 (year and month, as tables write them)
    re.compile(r"(?<![\d./-])" + _YEAR + r"-(?P<mnum>0[1-9]|1[0-2])(?![\d-])"),
    # 14/02/2023, 14.02.2023, 14-02-2023 (day or month first: resolved per text)
    re.compile(r"(?<![\d./-])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[01]?\d)(?P=sep)" + _YEAR + r"(?![\d])"),
    # 2023年2月14日
    re.compile(_YEAR + r"\s*年\s*(?P<mnum>[01]?\d)\s*月\s*(?P<dnum>[0-3]?\d)\s*日"),
    # February 14, 2023 / February 14th 2023 / February 14
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+" + _YEAR + r"\b)?", re.I),
    # 14 February 2023 / 14th of February, 2023 / the first of June
    re.compile(r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTH + r"\b(?:,?\s+" + _YEAR + r"\b)?", re.I),
    # February 2023 (month and year only)
    re.compile(r"\b" + _MONTH + r"\s+(?:of\s+)?" + _YEAR + r"\b", re.I),
]
_CAPITAL_MONTH = re.compile(r"^[A-Z]")
_NUMERIC = re.compile(r"(?<![\d./-])([0-3]?\d)([./-])([01]?\d)\2(?:19|20)\d\d(?!\d)")


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if not 1 <= day <= 31:
        return False
    if month is not None:
        limit = calendar.monthrange(year or 2000, month)[1]  # 2000 is a leap year: 29 February stays possible
        return day <= limit
    return True


def day_first(text: str) -> bool:
    """Whether the text writes numeric dates day first: yes unless one of them can only be month first."""
    for m in _NUMERIC.finditer(text):
        first, second = int(m.group(1)), int(m.group(3))
        if first > 12 >= second:
            return True
        if second > 12 >= first:
            return False
    return True


def _day_value(token: str | None) -> int | None:
    if not token:
        return None
    low = token.lower()
    if low in ORDINAL_DAYS:
        return ORDINAL_DAYS[low]
    digits = rx(r"\D").sub("", low)
    return int(digits) if digits else None


def find_dates(text: str, dayfirst: bool | None = None) -> list[PartialDate]:
    """All calendar dates in ``text`` with their spans, earliest position first, no overlaps."""
    found: list[PartialDate] = []
    taken: list[tuple[int, int]] = []
    order = day_first(text) if dayfirst is None else dayfirst
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            groups = m.groupdict()
            if groups.get("month") and not _CAPITAL_MONTH.match(groups["month"]) and groups["month"].lower() in (
                    "may", "mar", "jun", "jan", "dec", "oct", "sept", "sep", "aug", "nov", "apr", "feb", "jul"):
                continue  # "may" the verb, "mar" the verb: month names are capitalised in running text
            year = int(groups["year"]) if groups.get("year") else None
            day: int | None
            month: int | None
            if groups.get("a"):
                a, b = int(groups["a"]), int(groups["b"])
                day, month = (a, b) if order else (b, a)
            else:
                month = int(groups["mnum"]) if groups.get("mnum") else MONTHS.get((groups.get("month") or "").lower().rstrip("."))
                day = int(groups["dnum"]) if groups.get("dnum") else _day_value(groups.get("day"))
            if not _valid(year, month, day):
                continue
            found.append(PartialDate(year, month, day, m.group(0), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return _ranges(sorted(found, key=lambda d: d.start), text)


_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|through|and|[-–—])\s*(?:the\s+)?$", re.I)


def _ranges(found: list[PartialDate], text: str) -> list[PartialDate]:
    """"from 1 April to 30 June 2024", "15 May–15 Nov 2024": the first date of a range takes the second's year."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        joined = a.year is None and b.year and a.month and _RANGE_JOIN.match(text[a.end:b.start])
        if joined and (a.month or 0, a.day or 0) <= (b.month or 12, b.day or 31):
            out[i] = PartialDate(b.year, a.month, a.day, a.text, a.start, a.end)
    return out


_WEEKDAY_RE = re.compile(r"\b(?:(?P<rel>last|this past|past|next|this coming|on)\s+)?(?P<wd>" + "|".join(WEEKDAYS) + r")\b")


def weekday_dates(text: str, base: PartialDate | None) -> list[PartialDate]:
    """Weekdays and relative days a news text dates events by ("on Tuesday", "last Tuesday", "yesterday"), resolved
    against the bulletin's own full date; nothing is resolved when that date lacks a year (it would be a guess)."""
    if base is None or base.iso is None:
        return []
    anchor = dt.date(base.year or 1, base.month or 1, base.day or 1)
    out = []
    for m in _WEEKDAY_RE.finditer(text):
        target = WEEKDAYS[m.group("wd")]
        rel = (m.group("rel") or "").lower()
        if rel in ("next", "this coming"):
            delta = (target - anchor.weekday()) % 7 or 7
            when = anchor + dt.timedelta(days=delta)
        else:
            back = (anchor.weekday() - target) % 7
            if rel in ("last", "this past", "past") and back == 0:
                back = 7
            when = anchor - dt.timedelta(days=back)
        start = m.start("wd") if not rel or rel == "on" else m.start()
        out.append(PartialDate(when.year, when.month, when.day, text[start:m.end()], start, m.end()))
    for m in _RELATIVE_RE.finditer(text):
        when = anchor + dt.timedelta(days=RELATIVE_DAYS[m.group(0).lower()])
        out.append(PartialDate(when.year, when.month, when.day, m.group(0), m.start(), m.end()))
    return out


# Longest first, so "the day before yesterday" is not read as "yesterday"; "today's" is a possessive, not a date.
_RELATIVE_RE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, RELATIVE_DAYS), key=len, reverse=True))
                          + r")\b(?!['’]s)", re.I)


_FRONT_KEYS = ("date", "published", "publication_date", "pubdate", "issued", "updated")
_LABEL = re.compile(r"(?:^|[\s|\[(—–-])(?:" + "|".join(DATE_LABELS) + r")\b\s*(?:on|:|-|—|–)?\s*", re.I)


def labelled_dates(text: str) -> list[PartialDate]:
    """Dates a page labels as its own ("Date of issue: …", "Published …", "page last revised …")."""
    out = []
    for m in _LABEL.finditer(text):
        window = text[m.end():m.end() + 40]
        dates = find_dates(window)
        if dates and dates[0].start <= 2 and dates[0].month:
            d = dates[0]
            out.append(PartialDate(d.year, d.month, d.day, d.text, m.end() + d.start, m.end() + d.end))
    return out


def _footer(text: str, tail_chars: int = 400) -> list[PartialDate]:
    """A date standing alone on one of the last lines (a signature block: "General Administration … ⏎ 10 January 2025")."""
    start = max(0, len(text) - tail_chars)
    out = []
    for m in rx(r"(?m)^[^\n]{0,60}$").finditer(text[start:]):
        line = m.group(0)
        for d in find_dates(line):
            if d.year and len(line.strip()) <= len(d.text) + 40:
                off = start + m.start()
                out.append(PartialDate(d.year, d.month, d.day, d.text, off + d.start, off + d.end))
    return out


_DATELINE_START = re.compile(r"^\s*[A-Z][\w.' -]{0,40},\s*")


def _title_end(text: str, title: str | None) -> int:
    """Where the opening title line ends (0 when the text opens with its dateline or body instead)."""
    first, _, rest = text.partition("\n")
    if not rest.strip():
        return 0
    line = first.strip()
    if title and " ".join(line.split()) == " ".join(title.split()):
        return len(first) + 1
    looks_like_title = len(line) <= 160 and not line.endswith((".", "--", "—")) and not _DATELINE_START.match(line)
    return len(first) + 1 if looks_like_title else 0


_AFTER_DATELINE = re.compile(r"^\s*(?:$|--|[—–|:(\-*_]|\(\w)")


def _dateline_like(text: str, d: PartialDate) -> bool:
    """A date placed as a dateline or byline ("Tashkent, 2 July 2024 --", a short line of its own), not one inside
    a running sentence ("On 2 July 2024 in Tashkent, … signed"): only the former dates the bulletin itself."""
    line_start = text.rfind("\n", 0, d.start) + 1
    line_end = text.find("\n", d.end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if len(line.strip(" *_#|")) <= len(d.text) + 60:
        return True
    prefix = text[line_start:d.start]
    return bool(rx(r"[\W_]*(?:[A-Z][\w.' -]{0,40},\s*)?").fullmatch(prefix)) and bool(
        _AFTER_DATELINE.match(text[d.end:line_end if line_end >= 0 else len(text)]))


def publication_date(text: str, meta: dict[str, str] | None = None, head_chars: int = 400,
                     title: str | None = None) -> PartialDate | None:
    """The bulletin's own date, from where bulletins put it.

    In order: front matter; a labelled date anywhere ("Date of issue:", "Published", "revised"); the dateline or
    byline in the opening lines (the title line is skipped when other lines follow: a title's date is the
    subject's, not the bulletin's); a signature-block date at the end. A dateline without a year takes the year
    only from a labelled or signature date with the same day and month, never from a figure's year.
    """
    if meta:
        for key in _FRONT_KEYS:
            if meta.get(key):
                dates = find_dates(meta[key])
                if dates:
                    d = dates[0]
                    for seen in find_dates(text[:head_chars]):
                        if (seen.year, seen.month, seen.day) == (d.year, d.month, d.day):
                            return seen
                    return PartialDate(d.year, d.month, d.day, d.text)
    labelled = [d for d in labelled_dates(text) if d.year]
    skip = _title_end(text, title)
    head = [d for d in find_dates(text[:skip + head_chars]) if d.month is not None and d.start >= skip]
    footer = _footer(text)
    full = [d for d in [*labelled[:1], *head[:1]] if d.year]
    if labelled and head and head[0].year and head[0].start < labelled[0].start and _dateline_like(text, head[0]):
        return head[0]
    if full:
        return full[0]
    if head:
        d = head[0]
        for other in [*labelled, *footer]:
            if (other.month, other.day) == (d.month, d.day) and other.year:
                return other
        return d
    if footer:
        return footer[-1]
    title_dates = [d for d in find_dates(text[:skip]) if d.month is not None] if skip else []
    return title_dates[0] if title_dates else None
