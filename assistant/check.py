"""Check the numbers and dates in any text (an answer, a draft) against the fact table.

Each claim is normalised the same way bulletins are, resolved to fact rows by subject and partner,
and given one verdict: supported, contradicted, stale (a newer bulletin changed the figure) or
unsupported (no bulletin states a figure for that subject). The text's verdict is its worst claim's.
"""

from __future__ import annotations

import bisect
import datetime
import heapq
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.enumeration import listed
from assistant.lifecycle import roles_asked
from corpus import Sentence, find_mentions, split_sentences
from corpus.patterns import rx
from corpus.rules import WEEKDAYS
from index.facts import (
    Fact,
    FactTable,
    Quantity,
    by_sentence,
    describe,
    find_quantities,
    match_score,
    same_subject,
    scope,
)
from index.facts import sentence_period as _sentence_period
from index.facts.events import ERRONEOUS, STATUS_TEXT, Event, current, intended, standing, status
from index.facts.lookup import FactIndex
from index.facts.numbers import norm_parts
from index.facts.rules import CHANGE_BASE, LIFECYCLE, NOT_AN_ARRANGEMENT, START_LEADS
from index.facts.subjects import SAME_SUBJECT_SHARE, Subject, cover, event_of, key_terms, weight

VERDICTS = ("supported", "unsupported", "stale", "contradicted")  # best to worst
_RANK = operator.itemgetter(0, 1)  # (-score, -bulletin_sort): sorted in C, not through a Python key per fact
# Figures and dates one check takes. A claim costs milliseconds, and its subject is read in its whole sentence:
# 500 figures in one 2 KB sentence take ~4 s, 1,000 a minute, on a thread every other user is waiting for. An
# answer or a staff draft holds tens.
MAX_FIGURES = 500
_RELATIVE = {"nearly": (0.9, 1.0), "about": (0.9, 1.1)}
_EPS = 1e-9


Similarity = Callable[[str, list[str]], list[float]]
"""(text, candidates) -> one similarity per candidate; the service backs it with the embedder."""


@dataclass(frozen=True)
class Claim:
    """One numeric or date claim in the checked text and what the fact table says about it."""

    claim: str
    value: str
    unit: str
    verdict: str
    fact: Fact | None = None
    note: str = ""
    kind: str = ""
    start: int = -1
    end: int = -1
    matched: Fact | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "claim": self.claim, "value": self.value, "unit": self.unit, "verdict": self.verdict,
            "fact": fact_json(self.fact) if self.fact else None, "note": self.note,
            "kind": self.kind, "start": self.start, "end": self.end,
        }
        if self.matched is not None:
            out["matched"] = fact_json(self.matched)
        return out


@dataclass(frozen=True)
class CheckResult:
    """The verdict on a whole text: the worst of its claims; "supported" with no claims."""

    text: str
    verdict: str
    claims: tuple[Claim, ...] = ()
    # the figures and dates found in ``text``, for ``ground`` (finding them is ~1 ms an answer)
    quantities: tuple[Quantity, ...] = field(default=(), repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "verdict": self.verdict, "claims": [c.to_json() for c in self.claims]}


def fact_json(fact: Fact) -> dict[str, Any]:
    """A fact as cited in a check: ``quote`` is its sentence, [start, end) the sentence's span."""
    return {
        "value": fact.json_value(), "unit": fact.unit, "subject": fact.subject, "as_of": fact.as_of,
        "source": fact.source, "quote": fact.quote, "start": fact.sent_start, "end": fact.sent_end,
        "value_start": fact.start, "value_end": fact.end, "expr": fact.expr, "kind": fact.kind,
    }


def worst(verdicts: Sequence[str]) -> str:
    """contradicted > stale > unsupported > supported."""
    return max(verdicts, key=VERDICTS.index, default="supported")


def newer(a: Fact, b: Fact) -> bool:
    """Bulletin ``a`` is newer than ``b``. A year-less date is older than any dated one; two year-less
    dates cannot be ordered (the years may differ), so neither supersedes the other."""
    if a.bulletin_year_known and b.bulletin_year_known:
        return a.bulletin_sort > b.bulletin_sort
    return a.bulletin_year_known and not b.bulletin_year_known


def _interval(value: float, qualifier: str | None, tol: float) -> tuple[float, float]:
    if qualifier in _RELATIVE:
        lo, hi = _RELATIVE[qualifier]
        return value * lo - tol, value * hi + tol
    return {
        "more than": (value + _EPS, math.inf), "at least": (value - tol, math.inf),
        "less than": (-math.inf, value - _EPS), "at most": (-math.inf, value + tol),
    }.get(qualifier or "", (value - tol, value + tol))


def numbers_agree(a: float, qa: str | None, ta: float, b: float, qb: str | None, tb: float) -> bool:
    """Same figure allowing for rounding ("4.4 billion" ~ 4.36 billion) and qualifiers ("nearly 40%")."""
    tol = max(ta, tb) + _EPS * max(1.0, abs(a), abs(b))
    if qa == qb:
        return abs(a - b) <= tol
    lo_a, hi_a = _interval(a, qa, ta)
    lo_b, hi_b = _interval(b, qb, tb)
    return lo_a <= hi_b + _EPS and lo_b <= hi_a + _EPS


def _date_parts(q: Quantity | Fact) -> tuple[int | None, int | None, int | None]:
    if isinstance(q, Quantity) and q.date is not None:
        return q.date.year, q.date.month, q.date.day
    return norm_parts(q.norm)


def agree(q: Quantity, f: Fact) -> str:
    """"yes", "no", or "partial" (a date whose year the bulletin does not give)."""
    if q.kind in ("date", "year"):
        cy, cm, cd = _date_parts(q)
        fy, fm, fd = _date_parts(f)
        for c, v in ((cm, fm), (cd, fd)):
            if c is not None and v is not None and c != v:
                return "no"
        finer = (cm is not None and fm is None) or (cd is not None and fd is None)
        if cy is not None and fy is not None:
            # "4 January 2024" against a bulletin's "in 2024": the year fits, the day is the claim's own
            return "no" if cy != fy else "partial" if finer else "yes"
        if finer:
            return "partial"
        return "partial" if cy is not None else "yes"
    if q.value is None or f.value is None:
        return "no"
    if q.kind == "ordinal":
        return "yes" if q.value == f.value else "no"
    return "yes" if numbers_agree(q.value, q.qualifier, q.tolerance, f.value, f.qualifier, f.tolerance) else "no"


def _kinds_fit(q: Quantity, f: Fact) -> bool:
    if q.kind in ("date", "year"):
        return f.kind in ("date", "year")
    if q.kind != f.kind or q.unit != f.unit:
        return False
    return q.role is None or q.role == f.role


class ClaimChecker:
    """Verdicts for the numeric and date claims of a text, from the facts of the indexed bulletins."""

    def __init__(self, table: FactTable, similar: Similarity | None = None, min_similarity: float = 0.7) -> None:
        self.table = table
        self.similar = similar
        self.min_similarity = min_similarity
        # Set per check: the text, its citations and the question's terms the claims are read with.
        self._text: str = ""
        self._cited: Cited = {}
        self._asked: frozenset[str] = frozenset()
        self._asked_role: str | None = None
        self._asked_year: str | None = None
        self._question = ""

    def check(self, text: str, partners: Sequence[str] = (), cited: Cited | None = None,
              facts: Sequence[Fact] | None = None, superseded: dict[str, Fact] | None = None,
              question: str = "", index: FactIndex | None = None) -> CheckResult:
        """Check every numeric or date claim in ``text``; ``partners`` (e.g. the question's) break ties, and a
        bare figure ("1,043 at the end of April") measures what ``question`` asks about.

        ``cited`` (an answer's citations: marker number -> source span) lets a claim resolve to the
        fact row inside the sentence it cites before any costlier matching is tried.
        """
        self._text, self._cited = text, cited or {}
        # A bare figure answers "how many / how much" with the question's subject; a date with no cue of its own
        # ("Indonesia (12 March 2024)") dates the one step the question asks about.
        self._asked = frozenset(key_terms(question)) if question and _HOW_MUCH.search(question) else frozenset()
        self._question = question
        years = rx(r"\b(?:19|20)\d\d\b").findall(question)
        self._asked_year = years[-1] if years else None  # "by the end of 2023": the figure asked is 2023's
        roles = roles_asked(question, None) if question else []
        self._asked_role = roles[0] if len(roles) == 1 and roles[0] not in NOT_AN_ARRANGEMENT else None
        if index is None:  # a caller with a snapshot passes its index, built once per generation
            index = FactIndex(list(facts) if facts is not None else self.table.facts())
        if superseded is None:
            superseded = supersessions(index.facts)
        found = find_quantities(text)
        if len(found) > MAX_FIGURES:
            raise ValueError(f"too many figures and dates to check at once ({len(found):,}; the limit is "
                             f"{MAX_FIGURES:,}): check the text in parts")
        sentences = split_sentences(text)
        claims: list[Claim] = []
        for sent, inside in zip(sentences, by_sentence(sentences, found), strict=True):
            period, period_years = _sentence_period(text, sent, inside)
            dating = [q for q in inside if _as_of_date(text, q, inside)]
            based = {q.start: b for q in inside if (b := _change_of(text, q, inside)) is not None}
            mine: list[Claim] = []
            for q in inside:
                if q.start in period_years or q in dating or q.start in based:
                    continue
                mine.append(_self_contradicted(q, sent) or self._judge(
                    q, sent, inside, None if q.kind == "year" else period, index, superseded, partners))
            claims.extend(_dated_by_siblings(mine, sent, index))
            claims.extend(c for q in inside if q.start in based
                          if (c := _base_year(q, next((m for m in mine if m.start == based[q.start].start), None),
                                              index)) is not None)
            claims.extend(c for q in dating if (c := self._as_of(q, mine, index)) is not None)
        return CheckResult(text, worst([c.verdict for c in claims]), tuple(claims), tuple(found))

    def _judge(self, q: Quantity, sent: Sentence, inside: list[Quantity], period: str | None, facts: FactIndex,
               superseded: dict[str, Fact], partners: Sequence[str]) -> Claim:
        subject = describe(sent.text, q, sent.start, others=[o for o in inside if o is not q])
        if (q.kind not in ("date", "year") and not subject.surface and self._asked and not (subject.head & self._asked)
                and not _PART_OF.search(sent.text[max(0, q.start - sent.start - 30):q.start - sent.start])):
            # A figure that names no noun of its own answers the question: it counts what the question asks about.
            subject = Subject(subject.phrase, self._asked, subject.terms | self._asked, "", subject.event)
        named = claim_economies(sent.text, q.start - sent.start, q.end - sent.start)
        claim_scope = named or set(partners)  # an answer's claims are about its question's economies
        strict = bool(named)  # economies the claim names must all be the fact's; the question's, one of them

        def make(verdict: str, fact: Fact | None = None, note: str = "", matched: Fact | None = None) -> Claim:
            return Claim(q.text, q.norm, q.unit, verdict, fact, note, q.kind, q.start, q.end, matched)

        if q.kind in ("date", "year"):
            if _document_date(sent.text, q.start - sent.start):
                # "ZATCA's release of 29 June 2023", "(GACC, 6 March 2025)": the date of a bulletin, checked
                # against the bulletins' own dates first ("the figures of 12 July, which list the amendment").
                own = [f for f in facts.publications if agree(q, f) == "yes"]
                if own:
                    return make("supported", fact=own[0], note=f"{own[0].source} is dated {own[0].expr!r}")
            by_event = self._judge_event(q, sent, make, partners)
            if by_event is not None:
                return by_event

        scored: list[tuple[float, int, Fact]] = []  # (-score, -bulletin_sort, fact)
        # a subject repeated by many bulletins is scored once: the score reads only the fact's subject words
        scores: dict[tuple[tuple[str, ...], tuple[str, ...], str, str | None], float | None] = {}
        for f in facts.matching(q.kind, q.unit, subject, claim_scope, every=strict):
            if not _kinds_fit(q, f) or (period and f.period and period != f.period):
                continue
            if not _scope_fits(claim_scope, strict, f):  # the claim names an economy the fact does not
                continue
            words = (f.head, f.terms, f.surface, f.event)
            if words not in scores:
                scores[words] = match_score(subject, f.subject_terms)
            score = scores[words]
            if score is None:
                continue
            scored.append((-(score + (0.2 if set(partners) & set(f.partners) else 0.0)), -f.bulletin_sort, f))
        if not scored and q.kind == "date" and subject.head:
            # A dated event with no life-cycle role ("the campaign, from 15 May to …"): every word of the claim's
            # subject in the fact's sentence is match enough.
            scored = [(-1.0, -f.bulletin_sort, f) for f in facts.matching(q.kind, q.unit, subject, claim_scope, every=strict) if f.kind == "date" and not f.subject.startswith("publication date")
                      and (not period or not f.period or f.period == period) and _scope_fits(claim_scope, strict, f)
                      and cover(frozenset(subject.head), frozenset(f.terms)) >= 0.99]
        if not scored:
            grounded = _through_citation(q, self._text, self._cited, facts)
            if grounded is not None:
                fact, n = grounded
                return make("supported", fact=fact, note=f"the cited sentence [{n}] states it")
            return self._fallback(q, sent, period, facts, make, claim_scope, strict, subject)
        scored.sort(key=_RANK)  # best score, then newest bulletin; ties keep their order (a stable sort)
        results = [(f, agree(q, f)) for _, _, f in scored]
        if not period and self._asked_year and q.kind not in ("date", "year"):
            dated = [f for f, a in results if a == "yes" and (f.period == self._asked_year or (
                not f.period and rx(rf"\b(?:end of|as of|as at|by)\s+(?:\w+\s+)?{self._asked_year}\b").search(f.quote)))]
            if dated:  # an answer about the year the question names: that year's figure, however superseded
                return make("supported", fact=dated[0], note=f"the figure for {self._asked_year}, as asked")
        current = [f for f, a in results if a == "yes" and f.id not in superseded and f.role != "previous"]
        if current and current[0].qualifier in _BOUNDS and not q.qualifier:
            # "1,565" fits "more than 1,000", but an exact count of the same thing says otherwise: the exact wins.
            bound_score = next(-sc for sc, _, g in scored if g is current[0])
            exact = [(g, a) for (sc, _, g), (_, a) in zip(scored, results, strict=True) if not g.qualifier
                     and g.id not in superseded and g.role != "previous" and -sc >= 0.75 * bound_score]
            older = [g for g, a in results if a == "yes" and not g.qualifier
                     and (g.id in superseded or g.role == "previous")]
            if exact and exact[0][1] == "yes":
                current = [exact[0][0]]
            elif older:
                current = []  # the exact value is an older count: stale, whatever bound it also fits
            elif exact:
                g = exact[0][0]
                return make("contradicted", fact=g, note=f"{g.source} gives {g.expr!r}")
        if current:
            f = current[0]
            note = f"the bulletin says {f.expr!r}" if f.qualifier != q.qualifier else ""
            return make("supported", fact=f, note=note)
        stale = [f for f, a in results if a == "yes"]
        replaced = {f.id: r for f in stale if f.role == "previous" and (r := _replacement(f, facts)) is not None}
        stale = [f for f in stale if f.id in superseded or f.id in replaced]
        if stale:
            old = stale[0]
            new = superseded.get(old.id) or replaced[old.id]
            if _told_as_past(self._text, q):  # "an earlier bulletin gave 43": said as the old figure it is
                return make("supported", fact=old, note=f"an earlier figure, as the text says; newer {new.source} "
                                                        f"gives {new.expr!r}")
            return make("stale", fact=new, matched=old,
                         note=f"{old.source} gave {old.expr!r}; newer {new.source} (as of {new.as_of}) "
                              f"gives {new.expr!r}")
        partial = [f for f, a in results if a == "partial"]
        if partial:
            f = partial[0]
            return make("unsupported", fact=f,
                         note=f"the bulletin gives {f.expr!r} ({f.norm}) but not the year or day claimed")
        live = [f for f, _ in results if f.id not in superseded] or [f for f, _ in results]
        f = live[0]
        return make("contradicted", fact=f,
                     note=f"{f.source} gives {f.expr!r}" + (f" (as of {f.as_of})" if f.as_of else ""))


    def _judge_event(self, q: Quantity, sent: Sentence, make: Callable[..., Claim],
                     partners: Sequence[str] = ()) -> Claim | None:
        """A date claim about an arrangement's life ("entered into force on …", "was signed on …") is checked
        against the life-cycle events of the pair of economies it names, with the role its cue gives it."""
        role = event_of(sent.text, q.start - sent.start, q.end - sent.start)
        lead = role in (None, "since") and q.kind == "date" and _leads_clause(sent.text, q.start - sent.start)
        if lead:
            role = "in_force"  # "From 4 May 2024: lower inspection rates": when what the clause names began to apply
        elif role in (None, "announce", "since") and self._asked_role and _bare_date(
                sent.text, q.start - sent.start, q.end - sent.start) and not _document_date(
                sent.text, q.start - sent.start):
            # "On 9 April 2024: the report … says …": the date is the answer; a reporting verb beyond the colon
            # dates the report, not it
            role = self._asked_role
        if role not in LIFECYCLE or (intended(sent.text[:q.start - sent.start]) and not lead):
            return None  # not a step, or a target ("aims at signing by the end of 2026"), not a dated step
        named = sorted(claim_economies(sent.text, q.start - sent.start, q.end - sent.start)) or list(
            dict.fromkeys(partners))
        if len(named) == 1 and len(set(named) | set(partners)) == 2:
            named = sorted(set(named) | set(partners))  # "… Chinese customs" in an answer about Israel: the pair
        if not named or len(named) > 2:
            return None
        events = self.table.events(named[0])
        if len(named) == 2:
            events = [e for e in events if set(e.sides) == set(named)]
        else:
            pairs = {e.sides for e in events if e.role == role}
            if len(pairs) != 1 or len({e.sides for e in events}) > 1:
                return None  # one economy with several partners (a hub): which arrangement is meant is not said
            events = [e for e in events if e.sides in pairs]
        stands = standing(events)
        if lead:
            # The clause may describe any step that began to apply (an extension, a resumption): a standing step
            # of the arrangement dated that day supports it; failing one, its entry into force is the rival.
            started = [e for e in events if e.date and stands(e) and e.role in LIFECYCLE
                       and e.role not in NOT_AN_ARRANGEMENT]
            hit = next((e for e in _precise(started, q) if agree(q, _event_fact(e)) == "yes"), None)
            if hit is not None:
                return make("supported", fact=_event_fact(hit))
        same = _precise([e for e in events if e.role == role and e.date and stands(e)], q)
        # Dates called errors, and dates a newer correction notice replaced.
        wrong = [e for e in events if e.date and ((e.role == ERRONEOUS and e.note == role) or
                                                  (e.role == role and not stands(e)))]
        if not same and not wrong:
            lo, hi = q.start - sent.start, q.end - sent.start
            part_lo = sent.text.rfind(";", 0, lo) + 1
            part_hi = sent.text.find(";", hi) if sent.text.find(";", hi) >= 0 else len(sent.text)
            if intended(sent.text[:lo]) or event_of(sent.text[part_lo:part_hi], lo - part_lo, hi - part_lo) != role:
                return None  # a target ("aims to sign by 2026"), or a cue from another part of a list of steps
            if _FUTURE.search(sent.text[part_lo:lo]):
                return make("unsupported", note="a step still to come that no bulletin dates")
            key, _ = status(events)
            if events and key in NOT_AN_ARRANGEMENT and role not in NOT_AN_ARRANGEMENT:
                return make("contradicted", note=f"{' and '.join(named)}: {STATUS_TEXT[key]}")
            if any(e.role in LIFECYCLE and e.role != "status" for e in events):
                return make("unsupported", note=f"the bulletins give no {role.replace('_', ' ')} date for "
                                                f"{' and '.join(named)}")
            return None
        for e in same:
            if agree(q, _event_fact(e)) == "yes":
                return make("supported", fact=_event_fact(e))
        for e in wrong:
            if agree(q, _event_fact(e)) == "yes":
                valid = current(same, role)
                said = (f"{e.source} calls {e.date_text!r} an error" if e.role == ERRONEOUS else
                        f"{e.source} gave {e.date_text!r}, which a later correction replaced")
                return make("contradicted", fact=_event_fact(valid) if valid else None,
                            note=said + (
                                f"; the valid date is {valid.date_text!r} ({valid.source})" if valid else ""))
        if any(agree(q, _event_fact(e)) == "partial" for e in same):
            e = next(e for e in same if agree(q, _event_fact(e)) == "partial")
            return make("unsupported", fact=_event_fact(e),
                        note=f"the bulletin gives {e.date_text!r} ({e.date}) but not the year or day claimed")
        valid = current(same, role)
        if valid is None:
            return None
        return make("contradicted", fact=_event_fact(valid), note=f"{valid.source} gives {valid.date_text!r}")

    def _as_of(self, q: Quantity, figures: Sequence[Claim], facts: FactIndex) -> Claim | None:
        """"As of 28 February 2025, 30 arrangements": the date is checked against the date in the sentence of the
        figure it dates; with no figure found, it is no claim of its own."""
        matched = [c.matched if c.verdict == "stale" else c.fact for c in figures
                   if c.verdict in ("supported", "stale") and c.kind not in ("date", "year")]
        for fact in matched:
            if fact is None:
                continue
            own = [f for f in facts.of_source(fact.source) if f.kind == "date"
                   and not f.subject.startswith("publication date") and f.sent_start <= fact.sent_start]
            dates = [f for f in own if f.sent_start == fact.sent_start]
            if not dates and own and rx(r"\b(?:same|that) date\b", re.I).search(fact.quote):
                # "As of the same date there were 5,612": the date of the sentence before
                dated = [f for f in own if _AS_OF.search(f.quote[:f.start - f.sent_start])] or own
                last = max(f.sent_start for f in dated)
                dates = [f for f in dated if f.sent_start == last]
            if not dates:
                continue
            same = [f for f in dates if agree(q, f) == "yes"]
            verdict, f = ("supported", same[0]) if same else ("contradicted", dates[0])
            return Claim(q.text, q.norm, q.unit, verdict, f, "" if same else f"{f.source} dates the figure "
                         f"{f.expr!r}", q.kind, q.start, q.end)
        return None

    def _fallback(self, q: Quantity, sent: Sentence, period: str | None, facts: FactIndex,
                  make: Callable[..., Claim], claim_scope: set[str] | None = None, strict: bool = True,
                  subject: Subject | None = None) -> Claim:
        """When no subject matches by its terms: the right figure for another period is a misdated figure (a
        different figure for a period no bulletin covers stays unsupported), and a bulletin sentence that says the same thing in other words (by embedding similarity)
        decides the claim by the facts it states."""
        said = describe(sent.text, q, sent.start)
        subject = subject or said  # the question's subject for a figure naming none, to match a misdated figure
        if period:
            for f in facts.matching(q.kind, q.unit, subject):
                if (_kinds_fit(q, f) and f.period and f.period != period and agree(q, f) == "yes"
                        and (q.value is None or f.value is None or numbers_agree(q.value, None, q.tolerance, f.value,
                                                                                   None, f.tolerance))
                        and match_score(subject, f.subject_terms) is not None):  # the same number, misdated
                    return make("contradicted", fact=f, note=f"{f.source} gives {f.expr!r} for {f.period}, not {period}")
        if self.similar is not None:
            # Only a sentence about the same economies and the same period can contradict the claim: a like
            # sentence about another partner or year says nothing of this one.
            # A bare answer ("On 18 September 2024.") means what the question asks: compare both together.
            probe = sent.text if said.head or not self._question else f"{self._question} {sent.text}"
            fitting = [f for f in facts.sharing(q.kind, q.unit, key_terms(probe)) if _kinds_fit(q, f)
                       and f.unit == q.unit and not f.subject.startswith("publication")
                       and not (period and f.period and f.period != period)
                       and _scope_fits(claim_scope or set(), strict, f)]
            quotes = list(dict.fromkeys(f.quote for f in fitting))
            if quotes:
                sims = self.similar(probe, quotes)
                best = max(range(len(quotes)), key=lambda i: sims[i])
                if sims[best] >= self.min_similarity:
                    # Rows of one table read alike ("release time before the pilot | 3.1 days", "… after | 1.4
                    # days"): any near-best sentence stating the value supports it.
                    near = {quotes[i] for i in range(len(quotes)) if sims[i] >= max(self.min_similarity,
                                                                                     sims[best] - 0.05)}
                    agreeing = [f for f in fitting if f.quote in near and agree(q, f) == "yes"]
                    if agreeing:
                        return make("supported", fact=agreeing[0], note="a bulletin sentence says the same")
                    in_sentence = [f for f in fitting if f.quote == quotes[best]]
                    if q.kind in ("date", "year") and _document_date(sent.text, q.start - sent.start):
                        # "ZATCA's release of 26 June 2023": the bulletin that sentence is about is dated otherwise
                        own = [f for f in facts.of_source(in_sentence[0].source)
                               if f.subject.startswith("publication date")]
                        if own and agree(q, own[0]) == "no":
                            return make("contradicted", fact=own[0], note=f"{own[0].source} is dated {own[0].expr!r}")
                    # A like sentence contradicts only with a value of the same kind of thing that the claim does
                    # not state itself elsewhere ("From 1 October …, as agreed on 4 June": 1 October is the claim's
                    # own), and never with a bulletin's own date or a weekday.
                    stated = [o for o in find_quantities(sent.text) if o.start != q.start - sent.start]
                    ranked = sorted((quotes[i] for i in range(len(quotes)) if sims[i] >= self.min_similarity),
                                    key=lambda x: -sims[quotes.index(x)])
                    rivals = [f for quote in ranked for f in fitting if f.quote == quote
                              if (not said.surface or not f.surface or f.surface == said.surface)
                              and not f.subject.startswith("publication date")
                              and not (f.kind == "date" and not rx(r"\d").search(f.expr))
                              and (q.kind not in ("date", "year") or f.event == said.event)
                              and not any(agree(o, f) == "yes" for o in stated if _kinds_fit(o, f))]
                    if rivals and not any(agree(q, f) == "partial" for f in in_sentence):
                        f = rivals[0]
                        return make("contradicted", fact=f,
                                    note=f"{f.source} gives {f.expr!r}" + (f" (as of {f.as_of})" if f.as_of else ""))
        return make("unsupported", note="no bulletin gives a figure for this subject")


# "will sign", "is expected to take effect": a claim about what is still to come.
_FUTURE = re.compile(r"\b(?:will|shall|is (?:expected|due|set|scheduled) to|are (?:expected|due|set|scheduled) to|"
                     r"plans? to|intends? to|going to)\b", re.I)
_BOUNDS = ("more than", "at least", "less than", "nearly")
_HOW_MUCH = re.compile(r"\bhow (?:many|much|large|big|high|fast)\b|\bwhat (?:share|percentage|proportion|number|"
                       r"total|value|amount|rate)\b|\bnumber of\b", re.I)
# "the other three", "of which 8", "the remaining 2": a part of what was counted, not the count asked for.
_PART_OF = re.compile(r"\b(?:other|remaining|rest|of which|of them|among them|another)\s*$", re.I)


_WEEKDAY = "|".join(WEEKDAYS)
_DAY_BEFORE = re.compile(rf"\b({_WEEKDAY}),?\s*(?:the\s+)?$", re.I)
_DAY_AFTER = re.compile(rf"^\s*(?:\(\s*|,\s*)(?:a|which was a|being a)?\s*({_WEEKDAY})\b", re.I)


def _dated_by_siblings(claims: list[Claim], sent: Sentence, facts: FactIndex) -> list[Claim]:
    """"On 9 April: the report dated 15 April 2021 says …", "23 December 2022, announcing implementation from 1
    January 2023": a bulletin's date that no bulletin's date confirms is checked against the date of the bulletin
    the other claims of its clause were found in."""
    out = []
    for c in claims:
        lo, hi = c.start - sent.start, c.end - sent.start
        if c.verdict == "unsupported" and c.kind == "date" and c.start >= 0 and (
                _document_date(sent.text, lo) or event_of(sent.text, lo, hi) == "announce"):
            c0 = sent.text.rfind(";", 0, lo) + 1
            c1 = sent.text.find(";", hi) if sent.text.find(";", hi) >= 0 else len(sent.text)
            sources = {o.fact.source for o in claims if o is not c and o.verdict == "supported" and o.fact is not None
                       and not o.fact.subject.startswith("publication date")
                       and c0 <= o.start - sent.start and o.end - sent.start <= c1}
            own = [f for f in facts.publications if sources == {f.source}]
            if own:
                q = next((x for x in find_quantities(sent.text) if x.start == lo), None)
                fits = q is not None and agree(q, own[0]) == "yes"
                c = replace(c, verdict="supported" if fits else "contradicted", fact=own[0],
                            note=f"{own[0].source} is dated {own[0].expr!r}")
        out.append(c)
    return out


def _self_contradicted(q: Quantity, sent: Sentence) -> Claim | None:
    """A claim the text itself gives the lie to: a date beside a weekday it did not fall on ("18 April 2024 (a
    Monday)"), or a count heading a list of another length ("Six: Indonesia, Nicaragua and Peru")."""
    if q.kind == "date" and q.date is not None and q.date.year and q.date.month and q.date.day:
        lo, hi = q.start - sent.start, q.end - sent.start
        named = _DAY_BEFORE.search(sent.text[max(0, lo - 15):lo]) or _DAY_AFTER.match(sent.text[hi:hi + 30])
        if named:
            day = next(d for d in WEEKDAYS if d.lower() == named.group(1).lower())
            try:
                actual = datetime.date(q.date.year, q.date.month, q.date.day).weekday()
            except ValueError:
                return None
            if actual != WEEKDAYS[day]:
                said = next(d for d, n in WEEKDAYS.items() if n == actual)
                return Claim(q.text, q.norm, q.unit, "contradicted", None,
                             f"{q.text} was a {said}, not a {day}", q.kind, q.start, q.end)
        return None
    if q.kind != "count" or q.value is None or q.qualifier or q.value != int(q.value):
        return None
    span = listed(sent.text, q.end - sent.start)
    if span is None or span[0] <= q.value <= span[1]:
        return None
    items = str(span[0]) if span[0] == span[1] else f"{span[0]} or {span[1]}"
    return Claim(q.text, q.norm, q.unit, "contradicted", None, f"the text itself lists {items}, not {q.text}",
                 q.kind, q.start, q.end)


def claim_economies(sentence: str, start: int, end: int) -> set[str]:
    """The economies a claim is about: those its sentence names; in a list naming three or more ("Israel (in
    force …) and Mongolia (…)"), the one nearest before the figure, with a partner joined to it by a dash."""
    named = list(dict.fromkeys(scope(sentence, None)))
    mentions = [m for m in find_mentions(sentence) if m.end <= start]
    in_item = bool(mentions) and "(" in sentence[mentions[-1].end:start] and ")" not in sentence[mentions[-1].end:start]
    if len(named) <= 2 and not in_item:
        return set(named)
    if not mentions:
        return set()
    last = mentions[-1]
    out = {last.name}
    if len(mentions) > 1 and rx(r"\s*[–-]\s*|\s+and\s+").fullmatch(sentence[mentions[-2].end:last.start]):
        out.add(mentions[-2].name)
    return out


def _scope_fits(claim_scope: set[str], strict: bool, f: Fact) -> bool:
    """Whether a fact can speak to a claim about ``claim_scope``: every economy the claim itself names is the
    fact's (its issuer's, or named in its sentence or bulletin); economies read from the question need one."""
    mine = claim_scope - {f.home}
    if not mine:
        return True
    theirs = set(f.scope) | set(f.partners)
    return mine <= theirs if strict else bool(mine & theirs)


_AS_OF = re.compile(r"\bas (?:of|at)\s*$|\b(?:at|by) the end of\s*$", re.I)


# A date naming a document's day: "release of 29 June 2023", "report dated Oct. 18", "(GACC spokesperson, 12
# January 2024)".
_DOC_BEFORE = re.compile(r"(?:\b(?:releases?|updates?|reports?|communiqu[eé]s?|notices?|circulars?|announcements?|"
                         r"statements?|bulletins?|news|articles?|figures|transcripts?|briefings?|sheets?|advisor(?:y|ies)|"
                         r"letters?|spokes(?:man|woman|person))\b[^.;()]{0,25}?|\b(?:dated|datelined|published|issued|"
                         r"released)(?:\s+on)?|\([A-Z][^()]{0,60},)\s*\(?\s*$", re.I)


def _document_date(sentence: str, start: int) -> bool:
    return bool(_DOC_BEFORE.search(sentence[max(0, start - 60):start]))


_PAST_FIGURE = re.compile(r"\b(?:earlier|previous(?:ly)?|formerly|former|older|before|out of date|superseded|"
                          r"replac\w*|revised (?:up|down)?\s*from|up from|down from|compared (?:with|to))\b[^.;]{0,80}$",
                          re.I)


def _told_as_past(text: str, q: Quantity) -> bool:
    """Whether the text itself gives a figure as a past or replaced one ("an earlier bulletin gave 43")."""
    return bool(_PAST_FIGURE.search(text[max(0, q.start - 110):q.start]))


_LEAD = re.compile(r"(?:^|[:;(—–]|\s-)\s*(?:" + "|".join(START_LEADS) + r")\s*$", re.I)


def _leads_clause(sentence: str, start: int) -> bool:
    """A date that opens its clause after a start word ("From 4 May 2024: …", "…; since 1 March, …")."""
    return bool(_LEAD.search(sentence[:start]))


def _precise(events: Sequence[Event], q: Quantity) -> list[Event]:
    """The events dated at least as finely as the claim (a day, not only a year), or all when none is."""
    need = sum(p is not None for p in _date_parts(q))
    fine = [e for e in events if sum(p is not None for p in norm_parts(e.date or "")) >= need]
    return fine or list(events)


def _bare_date(sentence: str, start: int, end: int) -> bool:
    """A date given as the answer itself ("On 1 June 2024.", "Indonesia (12 March 2024)", a short clause), not
    inside a sentence of its own: only such a date takes its role from the question."""
    if sentence[:start].rstrip().endswith("(") and sentence[end:].lstrip().startswith(")"):
        return True
    lo = max(sentence.rfind(";", 0, start), sentence.rfind(":", 0, start)) + 1
    ends = [p for p in (sentence.find(";", end), sentence.find(":", end)) if p >= 0]
    hi = min(ends) if ends else len(sentence)
    clause = sentence[lo:start] + " " + sentence[end:hi]  # "On 9 April 2024: the report …": the part before ":"
    clause = rx(r"\([^()]*\)").sub(" ", clause)  # an aside ("(the report dated …)") is not the clause's own words
    return len(rx(r"[A-Za-z]{2,}").findall(clause)) <= 12


def _as_of_date(text: str, q: Quantity, inside: Sequence[Quantity]) -> bool:
    """"As of 28 February 2025 there were 5,612 …": the date dates the figure; it is not a claim of its own."""
    if q.kind not in ("date", "year") or not _AS_OF.search(text[max(0, q.start - 20):q.start]):
        return False
    # only a figure of its own clause: in "Three stages: compare … by the end of 2024; …" the year dates a step
    return any(o.kind not in ("date", "year") and not rx(r"[;:]").search(text[min(o.end, q.end):max(o.start, q.start)])
               for o in inside)


_BASE = re.compile(r"\b(?:" + "|".join(CHANGE_BASE) + r")\s+(?:the\s+)?(?:year\s+)?$", re.I)


def _change_of(text: str, q: Quantity, inside: Sequence[Quantity]) -> Quantity | None:
    """"up 11.4% on 2023": the change figure a base year belongs to, or None when ``q`` is no base year."""
    if q.kind != "year" or not _BASE.search(text[max(0, q.start - 25):q.start]):
        return None
    before = [o for o in inside if o.end <= q.start and o.kind in ("percent", "money", "count")]
    return before[-1] if before and q.start - before[-1].end <= 20 else None


def _base_year(q: Quantity, change: Claim | None, facts: FactIndex) -> Claim | None:
    """The year a change is measured from, checked against the base year in the sentence of the change's fact; no
    claim of its own when that fact is not found or names no base."""
    fact = change.fact if change is not None and change.verdict == "supported" else None
    if fact is None:
        return None
    bases = [f for f in facts.of_source(fact.source) if f.sent_start == fact.sent_start and f.kind == "year"
             and _BASE.search(f.quote[max(0, f.start - f.sent_start - 25):f.start - f.sent_start])]
    if not bases:
        return None
    same = [f for f in bases if agree(q, f) == "yes"]
    verdict, f = ("supported", same[0]) if same else ("contradicted", bases[0])
    return Claim(q.text, q.norm, q.unit, verdict, f, "" if same else f"{f.source} measures the change from {f.expr!r}",
                 q.kind, q.start, q.end)


def _replacement(old: Fact, facts: FactIndex) -> Fact | None:
    """The value that replaced ``old`` in its own sentence ("30 arrangements, replacing 28")."""
    same = [f for f in facts.of_source(old.source) if f.sent_start == old.sent_start and f.kind == old.kind
            and f.unit == old.unit and f.role != "previous" and f.id != old.id]
    return min(same, key=lambda f: abs(f.start - old.start)) if same else None


def _event_fact(e: Event) -> Fact:
    """An event in the shape of a date fact, so a claim's verdict cites it like any other fact."""
    return Fact(
        id=f"event:{e.source}:{e.start}", source=e.source, doc_id="", kind="date", unit="date", value=None,
        norm=e.date or "", expr=e.date_text, start=e.start, end=e.end, quote=e.quote, sent_start=e.sent_start,
        sent_end=e.sent_end, subject=f"{e.role} of the {e.sides[0]}–{e.sides[1]} arrangement", event=e.role,
        as_of=e.bulletin_date, partners=e.sides, bulletin_date=e.bulletin_date, bulletin_sort=e.bulletin_sort,
        bulletin_year_known=bool(e.bulletin_date and e.bulletin_date[:4].isdigit()),
    )


def supersessions(facts: list[Fact]) -> dict[str, Fact]:
    """Fact id -> the newest fact from a newer bulletin giving a different value for the same subject.

    A figure for a named period (trade in 2022) is a point of its own series and is superseded only by a figure
    for the same period; a stock without a period ("5,118 ACEs", "as of 30 June: 28 arrangements") is
    superseded by a newer one with or without a period. Facts are bucketed by what must be equal anyway (kind,
    unit, role, event, the noun counted); within a bucket a fact meets only facts sharing a subject word (the
    rule rejects the rest anyway) and could pass its scope and period tests, newest first through newest-first
    lists kept per word, economy and period (``_Cells``), and stops at the first that supersedes it or the
    first that is not newer: the pairs compared stay few as the corpus grows.

    A figure repeated unchanged by bulletin after bulletin would still walk past every newer repetition (a
    quadratic cluster). Facts the rule cannot tell apart (same subject, value, scope, period and home) have the
    same candidates among facts newer than both, so a fact starts from its last-met twin (as new or newer):
    it takes the twin's answer when there is one, and otherwise reads only the facts from the twin's age on.
    """
    groups: dict[tuple[str, str, str | None, str | None, str], list[Fact]] = {}
    for f in facts:
        groups.setdefault((f.kind, f.unit, f.role, f.event, f.surface), []).append(f)
    out: dict[str, Fact] = {}
    for group in groups.values():
        # newest first (a year-less bulletin is newer than none), ties in table order as a scan would meet them
        order = sorted(range(len(group)), key=lambda i: (not group[i].bulletin_year_known, -group[i].bulletin_sort))
        rank = {i: r for r, i in enumerate(order)}
        cells = _Cells()
        for i in order:
            cells.add(i, group[i])
        block_start: list[int] = []  # rank -> the first rank of its bulletin-age tie (none newer than another)
        for r, i in enumerate(order):
            same_age = r > 0 and _age(group[order[r - 1]]) == _age(group[i])
            block_start.append(block_start[-1] if same_age else r)
        twins: dict[tuple[Any, ...], int] = {}  # per set of indistinguishable facts, the last met (the oldest)
        found: dict[int, Fact | None] = {}
        for f_i in order:  # newest first, so a twin met before is as new as ``f`` or newer
            f, key = group[f_i], _twin_key(group[f_i])
            twin = twins.get(key)
            twins[key] = f_i
            # Both have the same candidates among facts newer than the twin: its answer is the newest of them
            found[f_i] = hit = found[twin] if twin is not None else None
            if hit is not None:
                out[f.id] = hit
                continue
            lists = cells.needed(f)
            if twin is not None:  # none newer than the twin supersedes: read from the twin's age on
                begin = block_start[rank[twin]]
                lists = [lst[bisect.bisect_left(lst, begin, key=rank.__getitem__):] for lst in lists]
            seen: set[int] = set()
            for i in heapq.merge(*lists, key=rank.__getitem__):  # lazily, newest first
                if i in seen:
                    continue
                seen.add(i)
                g = group[i]
                if not newer(g, f):
                    break  # the rest are no newer
                if g.source == f.source:
                    continue
                if f.scope and g.scope and not set(f.scope) & set(g.scope):
                    continue  # a fact about other economies
                if f.period and g.period != f.period and not (f.kind == "count" and g.period is None):
                    continue  # a flow for a named period (trade in 2022) is its own point; a count is a stock
                if f.home and g.home and f.home != g.home and not (set(f.scope) - {f.home}) and \
                        not (set(g.scope) - {g.home}):
                    continue  # another administration's own figure (its network) is another quantity; a figure
                    # about a named economy ("Jordanian AEOs") is the same whoever reports it
                if _same_value(f, g) or not same_subject(f.subject_terms, g.subject_terms):
                    continue
                out[f.id] = found[f_i] = g
                break
    return out


def _age(f: Fact) -> tuple[bool, int]:
    """What ``newer`` compares: two facts of equal age (or both year-less) are not newer than each other."""
    return (True, f.bulletin_sort) if f.bulletin_year_known else (False, 0)


def _twin_key(f: Fact) -> tuple[Any, ...]:
    """Everything the supersession rule reads of the older fact, but its bulletin."""
    return (f.subject, f.head, f.terms, f.surface, f.event, f.scope, f.period, f.home, f.value, f.qualifier,
            f.tolerance, f.norm)


class _Cells:
    """A bucket's facts (by index, newest first) per subject word, economy of their scope ("" for none) and
    period, so a fact's walk meets only facts that share one of its words and pass the scope and period tests:
    in a corpus of many partners most facts sharing a word are about other economies or other years."""

    def __init__(self) -> None:
        self.lists: dict[tuple[str, str, str | None], list[int]] = {}
        self.keys: dict[str, list[tuple[str, str | None]]] = {}  # word -> its (economy, period) cells
        self.count: dict[str, int] = {}  # word -> facts holding it

    def add(self, i: int, f: Fact) -> None:
        """Add fact ``i`` (added newest first, so every list stays newest first)."""
        for word in set(f.head) | set(f.terms):
            self.count[word] = self.count.get(word, 0) + 1
            for economy in f.scope or ("",):
                cell = (word, economy, f.period)
                if cell not in self.lists:
                    self.lists[cell] = []
                    self.keys.setdefault(word, []).append((economy, f.period))
                self.lists[cell].append(i)

    def needed(self, f: Fact) -> list[list[int]]:
        """Lists among which any fact that could supersede ``f`` must be. ``same_subject`` wants 3/4 of the weight
        of ``f``'s subject words among the other's words, so the other misses at most a quarter: it holds one of
        ``f``'s rarest words whose weights add up to more than that quarter. Of each such word, the cells of an
        economy ``f`` names (or none) and of its period (or none, for a count: a stock), or every cell where
        ``f`` names no economy or no period."""
        words = frozenset(f.head) or frozenset(f.terms)
        if not words:
            return []
        budget = (1.0 - SAME_SUBJECT_SHARE) * sum(weight(t) for t in words)
        economies = set(f.scope) | {""} if f.scope else None
        periods = {f.period, None} if f.period and f.kind == "count" else {f.period} if f.period else None
        lists: list[list[int]] = []
        covered = 0.0
        for word in sorted(words, key=lambda t: (self.count.get(t, 0), t)):
            for economy, period in self.keys.get(word, ()):
                if (economies is None or economy in economies) and (periods is None or period in periods):
                    lists.append(self.lists[(word, economy, period)])
            covered += weight(word)
            if covered > budget + 1e-9:
                break
        return lists


def _same_value(a: Fact, b: Fact) -> bool:
    if a.value is None or b.value is None:
        return a.norm == b.norm
    return numbers_agree(a.value, a.qualifier, a.tolerance, b.value, b.qualifier, b.tolerance)


_MARKS = re.compile(r"(?:\s*\[\d+\])+")
Cited = dict[int, tuple[str, int, int]]


def _through_citation(q: Quantity, text: str, cited: Cited, facts: FactIndex) -> tuple[Fact, int] | None:
    """The fact row with the claim's value inside the sentence the claim cites, and that marker."""
    if not cited:
        return None
    marks = _MARKS.search(text, q.end)
    numbers = [int(n) for n in rx(r"\d+").findall(marks.group(0))] if marks else []
    for n in numbers:
        if n not in cited:
            continue
        src, s, e = cited[n]
        for f in facts.of_source(src):
            if s <= f.start and f.end <= e and _kinds_fit(q, f) and agree(q, f) == "yes":
                return f, n
    return None


def ground(result: CheckResult, facts: FactIndex | Sequence[Fact], cited: Cited) -> CheckResult:
    """Resolve claims through the citations that follow them in an answer.

    A composed answer cites the very sentence each figure comes from. When subject matching ties a
    claim to another row, a fact row inside the sentence the claim cites, with the same value,
    supports it: the number is resolved to a row by its citation instead of by its wording.
    ``cited`` maps each marker number to (source, start, end) of its quote.
    """
    if not result.claims or not cited:
        return result
    index = facts if isinstance(facts, FactIndex) else FactIndex(facts)
    quantities = {q.start: q for q in result.quantities or find_quantities(result.text)}
    claims = []
    for claim in result.claims:
        q = quantities.get(claim.start)
        grounded = None
        if claim.verdict in ("unsupported", "contradicted") and q is not None:
            grounded = _through_citation(q, result.text, cited, index)
        if grounded is None:
            claims.append(claim)
        else:
            claims.append(replace(claim, verdict="supported", fact=grounded[0],
                                  note=f"the cited sentence [{grounded[1]}] states it"))
    return CheckResult(result.text, worst([c.verdict for c in claims]), tuple(claims))
