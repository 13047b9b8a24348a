"""Question understanding: what kind of answer is wanted, about which partner and period.

Rules, not a model: they are fast, deterministic and testable, and the vocabulary of customs
questions is narrow. A follow-up ("and for Macao?", "when did it take effect?") is resolved
against the previous turn's intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from corpus.partners import find_mentions, fuzzy
from corpus.patterns import rx
from corpus.regions import regions_named

KINDS = ("eligibility", "benefits", "date", "figure", "procedure", "list", "search", "definition", "out_of_scope",
         "general")
_WORKS = re.compile(r"^\s*how (?:does|do) (?:an?\s+|the\s+)?(?P<term>[\w\s'-]{2,40}?) work\s*\??\s*$", re.I)
_DEFINITION = re.compile(r"^\s*(?:what(?:'s| is| are| does)|define|explain|meaning of)\s+(?:an?\s+|the\s+)?"
                         r"(?P<term>[\w\s'-]{2,40}?)(?:\s+(?:mean|stand for|system))?\s*\??\s*$", re.I)

_OUT_OF_SCOPE = re.compile(
    r"\b(tariffs?|duty rates?|duty|duties|import dut\w*|customs dut\w*|tax(?:es)? rates?|vat|hs codes?|harmoni[sz]ed system|"
    r"exchange rates?|weather|stock price|quotas?|anti-?dumping|visas?|excise|rules? of origin|"
    r"football|recipe|capital of|population of|president of|prime minister)\b", re.I)
_PROCEDURE = re.compile(
    r"\b(codes?|identifier|identification number|aeo (?:id|number)|declare|declaration|what do i (?:give|provide|enter|quote)|"
    r"how (?:do|can|should) (?:i|we|my company|our company) (?:apply|use|claim|get|benefit|register)|procedure|register|"
    r"apply for|application|documents? (?:do|should|must) i)\b", re.I)
_ELIGIBILITY = re.compile(
    r"\b(can i|can we|can my|could my|do i get|do we get|does my|does our|will my|will our|would my|am i|are we|"
    r"eligible|eligibility|qualif\w*|my company|our company|my firm|my goods|our goods|my business|i am an aeo|we are an aeo|"
    r"as an aeo|if i am|if my|is there an?|are there any|do(?:es)? \w+(?: \w+)? have an?|has \w+(?: \w+)? (?:signed|concluded)|"
    r"our (?:firm|shipments?|exports?|trucks?|goods|cargo)|are we covered|still covered|help us|give us|for us|"
    r"covered (?:in|under|now|yet|there)|covered by [\w\s-]{0,40}?\b(?:yet|now|already)|are (?:\w+ )?(?:aeos?|enterprises|companies|firms|exporters|importers|"
    r"operators|shipments|goods) (?:still |now |already )?covered|"
    r"(?:we are|we're|i am|i'm|our \w+ is) (?:an?|the|only an?|a small)\b[\w\s-]{0,40}?\b(?:aeo|ace|exporter|importer|"
    r"enterprise|company|firm|trader|operator)s?|any (?:customs )?benefits?|already help|"
    r"does (?:it|that|he|she|the \w+) (?:get|benefit|qualify)|not (?:an? )?\w+[- ]certified|"
    r"without (?:\w+ )?(?:certification|status))\b",
    re.I)
_DATE = re.compile(
    r"(?:\bwhen\b|\b(?:what date|which date|date of|dates?|since when|what day|what year|which year|how long ago|"
    r"which (?:exact |precise )?day|exact (?:day|date)|"
    r"signed on|took effect|take effect|in force|effective from|start date|starting date)\b)", re.I)
_FIGURE = re.compile(
    r"\b(how many|how much|what share|what percentage|what proportion|percent\w*|share of|proportion|growth|"
    r"grew|increase|decrease|value|number of|total|figure|amount|statistics|how big|how large|"
    r"count|(?:which|what) number|rank(?:s|ed|ing)?|"
    r"what (?:was|were|is|are) (?:the )?(?:[\w–'-]+\s+){0,3}(?:trade|exports?|imports?))\b|%", re.I)
_LIST = re.compile(
    r"\b(which (?:of [\w' ]+ )?(?:partners|countries|economies|regions|administrations|agreements|arrangements)|what (?:partners|countries|"
    r"economies|agreements|arrangements)|list|who are|name the|which ones)\b", re.I)
_BENEFITS = re.compile(
    r"\b(benefits?|facilitation|advantages?|measures?|privileges?|conveniences?|faster|quicker|inspect\w*|priority|"
    r"liaison|lower (?:document|inspection)|document audit|clearance time|easier|ease|simplif\w*|help|speed up|"
    r"what do(?:es)? (?:[\w-]+\s+){0,3}get|"
    r"what does it (?:offer|give|mean)|perks?|treatment)\b", re.I)
_SEARCH = re.compile(
    r"^\s*(?:any |all |the |latest |recent )?(announcements?|bulletins?|news|press releases?|notices?|find|show me|search|articles?|what did the bulletin say|"
    r"what was announced|latest)\b", re.I)
_WHICH_BULLETINS = re.compile(r"\b(?:which|what|any) (?:bulletins?|announcements?|notices?|press releases?|"
                              r"communiqu\w*|circulars?|news)\b", re.I)
# Procedure words that in a "when" question ask about a date ("in application from when?"), not a procedure.
# "What number must an exporter give …": a number handed over is a code, not a figure.
_HAND_OVER = re.compile(r"\b(?:give|gives|provide|enter|quote|declare|fill in|send|communicate)\b", re.I)
_APPLICATION_ONLY = re.compile(r"application|apply for|register", re.I)
_SIGNED = re.compile(r"\b(sign\w*|conclud\w*|agree[sd]?|deal|concluded|inked)\b", re.I)
_IN_FORCE = re.compile(r"\b(effect\w*|in force|into force|enter\w*|appl(?:y|ies) from|start\w*|implement\w*|begin|began|"
                       r"operational|valid|from when|since when|benefits?|facilitation|covered|apply|applies|"
                       r"from (?:what|which) (?:date|day)|work(?:s|ing)?|usable|in use)\b", re.I)
_ANNOUNCED = re.compile(r"\b(announc\w*|publish\w*|report\w*|released?|bulletin dated|news)\b", re.I)
_FOLLOWUP_START = re.compile(r"^\s*(and|also|what about|how about|and for|and with|same for|what of|then|but)\b", re.I)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|these|those|ones|the former|the latter|the (?:arrangement|agreement|deal|mra))\b", re.I)
_YEAR = re.compile(r"\b(?:in|for|during|of|from)\s+((?:19|20)\d\d)\b(?!\s*(?:on|onwards?|to|-|–))")
_BEFORE = re.compile(r"\b(?:before|prior to|until|up to)\s+((?:19|20)\d\d)\b", re.I)
_AFTER = re.compile(r"\b(since|after)\s+((?:19|20)\d\d)\b|\bfrom\s+((?:19|20)\d\d)\s*(?:on|onwards?)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_COMMON = frozenset(["about", "after", "again", "against", "aeo", "agreement", "arrangement", "benefit", "benefits", "between", "business", "china's", "companies", "company", "could", "customs", "deal", "does", "enterprises", "exporter", "exporters", "goods", "inspection", "inspected", "measures", "mutual", "partner", "partners", "recognition", "signed", "status", "their", "there", "these", "those", "trade", "under", "which", "would", "should", "signing", "sign", "takes", "taken", "effect"])


@dataclass(frozen=True)
class Intent:
    """What a question asks. ``query`` is the text to retrieve with (follow-up context folded in)."""

    question: str
    query: str
    kind: str
    partners: tuple[str, ...] = ()
    date_field: str | None = None
    year: int | None = None
    since: date | None = None
    until: date | None = None
    followup: bool = False
    mine: bool = False  # the asker speaks of their own enterprise ("my company is an AEO…")
    regions: tuple[str, ...] = ()  # world regions the question names ("African", "Central Asian")

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind, "partners": list(self.partners), "date_field": self.date_field, "year": self.year,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None, "followup": self.followup, "query": self.query,
            "regions": list(self.regions),
        }


def partners_in(question: str) -> tuple[str, ...]:
    """Economies named in the question: exact aliases first, then misspellings of longer words."""
    names = [m.name for m in find_mentions(question)]
    taken = {m.alias.lower() for m in find_mentions(question)}
    for word in _WORD.findall(question):
        low = word.lower()
        if low in taken or low in _COMMON or len(low) < 5:
            continue
        guess = fuzzy(word, cutoff=0.8)
        if guess and guess not in names:
            names.append(guess)
    return tuple(dict.fromkeys(names))


_CONJUNCTION_WHEN = re.compile(r"\b(what|how|which|who)\b.*\bwhen\b|\bwhen\b.*\b(what|how)\b", re.I)


def _temporal(q: str) -> bool:
    """Whether a question asks for a time; "what happens when trade resumes" uses "when" as a conjunction."""
    m = _DATE.search(q)
    if not m:
        return False
    return not (m.group(0).lower() == "when" and _CONJUNCTION_WHEN.search(q) and not rx(r"\bwhen\b", re.I).search(q[:8]))


def classify(question: str) -> tuple[str, str | None]:
    """(kind, date_field) from the wording alone."""
    q = question
    date_field = None
    if rx(r"\s*(which|what)\s+(?:of [\w' ]+ )?(partners|countries|economies|regions|administrations)\b", re.I).match(q):
        return "list", None
    if rx(r"\s*(?:list|name)\b|\s*(?:which|what)\s+(?:[\w-]+\s+){0,3}(?:arrangements|agreements|mras)\b", re.I).match(q):
        return "list", None
    if _temporal(q):
        date_field = "in_force" if _IN_FORCE.search(q) else "announced" if _ANNOUNCED.search(q) and not _SIGNED.search(q) else "signed"
    if _OUT_OF_SCOPE.search(q):
        return "out_of_scope", None
    if _WHICH_BULLETINS.search(q) and not date_field:  # "which bulletins give …" asks for bulletins, not a figure
        return "search", None
    if rx(r"\b(?:which|what) number\b", re.I).search(q) and _HAND_OVER.search(q):
        return "procedure", None  # "what number must an exporter give its importer": a code
    procedure = _PROCEDURE.search(q)
    if procedure and not _FIGURE.search(q) and not (date_field and _APPLICATION_ONLY.fullmatch(procedure.group(0))):
        return "procedure", None
    m = _DEFINITION.match(q) or _WORKS.match(q)
    if m and len(m.group("term").split()) <= 4 and not _FIGURE.search(q) and not _temporal(q):
        return "definition", None
    if _ELIGIBILITY.search(q):
        return "eligibility", date_field
    if date_field:
        return "date", date_field
    if _FIGURE.search(q) and not rx(r"\b(lower|inspection|audit) rate\b", re.I).search(q):
        return "figure", None
    if _LIST.search(q):
        return "list", None
    if _BENEFITS.search(q):
        return "benefits", None
    if date_field:
        return "date", date_field
    if _SEARCH.search(q) or _WHICH_BULLETINS.search(q):
        return "search", None
    return "general", None


def _period(question: str, today: date) -> tuple[int | None, date | None, date | None]:
    year = since = until = None
    if rx(r"\bthis year\b", re.I).search(question):
        year = today.year
    elif rx(r"\blast year\b", re.I).search(question):
        year = today.year - 1
    m = _YEAR.search(question)
    if m:
        year = int(m.group(1))
    m = _BEFORE.search(question)
    if m:
        until = date(int(m.group(1)) - 1, 12, 31)
    m = _AFTER.search(question)
    if m:
        start = int(m.group(2) or m.group(3))
        since = date(start + 1 if (m.group(1) or "").lower() == "after" else start, 1, 1)
        if not m.group(3) and year == start:
            year = None  # "since 2020" is a range, not the year 2020
    return year, since, until


def is_followup(question: str, partners: tuple[str, ...]) -> bool:
    """Whether a question leans on the previous turn: opens with "and…", or says "it" with no partner."""
    if _FOLLOWUP_START.search(question):
        return True
    words = _WORD.findall(question)
    return not partners and (bool(_PRONOUN.search(question)) or len(words) <= 3)


_SOURCE_HINT = re.compile(
    r",?\s*\b(?:according to|as (?:stated|said|reported) in|(?:as )?(?:named|mentioned|listed) in|in|from)\s+(?:the\s+)?"
    r"(?:[\w–-]+\s+){0,3}(?:announcement|bulletin|press release|news|article|report|notice)s?\b", re.I)


def retrieval_query(question: str) -> str:
    """The question without pointers to where the answer is ("according to the Macao announcement"):
    they name the source, not the content, and would pull in sentences about announcing."""
    stripped = _SOURCE_HINT.sub("", question).strip()
    return stripped if len(stripped) >= 8 else question


def understand(question: str, previous: Intent | None = None, today: date | None = None) -> Intent:
    """Read a question (and the previous turn's intent, for follow-ups) into an ``Intent``."""
    question = " ".join(question.split())
    today = today or date.today()
    partners = partners_in(question)
    kind, date_field = classify(question)
    year, since, until = _period(question, today)
    mine = bool(rx(r"\b(my|our|we|i am|i'm)\b", re.I).search(question))
    query = question if kind == "search" else retrieval_query(question)
    regions = regions_named(question)
    if regions and kind == "general" and rx(r"\s*(?:which|what)\b", re.I).match(question):
        kind = "list"  # "which Central Asian country has …": the arrangements of that region
    intent = Intent(question, query, kind, partners, date_field, year, since, until, False, mine, regions)
    if previous is None or not is_followup(question, partners):
        return intent
    return _resolve(intent, previous)


def _resolve(intent: Intent, previous: Intent) -> Intent:
    """Fill what a follow-up leaves out from the turn before it."""
    partners = intent.partners or previous.partners
    kind, date_field = intent.kind, intent.date_field
    if kind == "general":  # "and for Macao?" asks the previous question of another partner
        kind, date_field = previous.kind, previous.date_field
    if kind == "out_of_scope":
        partners = intent.partners
    elided = kind == previous.kind and len(_WORD.findall(intent.question)) <= 4
    context = previous.question if elided else " ".join(previous.partners)
    if intent.partners and elided and previous.partners:
        # "and for Serbia?" after "…China and Macao…": Serbia takes the place of the last-named partner.
        old = previous.partners[-1]
        context = rx(re.escape(old), re.I).sub(intent.partners[0], context)
        partners = tuple(p for p in previous.partners[:-1] if p not in intent.partners) + intent.partners
    query = f"{intent.question} {' '.join(p for p in partners if p.lower() not in intent.question.lower())} {context if elided else ''}"
    return replace(intent, query=" ".join(query.split()), kind=kind, partners=partners, date_field=date_field,
                   followup=True, mine=intent.mine or previous.mine, year=intent.year or previous.year,
                   regions=intent.regions or (previous.regions if not intent.partners else ()))
