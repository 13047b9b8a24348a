"""Read a bulletin's facts (every numeric or date mention) and arrangement records, with spans."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from corpus import Bulletin, Sentence, find_mentions, split_sentences
from corpus.clean import CELL_SEP
from corpus.patterns import rx
from corpus.sentences import addressed_to_software
from index.facts.events import Event, current, extract_events, status, subject_sides
from index.facts.numbers import Quantity, date_norm, find_quantities
from index.facts.records import Arrangement, Fact, FieldSpan, fact_id
from index.facts.rules import BENEFIT_INTRO, CHANGE_WORDS, MEASURE_WORDS, NOT_A_PERIOD
from index.facts.subjects import Subject, acronyms, describe, key_terms, scope, surface_of

_PERIOD_BEFORE = re.compile(r"\b(?:in|during|for|throughout|of)\s+(?:the\s+(?:whole\s+)?(?:year\s+)?"
                            r"(?:(?:first|second|third|fourth|last)\s+(?:half|quarter)\s+of\s+)?)?$", re.I)
_ARRANGEMENT_CUE = re.compile(r"\b(?:agreement|arrangement|MRA|mutual(?:ly)? recogni\w*|AEO)\b", re.I)
_ADMIN = re.compile(
    r"\b((?:[A-Z][\w'’]*\s){1,4}(?:Customs(?:\s(?:and Excise\s)?(?:Service|Administration|Agency|Authority|"
    r"Department))?|Revenue Authority|Border\s\w+\sAgency)|(?:Customs(?:\s(?:Service|Administration))?|"
    r"Revenue Authority)\sof\s(?:the\s)?(?:Republic\sof\s)?[A-Z][\w'’]*(?:\s[A-Z][\w'’]*)*)"
)
_MEASURES = re.compile(
    r"\b(?:facilities|facilitation measures|facilitation|measures|benefits|benefit from|conveniences|"
    r"preferential treatment|enjoy)"
    r"\b[^.]{0,200}?(?:\b(?:include|includes|including|such as|namely|as follows)\s*:?|:)\s*", re.I,
)
_LIST_END = re.compile(r"\.(?=\s*(?:\n\s*\n|\n(?!\s*[;•\-*])|\s+(?![;•\-*])|$))|\n\s*\n")
_ITEM_STOP = re.compile(r",?\s+(?:which|that|so that|in order to|to help|thereby)\b", re.I)
_CODE_CUE = re.compile(r"\b(?:codes?|identifiers?|identification numbers?|ID|AEO (?:certificate )?numbers?|"
                       r"registration numbers?|certificate numbers?)\b")
_CODE_USE = re.compile(r"\b(?:enterprises?|importers?|exporters?|operators?|declar\w*|fill\w*|provid\w*|indicat\w*|"
                       r"buyers?|sellers?|consign\w*|compan\w*|give[sn]?|send|communicat\w*|inform\w*|supply|"
                       r"enter|use|quote|show)\b", re.I)
_CODE_TOKEN = re.compile(r"[\"“]([^\"“”]{2,40})[\"”]|(?<!\w)‘([^‘’]{2,40})’|"
                         r"\b([A-Z]{2,}[A-Z0-9]*\d+[A-Z0-9]*|AEO[A-Z]{2,4})\b")
_CODE_PHRASE = re.compile(r"\b((?:[\w-]+\s){0,3}(?:code|identifier|identification number|ID))\b")


def by_sentence(sentences: Sequence[Sentence], found: Sequence[Quantity]) -> list[list[Quantity]]:
    """The quantities inside each sentence (``found`` in text order, sentences in order and disjoint): one
    binary search per sentence, where filtering every quantity for every sentence grew with their product."""
    starts = [q.start for q in found]
    return [list(found[bisect.bisect_left(starts, s.start):bisect.bisect_left(starts, s.end)]) for s in sentences]


# A figure is read in its sentence, but at most this many characters either side of it: an ordinary sentence (up
# to twice this; the longest in the sample bulletins is ~600 characters) is read and quoted whole, while in a
# sentence of thousands of figures each figure costs a window instead of the whole sentence (reading quadratic).
FIGURE_WINDOW = 1000


def around(text: str, sent: Sentence, inside: Sequence[Quantity], q: Quantity,
           starts: Sequence[int]) -> tuple[Sentence, list[Quantity]]:
    """The sentence ``q`` is read in (``sent``, or whole words within FIGURE_WINDOW of ``q`` when ``sent`` is
    longer than twice that), and the other quantities in it; ``inside`` is ``sent``'s quantities in order and
    ``starts`` their starts."""
    if sent.end - sent.start <= 2 * FIGURE_WINDOW:
        return sent, [o for o in inside if o is not q]
    lo, hi = max(sent.start, q.start - FIGURE_WINDOW), min(sent.end, q.end + FIGURE_WINDOW)
    if lo > sent.start:  # whole words: from just after a space, up to the last space
        lo = text.find(" ", lo, q.start) + 1 or lo
    if hi < sent.end and (cut := text.rfind(" ", q.end, hi)) >= 0:
        hi = cut
    near = inside[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]
    return Sentence(text[lo:hi], lo, hi), [o for o in near if o is not q and o.end <= hi]


def _before(text: str, start: int, pos: int, reach: int = 120) -> str:
    """The words of text[start:pos] within ``reach`` characters of ``pos``: enough for a pattern anchored at
    ``pos`` that spans a few words, without copying a whole long sentence for every figure in it."""
    lo = max(start, pos - reach)
    if lo > start:
        lo = text.find(" ", lo, pos) + 1 or lo
    return text[lo:pos]


def sentence_period(text: str, sentence: Sentence, found: Sequence[Quantity],
                    year: int | None = None) -> tuple[str | None, set[int]]:
    """The period a sentence's figures refer to ("US$4.36 billion in 2022", "In 2022, ...", "this year"
    when ``year`` is known), and the starts of the years that serve as that period rather than as figures."""
    inside = [q for q in found if sentence.start <= q.start < sentence.end]
    for i, q in enumerate(inside):
        if q.kind != "year" or not _PERIOD_BEFORE.search(_before(text, sentence.start, q.start)):
            continue
        prev = inside[i - 1] if i else None
        after_value = prev is not None and prev.kind not in ("year", "date") and q.start - prev.end <= 40
        leading = q.start - sentence.start <= 40 and rx(r"\s*(?:in|during|for|throughout)\s*", re.I).fullmatch(text[sentence.start:q.start])
        if after_value or leading:
            return q.norm, {q.start}
    if year and rx(r"\b(?:this|the current) year\b|\b(?:months|quarters?|half|weeks) of the year\b|"
                          r"\byear[- ]to[- ]date\b", re.I).search(sentence.text):
        return str(year), set()
    if year and rx(r"\blast year\b", re.I).search(sentence.text):
        return str(year - 1), set()
    return None, set()


def extract_facts(bulletin: Bulletin) -> list[Fact]:
    """One fact per numeric or date mention, with its subject, partners, period and exact spans."""
    text = bulletin.text
    sentences = split_sentences(text)
    found = find_quantities(text, bulletin.date)
    date = bulletin.date
    bdate = date_norm(date) if date else None
    out: list[Fact] = []
    defined = acronyms(text)
    replaced_end = -1  # end of the last replaced value: "replacing 32 arrangements and 58 countries" replaces both
    groups = by_sentence(sentences, found)
    placed = {id(q): i for i, inside in enumerate(groups) for q in inside}
    whole = Sentence(text, 0, len(text))  # a quantity outside every sentence reads the whole text as its own
    said: dict[int, _SentenceReading] = {}
    for q in found:
        at = placed.get(id(q), -1)
        sent, inside = (sentences[at], groups[at]) if at >= 0 else (whole, list(found))
        if at not in said:
            said[at] = _SentenceReading.of(text, sent, inside, date.year if date else None, defined, bulletin.home)
        reading = said[at]
        if reading.planted:
            continue  # a planted instruction states no fact
        dateline = date is not None and q.kind == "date" and q.start == date.start
        sent, others = around(text, sent, inside, q, reading.starts)
        sub = describe(sent.text, q, sent.start, event="announce" if dateline else None, others=others)
        row_period = None
        if CELL_SEP.strip() in sent.text and q.kind not in ("date", "year"):
            sub = _row_subject(sent.text, q.start - sent.start, sub)
            row_period = _row_period(sent.text, q.start - sent.start)
            if sub.head and sub.head <= _CHANGE_TERMS:  # "Change compared with 2023 | up 11.4%": the row above's
                above = sentences[at - 1] if at > 0 and CELL_SEP.strip() in sentences[at - 1].text else None
                if above is not None:
                    # what it measures is the change itself, up or down as its cell says, of the row above's subject
                    upper = _row_subject(above.text, len(above.text), sub)
                    way = frozenset(key_terms(sent.text)) & _DIRECTIONS or sub.head
                    sub = Subject(f"{sub.phrase} ({upper.phrase})", way, sub.terms | upper.terms | way,
                                  upper.surface, None)
                    row_period = row_period or _row_period(above.text, len(above.text))
        if dateline:
            sub = replace(sub, phrase="publication date (dateline)")
        if reading.abbreviated:  # "members of the SES" also speaks of the "Secure Exports Scheme" it abbreviates
            sub = replace(sub, terms=sub.terms | reading.abbreviated)
        period = None if q.start in reading.period_years else reading.period
        period = period or row_period
        named = reading.named
        replaced = q.kind not in ("date", "year") and (
            _replaced(text, q.start, q.end) or (sent.start <= replaced_end and bool(_LIST_ON.match(text[replaced_end:q.start]))))
        if replaced:
            replaced_end = q.end
        out.append(Fact(
            id=fact_id(bulletin.doc_id, q.start, q.end, q.kind, q.role),
            source=bulletin.source, doc_id=bulletin.doc_id, kind=q.kind, unit=q.unit, value=q.value,
            norm=q.norm, expr=q.text, start=q.start, end=q.end, quote=sent.text, sent_start=sent.start,
            sent_end=sent.end, subject=sub.phrase, head=tuple(sorted(sub.head)), terms=tuple(sorted(sub.terms)),
            surface=sub.surface, event=sub.event, qualifier=q.qualifier, tolerance=q.tolerance,
            role=q.role or (PREVIOUS if replaced else None),
            link=q.link, period=period, as_of=period or bdate,
            partners=tuple(dict.fromkeys([*bulletin.partners, *named])),
            scope=scope(sent.text, bulletin.home, bulletin.partners), home=bulletin.home,
            bulletin_date=bdate, bulletin_sort=date.sort_key if date else 0,
            bulletin_year_known=bool(date and date.year),
        ))
    return out


@dataclass(frozen=True)
class _SentenceReading:
    """What a sentence says whatever figure of it is read: read once per sentence, not once per figure (a long
    sentence with many figures made that quadratic)."""

    planted: bool  # addressed to software: states no fact
    period: str | None
    period_years: frozenset[int]
    abbreviated: frozenset[str]  # key terms of the long forms its acronyms stand for
    named: tuple[str, ...]  # the economies it names, other than the bulletin's home
    starts: tuple[int, ...]  # where its quantities start

    @classmethod
    def of(cls, text: str, sent: Sentence, inside: Sequence[Quantity], year: int | None,
           defined: dict[str, str], home: str | None) -> _SentenceReading:
        period, years = sentence_period(text, sent, inside, year)
        used = [long for short, long in defined.items() if rx(rf"\b{re.escape(short)}\b").search(sent.text)]
        return cls(addressed_to_software(sent.text), period, frozenset(years),
                   frozenset(key_terms(" ".join(used))) if used else frozenset(),
                   tuple(m.name for m in find_mentions(sent.text) if m.name != home), tuple(q.start for q in inside))


PREVIOUS = "previous"
# A value the sentence itself says was replaced: "30, replacing the earlier 28", "up from 1,000", "from 3.1 to 1.4".
_REPLACED_BEFORE = re.compile(
    r"(?:\b(?:replac\w*|supersed\w*|previously|formerly|compared (?:with|to)|revised (?:up|down)?\s*from|"
    r"instead of|earlier (?:figures?|totals?|counts?) of|out of date)|\b(?:up|down|increas\w*|rose|fell|grew|declin\w*)"
    r"\s+from)\s+(?:the\s+)?(?:earlier\s+|previous\s+|old\s+)?(?:(?:figures?|totals?|counts?)\s+of\s+)?$", re.I)
# The next item of a list whose first value was replaced: "[32] arrangements and [58] …".
_LIST_ON = re.compile(r"^\s*[A-Za-z][\w\s-]{0,60}?(?:,|\band)\s*$")
_FROM_TO = re.compile(r"^[^,;.]{0,20}?\bto\s+(?:about\s+|around\s+)?[\d$€£¥]", re.I)


def _replaced(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 60):start]
    if _REPLACED_BEFORE.search(before):
        return True
    return bool(rx(r"\bfrom\s+$", re.I).search(before)) and bool(_FROM_TO.match(text[end:end + 40]))


def _row_subject(row: str, pos: int, fallback: Subject) -> Subject:
    """A figure in a table row measures what the row's label names ("Kenyan companies with AEO status | 76")."""
    label = _label(row, pos)
    if not label:
        return fallback
    terms = frozenset(key_terms(label))
    if not terms:
        return fallback
    return Subject(label, terms, terms | fallback.terms, surface_of(label), None)


_CHANGE_TERMS = frozenset(key_terms(" ".join(CHANGE_WORDS)))
_DIRECTIONS = frozenset(key_terms("increase decrease"))
_BASE_YEAR = re.compile(r"\b(?:" + "|".join(NOT_A_PERIOD) + r")\s+(?:the\s+)?(?:year\s+)?$", re.I)


def _label(row: str, pos: int) -> str:
    cells = row.split(CELL_SEP.strip())
    return next((c.strip() for c in cells if c.strip() and not rx(r"[\d\s.,%$()+-]+").fullmatch(c.strip())
                 and row.find(c) + len(c) <= pos), "")


def _row_period(row: str, pos: int) -> str | None:
    """The year a table row's label gives its figure ("Exports to the partner, 2024 | …"), unless it is a base or
    a count's day ("compared with 2023", "end of 2024")."""
    label = _label(row, pos)
    years = [m for m in rx(r"\b(?:19|20)\d\d\b").finditer(label) if not _BASE_YEAR.search(label[:m.start()])]
    return years[0].group(0) if len(years) == 1 else None


def _span(bulletin: Bulletin, value: str, start: int, end: int) -> FieldSpan:
    sort = bulletin.date.sort_key if bulletin.date else 0
    return FieldSpan(value, bulletin.source, start, end, bulletin.text[start:end] if start >= 0 else "", sort)


def _dateline(bulletin: Bulletin) -> int:
    return bulletin.date.start if bulletin.date and bulletin.date.start >= 0 else -2


def _administrations(bulletin: Bulletin, partner: str) -> list[FieldSpan]:
    out: list[FieldSpan] = []
    for m in _ADMIN.finditer(bulletin.text):
        name = m.group(1).strip()
        if any(x.name == partner for x in find_mentions(name)) and name not in [f.value for f in out]:
            out.append(_span(bulletin, name, m.start(1), m.start(1) + len(name)))
    return out


_INTRO = re.compile("|".join(BENEFIT_INTRO), re.I)
_MEASURE_WORD = re.compile(r"\b(?:" + "|".join(MEASURE_WORDS) + r")\b", re.I)
_ITEM_MARK = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-z][.)]|[•*–-])\s+")
_INLINE = re.compile(r"\b(?:will |shall |also )?(?:receive|enjoy|get|be granted|are granted|benefit from|include|"
                     r"includes|including|such as|namely)\b:?\s+", re.I)


def _is_measure(text: str) -> bool:
    return bool(_MEASURE_WORD.search(text)) and len(text) <= 200 and not rx(r"[\d\s.,|-]+").fullmatch(text)


def _measure_column(rows: list[str], header: list[str]) -> int:
    """The column of a table that states the measures: the one whose cells say most in measure words ("Fewer
    checks | A reduced rate of physical and documentary inspection": the second), longer cells on a tie."""
    table = []
    for row in rows:
        if CELL_SEP.strip() not in row:
            break
        table.append([c.strip() for c in row.split(CELL_SEP.strip())])
    width = max((len(r) for r in table), default=0)
    if not width:
        return 0

    def said(k: int) -> tuple[int, float]:
        cells = [r[k] for r in table if k < len(r)]
        hits = sum(len(_MEASURE_WORD.findall(c)) for c in cells if len(c) <= 200)
        return hits, sum(map(len, cells)) / max(1, len(cells))
    best = max(range(width), key=said)
    named = next((k for k, h in enumerate(header) if rx(r"measure|benefit|facilitation|treatment").search(h)), None)
    return named if named is not None and said(named)[0] >= said(best)[0] else best


def _list_blocks(bulletin: Bulletin) -> list[list[FieldSpan]]:
    """Lists a reader sees as lists: numbered or bulleted lines, and table rows, each under its intro line."""
    text = bulletin.text
    lines = [(m.start(), m.group(0)) for m in rx(r"[^\n]*").finditer(text) if m.group(0).strip()]
    blocks: list[list[FieldSpan]] = []
    i = 0
    while i < len(lines):
        start, line = lines[i]
        table = CELL_SEP.strip() in line
        listed = bool(_ITEM_MARK.match(line))
        if not (table or listed) and line.rstrip().endswith(":") and _INTRO.search(line):
            # "… again receive:" over unmarked lines, each one item ("a lower rate of inspection;"): a list too
            j = i + 1
            loose: list[FieldSpan] = []
            while j < len(lines) and len(lines[j][1]) <= 200 and not lines[j][1].rstrip().endswith(":") and (
                    lines[j][0] == lines[j - 1][0] + len(lines[j - 1][1]) + 1 or (  # the next line, or after a
                        lines[j][0] == lines[j - 1][0] + len(lines[j - 1][1]) + 2  # blank line when items end in ";"
                        and (j == i + 1 or lines[j - 1][1].rstrip().endswith(";")))):
                pos, row = lines[j]
                body = row.strip().rstrip(" ;.,")
                lead = len(row) - len(row.lstrip())
                loose.append(_span(bulletin, body, pos + lead, pos + lead + len(body)))
                j += 1
            good = [x for x in loose if _is_measure(x.value)]
            if len(good) >= 2 and len(good) >= len(loose) // 2:
                blocks.append(good)
                i = j
                continue
        if not (table or listed):
            i += 1
            continue
        intro = lines[i - 1][1] if i else ""
        header: list[str] = []
        if table:
            header = [c.strip().lower() for c in line.split(CELL_SEP.strip())]
            if not any(rx(r"measure|benefit|facilitation|treatment").search(h) for h in header):
                header = []
        items: list[FieldSpan] = []
        j = i + (1 if table else 0)
        chosen = _measure_column([row for _, row in lines[j:]], header) if table else 0
        while j < len(lines) and (CELL_SEP.strip() in lines[j][1]) == table and (table or _ITEM_MARK.match(lines[j][1])):
            pos, row = lines[j]
            if table:
                cells = row.split(CELL_SEP.strip())
                col = chosen
                if col < len(cells):
                    cell = cells[col]
                    offset = pos + sum(len(c) + 1 for c in cells[:col])
                    lead = len(cell) - len(cell.lstrip())
                    body = cell.strip()
                    items.append(_span(bulletin, body, offset + lead, offset + lead + len(body)))
            else:
                mark = _ITEM_MARK.match(row)
                assert mark is not None
                body = row[mark.end():].rstrip(" ;.,")
                items.append(_span(bulletin, body, pos + mark.end(), pos + mark.end() + len(body)))
            j += 1
        if items and (_INTRO.search(intro) or header) and sum(_is_measure(x.value) for x in items) >= max(1, len(items) // 2):
            blocks.append([x for x in items if _is_measure(x.value)])
        i = max(j, i + 1)
    return blocks


def _inline_lists(bulletin: Bulletin) -> list[list[FieldSpan]]:
    """"… will receive fewer inspections, priority examination and a designated liaison officer.": items of a
    comma list after a verb of receiving, in one sentence."""
    out: list[list[FieldSpan]] = []
    for sent in split_sentences(bulletin.text):
        if not _INTRO.search(sent.text):
            continue
        best: list[FieldSpan] = []
        for m in _INLINE.finditer(sent.text):
            rest = sent.text[m.end():]
            if rest.count(",") + rest.count(";") < 1:
                continue
            items: list[FieldSpan] = []
            pos = sent.start + m.end()
            for piece in rx(r"(,\s*(?:and\s+|or\s+)?|;\s*(?:and\s+)?|\s+and\s+)").split(rest):
                if rx(r",\s*(?:and\s+|or\s+)?|;\s*(?:and\s+)?|\s+and\s+").fullmatch(piece or " x"):
                    pos += len(piece)
                    continue
                stop = _ITEM_STOP.search(piece)
                body = (piece[:stop.start()] if stop else piece).strip().rstrip(".")
                lead = len(piece) - len(piece.lstrip())
                if body:
                    items.append(_span(bulletin, body, pos + lead, pos + lead + len(body)))
                pos += len(piece)
                if stop:
                    break
            good = [x for x in items if _is_measure(x.value)]
            if len(good) >= 2 and len(good) >= len(best):
                best = good
        if best:
            out.append(best)
    return out


def _measures(bulletin: Bulletin) -> list[FieldSpan]:
    """The facilitation measures a bulletin lists, each item with its own span: the first list under a benefits
    intro (numbered lines, table rows, a colon list), else the first inline list after a verb of receiving."""
    for block in _list_blocks(bulletin):
        if len(block) >= 2:
            return block
    colon = _colon_measures(bulletin)
    if len(colon) >= 2 and sum(_is_measure(x.value) for x in colon) >= len(colon) // 2 + 1:
        return [x for x in colon if _is_measure(x.value)]
    for items in _inline_lists(bulletin):
        return items
    return []


def _colon_measures(bulletin: Bulletin) -> list[FieldSpan]:
    """A list introduced by a benefits cue and a colon ("facilitation measures include: …")."""
    text = bulletin.text
    out: list[FieldSpan] = []
    for m in _MEASURES.finditer(text):
        end_m = _LIST_END.search(text, m.end())
        seg_end = end_m.start() if end_m else len(text)
        segment = text[m.end():seg_end]
        splitter = r"[;\n•]" if rx(r"[;\n]").search(segment) else r",|\band\b"
        pos = m.end()
        for piece in rx(f"({splitter})").split(segment):
            start = pos
            pos += len(piece)
            if rx(splitter).fullmatch(piece):
                continue
            stop = _ITEM_STOP.search(piece) if splitter.startswith(",") else None
            body = piece[:stop.start()] if stop else piece
            lead = rx(r"[\s;,•*-]*(?:(?:and|or)\s+)?").match(body)
            s = start + (lead.end() if lead else 0)
            e = start + len(body.rstrip(" .;,"))
            if e - s >= 3 and rx(r"[A-Za-z]{3}").search(text[s:e]):
                out.append(_span(bulletin, text[s:e], s, e))
            if stop:
                break
        if out:
            break
    return out


def _identifiers(bulletin: Bulletin) -> list[FieldSpan]:
    """Codes or identifiers enterprises must use (AEO codes and their formats), from sentences that say so."""
    out: list[FieldSpan] = []
    for sent in split_sentences(bulletin.text):
        if not (_CODE_CUE.search(sent.text) and _CODE_USE.search(sent.text)):
            continue
        hits = list(_CODE_TOKEN.finditer(sent.text))
        if not hits:
            hits = list(_CODE_PHRASE.finditer(sent.text))
        for h in hits:
            g = next((i for i in range(1, (h.lastindex or 1) + 1) if h.group(i)), 1)
            s, e = sent.start + h.start(g), sent.start + h.end(g)
            if bulletin.text[s:e] not in [f.value for f in out]:
                out.append(_span(bulletin, bulletin.text[s:e], s, e))
    return out


def extract_arrangements(bulletin: Bulletin, facts: Sequence[Fact] | None = None,
                         events: Sequence[Event] | None = None) -> list[Arrangement]:
    """One record per pair of economies the bulletin reports an arrangement event for (its subject pair first).

    Dates come from the life-cycle events, never from the bulletin's own date, which is kept apart as
    ``published`` (and ``announced``). Measures and codes belong to the bulletin's subject pair.
    """
    facts = list(facts) if facts is not None else extract_facts(bulletin)
    events = list(events) if events is not None else extract_events(bulletin, facts)
    subject = subject_sides(bulletin)
    pairs = list(dict.fromkeys([*([subject] if subject else []), *(e.sides for e in events)]))
    if not pairs:
        return []
    date = bulletin.date
    published = None
    if date:
        published = _span(bulletin, date_norm(date), date.start, date.end) if date.start >= 0 else FieldSpan(
            date_norm(date), bulletin.source, -1, -1, "", date.sort_key)
    measures = tuple(_measures(bulletin))
    identifiers = tuple(_identifiers(bulletin))
    out = []
    for sides in pairs:
        home = bulletin.home if bulletin.home in sides else sides[0]
        partner = sides[1] if sides[0] == home else sides[0]
        mine = [e for e in events if e.sides == sides]
        out.append(Arrangement(
            partner=partner, home=home,
            administrations=tuple(_administrations(bulletin, partner)),
            signed=_event_span(bulletin, current(mine, "sign")),
            announced=(_announced(bulletin, facts) if sides == subject else None) or published, published=published,
            in_force=_event_span(bulletin, current(mine, "in_force")),
            measures=measures if sides == subject else (), identifiers=identifiers if sides == subject else (),
            sources=(bulletin.source,), events=tuple(mine), status=status(mine)[0],
        ))
    return out


def _announced(bulletin: Bulletin, facts: Sequence[Fact]) -> FieldSpan | None:
    """The day the news was made public when the text names it ("learned on the 14th"), not the dateline."""
    for f in facts:
        if f.kind == "date" and f.event == "announce" and f.start != _dateline(bulletin):
            return _span(bulletin, f.norm, f.start, f.end)
    return None


def _event_span(bulletin: Bulletin, event: Event | None) -> FieldSpan | None:
    if event is None or event.date is None:
        return None
    return _span(bulletin, event.date, event.start, event.end)
