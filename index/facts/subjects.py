"""What a number measures: the subject noun phrase, its key terms, and matching between subjects.

A claim in an answer rarely repeats the bulletin's wording ("43 economies" for "43 countries and
regions", "MRA" for "mutual recognition arrangement"), so both sides are reduced to key terms with
the same synonyms, light stemming and stopwords, and compared by weighted overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus import find_mentions
from corpus.partners import Mention
from corpus.patterns import rx
from corpus.remember import remembered
from corpus.rules import MONTHS
from index.facts.numbers import Quantity
from index.facts.rules import ROLE_CUES, ROLE_OBJECTS, compile_roles


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Phrases that mean the same thing in bulletins and answers, reduced to one token each.
_SYNONYMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), r) for p, r in [
        (r"general administration of customs(?: of (?:the people's republic of )?china)?|\bgacc\b", " gacc "),
        (r"authori[sz]ed economic operators?|certified operators?|\baeos?\b", " aeo "),
        (r"\bmras?\b", " mutual_recognition arrangement "),
        (r"mutual(?:ly)?[\s-]+recogni(?:[sz]|tion)\w*|recogni(?:[sz]|tion)\w* (?:each other|one another)",
         " mutual_recognition "),
        (r"countries\s*(?:and|or|/|\()\s*\(?\s*regions?\s*\)?", " economy "),
        (r"\b(?:countries|country|regions?|economies|economy|partners?|member states?|states|territories|"
         r"jurisdictions|nations)\b", " economy "),
        (r"year[\s-]+on[\s-]+year|\by-o-y\b|\byoy\b", " yoy "),
        (r"belt\s+and\s+road|\bbri\b", " belt_road "),
        (r"central\s+and\s+eastern\s+europe(?:an)?|\bceec?\b", " cee "),
        (r"\bnon[\s-]eu\b", " non_eu "),
        (r"enter(?:s|ed|ing)? into (?:force|effect)|entry into (?:force|effect)|c[oa]me?s? into (?:force|effect)|"
         r"tak(?:e|es|en|ing) effect|took effect|into effect|\beffective\b", " in_force "),
        (r"customs clearance", " clearance "),
        (r"advanced certified enterprises?|\bACEs?\b", " ace "),
        (r"authori[sz]ed economic operators?|\bAEOs\b", " aeo "),
        (r"trade (?:value|volume)|total trade|value of trade|volume of trade|bilateral trade", " trade "),
        (r"\b(?:agreements?|arrangements?|accords?|deals?)\b", " arrangement "),
        (r"\b(?:increase[sd]?|increasing|growth|grew|grow[sn]?|rose|rise[sn]?|up)\b", " increase "),
        (r"\b(?:decrease[sd]?|decreasing|declines?|declined|fell|falls?|down|drop(?:ped|s)?)\b", " decrease "),
        (r"\b(?:exports?|exported|exporting)\b", " export "),
        (r"\b(?:imports?|imported|importing)\b", " import "),
        (r"\bsign(?:s|ed|ing|ature)?\b|\bconclud(?:e|ed|es|ing)\b|\binked\b", " sign "),
        (r"\b(?:inspections?|examinations?|checks?)\b", " inspection "),
        (r"\b(?:firms?|companies|company|traders?|operators?)\b", " enterprise "),
        (r"\b(?:facilitation measures?|facilities|benefits?|conveniences?|measures?)\b", " measure "),
    ]
]
_STOP = _words("""
a an the and or of in on at to for from by with within without as is are was were be been being will
would shall should can could may might must has have had having do does did this that these those it
its it's their there here which who whom whose what when where how than then so such also not no nor
only both each other all any some more most less much many very further furthermore again still yet
up now till until since per into onto over under about above below between among through during
after before while according data official statistics statistic show shows showed shown reporter
learned learnt reported said stated news agency total number world reach reached reaches achieve
achieved achieves become became becomes remain remained remains continue continued continues carry
carried make made give given provide provided include included including includes help helps enjoy
enjoyed ranks rank ranked first-ever so-called above-mentioned aforementioned mentioned place places
side sides party parties two one joint jointly construction build building co-build framework amount
amounted stand stood hit account accounted accounting represent represented value volume figure
figures level rate percent cent year years month months day days time times date
china's recent just same new worth mentioning mention out announce announced
announcement announces publish published publication release released issued
authority authorities administration department agency service
""")
_LOW = {"customs", "custom", "aeo", "mutual_recognition", "gacc", "arrangement", "sign", "enterprise", "economy"}
_EVENTS: list[tuple[str, re.Pattern[str]]] = [*compile_roles(ROLE_CUES), ("since", re.compile(r"\bsince\b", re.I))]
_OBJECTS = compile_roles(ROLE_OBJECTS)
_EXAMPLES = re.compile(r"\b(?:including|such as|e\.g\.|for example|for instance|among them|like)\b", re.I)
_ANAPHORA = re.compile(r"^this\b|^it (?:is|was) the\b|\b(?:the two \w+|both sides|"
                       r"bilateral|each other|the (?:agreement|arrangement|mra)|this (?:agreement|arrangement))\b", re.I)
_APPOSITIVE = re.compile(r"^\s*(?:a|an|up|down|representing|accounting|which|marking|or|compared|against|versus)\b", re.I)
_NP_STOP = _words("""
is are was were be been will would shall should can could may might must has have had do does did
that which who whom whose than as to including include includes such while when where if because so
but then after before since until signed reached accounted increased rose grew fell became remained
ranks ranked carried achieved enjoy enjoyed entered took takes came comes stood stands totalled totaled
numbered climbed held hold holds obtained gained received
""")
_NP_CUT = re.compile(r"\s(?:" + "|".join(sorted(_NP_STOP)) + r")\b")  # where a counted noun phrase ends
_PREPS = {"in", "of", "for", "from", "along", "with", "under", "across", "between", "on", "by", "within"}
_TOKEN = re.compile(r"[\w'’$%.-]*\w|[(),;:.!?\"“”—–]")


@dataclass(frozen=True)
class Subject:
    """What one quantity measures: a readable phrase, its head terms, sentence terms and the event."""

    phrase: str
    head: frozenset[str]
    terms: frozenset[str]
    surface: str = ""
    event: str | None = None


def stem(word: str) -> str:
    """Light stemming, the same on both sides: countries -> country, measures -> measur."""
    w = word.lower().strip("'’")
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    if w.endswith("ing") and len(w) > 6:
        w = w[:-3]
    elif w.endswith("ied") and len(w) > 5:
        w = w[:-3] + "y"
    elif w.endswith("ed") and len(w) > 5:
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = " "
    return "".join(chars)


def _mentions(text: str) -> list[Mention]:
    """Economy mentions, except the "EU" in "non-EU" (a class of states, not a partner)."""
    return [m for m in find_mentions(text) if not text[max(0, m.start - 4):m.start].lower().endswith("non-")]


def key_terms(text: str, drop: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Key terms of a phrase, in order: synonyms unified, stopwords, numbers and economy names dropped.

    Every figure of a sentence asks for the sentence's terms with all its figures blanked, the same text each
    time; the two dozen synonym passes are made once per distinct sentence-sized text."""
    text = _blank(text, [*drop, *((m.start, m.end) for m in _mentions(text))])
    return list(_terms(text))


@remembered(8192)
def _terms(text: str) -> tuple[str, ...]:
    for pattern, repl in _SYNONYMS:
        text = pattern.sub(repl, text)
    out: list[str] = []
    for raw in rx(r"[a-z_][a-z_'’-]*").findall(text.lower()):
        word = raw.strip("-'’")
        if not word or word in _STOP or len(word) < 2:
            continue
        term = word if "_" in word else stem(word)
        if term not in _STOP and term not in out:
            out.append(term)
    return tuple(out)


def weight(term: str) -> float:
    """Terms every bulletin repeats (customs, AEO, mutual recognition) tell subjects apart poorly."""
    return 0.3 if term in _LOW else 1.0


def _w(terms: Iterable[str]) -> float:
    return sum(weight(t) for t in terms)


def clause(sentence: str, start: int, end: int, blank: Sequence[tuple[int, int]] = ()) -> tuple[int, int]:
    """(start, end) within ``sentence`` of the clause holding [start, end); appositives join the clause before."""
    cuts = [0] + [m.end() for m in rx(r"(?:,(?!\d{3})|[;:—–])\s*|\s-\s").finditer(sentence)] + [len(sentence) + 1]
    cuts = sorted(set(cuts))
    s = max(c for c in cuts if c <= start)
    e = min((c for c in cuts if c > end - 1 and c > s), default=len(sentence))
    e = min(e, len(sentence))
    spans = [(a - s, b - s) for a, b in [(start, end), *blank] if s <= a and b <= e]
    if s > 0 and (_APPOSITIVE.match(sentence[s:start]) or not key_terms(sentence[s:e], spans)):
        prev = max((c for c in cuts if c < s - 1), default=0)
        s = prev
    return s, e


# What follows a number that names no noun: a time ("stood at 6,020 at the end of September", "58 in 2023") or the
# end of its clause ("rose to 63, up from 58"). The number then quantifies the noun named before it.
_NO_NOUN_AFTER = re.compile(
    r"^\s*(?:$|[,.;:)]|(?:at|as of|as at|by|on|during|since|until|till|compared|than|last|this|a year|a month)\b|"
    r"in (?:the )?(?:\d{4}\b|first|second|third|fourth|last|past|previous|same|year|month|quarter|half|"
    + "|".join(MONTHS) + r"))", re.I)


def noun_phrase_after(sentence: str, pos: int) -> tuple[int, int]:
    """Span of the noun phrase a number quantifies: "43 [countries and regions] in 17 economies"; empty when the
    number is followed by a time or its clause ends."""
    rest = sentence[pos:]
    if _NO_NOUN_AFTER.match(rest):
        return pos, pos
    skip = rx(r"-?\s*").match(rest)
    offset = pos + (skip.end() if skip else 0)
    tokens = list(_TOKEN.finditer(sentence, offset))
    end, n, depth = offset, 0, 0
    for i, tok in enumerate(tokens):
        word = tok.group(0).lower()
        if word == "(":
            if n:
                break  # "56 countries and regions (GACC update …)": an aside after the noun is not the noun
            depth += 1
            continue
        if word == ")":
            if depth == 0:
                break
            depth -= 1
            end = tok.end()
            continue
        if not word[0].isalnum() and word[0] not in "$":
            if depth:
                continue
            break
        if word in _NP_STOP or n >= 12 or word[0].isdigit():
            break
        nxt = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else ""
        if n and word.endswith("ed") and (not nxt or not nxt[0].isalnum() or nxt in _PREPS
                                           or nxt in ("the", "a", "an", "at", "to")):
            break  # "5,000 members [joined]", "58 companies [registered] in 2030": the verb after the noun
        if n and word.endswith("ing") and (nxt[:1].isdigit() or nxt in ("the", "a", "an", "some", "about", "more",
                                                                          "over", "nearly", "almost", "around")):
            break  # "33 arrangements [covering 60 …]": a participle opens what the noun does, not the noun
        if word in _PREPS or word == "and":
            if n == 0 or nxt[:1].isdigit() or nxt in _NP_STOP or nxt in ("the", "a", "an", "its") and word == "and":
                break
            n += 1
            continue
        end = tok.end()
        n += 1
    return offset, end


# Head nouns that count the same things, whatever the bulletin calls them ("58 companies hold AEO status", "63
# AEOs", "5,870 Advanced Certified Enterprises"): one series bucket, told apart by subject terms and scope.
_COUNTED_AS = {**dict.fromkeys(("aeo", "ace", "enterprise", "company", "firm", "operator", "trader", "member",
                                "exporter", "importer", "business", "compani"), "operator")}


def surface_of(label: str) -> str:
    """The counted noun of a label ("AEO mutual recognition arrangements signed" -> arrangement; "Countries and
    regions covered" -> country), as a figure's series bucket."""
    start, end = noun_phrase_after(label, 0)
    return _surface(label[start:end] or label)


def _surface(phrase: str) -> str:
    before = rx(r"\s(?:in|of|for|from|along|with|under|across|between|on|by|within|and)\s|\(").split(
        " " + phrase + " ")[0]  # the words before the first preposition or bracket
    words = rx(r"[A-Za-z][\w-]*").findall(before)
    if not words:
        return ""
    head = stem(words[-1])
    return _COUNTED_AS.get(head, _COUNTED_AS.get(words[-1].lower().rstrip("s"), head))


_ADJACENT = re.compile(r"^\s*(?:(?:in|at)\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*,?\s*)?"
                       r"(?:on|from|as of|since|in|at|with effect from|effective|dated)?\s*(?:the\s*)?$")


def _parentheses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level parenthetical aside in ``text``."""
    spans, depth, opened = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                opened = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, i + 1))
    return spans


_RELATIVE = re.compile(r",\s*(?:which|that|who|aiming|with the aim)\b", re.I)


def event_of(sentence: str, start: int, end: int) -> str | None:
    """The event a date belongs to (signing, entry into force, announcement), from the nearest cue word.

    A cue in another clause joined by "that" loses to one in the date's own clause: in "learned on the
    14th that China and Serbia have signed", the 14th is when it was learned, not when it was signed.
    """
    best: tuple[float, str] | None = None
    asides = [(a, b) for a, b in _parentheses(sentence) if not (a <= start and end <= b)]
    for name, pattern in _EVENTS:
        for m in pattern.finditer(sentence):
            if any(a <= m.start() and m.end() <= b for a, b in asides):
                continue  # "(signed in Astana on 12 June 2023)": an aside's cue dates the aside's own date only
            if m.end() <= start:
                between, dist = sentence[m.end():start], float(start - m.end())
                if _ADJACENT.match(between):  # "signed on 20 August", "took effect from 1 May": the date's own cue
                    dist = 0.0
            elif m.start() >= end:
                between, dist = sentence[end:m.start()], (m.start() - end) * 1.2
                if name == "announce" and rx(r"\s*,\s*").fullmatch(between):
                    dist = 0.0  # "24 June 2024, announcing the suspension": the date of the announcement
                elif "," in between or rx(r"\band\b").search(between):  # "signed on X and took effect on Y":
                    dist += 50  # a later predicate has its own date
            else:
                continue
            if rx(r";|\.\s+[A-Z(]").search(between):
                continue  # another clause of a list of steps ("compare … by 2024; sign by 2026"): not this date's cue
            if rx(r"\bthat\b|\.").search(between):
                dist += 500
            if best is None or dist < best[0]:
                best = (dist, name)
    if best is None:
        return None
    role = best[1]
    if role == "announce" and best[0] == 0.0:
        return role  # "the Authority said on Wednesday": the report's own date, whatever the clause is about
    if role in ("sign", "announce", "in_force", "since"):  # an extension stays one ("extended from one pilot")
        lo = max(sentence.rfind(";", 0, start), sentence.rfind(". ", 0, start), -1) + 1
        hi = min((p for p in (sentence.find(";", end), sentence.find(". ", end)) if p >= 0), default=len(sentence))
        relative = [m.end() for m in _RELATIVE.finditer(sentence, lo, start)]
        if relative:  # "signed an action plan, which aims at signing an arrangement by 2026": the relative's own
            lo = relative[-1]
        for name, pattern in _OBJECTS:  # "signed an action plan", "the amendment takes effect on …"
            if pattern.search(sentence[lo:hi]) and not (role == "in_force" and name in ("pilot", "ratify")):
                return name
    return role



def scope(sentence: str, home: str | None, partners: Sequence[str] = ()) -> tuple[str, ...]:
    """Economies a sentence is specifically about: named ones (not mere examples), plus the arrangement's
    partners when the sentence points back at it ("this", "the two places", "bilateral")."""
    cut = _EXAMPLES.search(sentence)
    limit = cut.start() if cut else len(sentence)
    named = [m.name for m in _mentions(sentence[:limit]) if m.name != home]
    if partners and _ANAPHORA.search(sentence.strip()):
        named.extend(partners)
    return tuple(dict.fromkeys(named))


def describe(sentence: str, q: Quantity, offset: int = 0, event: str | None = None,
             others: Sequence[Quantity] = ()) -> Subject:
    """The subject of quantity ``q`` inside ``sentence`` (which starts at ``offset`` in the full text).

    ``others`` are the other quantities found in the text; their words ("billion", "7th") are not subject terms.
    """
    s, e = q.start - offset, q.end - offset
    spans = [(s, e), *((o.start - offset, o.end - offset) for o in others)]
    c0, c1 = clause(sentence, s, e, spans[1:])
    rel = [m.end() for m in _RELATIVE.finditer(sentence, c0, s)]
    if q.kind in ("date", "year") and rel and event_of(sentence[rel[-1]:c1], s - rel[-1], e - rel[-1]):
        c0 = rel[-1]  # "signed an action plan, which aims at signing an arrangement by 2026": the relative's step
    clause_terms = key_terms(sentence[c0:c1], [(a - c0, b - c0) for a, b in spans]) if c1 > c0 else []
    terms = frozenset(key_terms(sentence, spans))
    surface = ""
    if q.kind in ("count", "ordinal"):
        total = next((o for o in others if o.role == "total" and o.start >= q.end), None) if q.role == "part" else None
        n0, n1 = noun_phrase_after(sentence, total.end - offset if total else e)
        phrase = sentence[n0:n1].strip()
        head = key_terms(phrase)
        surface = _surface(phrase)
        if not head:
            m = rx(r"\bnumber of\s+(.+)", re.I).search(sentence[c0:s])
            phrase = (m.group(1) if m else sentence[c0:s]).strip(" ,.;:")
            cut = _NP_CUT.search(phrase)
            phrase = phrase[:cut.start()] if cut else phrase
            head = key_terms(phrase) or clause_terms
            # "Jordanian companies with AEO status numbered 64": the noun before the verb is what is counted
            surface = _surface(phrase) if m or cut else ""
    else:
        lo = c0
        lead = rx(r"\s*(?:according to [^,]*,|in \d{4},)\s*", re.I).match(sentence[c0:s])
        if lead:
            lo = c0 + lead.end()
        phrase = _blank(sentence[lo:c1], [(s - lo, e - lo)])
        head = clause_terms
    if q.kind in ("date", "year"):
        event = event or event_of(sentence, s, e)
        head = [t for t in head if t not in ("sign", "in_force")]  # the event is compared on its own
    phrase = " ".join(phrase.split()).strip(" ,.;:")
    if len(phrase) > 140:
        phrase = phrase[:139].rsplit(" ", 1)[0] + "…"
    return Subject(phrase, frozenset(head), terms | frozenset(head), surface, event)


def cover(part: frozenset[str], whole: frozenset[str]) -> float:
    """Weighted share of ``part``'s terms found in ``whole``."""
    return _w(part & whole) / _w(part) if part else 0.0


_ACRONYM = re.compile(r"\b((?:[A-Z][\w'’-]*\s+(?:(?:of|and|for|the|de|des|du)\s+)?){1,7}[A-Z][\w'’-]*)\s*\(([A-Z][A-Za-z-]{1,9})\)")


def acronyms(text: str) -> dict[str, str]:
    """Abbreviations a bulletin defines ("Secure Exports Scheme (SES)"): the short form -> the long one, when the
    short form's letters start the long form's words in order."""
    out: dict[str, str] = {}
    for m in _ACRONYM.finditer(text):
        words = m.group(1).split()
        short = m.group(2)
        letters = [c for c in short if c.isupper()]
        for i in range(len(words)):
            initials = [w[0] for w in words[i:] if w[0].isupper()]
            if initials == letters:
                out.setdefault(short, " ".join(words[i:]))
                break
    return out


MIN_COVER = 0.6  # the weighted share of a claim's subject words a fact must hold (lookup.FactIndex relies on it)


def match_score(claim: Subject, fact: Subject) -> float | None:
    """How well a claim's subject matches a fact's, or None when they are different subjects."""
    if claim.event and fact.event and claim.event != fact.event:
        return None
    if not claim.head and not claim.terms:
        return 1.0 if claim.event and claim.event == fact.event else None
    head = claim.head or claim.terms
    head_cov = cover(head, fact.terms)
    back = cover(fact.head or fact.terms, claim.terms)
    if claim.surface and claim.surface == fact.surface:
        back = max(back, 0.5)  # "190 members" and "190 exporters": both count operators, so the head matches
    same_event = claim.event is not None and claim.event == fact.event
    if head_cov < MIN_COVER or back < (0.15 if same_event else 0.34):
        return None
    small = min(_w(claim.terms), _w(fact.terms)) or 1.0
    ctx = _w(claim.terms & fact.terms) / small
    bonus = 0.3 if claim.surface and claim.surface == fact.surface else 0.0
    return head_cov + back + 0.5 * ctx + bonus


SAME_SUBJECT_COVER = 0.5  # the weighted share of one subject's head the other's head must hold
SAME_SUBJECT_SHARE = 0.75  # ... and of one subject's head the other's words must hold (check.supersessions relies on
# it to walk only the facts holding one of a subject's rarest words)


def same_subject(a: Subject, b: Subject) -> bool:
    """Two facts measure the same thing (so a newer one supersedes an older one)."""
    if a.event != b.event or (a.surface and b.surface and a.surface != b.surface):
        return False
    ha, hb = a.head or a.terms, b.head or b.terms
    if not ha or not hb:
        return False
    return (cover(ha, hb | b.terms) >= SAME_SUBJECT_SHARE and cover(hb, ha | a.terms) >= SAME_SUBJECT_SHARE
            and cover(ha, hb) >= SAME_SUBJECT_COVER)
