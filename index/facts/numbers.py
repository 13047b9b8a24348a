"""Find numeric and date expressions in any text and normalise them, with exact spans.

One finder serves both sides: extraction reads bulletins with it and the claim checker reads
answers with it, so "US$4.36 billion" in an answer and in a bulletin normalise identically.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import pycountry

from corpus.dates import find_dates, weekday_dates
from corpus.patterns import rx
from corpus.records import PartialDate

KINDS = ("count", "percent", "money", "date", "year", "ordinal", "duration")

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
_SCALE_ABBR = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
               "billion": 1e9, "tn": 1e12, "trillion": 1e12}
# Every ISO-4217 code (pycountry's table) is a currency when it stands before or after an amount: "KZT 1.2
# trillion", "SAR 397 billion", "1.2 trillion tenge" (by the currency's name); the symbols below add "RM", "A$"...
_ISO_CODES = sorted({c.alpha_3 for c in pycountry.currencies})
_ISO_NAMES = {c.name.split()[-1].lower(): c.alpha_3 for c in pycountry.currencies if " " not in c.name}
_CURRENCY_PREFIX = [
    (r"US\s?\$|U\.S\.\s?\$|USD", "USD"), (r"HK\$|HKD", "HKD"), (r"MOP\$?", "MOP"), (r"S\$|SGD", "SGD"),
    (r"A\$|AUD", "AUD"), (r"RMB|CNY|¥|￥", "CNY"), (r"EUR|€", "EUR"), (r"GBP|£", "GBP"), (r"JPY", "JPY"),
    (r"KRW|₩", "KRW"), (r"RM", "MYR"), (r"R(?=\s?\d)", "ZAR"), (r"NZ\$", "NZD"), (r"C\$", "CAD"),
    *((code, code) for code in _ISO_CODES), (r"\$", "USD"),
]
_CURRENCY_SUFFIX = [
    (r"US dollars?|U\.S\. dollars?|dollars?|USD", "USD"), (r"yuan|renminbi|RMB|CNY", "CNY"),
    (r"euros?|EUR", "EUR"), (r"pounds? sterling|pounds?|GBP", "GBP"), (r"patacas?|MOP", "MOP"),
    (r"Hong Kong dollars?|HKD", "HKD"), (r"yen|JPY", "JPY"), (r"won|KRW", "KRW"),
    *((rf"{name}s?", code) for name, code in sorted(_ISO_NAMES.items()) if len(name) > 3 and name not in ("mark",)),
]
_DURATION_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
                   "months": "month", "year": "year", "years": "year", "hour": "hour", "hours": "hour"}
_QUALIFIERS = {
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly", "approaching": "nearly",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "approx.": "about", "an estimated": "about", "over": "more than", "more than": "more than",
    "above": "more than", "exceeding": "more than", "in excess of": "more than", "upwards of": "more than",
    "just over": "more than", "at least": "at least", "no less than": "at least", "not less than": "at least",
    "less than": "less than", "fewer than": "less than", "below": "less than", "under": "less than",
    "up to": "at most", "at most": "at most", "no more than": "at most", "not more than": "at most",
    "a maximum of": "at most", "within": "at most",
}

_WORD_NUM = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_WORD_ORD = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = rf"(?:{_WORD_NUM})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD_NUM}))*"
_NUMBER = rf"(?:{_DIGITS})(?:\s*(?:trillion|billion|million|thousand|tn|bn|mln|mn)\b|[mbk]\b)?|\b{_WORDS}\b"
_NUM_RE = re.compile(rf"(?<![\w.,$€£¥-])(?P<num>{_NUMBER})(?![\d_])", re.I)  # "000_x.txt" is a file name
_CURRENCY_RE = re.compile(
    r"(?<![\w])(?P<cur>" + "|".join(p for p, _ in _CURRENCY_PREFIX) + r")\s?(?P<num>" + _DIGITS
    + r")(?:\s*(?P<scale>trillion|billion|million|thousand|tn|bn|mln|mn)\b|(?P<sscale>[mbk])\b)?"
    + r"|(?P<num2>" + _NUMBER + r")\s+(?P<cur2>" + "|".join(p for p, _ in _CURRENCY_SUFFIX) + r")\b",
    re.I,
)
_PERCENT_RE = re.compile(rf"(?<![\w.])(?P<num>{_DIGITS}|\b{_WORDS}\b)\s*(?P<pct>%|per\s?cent\b|percent\b|pct\b|"
                         r"percentage points?\b)", re.I)
_DURATION_RE = re.compile(
    rf"(?<![\w.,-])(?P<num>{_DIGITS}|\b{_WORDS}\b)[\s-]+(?:(?:working|calendar|business|natural)\s+)?"
    r"(?P<unit>days?|weeks?|months?|years?|hours?)\b(?![\s-]+(?:old|ago|on[\s-]+year))",
    re.I,
)
_YEAR_RE = re.compile(r"(?<![\w.,$€£¥/-])(?P<num>(?:19|20)\d\d)(?![\w%]|[.,]\d|/\d|\s*(?:%|per\s?cent))")
_ORDINAL_RE = re.compile(rf"(?<![\w-])(?P<num>(?:(?:{'|'.join(_TENS)})[\s-])?(?:{_WORD_ORD})|\d+(?:st|nd|rd|th))\b", re.I)
_DAY_ONLY_RE = re.compile(r"\b(?:on|of|by|from|since|until)\s+the\s+(?P<num>[0-3]?\d(?:st|nd|rd|th))\b(?!\s+(?:of\s+)?[A-Z])")
# Spans that hold digits but are not claims: citation markers, codes, article numbers, times.
_NOT_CLAIMS = re.compile(
    r"\[\d+(?:\s*[,;–-]\s*\d+)*\]|\b(?:No|Nos|Art|Article|Annex|Section|Chapter|Paragraph|Para|Item|Decree|"
    r"Order|Announcement|Circular|Notice|Document|Doc|Ref|Rule|Regulation)\.?\s*(?:No\.?\s*)?\d[\d./-]*(?:\s+of\s+\d{4})?"
    r"|\b(?!(?:RM|R|Rs|Rp|K|P)\d)[A-Za-z]+\d[\w-]*|\b\d+[A-Za-z][A-Za-z]*\d[\w-]*|\b\d{1,2}:\d{2}\b|#\d+|\+\d[\d\s-]{6,}",
)
_QUALIFIER_RE = re.compile(r"(?:\b(?:" + "|".join(re.escape(q) for q in sorted(_QUALIFIERS, key=len, reverse=True))
                           + r"))\s+$", re.I)


@dataclass(frozen=True)
class Quantity:
    """One numeric or date expression: ``text`` is exactly ``source_text[start:end]``.

    ``value`` is the normalised number (None for dates); ``norm`` the normalised value as a string
    (numbers without grouping, dates as ISO 8601 with missing parts left out: ``--02-07``).
    ``tolerance`` is half a unit of the last digit written, so rounded figures still match.
    ``role``/``link`` tie the two halves of "12 of the 17" together.
    """

    text: str
    start: int
    end: int
    kind: str
    unit: str
    value: float | None
    norm: str
    qualifier: str | None = None
    tolerance: float = 0.0
    date: PartialDate | None = None
    role: str | None = None
    link: str | None = None


def parse_number(token: str) -> tuple[float, float] | None:
    """(value, tolerance) of "4.36 billion", "1,200", "forty-three", "5bn"; None if not a number."""
    t = token.strip().lower()
    m = rx(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*([a-z]*)").fullmatch(t)
    if m:
        digits, scale_word = m.group(1).replace(",", ""), m.group(2)
        scale = _SCALE_ABBR.get(scale_word, 1.0) if scale_word else 1.0
        if scale_word and scale_word not in _SCALE_ABBR:
            return None
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        if len(digits.split(".")[0]) > 18:  # beyond any figure a bulletin states: not a number we can compare
            return None
        return float(digits) * scale, 0.5 * (10 ** -min(decimals, 12)) * scale
    total, current = 0, 0
    words = [w for w in rx(r"[\s-]+").split(t) if w and w != "and"]
    if not words:
        return None
    for w in words:
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in _SCALES:
            total += max(current, 1) * _SCALES[w]
            current = 0
        else:
            return None
    return float(total + current), 0.0


def parse_ordinal(token: str) -> int | None:
    """3 for "third", 21 for "twenty-first" or "21st"."""
    t = token.lower().strip()
    m = rx(r"(\d+)(?:st|nd|rd|th)").fullmatch(t)
    if m:
        return int(m.group(1))
    parts = rx(r"[\s-]+").split(t)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ORDINALS:
        return _TENS[parts[0]] + _ORDINALS[parts[1]]
    return _ORDINALS.get(t)


def date_norm(d: PartialDate) -> str:
    """ISO 8601 with only the parts the text gave: 2024-03-01, 2024-03, --02-07, ---07."""
    if d.year and d.month and d.day:
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if d.year and d.month:
        return f"{d.year:04d}-{d.month:02d}"
    if d.month and d.day:
        return f"--{d.month:02d}-{d.day:02d}"
    if d.year:
        return f"{d.year:04d}"
    return f"---{d.day:02d}" if d.day else ""


def norm_parts(norm: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of a normalised date — the inverse of ``date_norm``; parts the text did not give
    stay None."""
    if norm.startswith("---"):
        return None, None, int(norm[3:])
    if norm.startswith("--"):
        return None, int(norm[2:4]), int(norm[5:7])
    parts = [int(p) for p in norm.split("-")]
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def format_value(value: float | None) -> str:
    """A number as a plain string: 4360000000, 32.9, 3."""
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return f"{value:.10g}"


class Spans:
    """Character spans already claimed, kept sorted and merged, so asking whether a span is free is a binary
    search rather than a scan of everything claimed (a table of 10,000 numbers made that scan quadratic)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in spans:
            self.add(start, end)

    def free(self, start: int, end: int) -> bool:
        """Whether no claimed span overlaps [start, end)."""
        i = bisect.bisect_left(self._starts, end) - 1  # the last span starting before ``end`` ends latest
        return i < 0 or self._ends[i] <= start

    def add(self, start: int, end: int) -> None:
        """Claim [start, end), merged with the spans it overlaps or touches."""
        lo = bisect.bisect_left(self._ends, start)  # the first span that ends at or after ``start``
        hi = bisect.bisect_right(self._starts, end)  # spans from ``lo`` up to here overlap or touch
        if lo < hi:
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]


def _qualified(text: str, start: int) -> tuple[str | None, int]:
    m = _QUALIFIER_RE.search(text[max(0, start - 25):start])
    if not m:
        return None, start
    word = " ".join(m.group(0).lower().split())
    return _QUALIFIERS.get(word), start - (len(text[max(0, start - 25):start]) - m.start())


def _resolve_day(day: int, base: PartialDate | None) -> PartialDate:
    """"on the 7th" in a bulletin dated February 7th is February 7 (and its year only if the dateline has one)."""
    if base and base.month and base.day and day <= base.day:
        return PartialDate(base.year, base.month, day, "")
    return PartialDate(None, None, day, "")


def find_quantities(text: str, base: PartialDate | None = None) -> list[Quantity]:
    """Every numeric or date expression in ``text``, in order, non-overlapping.

    ``base`` (the bulletin's own date) resolves "on the 7th"; no year is ever invented.
    """
    taken = Spans((m.start(), m.end()) for m in _NOT_CLAIMS.finditer(text))
    out: list[Quantity] = []

    def add(q: Quantity) -> None:
        out.append(q)
        taken.add(q.start, q.end)

    for d in find_dates(text):
        if d.month is None or not taken.free(d.start, d.end):
            continue
        add(Quantity(d.text, d.start, d.end, "date", "date", None, date_norm(d), date=d))
    for d in weekday_dates(text, base):
        if taken.free(d.start, d.end):
            add(Quantity(d.text, d.start, d.end, "date", "date", None, date_norm(d), date=d))
    for m in _DAY_ONLY_RE.finditer(text):
        s, e = m.span("num")
        if taken.free(s, e):
            d = _resolve_day(int(rx(r"\D").sub("", m.group("num"))), base)
            d = replace(d, text=m.group("num"), start=s, end=e)
            add(Quantity(m.group("num"), s, e, "date", "date", None, date_norm(d), date=d))
    for m in _CURRENCY_RE.finditer(text):
        if not taken.free(m.start(), m.end()):
            continue
        if m.group("cur"):
            cur = next((code for p, code in _CURRENCY_PREFIX if rx(p, re.I).fullmatch(m.group("cur"))
                        and (code != p or m.group("cur") == p)), None)
            if cur is None:  # an ISO code written in lower case ("eur" in running text is not EUR): not money
                continue
            scale = m.group("scale") or m.group("sscale") or ""
            parsed = parse_number(m.group("num") + scale)
        else:
            cur = next(code for p, code in _CURRENCY_SUFFIX if rx(p, re.I).fullmatch(m.group("cur2")))
            parsed = parse_number(m.group("num2"))
        if parsed is None:
            continue
        _add_number(add, text, m.start(), m.end(), "money", cur, parsed)
    for m in _PERCENT_RE.finditer(text):
        parsed = parse_number(m.group("num"))
        if parsed is None or not taken.free(m.start(), m.end()):
            continue
        unit = "percentage point" if m.group("pct").lower().startswith("percentage") else "percent"
        _add_number(add, text, m.start(), m.end(), "percent", unit, parsed)
    for m in _DURATION_RE.finditer(text):
        parsed = parse_number(m.group("num"))
        if parsed is None or not taken.free(m.start(), m.end()):
            continue
        _add_number(add, text, m.start(), m.end(), "duration", _DURATION_UNITS[m.group("unit").lower()], parsed)
    for m in _YEAR_RE.finditer(text):
        if taken.free(m.start(), m.end()):
            add(Quantity(m.group(0), m.start(), m.end(), "year", "year", float(m.group(0)), m.group(0)))
    for m in _ORDINAL_RE.finditer(text):
        n = parse_ordinal(m.group("num"))
        if n is None or not taken.free(m.start(), m.end()) or _not_ordinal(text, m.start(), m.end()):
            continue
        add(Quantity(m.group(0), m.start(), m.end(), "ordinal", "ordinal", float(n), str(n)))
    for m in _NUM_RE.finditer(text):
        parsed = parse_number(m.group("num"))
        if parsed is None or not taken.free(m.start(), m.end()) or _not_count(text, m.start(), m.end()):
            continue
        _add_number(add, text, m.start(), m.end(), "count", "count", parsed)
    return _link_parts(sorted(out, key=lambda q: q.start), text)


def _add_number(add: Callable[[Quantity], None], text: str, start: int, end: int, kind: str, unit: str,
                parsed: tuple[float, float]) -> None:
    qualifier, qstart = _qualified(text, start)
    value, tol = parsed
    q = Quantity(text[qstart:end], qstart, end, kind, unit, value, format_value(value), qualifier, tol)
    add(q)


def _not_ordinal(text: str, start: int, end: int) -> bool:
    """"first" in "first of all", "at first", "firstly" is not a rank."""
    before = text[max(0, start - 4):start].lower()
    after = text[end:end + 8].lower()
    glued = text[end:end + 1] == "-"
    return before.endswith("at ") or after.startswith((" of all", "-hand", " hand", " half", " quarter")) or glued


def _not_count(text: str, start: int, end: int) -> bool:
    """Bare "one" and anaphoric "the two sides" are wording, not figures."""
    word = text[start:end].lower()
    if word == "one" or word == "hundred" or word in _SCALES:
        return True
    before = text[max(0, start - 4):start].lower()
    return word == "two" and before.endswith("the ")


_OF_RE = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+|all\s+|its\s+|their\s+)?$", re.I)


def _link_parts(found: list[Quantity], text: str) -> list[Quantity]:
    """Mark "12 of the 17 countries" as a part and its total, each pointing at the other."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.kind == b.kind == "count" and _OF_RE.fullmatch(text[a.end:b.start] or "x"):
            link = f"{a.norm} of {b.norm}"
            out[i] = replace(a, role="part", link=link)
            out[i + 1] = replace(b, role="total", link=link)
    return out
