"""Answers about an arrangement's life: is it in force for us, when did each step happen, which arrangements
did what when. They read the dated life-cycle events (``index.facts.events``), never the bulletin's own date,
and every sentence they write cites the sentence its date or status comes from.

Templates name both sides as the records give them and never assume which economy is a side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date as Date

from corpus.dates import find_dates
from corpus.patterns import rx
from index.facts import Arrangement
from index.facts.events import CORRECTS, ERRONEOUS, STATUS_TEXT, Event, current, standing, status
from index.facts.numbers import norm_parts

# Words in a question that name a life-cycle step (regular-expression fragments), most specific first.
QUESTION_ROLES: list[tuple[str, str]] = [
    ("ratify", r"\bratif\w*"),
    ("suspend", r"\bsuspen\w*|\bon hold\b|\bpaus\w*|\bhalt\w*|\bfro(?:ze|zen)\b"),
    ("resume", r"\bresum\w*|\brestart\w*|\breinstat\w*"),
    ("terminate", r"\btermin\w*|\bend(?:s|ed)?\b|\bexpir\w*|\bold (?:one|mra|arrangement)\b|\bstop\w*|\bceas\w*|"
                  r"\bno longer\b|\brepeal\w*|\bwithdr[ae]w\w*"),
    ("pilot", r"\bpilot\w*|\btrial\b"),
    ("talks", r"\btalks\b|\bnegotiat\w*|\bround\b"),
    ("action_plan", r"\baction plan\b|\broad ?map\b"),
    ("amend", r"\bamend\w*"),
    ("extend", r"\bextend\w*|\bextension\b|\bnewly covered\b|\badded\b"),
    ("in_force", r"\beffect\w*|\bin force\b|\binto force\b|\bappl(?:y|ies|ied)\b|\bstart\w*|\bbegin\w*|\bbegan\b|"
                 r"\bimplement\w*|\boperational\b|\bnew one\b|\bcovered\b|\bvalid\b|\bfrom (?:what|which) (?:date|day)\b|"
                 r"\bwork(?:s|ing)?\b|\bin application\b"),
    ("sign", r"\bsign\w*|\bconclud\w*|\binked\b|\bagreed\b"),
]
_ROLE_PATTERNS = [(role, re.compile(p, re.I)) for role, p in QUESTION_ROLES]
_ROLE_WORDS = {"sign": "was signed", "ratify": "was ratified", "in_force": "applies", "pilot": "was piloted",
               "extend": "was extended", "amend": "was amended", "suspend": "was suspended", "resume": "resumes",
               "terminate": "ends", "talks": "was negotiated", "action_plan": "was prepared by an action plan"}
# How an answer dates each step: "{label} applies from 1 March 2025".
_ROLE_DATED = {"sign": "was signed on", "ratify": "was ratified on", "in_force": "applies from",
               "pilot": "was applied as a pilot from", "extend": "was extended with effect from",
               "amend": "was amended on", "suspend": "is suspended from", "resume": "resumes on",
               "terminate": "ends (is terminated) with effect from", "talks": "was the subject of talks on",
               "action_plan": "was prepared by an action plan adopted on"}
_NOT_CERTIFIED = re.compile(r"\b(?:without (?:aeo|any|\w+) (?:status|certification)|not (?:an? )?(?:aeo|ace|certified)|"
                            r"not (?:an? )?[\w]+[- ]certified|(?:lacks?|lacking|no) (?:\w+ )?certification|"
                            r"uncertified|no aeo status|general certified|only (?:a|an) general)\b", re.I)
_WHO_BENEFITS = re.compile(r"\b(?:only|not covered|do(?:es)? not (?:benefit|receive)|are not|excluded|"
                           r"apply to|applies to|appl(?:y|ies) only|recogni[sz]es?)\b", re.I)
_NOT_BENEFIT = re.compile(r"\b(?:not covered|do(?:es)? not (?:benefit|receive|apply)|are not (?:covered|eligible)|"
                          r"not eligible|excluded|only)\b", re.I)
_HOW_TO_JOIN = re.compile(r"\b(?:apply|join|contact|upgrade|application|wishing to|may become)\b", re.I)
_CERT = re.compile(r"\b(?:certif\w*|AEOs?\b|Authori[sz]ed Economic Operators?|status)\b", re.I)


Cite = Callable[[str, int, int], str]  # (source, start, end) -> " [n]" or ""


def roles_asked(question: str, default: str | None) -> list[str]:
    """The life-cycle steps a question asks about, in the order it names them ("when is the old one terminated,
    and when does the new one start" asks two)."""
    found: list[tuple[int, str]] = []
    for role, pattern in _ROLE_PATTERNS:
        m = pattern.search(question)
        if m and not any(r == role for _, r in found):
            found.append((m.start(), role))
    ordered = sorted(found)
    specific = [(i, r) for i, r in ordered if r not in ("in_force", "sign")]
    if specific:  # "when was it ratified": the step named, not the signing; "…and when does the new one start": both
        two_part = rx(r"\band when\b|\bnew one\b", re.I).search(question)
        ordered = sorted(specific + ([(i, r) for i, r in ordered if r == "in_force"] if two_part else []))
    roles = [r for _, r in ordered]
    return roles or ([default] if default else [])


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def day(norm: str, gaps: bool = True) -> str:
    """A normalised date (YYYY-MM-DD, --MM-DD, YYYY-MM, YYYY) in words a reader expects; with ``gaps`` a part
    the text did not give is said to be missing."""
    parts = norm.lstrip("-").split("-")
    try:
        if norm.startswith("--") and len(parts) == 2:
            return f"{_MONTHS[int(parts[0]) - 1]} {int(parts[1])}" + (" (the year is not given)" if gaps else "")
        if len(parts) == 3:
            return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}" + (" (day not given)" if gaps else "")
    except (ValueError, IndexError):
        pass
    return norm


def has_year(norm: str | None) -> bool:
    return bool(norm) and not (norm or "").startswith("-") and (norm or "")[:4].isdigit()


def name(arr: Arrangement) -> str:
    return f"the {arr.home}–{arr.partner} arrangement" if arr.home else f"the arrangement with {arr.partner}"


def status_sentence(arr: Arrangement, cite: Cite, today: Date | None = None) -> tuple[str, str]:
    """(status key, a cited sentence saying where the arrangement stands and since when)."""
    key, event = status(list(arr.events), today)
    if event is None:
        return key, ""
    mark = cite(event.source, event.start, event.end)
    when = f" on {day(event.date)}" if event.date else ""
    if key == "resume":
        paused = current(list(arr.events), "suspend")
        before = (f": its application was suspended from {day(paused.date or '')}"
                  f"{cite(paused.source, paused.start, paused.end)} and" if paused is not None else " again: it")
        return key, f"{_cap(name(arr))} is in force{before} resumed on {day(event.date or '')}{mark}."
    if key in ("in_force", "extend", "amend", "resume"):
        text, ok = role_answer(arr, "in_force", cite, False)
        if ok == "yes":
            return key, f"It is in force. {text}"
        return key, f"{_cap(name(arr))} is in force{when}{mark}."
    if key == "pilot":
        return key, f"{_cap(name(arr))} was applied as a pilot from {day(event.date or '')}{mark}."
    if key == "suspend":
        return key, (f"Application of {name(arr)} is suspended from {day(event.date or '')}{mark}; the bulletins "
                     "give no date for its resumption.")
    if key == "terminate":
        return key, f"{_cap(name(arr))} ends (terminated) with effect from {day(event.date or '')}{mark}."
    if key in ("sign", "ratify"):
        verb = "signed" if key == "sign" else "ratified"
        return key, (f"{_cap(name(arr))} was {verb}{when}{mark}, but the bulletins give no date from which it "
                     "applies: it is not yet in force.")
    if key == "action_plan":
        return key, (f"There is no mutual recognition arrangement between {arr.home} and {arr.partner} yet: only an "
                     f"action plan{when}{mark}, which gives no facilitation.")
    if key == "talks":
        return key, (f"There is no mutual recognition arrangement between {arr.home} and {arr.partner} yet: they "
                     f"are in talks (negotiations{when}){mark}.")
    return key, ""


def not_in_force_yet(key: str) -> bool:
    return key in ("sign", "ratify", "action_plan", "talks", "suspend", "terminate", "unknown")


def dated(role: str) -> str:
    """The words that date a step in a list item: "signed on", "applies from"."""
    return _ROLE_DATED.get(role, role).replace("was ", "").replace("is ", "")


def role_answer(arr: Arrangement, role: str, cite: Cite, wants_year: bool,
                title_of: Callable[[str], str | None] | None = None) -> tuple[str, str]:
    """(a cited sentence giving the date of ``role``, "yes" | "partial" | "no") — "not given" when no bulletin
    gives it, "partial" when the year asked for is not given. A date a correction notice set is said to be
    corrected, naming the notice (``title_of`` gives a bulletin's title by its source)."""
    events = [e for e in arr.events if e.role == role and e.date]
    if role == "in_force" and not events:
        events = [e for e in arr.events if e.role == "pilot" and e.date]
    chosen = current(events, events[0].role) if events else None
    label = name(arr)
    if chosen is None:
        key, event = status(list(arr.events))
        why = ""
        if event is not None and role in ("in_force", "resume", "sign"):
            _, where = status_sentence(arr, cite)
            why = f" {where}" if where else f" Where it stands: {STATUS_TEXT.get(key, key)}."
        what = {"in_force": "the date from which", "sign": "the date on which", "resume": "when"}.get(role, "when")
        return f"The bulletins do not give {what} {label} {_ROLE_WORDS.get(role, role)}.{why}", "no"
    if wants_year and not has_year(chosen.date):
        return (f"The bulletins do not give the year: they give only {day(chosen.date or '')} for when "
                f"{label} {_ROLE_WORDS.get(role, role)}{cite(chosen.source, chosen.start, chosen.end)}."), "partial"
    extra = ""
    if role == "in_force":
        stands = standing(list(arr.events))
        phases = sorted({e.date for e in arr.events if e.role == "in_force" and e.date and e.date != chosen.date
                         and has_year(e.date) and stands(e)})
        later = [p for p in phases if p > (chosen.date or "")]
        if later:
            e2 = next(e for e in arr.events if e.role == "in_force" and e.date == later[0])
            first_label, later_label = _phase(chosen), _phase(e2)
            if first_label:
                extra = f" ({first_label})"
            extra += (f"; {later_label or 'a later phase'} applies from {day(later[0])}"
                      f"{cite(e2.source, e2.start, e2.end)}")
        wrong = [e for e in arr.events if (e.role == ERRONEOUS and e.note == "in_force")
                 or (e.role == "in_force" and e.date and e.date != chosen.date and not stands(e))]
        corrected = next((e for e in events if e.note == CORRECTS and e.date == chosen.date), None)
        if corrected is not None:
            notice = title_of(corrected.source) if title_of else None
            extra += (f", the date as corrected by {notice or 'a correction notice'}"
                      f"{cite(corrected.source, corrected.start, corrected.end)}")
        if wrong:
            w = wrong[-1]
            extra += (f". An earlier date, {day(w.date or '')}, was an error and was corrected"
                      f"{cite(w.source, w.start, w.end)}")
    if role == "pilot":
        ends = sorted(e.date for e in events if e.date and e.date != chosen.date)
        if ends:
            extra = f" to {day(ends[-1])}"
    text = (f"{_cap(label)} {_ROLE_DATED.get(role, role)} {day(chosen.date or '')}"
            f"{cite(chosen.source, chosen.start, chosen.end)}{extra}.")
    return text, "yes"


_PHASE = re.compile(r"\b(?:phase|stage|tranche)\s*(?:\d+|[IV]+|one|two|three|four)\b", re.I)


def _phase(event: Event) -> str:
    """"phase 2" when the event's sentence names the phase next to its date, else ""."""
    rel = event.start - event.sent_start
    window = event.quote[max(0, rel - 60):rel + 60]
    found = list(_PHASE.finditer(window))
    if not found:
        return ""
    mid = min(rel, 60)
    best = min(found, key=lambda m: abs(m.start() - mid))
    return best.group(0)


def in_period(norm: str | None, year: int | None, since: Date | None, until: Date | None,
              exact: tuple[int | None, int | None, int | None] | None = None) -> bool:
    if not has_year(norm):
        return False
    assert norm is not None
    y, m, d = norm_parts(norm)
    assert y is not None
    if exact is not None:
        ey, em, ed = exact
        return (ey in (None, y)) and (em in (None, m)) and (ed in (None, d))
    if year and y != year:
        return False
    iso = Date(y, m or 1, d or 1)
    if since and iso < since:
        return False
    return not (until and iso > until)


def exact_date(question: str) -> tuple[int | None, int | None, int | None] | None:
    """A full calendar day named in a question ("on 1 January 2024"), for lists of what happened that day."""
    for d in find_dates(question):
        if d.month and d.day:
            return d.year, d.month, d.day
    return None


def list_events(arrangements: Sequence[Arrangement], roles: Sequence[str], match: Callable[[Event], bool]
                ) -> list[tuple[Arrangement, Event]]:
    """(arrangement, its event) for each arrangement with a valid event of one of ``roles`` that ``match``es."""
    out = []
    for arr in arrangements:
        stands = standing(list(arr.events))
        for e in sorted(arr.events, key=lambda e: (e.date or "", -e.bulletin_sort)):
            if stands(e) and e.role in roles and e.date and match(e):
                out.append((arr, e))
                break
    return out


def certification_sentence(arr: Arrangement, find: Callable[[Arrangement, Callable[[str], bool]], str]) -> str:
    """The bulletin's own words on who benefits (certified operators only), cited; "" when it has none. A
    sentence naming who does not benefit comes first; the next sentence on how to join follows it."""
    negative = find(arr, lambda text: bool(_NOT_BENEFIT.search(text)) and bool(_CERT.search(text)))
    found = negative or find(arr, lambda text: bool(_WHO_BENEFITS.search(text)) and bool(_CERT.search(text)))
    if found:
        how = find(arr, lambda text: bool(_HOW_TO_JOIN.search(text)) and bool(_CERT.search(text)))
        if how and how != found:
            found = f"{found} {how}"
    return found


def asker_not_certified(question: str) -> bool:
    return bool(_NOT_CERTIFIED.search(question))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
