"""Metadata read from a bulletin's text: title, issuing body, the economies it names."""

from __future__ import annotations

import re
from collections import Counter

from corpus.partners import find_mentions

# Administrations named in full, and the economy each speaks for.
_ISSUERS = [
    (r"General Administration of Customs(?: of (?:the People's Republic of )?China)?|GACC|China Customs", "China"),
    (r"Macao Customs(?: Service)?|Macau Customs(?: Service)?", "Macao"),
    (r"Hong Kong Customs(?: and Excise Department)?", "Hong Kong"),
    (r"Korea Customs Service", "Korea"),
    (r"Japan Customs", "Japan"),
    (r"U\.?S\.? Customs and Border Protection|CBP", "United States"),
    (r"Canada Border Services Agency|CBSA", "Canada"),
    (r"HM Revenue (?:&|and) Customs|HMRC", "United Kingdom"),
    (r"Singapore Customs", "Singapore"),
    (r"Australian Border Force", "Australia"),
    (r"New Zealand Customs Service", "New Zealand"),
    (r"European Commission|DG TAXUD", "European Union"),
]
_GENERIC_ISSUER = re.compile(
    r"\b((?:[A-Z][a-z]+\s){1,4}(?:Customs(?:\s(?:Service|Administration|Agency|Authority|Department))?|Revenue Authority|Border\s\w+\sAgency))\b"
)
_SIGNING = re.compile(r"\b(sign|signed|signing|mutual recognition|arrangement|agreement|partner|MRA)\b", re.I)


def issuing_body(text: str) -> tuple[str | None, str | None]:
    """(issuer as written, the economy it speaks for) from the first administration the text names."""
    best: tuple[int, str, str | None] | None = None
    for pattern, home in _ISSUERS:
        m = re.search(pattern, text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), m.group(0), home)
    if best:
        return best[1], best[2]
    m = _GENERIC_ISSUER.search(text)
    if m:
        mentions = find_mentions(m.group(1))
        return m.group(1), (mentions[0].name if mentions else None)
    return None, None


_DATELINE = re.compile(r"^(?:[A-Z][\w.&' -]{0,40},\s*){0,3}$")


def strip_dateline(line: str) -> str:
    """Drop a leading dateline ("China News Agency, Beijing, February 7th (Reporter …)") from a line."""
    from corpus.dates import find_dates

    dates = [d for d in find_dates(line[:120]) if d.start < 80]
    if not dates or not _DATELINE.match(line[: dates[0].start]):
        return line
    rest = line[dates[0].end:]
    rest = re.sub(r"^\s*\([^)]{0,60}\)", "", rest)
    rest = rest.lstrip(" ,:;.—–-")
    return rest if len(rest) > 20 else line


def title_from_text(text: str, limit: int = 120) -> str:
    """First line without its dateline, trimmed to a sentence or ``limit`` characters.

    Bulletins rarely carry a title line; their opening sentence, minus place and date, says what
    they announce.
    """
    first = strip_dateline(text.strip().split("\n", 1)[0])
    sentence = re.split(r"(?<=[.!?。])\s", first, maxsplit=1)[0]
    title = sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return title


def partners(text: str, home: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(arrangement partners, all economies mentioned), the issuer's own economy left out.

    A partner is an economy named in a sentence about signing or mutual recognition; the
    others are merely mentioned (examples, earlier partners) and kept apart for filtering.
    """
    mentions = [m for m in find_mentions(text) if m.name != home]
    counts = Counter(m.name for m in mentions)
    mentioned = tuple(sorted(counts, key=lambda n: (-counts[n], n)))
    primary: list[str] = []
    for sentence in re.split(r"(?<=[.!?;。])\s+|\n", text):
        if not _SIGNING.search(sentence):
            continue
        for m in find_mentions(sentence):
            if m.name != home and m.name not in primary:
                primary.append(m.name)
        if primary:
            break
    return tuple(primary), mentioned
