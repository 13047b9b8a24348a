"""Metadata read from a bulletin's text: title, issuing body, the economies it names."""

from __future__ import annotations

import re
from collections import Counter

from corpus.partners import find_mentions
from corpus.patterns import rx

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
# A customs or revenue administration named in running text: "Kenya Revenue Authority", "Royal Malaysian Customs
# Department", "Customs General Administration of Mongolia", "State Revenue Committee of ... Kazakhstan".
_ADMIN_HEAD = r"(?:Customs|Revenue|Tax(?:ation)?|Border|Excise|Zakat)"
_GENERIC_ISSUER = re.compile(
    r"\b((?:[A-Z][\w'’&.-]*,?\s(?:and\s|of\s(?:the\s)?)?){0,6}" + _ADMIN_HEAD
    + r"(?:[\s,]+(?:and\s)?(?:[A-Z][\w'’&-]*|of|the))*?\s(?:Service|Administration|Agency|Authority|Department|"
    r"Directorate|Committee|Force|Protection|Bureau|Office|Commission)"
    r"(?:\s(?:of\s(?:the\s)?)(?:(?:Ministry\sof\s\w+\sof\s(?:the\s)?)?(?:Republic|Kingdom|State)\sof\s)?"
    r"[A-Z][\w'’]*(?:\s[A-Z][\w'’]*)*)?)"
)
# Administrations named in the language of their site ("Servicio Nacional de Aduanas de Chile", "Direction
# générale des douanes", "Zollverwaltung"): a head word for customs in that language, then "de/du/of X".
_FOREIGN_ISSUER = re.compile(
    r"\b((?:[A-Z][\w'’.-]*\s(?:(?:de|del|des|du|da|do|la|le|of|and|y|e|et)\s)*){0,5}(?:[Aa]duanas?|[Dd]ouanes?|"
    r"[Aa]lf[aâ]ndegas?|[Dd]ogan[ae]|[Zz]oll\w*|[Tt]ull\w*)(?:\s(?:de|del|du|da|do|of)\s(?:la\s|l'|the\s)?"
    r"[A-Z][\w'’]*(?:\s[A-Z][\w'’]*)*)?)")
# "Norwegian Customs", "Uruguay Customs": an economy's name or demonym before the word.
_NAMED_CUSTOMS = re.compile(r"\b((?:[A-Z][\w'’-]*\s){1,3}Customs)\b")
# "Bureau of Customs", "Federal Service of Customs of X", "Directorate General of Customs": the head noun first.
_OF_CUSTOMS = re.compile(r"\b((?:(?:General|National|Federal|State|Central|Royal)\s)?(?:Bureau|Department|Directorate|"
                         r"Administration|Service|Office|Authority|Committee)(?:[- ]General)?\s+(?i:of)\s+(?:(?i:the)\s+)?Customs"
                         r"(?:\s+(?:of\s+(?:the\s+)?)[A-Z][\w'’]*(?:\s[A-Z][\w'’]*)*)?)\b")
# "China's customs authority", "Peru's customs administration": an economy's possessive before the word.
_POSSESSIVE_CUSTOMS = re.compile(r"\b((?:[A-Z][\w-]*\s){0,2}[A-Z][\w-]*['’]s\s+(?:[Cc]ustoms|[Rr]evenue)"
                                 r"(?:\s+(?:authority|administration|service|agency|department))?)\b")
_AEO_TOPIC = re.compile(r"\bAEOs?\b|Authori[sz]ed Economic Operators?|mutual recognition|trusted traders?", re.I)
_SIGNING = re.compile(r"\b(sign|signed|signing|mutual recognition|arrangement|agreement|partner|MRA)\b", re.I)


def _administrations(text: str) -> list[tuple[int, str, str | None]]:
    """(position, name, economy) of every administration the text names, known names and generic ones alike."""
    found: list[tuple[int, str, str | None]] = []
    for pattern, home in _ISSUERS:
        for m in rx(pattern).finditer(text):
            found.append((m.start(), m.group(0), home))
    for m in [*_GENERIC_ISSUER.finditer(text), *_FOREIGN_ISSUER.finditer(text), *_NAMED_CUSTOMS.finditer(text),
              *_POSSESSIVE_CUSTOMS.finditer(text), *_OF_CUSTOMS.finditer(text)]:
        name = m.group(1).split("\n")[0].strip(" ,")
        mentions = find_mentions(name)
        if m.re in (_NAMED_CUSTOMS, _POSSESSIVE_CUSTOMS) and not mentions:
            continue
        if not any(abs(p - m.start(1)) < 3 for p, _, _ in found):
            found.append((m.start(1), name, mentions[0].name if mentions else None))
    return sorted(found)


_SMALL_WORDS = {"OF", "THE", "AND", "FOR", "ON", "IN"}


def _read_capitals(m: re.Match[str]) -> str:
    """A word of a masthead in capitals as a title would write it; acronyms ("GACC", "KRA") stay."""
    word = m.group(0)
    return word.lower() if word in _SMALL_WORDS else word.title() if len(word) > 3 else word


def issuing_body(text: str, site: str | None = None, head_chars: int = 600) -> tuple[str | None, str | None]:
    """(issuer as written, the economy it speaks for): the page's own site name first, then the first
    administration in the opening lines (masthead, byline), then the first anywhere.

    A partner's release that mentions China's customs later on stays the partner's: position decides, and the
    site header and byline come first.
    """
    for chunk in ([site] if site else []) + [text[:head_chars], text]:
        # Mastheads in capitals ("CUSTOMS ADMINISTRATION OF NORWAY") are read title-cased, same length and spans;
        # acronyms ("GACC") are read as written.
        cased = rx(r"\b[A-Z]{2,}\b").sub(_read_capitals, chunk)
        found = sorted({*_administrations(chunk), *_administrations(cased)}, key=lambda t: (t[0], t[2] is None))
        if found:
            pos, name, home = found[0]
            name = chunk[pos:pos + len(name)]  # as the page writes it (the cased copy has the same spans)
            if home is None:  # "Customs and Excise Department, Hong Kong SAR": the economy follows the name
                tail = chunk[pos + len(name):pos + len(name) + 60]
                lead = rx(r"[\s,*_]*(?:(?:the\s+)?(?:Republic|Kingdom|State|Sultanate|Emirate)\s+of\s+(?:the\s+)?)?").match(tail)
                after = find_mentions(tail)
                home = after[0].name if after and lead and after[0].start <= max(4, lead.end()) else None
            return name, home
    return None, None


_DATELINE = re.compile(r"^(?:[A-Z][\w.&' -]{0,40},\s*){0,3}$")


def strip_dateline(line: str) -> str:
    """Drop a leading dateline ("China News Agency, Beijing, February 7th (Reporter …)") from a line."""
    from corpus.dates import find_dates

    dates = [d for d in find_dates(line[:120]) if d.start < 80]
    if not dates or not _DATELINE.match(line[: dates[0].start]):
        return line
    rest = line[dates[0].end:]
    rest = rx(r"^\s*\([^)]{0,60}\)").sub("", rest)
    rest = rest.lstrip(" ,:;.—–-")
    return rest if len(rest) > 20 else line


def _masthead_only(line: str) -> bool:
    """A line that is nothing but an administration's name (a letterhead)."""
    cased = rx(r"\b[A-Z]{2,}\b").sub(_read_capitals, line)
    found = _administrations(cased)
    return bool(found) and len(found[0][1]) >= 0.8 * len(line.strip(" *_#|"))


def title_from_text(text: str, limit: int = 120) -> str:
    """First line without its dateline, trimmed to a sentence or ``limit`` characters.

    Bulletins rarely carry a title line; their opening sentence, minus place and date, says what
    they announce.
    """
    from corpus.sentences import split_sentences

    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    while len(lines) > 1 and (_masthead_only(lines[0]) or len(lines[0].split()) == 1):
        lines = lines[1:]  # "BUREAU OF CUSTOMS" over "CUSTOMS ADVISORY No. 2024-061", a lone "COMMUNIQUE": not titles
    first = strip_dateline(lines[0] if lines else "")
    pieces = split_sentences(first)
    sentence = pieces[0].text if pieces else first
    title = sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return title


_EXAMPLES = re.compile(r"\b(?:including|such as|among them|e\.g\.|for example|like)\b", re.I)


def partners(text: str, home: str | None, title: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(arrangement partners, all economies mentioned), the issuer's own economy left out.

    Partners are scored, not taken from the first sentence: a mention in the title counts most, then mentions
    in sentences about signing or mutual recognition; economies listed as background or examples ("has signed
    with A, B, C and D", "such as A") count little. The best-scored comes first: it is the bulletin's subject.
    """
    mentions = [m for m in find_mentions(text) if m.name != home and not text[max(0, m.start - 4):m.start].lower().endswith("non-")]
    counts = Counter(m.name for m in mentions)
    mentioned = tuple(sorted(counts, key=lambda n: (-counts[n], n)))
    score: dict[str, float] = {}
    first_line = title or text.strip().split("\n", 1)[0]
    for m in find_mentions(first_line):
        if m.name != home:
            score[m.name] = score.get(m.name, 0.0) + 3.0
    for sentence in rx(r"(?<=[.!?;。])\s+|\n").split(text):
        if not _SIGNING.search(sentence):
            continue
        names = [m.name for m in find_mentions(sentence) if m.name != home]
        distinct = list(dict.fromkeys(names))
        cut = _EXAMPLES.search(sentence)
        for m in find_mentions(sentence):
            if m.name == home:
                continue
            weight = 0.25 if len(distinct) >= 3 or (cut and m.start > cut.start()) else 1.0
            score[m.name] = score.get(m.name, 0.0) + weight
    if not score:  # no sentence on signing names one: an AEO bulletin is about the economy it names most
        return (mentioned[:1] if _AEO_TOPIC.search(text) else ()), mentioned
    best = max(score.values())
    primary = sorted((n for n, v in score.items() if v >= max(1.0, best * 0.5)), key=lambda n: (-score[n], n))
    if not primary:
        primary = [max(score, key=lambda n: score[n])]
    return tuple(primary), mentioned
