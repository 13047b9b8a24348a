"""Arrangements as dated life-cycle events: talks, an action plan, signing, ratification, a pilot, entry into
force, extension, amendment, suspension, resumption, termination — each with both sides, its date (as far as the
text gives it), its quote span and its bulletin's date.

Events are read from sentences (the role of a date is the cue nearest to it in its clause, an object noun such as
"action plan" or "amendment" outranking the verb) and from tables (the column header names the role; a status cell
names it itself). A correction replaces what it corrects: in a bulletin that corrects another, the last date it
gives for a role is the valid one, and a date a sentence calls an error is kept only as erroneous.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

from corpus import Bulletin, find_mentions, split_sentences
from corpus.clean import CELL_SEP
from corpus.patterns import rx
from corpus.records import PartialDate
from index.facts.numbers import date_norm, find_quantities, norm_parts
from index.facts.records import Fact
from index.facts.rules import LIFECYCLE, NOT_AN_ARRANGEMENT, STATUS_WORDS, compile_roles
from index.facts.subjects import event_of, scope

ERRONEOUS = "erroneous"
CORRECTS = "corrects"  # the note on a correction notice's own date: it replaces the role's date in older bulletins
_ERROR_CUE = re.compile(r"\b(?:was an error|is wrong|was wrong|(?:an |in )error|erroneous\w*|incorrect\w*|"
                        r"should be disregarded|no longer valid|mistaken\w*|misprint\w*)\b", re.I)
_CORRECTION = re.compile(r"\b(?:correction|corrigendum|erratum|corrects|corrected)\b", re.I)
_OTHER_AGREEMENT = re.compile(r"\b(?:free trade agreement|FTA|trade agreement|tax treaty|double taxation|"
                              r"investment treaty|customs union|trade deal)\b", re.I)
_STATUS = compile_roles(STATUS_WORDS)
_ARRANGEMENT_WORD = re.compile(r"\b(?:AEO|MRA|mutual recognition|arrangement)\b", re.I)
_SUBJECT_REF = re.compile(
    r"\b(?:the|this|its|that|our|their|a revised|a new|an amended|an updated)\s+(?:[\w-]+\s+){0,4}(?:arrangement|agreement|MRA|mutual recognition|"
    r"amendment|extension|suspension|termination|resumption|revision|signing|programme|pilot|action plan)\b|^\s*(?:It|They)\b|\b(?:today|from today)\b|"
    r"\b(?:the|both) (?:two )?sides\b", re.I)
_MULTI = re.compile(r"\b(?:countries|economies|member states|states|regions|partners)\b", re.I)
_NETWORK = re.compile(r"\b(?:arrangements|agreements|MRAs)\b", re.I)
# A target is not an event: "aim to sign by the end of 2026", "expected to be signed next year".
_INTENT = re.compile(r"\b(?:aim\w*|plan(?:s|ned)? to|expect\w*|intend\w*|target\w*|hop(?:e|es|ing) to|seek\w*|"
                     r"envisag\w*|could|goal)\b|\bby\s+(?:the\s+)?(?:end\s+of\s+)?$", re.I)
# "as at 30 September, it had signed 33 arrangements": the date a state of affairs is reported at, not an event;
# unless the state is the arrangement's own ("in force as of 1 July").
_AS_OF = re.compile(r"\b(?:as (?:at|of|on)|at the end of|by the end of)\s*$", re.I)
_OWN_STATE = re.compile(r"\b(?:force|effect|effective|operation|operational|appl\w*|implemented)\s+as (?:at|of|on)\s*$",
                        re.I)
_ORDER = {role: i for i, role in enumerate(LIFECYCLE)}


@dataclass(frozen=True)
class Event:
    """One step in an arrangement's life. ``sides`` is the pair of economies, sorted; ``date`` the normalised date
    (``2024-07-01``, ``2022-12``, ``--06-12``) or None when the text gives none; [start, end) is the date's span
    (or the cue's) in the bulletin and [sent_start, sent_end) its sentence."""

    sides: tuple[str, str]
    role: str
    date: str | None
    date_text: str
    source: str
    start: int
    end: int
    sent_start: int
    sent_end: int
    quote: str
    bulletin_sort: int = 0
    bulletin_date: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"sides": list(self.sides), "role": self.role, "date": self.date, "date_text": self.date_text,
                "source": self.source, "start": self.start, "end": self.end, "quote": self.quote,
                "sentence_start": self.sent_start, "sentence_end": self.sent_end, "bulletin_date": self.bulletin_date,
                "note": self.note}

    @property
    def valid(self) -> bool:
        return self.role != ERRONEOUS

    @property
    def year_known(self) -> bool:
        return bool(self.date) and not (self.date or "").startswith("--") and (self.date or "")[:4].isdigit()


def intended(before: str) -> bool:
    """Whether the words just before a date make it a target, not an event ("aims at signing by 2026")."""
    return bool(_INTENT.search(before[-60:]))


def pair(a: str, b: str) -> tuple[str, str]:
    first, second = sorted((a, b))
    return first, second


def subject_sides(bulletin: Bulletin) -> tuple[str, str] | None:
    """The pair a bulletin is about: its issuer's economy and its one partner (or, with no issuer economy, the two
    economies it is about)."""
    partners = [p for p in bulletin.partners if p != bulletin.home]
    if bulletin.home and len(partners) == 1:
        return pair(bulletin.home, partners[0])
    if not bulletin.home and len(partners) == 2:
        return pair(partners[0], partners[1])
    return None  # a bulletin about several partners has no default pair: each sentence must name its own


def sentence_sides(sentence: str, bulletin: Bulletin, subject: tuple[str, str] | None) -> tuple[str, str] | None:
    """The pair a sentence speaks of: two economies it names, one it names with the issuer's (or the subject's
    other side), or the bulletin's subject when it names none. A list of three or more is background: none."""
    named = list(dict.fromkeys(scope(sentence, None)))
    if len(named) >= 3:
        return None
    if len(named) == 2:
        return pair(named[0], named[1])
    if len(named) == 1:
        only = named[0]
        if subject and only in subject:
            return subject
        other = bulletin.home if bulletin.home and bulletin.home != only else None
        if other is None and subject:
            other = subject[0] if subject[1] == only else subject[1] if subject[0] == only else None
        return pair(only, other) if other else None
    return subject


def _event(bulletin: Bulletin, sides: tuple[str, str], role: str, d: PartialDate | None, start: int, end: int,
           sent_start: int, sent_end: int, note: str = "") -> Event:
    date = bulletin.date
    return Event(sides, role, date_norm(d) if d else None, d.text if d else "", bulletin.source, start, end,
                 sent_start, sent_end, bulletin.text[sent_start:sent_end],
                 date.sort_key if date else 0, date_norm(date) if date else None, note)


def _from_sentences(bulletin: Bulletin, facts: Sequence[Fact], subject: tuple[str, str] | None) -> list[Event]:
    out: list[Event] = []
    text = bulletin.text
    dateline = bulletin.date.start if bulletin.date and bulletin.date.start >= 0 else -2
    sentences = split_sentences(text)
    starts = [x.start for x in sentences]
    for f in facts:
        if f.kind not in ("date", "year") or f.start == dateline or f.event not in LIFECYCLE or CELL_SEP in f.quote:
            continue
        lo, hi = f.start - f.sent_start, f.end - f.sent_start
        if _OTHER_AGREEMENT.search(f.quote):  # "…the FTA, which has been in force since 2021": not this arrangement
            clause_lo = max(f.quote.rfind(";", 0, lo), f.quote.rfind(",", 0, lo)) + 1
            clause_hi = min((p for p in (f.quote.find(",", hi), f.quote.find(";", hi)) if p >= 0), default=len(f.quote))
            if not _ARRANGEMENT_WORD.search(f.quote[clause_lo:clause_hi]):
                continue
        if f.event in ("sign", "in_force", "ratify") and _INTENT.search(f.quote[max(0, lo - 60):lo]):
            continue
        before = f.quote[max(0, lo - 40):lo]
        if _AS_OF.search(before) and not _OWN_STATE.search(before):
            continue
        sides = sentence_sides(f.quote, bulletin, subject)
        if sides is None:
            continue
        if sides == subject and not [e for e in scope(f.quote, None) if e != bulletin.home] and (
                _NETWORK.search(f.quote) or _MULTI.search(f.quote) or not _SUBJECT_REF.search(f.quote)):
            continue  # "has signed 30 arrangements", "12 of the 17 countries …": the network or another
            # arrangement; a sentence naming no economy speaks of the subject only when it points back at it
        d = _partial(f)
        role = f.event or ""
        i = bisect_left(starts, f.sent_end)  # the sentence after this one, found in log time
        nxt = sentences[i] if i < len(sentences) else None
        if _ERROR_CUE.search(f.quote[max(0, lo - 80):hi + 80]) or (
                nxt is not None and _ERROR_CUE.search(nxt.text[:60]) and rx(r"\s*(?:That|This|The) date").match(nxt.text)):
            role = ERRONEOUS
        out.append(_event(bulletin, sides, role, d, f.start, f.end, f.sent_start, f.sent_end,
                          note=f.event if role == ERRONEOUS else ""))
    return out


def _partial(f: Fact) -> PartialDate:
    year, month, day = norm_parts(f.norm)
    return PartialDate(year, month, day, f.expr, f.start, f.end)


def _from_tables(bulletin: Bulletin, subject: tuple[str, str] | None) -> list[Event]:
    """Rows of a table of arrangements: the header cell names each date's role, a status cell its own."""
    text = bulletin.text
    out: list[Event] = []
    lines = [(m.start(), m.group(0)) for m in rx(r"[^\n]+").finditer(text)]
    header: list[str] | None = None
    partner: str | None = None
    for start, line in lines:
        if CELL_SEP.strip() not in line:
            header, partner = None, None
            continue
        cells = line.split(CELL_SEP.strip())
        if header is None:
            header = [c.strip() for c in cells]
            continue
        names = [m.name for m in find_mentions(line)]
        row_partner = next((n for n in names if n != bulletin.home), None)
        if cells[0].strip():
            partner = row_partner
        if partner is None:
            continue
        other = bulletin.home or (subject[0] if subject and subject[1] == partner else subject[1] if subject else None)
        if not other or other == partner:
            continue
        sides = pair(partner, other)
        offset = start
        for i, cell in enumerate(cells):
            cell_start = offset
            offset += len(cell) + 1
            head = header[i] if i < len(header) else ""
            head_role = event_of(f"{head} on X", len(head) + 4, len(head) + 5) if head else None
            found = [q for q in find_quantities(cell, bulletin.date) if q.kind == "date" and q.date is not None]
            for q in found:
                role = event_of(cell, q.start, q.end) if rx(r"[A-Za-z]{4}").search(cell.replace(q.text, "")) else None
                role = role if role in LIFECYCLE else head_role if head_role in LIFECYCLE else None
                if role is None or q.date is None:
                    continue
                out.append(_event(bulletin, sides, role, q.date, cell_start + q.start, cell_start + q.end, start,
                                  start + len(line)))
            for role, pattern in compile_roles({"action_plan": [r"action plan"], "talks": [r"negotiations?",
                                                                                             r"talks"]}):
                if pattern.search(cell) and not found:
                    m = pattern.search(cell)
                    assert m is not None
                    out.append(_event(bulletin, sides, role, None, cell_start + m.start(), cell_start + m.end(),
                                      start, start + len(line)))
            for name, pattern in _STATUS:
                m = pattern.search(cell)
                if m:
                    out.append(_event(bulletin, sides, "status", None, cell_start + m.start(), cell_start + m.end(),
                                      start, start + len(line), note=name))
    return out


def extract_events(bulletin: Bulletin, facts: Sequence[Fact]) -> list[Event]:
    """Every life-cycle event a bulletin states, from its sentences and its tables; corrections applied."""
    subject = subject_sides(bulletin)
    events = _from_sentences(bulletin, facts, subject) + _from_tables(bulletin, subject)
    if _CORRECTION.search(bulletin.title or "") or _CORRECTION.search(bulletin.text[:300]):
        # "The correct date is …" takes the role of what it corrects: the role the notice's other dates have.
        corrected = [e.note if e.role == ERRONEOUS else e.role for e in events if e.role != "correct"]
        if corrected:
            role = max(set(corrected), key=corrected.count)
            events = [Event(e.sides, role, e.date, e.date_text, e.source, e.start, e.end, e.sent_start, e.sent_end,
                            e.quote, e.bulletin_sort, e.bulletin_date, e.note) if e.role == "correct" else e
                      for e in events]
        last: dict[tuple[tuple[str, str], str], Event] = {}
        for e in events:
            if e.valid and e.date:
                last[(e.sides, e.role)] = e
        fixed = []
        for e in events:
            keep = last.get((e.sides, e.role))
            if e.valid and e.date and keep is not None and keep.date != e.date:
                fixed.append(Event(e.sides, ERRONEOUS, e.date, e.date_text, e.source, e.start, e.end, e.sent_start,
                                   e.sent_end, e.quote, e.bulletin_sort, e.bulletin_date, note=e.role))
            elif e.valid and e.date and keep is e:  # the corrected date: it replaces other bulletins' dates too
                fixed.append(Event(e.sides, e.role, e.date, e.date_text, e.source, e.start, e.end, e.sent_start,
                                   e.sent_end, e.quote, e.bulletin_sort, e.bulletin_date, note=CORRECTS))
            else:
                fixed.append(e)
        events = fixed
    return events


def _precision(date: str | None) -> int:
    if not date:
        return 0
    return (0 if date.startswith("-") else 1) + date.count("-")


def standing(events: Sequence[Event]) -> Callable[[Event], bool]:
    """A test of whether an event still stands among ``events`` (one arrangement's): it is not erroneous, no
    bulletin of the same date or newer calls its date an error, and no newer correction notice gives its role
    another date."""
    wrong: dict[tuple[str, str | None], int] = {}
    fixed: dict[str, tuple[int, str | None]] = {}
    for e in events:
        if e.role == ERRONEOUS:
            key = (e.note, e.date)
            wrong[key] = max(wrong.get(key, 0), e.bulletin_sort)
        elif e.note == CORRECTS and e.bulletin_sort >= fixed.get(e.role, (0, None))[0]:
            fixed[e.role] = (e.bulletin_sort, e.date)

    def stands(e: Event) -> bool:
        if not e.valid or wrong.get((e.role, e.date), -1) >= e.bulletin_sort:
            return False
        sort, date = fixed.get(e.role, (0, None))
        return not (sort > e.bulletin_sort and e.date and date and e.date != date)
    return stands


def current(events: Sequence[Event], role: str) -> Event | None:
    """The valid event of ``role``: from the newest bulletin, unless an older one gives the same date more
    precisely; a date that any bulletin (the same or newer) calls erroneous is never current."""
    stands = standing(events)
    cands = [e for e in events if e.role == role and e.date and stands(e)]
    if not cands:
        return None
    top = max((e.year_known, e.bulletin_sort) for e in cands)
    latest = [e for e in cands if (e.year_known, e.bulletin_sort) == top]
    # Entry into force is when it first applied (phase 1 before phase 2); a signing is the latest (a revision).
    newest = min(latest, key=lambda e: e.date or "") if role == "in_force" else max(latest, key=lambda e: e.date or "")
    same = [e for e in cands if e.date and newest.date and (e.date.startswith(newest.date) or
                                                            newest.date.startswith(e.date))]
    return max(same, key=lambda e: (_precision(e.date), e.bulletin_sort))


def _as_date(norm: str | None) -> Date | None:
    if not norm or norm.startswith("-"):
        return None
    year, month, day = norm_parts(norm)
    return Date(year or 1, month or 1, day or 1)


STATUS_TEXT = {
    "in_force": "in force", "pilot": "applied as a pilot", "extend": "in force", "amend": "in force",
    "resume": "in force", "suspend": "suspended", "terminate": "terminated", "sign": "signed, not yet in force",
    "ratify": "signed and ratified, not yet in force", "action_plan": "no arrangement yet: only an action plan",
    "talks": "no arrangement yet: talks only",
}


def status(events: Sequence[Event], today: Date | None = None) -> tuple[str, Event | None]:
    """(status key, the event that sets it) as of ``today``: the latest valid event that has happened by then.

    Events without a full date count at their bulletin's date; a future entry into force leaves the arrangement
    signed. An action plan or talks never make an arrangement.
    """
    today = today or Date.today()
    dated: list[tuple[Date, int, Event]] = []
    stands = standing(events)
    for e in events:
        if not stands(e) or e.role not in STATUS_TEXT:
            continue
        when = _as_date(e.date) if e.date else _as_date(e.bulletin_date)
        if when is None or when > today:
            continue
        dated.append((when, _ORDER.get(e.role, 0), e))
    if not dated:
        return "unknown", None
    dated.sort(key=lambda t: (t[0], t[1]))
    key = dated[-1][2].role
    if key in NOT_AN_ARRANGEMENT and any(e.role in ("sign", "in_force") and e.valid for _, _, e in dated):
        key = max((t for t in dated if t[2].role not in NOT_AN_ARRANGEMENT), key=lambda t: (t[0], t[1]))[2].role
    return key, dated[-1][2]
