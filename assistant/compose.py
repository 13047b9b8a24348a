"""Answer composition without an LLM: a plain-language answer per kind of question, built from the
arrangement records and fact rows where they answer it, and from the best sentences otherwise.

Every sentence carries [n] citations to exact spans. When the bulletins do not give what was asked
(a signing date, a code), the answer says so and never substitutes something else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import assistant.lifecycle as lifecycle
from assistant.answer import CitationBook, as_sentence, extractive, relevant
from assistant.corpus_view import CorpusView
from assistant.evidence import Evidence, content_words, sentences_of
from assistant.understand import Intent
from corpus.clean import CELL_SEP
from corpus.partners import find_mentions
from corpus.patterns import rx
from corpus.records import PartialDate
from corpus.regions import in_region
from index.catalog import DocumentRow
from index.facts import Arrangement, Fact, FactTable
from index.facts.events import Event
from index.facts.records import FieldSpan
from index.facts.subjects import cover, key_terms, same_subject, weight

_FIELD_WORDS = {"signed": "signed", "in_force": "takes effect", "announced": "announced"}


@dataclass(frozen=True)
class Composed:
    """The answer's status and text; citations live in the CitationBook it was written with."""

    status: str
    text: str


class Composer:
    """Writes answers from the fact table, the bulletins and the retrieved evidence."""

    def __init__(self, table: FactTable, view: CorpusView) -> None:
        self.table = table
        self.view = view  # built once per index generation (service.Snapshot.view)
        self.docs = view.docs
        self.named = view.named
        self.arrangements = view.arrangements
        self.facts = view.facts
        self.homes = view.homes
        self.issuers = view.issuers  # economies whose administrations issued bulletins

    # -- citing -----------------------------------------------------------------------------
    def cite(self, book: CitationBook, source: str, pos: int, end: int | None = None) -> int | None:
        """Cite the sentence of ``source`` that contains ``pos`` (through ``end``)."""
        doc = self.docs.get(source)
        if doc is None or pos < 0:
            return None
        sents = sentences_of(doc.text)
        hit = [s for s in sents if s.end > pos and s.start <= (end if end is not None else pos)]
        if not hit:
            return None
        start, stop = hit[0].start, hit[-1].end
        return _cite(book, doc, start, stop)

    def _cite_field(self, book: CitationBook, span: FieldSpan | None) -> str:
        if span is None or span.start < 0:
            return ""
        n = self.cite(book, span.source, span.start, span.end)
        return f" [{n}]" if n else ""

    def _cite_dateline(self, book: CitationBook, source: str) -> str:
        """Cite where a bulletin gives its own date, so a date label in an answer is grounded too."""
        doc = self.docs.get(source)
        if doc is None or doc.date is None or doc.date.start < 0:
            return ""
        n = self.cite(book, source, doc.date.start, doc.date.end)
        return f" [{n}]" if n else ""

    def _date_label(self, source: str) -> str:
        doc = self.docs.get(source)
        return doc.date.label() if doc and doc.date else "undated"

    # -- dispatch ---------------------------------------------------------------------------
    def compose(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed:
        missing = self.unknown_partners(intent)
        if intent.kind == "out_of_scope":
            answered = self._topic_answer(intent, evidence, book)
            if answered is not None:  # "does the arrangement change duties?" when a bulletin says it does not
                return answered
            return Composed("not_found", "The bulletins do not cover this: they announce customs arrangements "
                            "(such as AEO mutual recognition) and say nothing on " + _topic(intent.question) + ".")
        if missing:
            names = " or ".join(missing)
            return Composed("not_found", f"The bulletins do not mention {names}, so they say nothing about an "
                            f"arrangement with {names}.")
        handler = {
            "eligibility": self.eligibility, "benefits": self.benefits, "date": self.date,
            "figure": self.figure, "procedure": self.procedure, "list": self.listing, "search": self.search,
            "definition": self.definition,
        }.get(intent.kind)
        if handler is not None:
            composed = handler(intent, evidence, book)
            if composed is not None:
                return composed
        text = extractive(evidence, book)
        return Composed("answered", text) if text else Composed("not_found", "")

    def _topic_answer(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        """A question on a topic the bulletins mostly leave alone (duties, tariffs) is answered when a sentence of
        a bulletin about the arrangement asked speaks of exactly that topic; its answer part is quoted."""
        topic = _topic(intent.question)
        if topic == "that topic" or not intent.partners or not _EFFECT_QUESTION.search(intent.question):
            return None  # a rate or a figure for the topic is not what the bulletins give; only whether it changes
        stem = topic.rstrip("s")[:5]
        for arr in self.targets(intent, evidence)[:2]:
            for source in arr.sources:
                doc = self.docs.get(source)
                sents = sentences_of(doc.text) if doc else []
                for i, sent in enumerate(sents):
                    if doc is None or stem not in sent.text.lower():
                        continue
                    chosen = sents[i + 1:i + 3] if sent.text.rstrip().endswith("?") else [sent]
                    parts = []
                    for c in chosen:
                        n = _cite(book, doc, c.start, c.end)
                        parts.append(f"{as_sentence(c.text)} [{n}]")
                    if parts:
                        return Composed("answered", " ".join(parts))
        return None

    def _economies(self, source: str) -> set[str]:
        doc = self.docs.get(source)
        return doc.economies() if doc else set()

    def unknown_partners(self, intent: Intent) -> list[str]:
        """Partners the question names that no indexed bulletin mentions at all."""
        return [p for p in intent.partners if p not in self.named]

    def targets(self, intent: Intent, evidence: Sequence[Evidence]) -> list[Arrangement]:
        """The arrangements a question is about: the pair it names, else every arrangement of the economy it names
        (narrowed by the evidence when that economy is a hub), else the best evidence bulletin's."""
        named = list(intent.partners)
        arrangements = self._in_regions(self.arrangements, intent)
        if intent.regions and not [p for p in named if p not in self.homes]:
            return arrangements  # "which Central Asian country …, since when?": that region's arrangements
        if len(named) >= 2:  # "China and Serbia", "a Korean AEO … in Thailand": both sides must match
            found = [a for a in arrangements if set(named[:2]) <= set(a.sides)]
            if not found:
                found = [a for a in arrangements if len(set(named) & set(a.sides)) >= 2]
            if found:
                return found
        specific = [p for p in named if p not in self.homes] or named
        found = [a for a in arrangements if any(a.involves(p) for p in specific)]
        if len(specific) == 1 and specific[0] not in self.homes and len(found) > 1 and self.homes:
            # "aeo korea since when": one economy with several arrangements; the corpus's hub is the other side
            with_hub = [a for a in found if set(a.sides) & self.homes]
            if len(with_hub) == 1:
                return with_hub
        if len(found) > 1 and evidence:
            top = [e.passage.source for e in evidence[:3]]
            near = [a for a in found if any(src in a.sources for src in top)]
            if near and all(p in self.homes for p in specific):
                return near[:1]
            if near and len(specific) == 1 and len({a.other(specific[0]) for a in found}) > 1 and not intent.mine:
                return near[:1]
        if found or named:
            return found
        if evidence and intent.followup is False:
            top_source = evidence[0].passage.source
            return [a for a in arrangements if top_source in a.sources][:1]
        return []

    def _cite_pos(self, book: CitationBook) -> Callable[[str, int, int], str]:
        def cite(source: str, start: int, end: int) -> str:
            n = self.cite(book, source, start, end) if start >= 0 else None
            return f" [{n}]" if n else ""
        return cite

    def _find(self, book: CitationBook) -> Callable[[Arrangement, Callable[[str], bool]], str]:
        def find(arr: Arrangement, wanted: Callable[[str], bool]) -> str:
            # The arrangement's own bulletins (about this pair only) first, newest first; then the others.
            def own(source: str) -> bool:
                doc = self.docs.get(source)
                return bool(doc) and len([p for p in doc.partners if p != doc.home]) <= 1  # type: ignore[union-attr]
            ordered = sorted(reversed(arr.sources), key=lambda src: not own(src))
            for source in ordered:
                doc = self.docs.get(source)
                for sent in sentences_of(doc.text) if doc else []:
                    if doc and wanted(sent.text):
                        n = _cite(book, doc, sent.start, sent.end)
                        return f"{as_sentence(sent.text)} [{n}]"
            return ""
        return find

    def _separate_application(self, intent: Intent, evidence: Sequence[Evidence],
                              book: CitationBook) -> Composed | None:
        """"Do I need to apply separately?": the bulletin's own sentence on applying or re-applying, quoted; when
        no bulletin says, not found (the benefits list does not answer it)."""
        if not _SEPARATE.search(intent.question):
            return None
        for e in evidence[:10]:  # the retrieved sentences first: a spokesperson's general rule counts too
            if _APPLY_WORD.search(e.sentence.text) and _NO_NEED.search(e.sentence.text):
                return Composed("answered", f"The bulletin says: {as_sentence(e.sentence.text)} [{book.cite(e)}]")
        find = self._find(book)
        for arr in self.targets(intent, evidence)[:2]:
            said = find(arr, lambda text: bool(_APPLY_WORD.search(text)) and bool(_NO_NEED.search(text)))
            if said:
                return Composed("answered", f"The bulletin says: {said}")
        return Composed("not_found", "The bulletins do not say whether a separate application is needed for the "
                        "arrangement's benefits.")

    # -- kinds --------------------------------------------------------------------------------
    def eligibility(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        separate = self._separate_application(intent, evidence, book)
        if separate is not None:
            return separate
        found = self.targets(intent, evidence)
        partners = [p for p in intent.partners if p not in self.homes] or list(intent.partners)
        if partners and not found:
            names = " or ".join(partners)
            recognised = self._mention(book, partners[0], _RECOGNITION)
            if recognised:  # named among existing partners, though no bulletin announces the arrangement itself
                return Composed("answered", f"No bulletin here announces the arrangement with {names} itself, but "
                                f"one names {names} among the partners of AEO mutual recognition: {recognised}")
            lines = [f"The bulletins do not report an AEO mutual recognition arrangement with {names}."]
            mention = self._mention(book, partners[0])
            if mention:
                lines.append(f"A bulletin mentions {partners[0]} only in passing: {mention}")
            return Composed("not_found", " ".join(lines))
        if not found:
            return None
        cite, find = self._cite_pos(book), self._find(book)
        existence = bool(_EXISTENCE.search(intent.question)) and not _APPLICATION.search(intent.question)
        parts = []
        for arr in found[:3]:
            key, where = lifecycle.status_sentence(arr, cite)
            sides = f"{arr.home} and {arr.partner}"
            if lifecycle.asker_not_certified(intent.question):
                who = lifecycle.certification_sentence(arr, find)
                parts.append("No: only AEO-certified operators benefit; enterprises without that certification are "
                             "not covered"
                             + (f". The bulletin says: {who}" if who else "."))
                if where:
                    parts.append(where)
                continue
            if key == "unknown" or (existence and key in ("sign", "ratify")):
                # Reported, but no bulletin dates its application: it exists; when it applies is not given.
                parts.append(f"Yes: {sides} have an AEO mutual recognition arrangement{self._cite_arrangement(book, arr)}.")
                if arr.in_force:
                    parts.append(f"It applies from {_day(arr.in_force.value)}{self._cite_field(book, arr.in_force)}.")
                else:
                    when = self._signed_or_published(arr, book)
                    parts.append("The bulletins do not say from which date it applies" + (f"; {when}" if when else "")
                                 + ".")
            elif lifecycle.not_in_force_yet(key):
                parts.append("Not at present. " + where if where else
                             f"The bulletins do not say that {lifecycle.name(arr)} applies yet.")
                continue
            else:
                text, _ = lifecycle.role_answer(arr, "in_force", cite, False, self._title_of)
                clause = text.split(" arrangement ", 1)[1] if " arrangement " in text else text
                parts.append(f"Yes: {sides} have an AEO mutual recognition arrangement in force; it {clause}")
                if key == "resume":  # suspended for a while, applied again: say both, with their dates
                    parts.append(where)
            extra = [e for e in arr.events if e.valid and e.role in ("extend", "amend") and e.date]
            for e in extra[-2:]:
                parts.append(f"{as_sentence(e.quote)}{cite(e.source, e.start, e.end)}")
            measures = self._measuresas_sentence(arr, book)
            if measures:
                parts.append(measures)
            who = lifecycle.certification_sentence(arr, find)
            if who:
                parts.append(f"Who benefits, in the bulletin's words: {who}")
        parts.append(self._more(intent, evidence, book, " ".join(parts)))
        return Composed("answered", " ".join(p for p in parts if p))

    def benefits(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        separate = self._separate_application(intent, evidence, book)
        if separate is not None:
            return separate
        found = self.targets(intent, evidence) or ([] if intent.partners else self.arrangements)
        parts = []
        if intent.partners and found:
            cite = self._cite_pos(book)
            for arr in found[:2]:
                key, where = lifecycle.status_sentence(arr, cite)
                if lifecycle.not_in_force_yet(key) and where:
                    parts.append(where)
            if parts:
                parts.append(self._more(intent, evidence, book, " ".join(parts)))
                return Composed("answered", " ".join(p for p in parts if p))
        for arr in found:
            sentence = self._measuresas_sentence(arr, book, lead=True)
            if sentence:
                parts.append(sentence)
        if not parts:
            return None
        parts.append(self._more(intent, evidence, book, " ".join(parts)))
        return Composed("answered", " ".join(p for p in parts if p))

    def _more(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook, written: str) -> str:
        """The best sentence on what the question asks that the composed answer has not covered yet."""
        missing = content_words(intent.question) - content_words(written) - _GENERIC
        if not missing:
            return ""
        for e in relevant(evidence, 0.3)[:5]:
            if missing & content_words(e.sentence.text):
                return f"The bulletin adds: {as_sentence(e.sentence.text)} [{book.cite(e)}]"
        return ""

    def date(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        """A date from the arrangement record when the question is about the arrangement, else a dated fact.

        A date the bulletins do not give is said to be not given; another date (the bulletin's own) may
        be offered for reference, labelled as what it is, never as the date asked for.
        """
        named = [p for p in intent.partners if p not in self.homes]
        found = self.targets(intent, evidence)
        about_arrangement = bool(found) and bool(named) and bool(_ARRANGEMENT_WORDS.search(intent.query))
        if not about_arrangement:
            answer = self._dated_fact(intent, book, evidence)
            if answer is not None:
                return answer
            if _FUTURE.search(intent.question):
                return Composed("not_found", "The bulletins do not say when that will happen.")
        if not found:
            return None
        field = intent.date_field or "signed"
        wants_year = bool(_YEAR_Q.search(intent.question))
        if field != "announced":
            return self._lifecycle_dates(intent, found, book, field, wants_year)
        verb = "was announced"
        parts, status = [], "answered"
        for arr in found:
            name = f"the {arr.home}–{arr.partner} AEO mutual recognition arrangement"
            span: FieldSpan | None = arr.announced or arr.published
            if span is not None and not (wants_year and not _has_year(span.value)):
                year_note = "" if _has_year(span.value) else " (the year is not given)"
                parts.append(f"{_cap(name)} {verb} on {_day(span.value)}{year_note}{self._cite_field(book, span)}.")
                continue
            status = "not_found"
            if span is not None:  # the day is given, the year asked for is not
                parts.append(f"The bulletins do not give the year in which {name} {verb}; they give only "
                             f"{_day(span.value)}{self._cite_field(book, span)}.")
                continue
            parts.append(f"The bulletins do not give when {name} {verb}.")
        return Composed(status, " ".join(parts))

    def _lifecycle_dates(self, intent: Intent, found: Sequence[Arrangement], book: CitationBook, field: str,
                         wants_year: bool) -> Composed:
        """Each life-cycle step the question asks about, dated from the events, or said to be not given."""
        cite = self._cite_pos(book)
        roles = lifecycle.roles_asked(intent.question, None) or lifecycle.roles_asked(
            intent.query, "in_force" if field == "in_force" else "sign")
        parts, status = [], "answered"
        for arr in found[:2]:
            for role in roles:
                text, ok = lifecycle.role_answer(arr, role, cite, wants_year, self._title_of)
                if ok == "partial":
                    status = "not_found"
                elif ok == "no":
                    key = lifecycle.status(list(arr.events))[0]
                    if _FUTURE.search(intent.question):
                        status = "not_found"  # "when will they sign?": a date to come that no bulletin gives
                    elif wants_year and key in ("action_plan", "talks") and not lifecycle.has_year(
                            (lifecycle.status(list(arr.events))[1] or arr.events[0]).date):
                        status = "not_found"  # "what year was that?" of talks the bulletins give no year for
                    elif key in ("action_plan", "talks") or (role == "sign" and not wants_year and key != "unknown"):
                        pass  # the status explains the missing date: there is no arrangement, or it is in force
                    elif role == "sign" and not wants_year and (arr.published or arr.announced):
                        other = self._signed_or_published(arr, book, skip="signed")
                        text += f" They report it as already signed: {other}; that is not the signing date."
                    else:
                        status = "not_found"
                        other = self._signed_or_published(arr, book, skip=field)
                        if other and not arr.events:
                            text += f" For reference only, {other}."
                parts.append(text)
        return Composed(status, " ".join(parts))

    def _dated_fact(self, intent: Intent, book: CitationBook, evidence: Sequence[Evidence]) -> Composed | None:
        """A date or year stated in a sentence about what the question asks (a decision, a figure's year)."""
        ranked = self.rank_facts(intent, {"date", "year"}, evidence)
        qwords = content_words(intent.query) - _DATE_WORDS
        for f in ranked[:5]:
            words = content_words(f.quote)
            if qwords and len(qwords & words) / len(qwords) >= 0.5:
                if _FUTURE.search(intent.question) and not _FUTURE.search(f.quote):
                    return None
                n = self.cite(book, f.source, f.start, f.end)
                return Composed("answered", f"{as_sentence(f.quote)} [{n}]")
        return None

    def figure(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        """Each figure the question asks for ("how much and how fast", "how many …, and how many of them …"):
        the fact whose subject it names, the latest bulletin's value when several give one."""
        parts = _sub_questions(intent.question)
        if len(parts) == 1:
            return self._one_figure(intent, evidence, book)
        texts: list[str] = []
        status = "not_found"
        used: set[tuple[str, int]] = set()  # each part asks for another figure than the rows before it gave
        for part, own in parts:
            sub = replace(intent, question=part, query=part + " " + " ".join(intent.partners))
            composed = self._one_figure(sub, evidence, book, used, frozenset(key_terms(own)))
            if composed is not None and composed.text not in texts:
                texts.append(composed.text)
                status = "answered" if composed.status == "answered" else status
        return Composed(status, " ".join(texts)) if texts else None

    def _one_figure(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook,
                    used: set[tuple[str, int]] | None = None, own: frozenset[str] = frozenset()) -> Composed | None:
        """One figure; in a question asking for several, not one from a sentence an earlier part quoted, and one
        whose subject meets the part's own words ("… and growth": a change) when any does."""
        ranked = [f for f in self.rank_facts(intent, wanted_kinds(intent.question), evidence)
                  if used is None or (f.source, f.sent_start) not in used]
        if own:
            ranked = [f for f in ranked if own & frozenset(f.head or f.terms)] or ranked
        if not ranked:
            return Composed("not_found", "The bulletins give no figure for what this question asks about.")
        best = _prose_twin(ranked[0], self.table.facts_in(ranked[0].source))
        if intent.year and best.period and best.period[:4].isdigit() and int(best.period[:4]) != intent.year:
            n = self.cite(book, best.source, best.start, best.end)
            return Composed("not_found", f"The bulletins give no figure for the year asked; the nearest they give "
                            f"is for {best.period}: {as_sentence(best.quote)} [{n}]")
        same = [f for f in ranked[1:] if f.kind == best.kind and f.source != best.source and f.home == best.home
                and (f.subject_terms.head == best.subject_terms.head or same_subject(f.subject_terms, best.subject_terms)
                     or (f.surface and f.surface == best.surface and f.subject_terms.head <= best.subject_terms.head
                         and set(f.scope) - {f.home} == set(best.scope) - {best.home}))
                and not (f.period and best.period and f.period != best.period)]
        latest = max([best, *same], key=lambda f: f.bulletin_sort)
        if used is not None:
            used.update((f.source, f.sent_start) for f in [best, *same])
        n = self.cite(book, latest.source, latest.start, latest.end)
        text = f"{as_sentence(latest.quote)} [{n}]"
        stated = latest.bulletin_date[:4] if latest.bulletin_date and latest.bulletin_date[:4].isdigit() else None
        if intent.year and not latest.period and stated and int(stated) < intent.year:
            # "How many … at the end of 2025?" and the newest figure comes from 2024: that year's figure is unknown
            return Composed("not_found", f"The bulletins give no figure for {intent.year}; the latest they give is "
                            f"from a bulletin dated {self._date_label(latest.source)}: {text}")
        if used is None:  # a question in parts gets each part's own figure, not the rows beside the first
            text += self._neighbour_rows(latest, intent, book)
        older = [f for f in [best, *same] if f.bulletin_sort < latest.bulletin_sort and f.norm != latest.norm]
        if older:
            o = older[0]
            m = self.cite(book, o.source, o.start, o.end)
            text += (f" That is the latest figure, from the bulletin dated {self._date_label(latest.source)}"
                     f"{self._cite_dateline(book, latest.source)}; an earlier bulletin dated "
                     f"{self._date_label(o.source)}{self._cite_dateline(book, o.source)} gave {o.expr} [{m}].")
        return Composed("answered", text)

    def _neighbour_rows(self, fact: Fact, intent: Intent, book: CitationBook) -> str:
        """A figure read from a table row comes with the other rows of its table that answer what else the
        question asks ("how much and growth": the growth row; trade with its share): up to two, cited."""
        doc = self.docs.get(fact.source)
        sep = CELL_SEP.strip()
        if doc is None or sep not in fact.quote:
            return ""
        text = doc.text
        asked = {w for w in content_words(intent.question) if not _TIME_WORD.fullmatch(w)} - _GENERIC
        own = content_words(fact.quote)
        picked: list[tuple[int, int]] = []
        for direction in (-1, 1):  # walk the table up and down from the row, stopping where it ends
            pos = fact.sent_start if direction < 0 else fact.sent_end
            for _ in range(12):
                if direction < 0:
                    end = text.rfind("\n", 0, pos)
                    if end <= 0:
                        break
                    start = text.rfind("\n", 0, end) + 1
                else:
                    start = text.find("\n", pos)
                    if start < 0:
                        break
                    start += 1
                    end = text.find("\n", start)
                    end = end if end >= 0 else len(text)
                row = text[start:end]
                pos = start if direction < 0 else end
                if not row.strip():
                    continue  # rows of an HTML table may stand a blank line apart
                if sep not in row:
                    break
                label, _, cells = row.partition(sep)
                shared = content_words(label) & asked
                other_kind = ("%" in cells) != ("%" in fact.quote)  # a share beside an amount, an amount beside a share
                if rx(r"\d").search(cells) and (shared - own or (shared and other_kind)):
                    picked.append((start, end))
        parts = []
        for start, end in sorted(picked)[:2]:
            n = _cite(book, doc, start, end)
            parts.append(f" {as_sentence(text[start:end].strip())} [{n}]")
        return "".join(parts)

    def rank_facts(self, intent: Intent, kinds: set[str], evidence: Sequence[Evidence] = ()) -> list[Fact]:
        """Facts whose subject the question names, best first: head terms must meet the question's terms."""
        qk = frozenset(key_terms(intent.query))
        literal = content_words(intent.query)
        partners = [p for p in intent.partners if p not in self.issuers]
        homes = [p for p in intent.partners if p in self.issuers]
        sims = {(e.passage.source, e.sentence.start): e.score for e in evidence}
        scored: list[tuple[float, int, Fact]] = []
        if self.view.index is not None:
            # only facts holding one of the question's weighty words, or with a subject of light words only, can
            # pass the test below
            facts = self.view.index.named_by(qk)
            some_home = bool(set(homes) & self.view.index.homes)
        else:
            facts = self.facts if self.facts is not None else self.table.facts()
            some_home = any(f.home in homes for f in facts)
        if homes and not partners and some_home:  # "How many … has Korea …": that administration's own figures
            facts = [f for f in facts if f.home in homes]
        for f in facts:
            if (kinds and f.kind not in kinds) or f.role == "previous":
                continue
            if f.subject.startswith("publication date"):
                continue
            if partners and not (set(partners) & (set(f.partners) | set(f.scope))):
                continue
            head = frozenset(f.head) or frozenset(f.terms)
            if not head & qk:
                continue
            words = content_words(f.subject)
            specific = max(weight(t) for t in head & qk)
            if specific < 1.0 and cover(head, qk) < 0.99:  # only "AEO" shared, the rest unasked: no subject match
                continue
            score = (2 * specific + cover(qk, head | frozenset(f.terms)) + 2.0 * sims.get((f.source, f.sent_start), 0.0)
                     + 0.5 * len(literal & words) / max(1, len(words)))
            scored.append((score, f.bulletin_sort, f))
        scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
        return [f for _, _, f in scored]

    def procedure(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        separate = self._separate_application(intent, evidence, book)
        if separate is not None:
            return separate
        found = self.targets(intent, evidence) or self.arrangements
        parts = []
        for arr in found:
            sentences: dict[str, str] = {}
            for ident in arr.identifiers:
                doc = self.docs.get(ident.source)
                n = self.cite(book, ident.source, ident.start, ident.end)
                if doc is None or n is None:
                    continue
                quote = next(c.quote for c in book.citations if c.n == n)
                sentences.setdefault(quote, f"{as_sentence(quote)} [{n}]")
            if sentences:
                parts.append(f"For the arrangement with {arr.partner}, the bulletin says: " + " ".join(sentences.values()))
        if parts:
            return Composed("answered", " ".join(parts))
        if not _CODE_WORDS.search(intent.question):
            return None  # a question about steps or a procedure other than codes: the best sentences answer it
        return Composed("not_found", "The bulletins do not say which code or identifier an enterprise must give or "
                        "declare; ask the customs administration that certified the enterprise.")

    def listing(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        if "measure" in intent.question.lower() or "benefit" in intent.question.lower():
            return self.benefits(intent, evidence, book)
        question = intent.question
        roles = lifecycle.roles_asked(question, None)
        exact = lifecycle.exact_date(question)
        period = bool(intent.year or intent.since or intent.until or exact)
        wanted_status = [key for key, pattern in _STATUS_ASKED if pattern.search(question)]
        excluded = {m.name for m in find_mentions(" ".join(g for m in _EXCLUDES.finditer(question) for g in m.groups() if g))}
        partners = [p for p in intent.partners if p not in excluded]
        specific = [p for p in partners if p not in self.homes and p not in self.issuers]
        if specific:  # "which partners besides X …": the economies X's bulletins name
            named = self._named_in(specific, book)
            if named:
                return Composed("answered", named)
        arrangements = [a for a in self._in_regions(self.arrangements, intent) if not set(a.sides) & excluded]
        if partners:
            arrangements = [a for a in arrangements if any(a.involves(p) for p in partners)] or arrangements
        if not arrangements:
            return None
        cite = self._cite_pos(book)
        if roles or period:
            roles = roles or ["sign"]
            if "in_force" in roles:
                roles = [*roles, "pilot"]

            def when(e: Event) -> bool:
                if not period:
                    return True
                return lifecycle.in_period(e.date, intent.year, intent.since, intent.until, exact)

            matches = lifecycle.list_events(arrangements, roles, when)
            if not matches:
                return Composed("not_found", "No arrangement in the bulletins has such a date within the period asked "
                                "(dates without a year cannot be placed in a period).")
            items = [f"{arr.home}–{arr.partner} ({lifecycle.dated(e.role)} {lifecycle.day(e.date or '')})"
                     f"{cite(e.source, e.start, e.end)}" for arr, e in matches]
            return Composed("answered", "The bulletins report: " + "; ".join(items) + ".")
        items = []
        for arr in arrangements:
            key, event = lifecycle.status(list(arr.events))
            if wanted_status and key not in wanted_status:
                continue
            mark = cite(event.source, event.start, event.end) if event else self._cite_arrangement(book, arr)
            items.append(f"{arr.partner} (with {arr.home}): {lifecycle.STATUS_TEXT.get(key, 'reported, no date given')}"
                         f"{mark}")
        if not items:
            return Composed("not_found", "No arrangement in the bulletins has the status asked about.")
        text = "The bulletins report AEO mutual recognition arrangements with: " + "; ".join(items) + "."
        others = sorted(self.named - {s for a in self.arrangements for s in a.sides} - excluded)
        if others and not wanted_status and not excluded:
            text += (" They also mention " + ", ".join(others) + " in passing (earlier partners or examples); see "
                     "the bulletins for what they say of each.")
        return Composed("answered", text)

    def _all_bulletins(self, intent: Intent, book: CitationBook) -> Composed:
        """Every bulletin (in the period asked), newest first, each by its opening sentence."""
        docs = sorted(self.docs.values(), key=lambda d: -d.date_key)
        if intent.year or intent.since or intent.until:
            docs = [d for d in docs if d.date and _in_period(_date_norm(d.date), intent)]
        if not docs:
            return Composed("not_found", "No bulletin is dated within the period asked (bulletins that give no year "
                            "cannot be placed in a period).")
        lines = ["Bulletins, most recent at the top:"]
        for doc in docs[:10]:
            opening = next((s for s in sentences_of(doc.text) if len(s.text) > 40), None)
            if opening is None:
                continue
            n = _cite(book, doc, opening.start, opening.end)
            lines.append(f"Dated {self._date_label(doc.source)}{self._cite_dateline(book, doc.source)}: "
                         f"{as_sentence(opening.text)} [{n}]")
        return Composed("answered", " ".join(lines))

    def definition(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        """What a term is: the best sentence that names it, with the sentence after it when that goes on."""
        term = content_words(intent.question) - {"what", "mean", "stand", "define", "explain", "meaning", "work"}
        naming = [e for e in evidence if term and term <= content_words(e.sentence.text)]
        if not naming:
            return None
        best = max(naming, key=lambda e: (_DEFINES.search(e.sentence.text) is not None, e.score))
        parts = [f"{as_sentence(best.sentence.text)} [{book.cite(best)}]"]
        doc = self.docs.get(best.passage.source)
        sents = sentences_of(doc.text) if doc else []
        after = [s for s in sents if s.start >= best.sentence.end][:1]
        if doc and after and _CONTINUES.match(after[0].text):
            n = _cite(book, doc, after[0].start, after[0].end)
            parts.append(f"{as_sentence(after[0].text)} [{n}]")
        return Composed("answered", " ".join(parts))

    def search(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        chosen = relevant(evidence, 0.3)
        # Every bulletin whose passage names all the question asks about counts, however it ranks: "which
        # bulletins mention the suspension" must list the notice that resumed it too ("suspended since …").
        asked = {w[:6] for w in content_words(intent.query) - _SEARCH_WORDS - _MENTION_WORDS}
        asked_for = set(intent.partners)
        for e in evidence:
            doc = self.docs.get(e.passage.source)
            words = {w[:6] for w in content_words(e.sentence.text)}
            economies = set(doc.partners) | {doc.home} if doc and doc.home else set(doc.partners) if doc else set()
            if e not in chosen and asked and asked - {w[:6] for w in map(str.lower, asked_for)} <= words and (
                    not asked_for or asked_for <= economies):
                chosen.append(e)
        if not content_words(intent.query) - _SEARCH_WORDS:
            return self._all_bulletins(intent, book)
        if intent.year or intent.since or intent.until:
            chosen = [e for e in chosen if e.passage.date and _in_period(_date_norm(e.passage.date), intent)]
            if not chosen:
                return Composed("not_found", "No matching bulletin is dated within the period asked (bulletins that "
                                "give no year cannot be placed in a period).")
        if not chosen:
            return None
        by_source: dict[str, Evidence] = {}
        for e in chosen:
            by_source.setdefault(e.passage.source, e)
        ordered = sorted(by_source.values(), key=lambda e: -(e.passage.date.sort_key if e.passage.date else 0))
        lines = ["Matching bulletins, most recent at the top:"]
        for e in ordered:
            doc = self.docs.get(e.passage.source)
            about = ""
            if doc and doc.partners:
                about = f" on the AEO arrangement between {doc.home or 'customs'} and {', '.join(doc.partners)}"
            dated = f"dated {self._date_label(e.passage.source)}{self._cite_dateline(book, e.passage.source)}"
            # A bulletin is named by its own title and issuer, when its text carries them, so a reader sees what
            # it is about even when the matching sentence is only its masthead.
            named = "The bulletin"
            pos = doc.text.find(doc.title) if doc and doc.title else -1
            if doc is not None and pos >= 0:
                named = f"“{doc.title}”{self._cite_span(book, doc, pos, pos + len(doc.title))}"
            issuer = f" from {doc.issuer}" if doc and doc.issuer and doc.issuer not in named else ""
            line = f"{named}{issuer}{about}, {dated}"
            if named != "The bulletin" and len(e.sentence.text) < 60:
                lines.append(line + ".")
            else:
                lines.append(f"{line}, says: {as_sentence(e.sentence.text)} [{book.cite(e)}]")
        return Composed("answered", " ".join(lines))

    def _cite_span(self, book: CitationBook, doc: DocumentRow, start: int, end: int) -> str:
        n = _cite(book, doc, start, end)
        return f" [{n}]"

    # -- pieces -------------------------------------------------------------------------------
    def _in_regions(self, arrangements: Sequence[Arrangement], intent: Intent) -> list[Arrangement]:
        """The arrangements with a side in every region the question names (other than the hub's own side)."""
        if not intent.regions:
            return list(arrangements)
        # A hub (a side of three or more arrangements) is the asker's side, not the region asked about.
        sides = Counter(side for a in self.arrangements for side in a.sides)
        return [a for a in arrangements
                if all(any(in_region(side, r) for side in a.sides if sides[side] < 3 or len(set(a.sides)) < 2)
                       for r in intent.regions)]

    def _title_of(self, source: str) -> str | None:
        doc = self.docs.get(source)
        return doc.title if doc is not None else None

    def _home(self, arr: Arrangement) -> str:
        return arr.home or "the issuing administration"

    def _cite_arrangement(self, book: CitationBook, arr: Arrangement) -> str:
        """Cite the sentence that reports the arrangement itself."""
        for span in (arr.signed, *arr.administrations, arr.in_force):
            cite = self._cite_field(book, span)
            if cite:
                return cite
        partner = arr.partner.lower()
        n = self._cite_first(book, arr, lambda low: partner in low and any(w in low for w in ("sign", "recogni", "agreement")))
        return f" [{n}]" if n else ""

    def _cite_first(self, book: CitationBook, arr: Arrangement, wanted: Callable[[str], bool]) -> int | None:
        """Cite the first sentence of the arrangement's bulletins whose lower-cased text is ``wanted``."""
        for source in arr.sources:
            doc = self.docs.get(source)
            for s in sentences_of(doc.text) if doc else []:
                if doc and wanted(s.text.lower()):
                    return _cite(book, doc, s.start, s.end)
        return None

    def _measuresas_sentence(self, arr: Arrangement, book: CitationBook, lead: bool = False) -> str:
        if not arr.measures:
            return ""
        cites = sorted({n for m in arr.measures if (n := self.cite(book, m.source, m.start, m.end))})
        marks = "".join(f" [{n}]" for n in cites)
        items = "; ".join(_item(m.value) for m in arr.measures)
        if lead:
            return (f"Under the {self._home(arr)}–{arr.partner} AEO arrangement, AEO enterprises of both sides get "
                    f"these facilitation measures: {items}{marks}.")
        return f"The measures AEO enterprises of both sides get are: {items}{marks}."

    def _condition(self, arr: Arrangement, book: CitationBook, home: str) -> str:
        """That the benefits need AEO status, cited to the bulletin's own words about certification."""
        n = self._cite_first(book, arr, lambda low: "certif" in low and "enterprise" in low)
        if n:
            extra = " (in China: an Advanced Certified Enterprise)" if home == "China" else ""
            return (f"These benefits apply only to enterprises that customs has certified as AEOs{extra}, "
                    f"on both sides [{n}].")
        return ""

    def _signed_or_published(self, arr: Arrangement, book: CitationBook, skip: str | None = None) -> str:
        if arr.signed and skip != "signed":
            return f"it was signed on {_day(arr.signed.value)}{self._cite_field(book, arr.signed)}"
        pub = arr.published or arr.announced
        if pub and skip != "announced":
            cite = self._cite_field(book, pub)
            year = "" if _has_year(pub.value) else ", year not given"
            return f"the bulletin reporting it is dated {_day(pub.value)}{year}{cite}"
        return ""

    def _named_in(self, partners: Sequence[str], book: CitationBook) -> str:
        """The other economies a partner's bulletin names, each cited where it is named."""
        parts = []
        for doc in self.view.docs_about(partners):
            others = [m for m in doc.mentioned if m not in partners]
            cites = []
            for name in others:
                for s in sentences_of(doc.text):
                    if any(x.name == name for x in find_mentions(s.text)):
                        cites.append(f"{name} [{_cite(book, doc, s.start, s.end)}]")
                        break
            if cites:
                parts.append(f"Besides {', '.join(doc.partners)}, the bulletin {doc.source} names: " + "; ".join(cites) + ".")
        return " ".join(parts)

    def _mention(self, book: CitationBook, partner: str, cue: re.Pattern[str] | None = None) -> str:
        """The first sentence naming ``partner`` (and matching ``cue``), cited; "" when there is none."""
        for doc in self.view.docs_naming(partner):  # a sentence naming it is in a bulletin naming it
            for s in sentences_of(doc.text):
                if any(m.name == partner for m in find_mentions(s.text)) and (cue is None or cue.search(s.text)):
                    n = _cite(book, doc, s.start, s.end)
                    return f"{as_sentence(s.text)} [{n}]"
        return ""


_EXISTENCE = re.compile(r"\b(?:have|has|is there|are there|signed|concluded)\b.*\b(?:arrangements?|agreements?|"
                        r"mras?|deals?|mutual recognition)\b", re.I)
_APPLICATION = re.compile(r"\b(?:benefit\w*|covered|inspect\w*|faster|get|help|apply|applies|now|yet|already|"
                          r"in force|from when|since when)\b", re.I)
# "Does the arrangement reduce/change/affect the duty …?": a yes-no question on the arrangement's effect.
_EFFECT_QUESTION = re.compile(r"^\s*(?:does|do|will|would|is|are|can)\b.*\b(?:arrangement|agreement|mra|mutual "
                              r"recognition|aeo status)\b.*\b(?:reduc\w*|chang\w*|affect\w*|lower\w*|cut\w*|exempt\w*|"
                              r"waive\w*|remov\w*)\b", re.I)
_CODE_WORDS = re.compile(r"\b(?:codes?|identifiers?|identification|number|declar\w*|enter|fill)\b", re.I)
_STATUS_ASKED = [
    ("sign", re.compile(r"\bnot (?:yet )?(?:been )?(?:implemented|in force|applied|applying)\b|\bsigned but\b|"
                        r"\bawaiting\b|\bpending\b", re.I)),
    ("ratify", re.compile(r"\bnot (?:yet )?(?:been )?(?:implemented|in force)\b", re.I)),
    ("action_plan", re.compile(r"\bno arrangement\b|\bwithout (?:an )?arrangement\b|\baction plans?\b|"
                               r"\bnot (?:yet )?signed\b|\bonly talks\b|\bin talks\b", re.I)),
    ("talks", re.compile(r"\bno arrangement\b|\bwithout (?:an )?arrangement\b|\btalks\b|\bnegotiat\w*|"
                         r"\bnot (?:yet )?signed\b", re.I)),
    ("suspend", re.compile(r"\bsuspend\w*", re.I)),
    ("terminate", re.compile(r"\bterminat\w*", re.I)),
]
_EXCLUDES = re.compile(r"\b(?:do(?:es)? not|don't|doesn't|not) (?:involve|include)\s+([\w ]{2,30}?)(?:[.?,]|$)|"
                       r"\b(?:without|other than|excluding|except)\s+([\w ]{2,30}?)(?:[.?,]|$)", re.I)
_ARRANGEMENT_WORDS = re.compile(
    r"\b(sign\w*|agree\w*|arrangements?|deal|mra|mutual recognition|in force|effect\w*|implement\w*|enter\w*|"
    r"talks|negotiat\w*|ratif\w*|suspen\w*|terminat\w*|pilot|action plan|amend\w*|extend\w*|resum\w*|"
    r"announc\w*|publish\w*|appl(?:y|ies))\b", re.I)
_FUTURE = re.compile(r"\b(will|going to|plan(?:s|ned)? to|expected to|next|future|upcoming)\b", re.I)
_YEAR_Q = re.compile(r"\b(what|which|in which|in what)\s+year\b|\byear\b", re.I)
_DATE_WORDS = frozenset({"when", "date", "year", "day", "month", "sign", "signed", "which", "what"})


# "Do I need to apply separately?", "must we re-apply?": whether joining takes an application of its own.
_SEPARATE = re.compile(r"\b(?:apply|register|re-?apply|re-?register)\s+(?:separately|again|anew)\b|"
                       r"\bseparate (?:application|registration)\b|\bre-?apply\b|\bre-?application\b", re.I)
_APPLY_WORD = re.compile(r"\b(?:appl(?:y|ying|ies|ied|ication)|re-?apply\w*|regist\w*|automatic\w*)\b", re.I)
_NO_NEED = re.compile(r"\b(?:no need|not need|need not|needn't|do not have to|does not have to|without|"
                      r"automatic\w*|no (?:separate|further|new) (?:application|registration))\b", re.I)
_TIME_WORD = re.compile(r"\d+|first|second|third|fourth|half|quarter|year|month|week|day|end|"
                        r"jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*")
_MENTION_WORDS = frozenset({"mention", "mentions", "mentioned", "which", "what", "bulletins", "bulletin", "about",
                            "talk", "talks", "refer", "refers", "cover", "covers", "discuss", "discusses",
                            "arrangement", "mra"})
_SEARCH_WORDS = frozenset({"announcement", "bulletin", "news", "notice", "press", "release", "article", "latest",
                           "recent", "find", "show", "search", "list", "all", "any", "since", "from", "after",
                           "before", "until", "year", "this", "last", "new", "newest"}) | {str(y) for y in range(1990, 2100)}
_RECOGNITION = re.compile(r"\bmutual(?:ly)?[\s-]+recogni|\bMRAs?\b|\bAEO\b.*\b(?:agreement|arrangement)", re.I)
_DEFINES = re.compile(r"\b(is|are|means|refers to|aims|is advocated|certif\w*)\b", re.I)
_CONTINUES = re.compile(r"^(It|They|This|These|The (?:system|customs|arrangement|programme|program))\b")
_GENERIC = frozenset({"aeo", "benefit", "measure", "enterprise", "arrangement", "agreement", "customs", "get",
                      "mainland", "china", "help", "way", "make", "life", "easier", "what", "how"})


def _date_norm(d: PartialDate) -> str | None:
    if d.year is None:
        return None
    return f"{d.year:04d}" + (f"-{d.month:02d}" if d.month else "") + (f"-{d.day:02d}" if d.month and d.day else "")


def _in_period(norm: str | None, intent: Intent) -> bool:
    """Whether a normalised date (YYYY[-MM[-DD]]) lies in the question's year or since/until range."""
    return lifecycle.in_period(norm, intent.year, intent.since, intent.until)


_SPLIT = re.compile(r",?\s+and\s+(?=(?:how|what|which|the|its|their)\b|(?:growth|share|change|increase|rate|"
                    r"percentage|value|number)\b)", re.I)
_CUES = re.compile(r"\b(?:how many|how much|what|which|and|of them|the)\b", re.I)


def _sub_questions(question: str) -> list[tuple[str, str]]:
    """A question asking for two figures, split in two, each with the words that are its own; the second half
    borrows the first's words ("xiamen exports to peru 2024 how much and growth" -> "… how much", "growth …
    xiamen exports to peru 2024", whose own word is "growth")."""
    pieces = _SPLIT.split(question, maxsplit=1)
    if len(pieces) < 2 or not pieces[1].strip():
        return [(question, "")]
    context = " ".join(_CUES.sub(" ", pieces[0]).split())
    return [(pieces[0], ""), (f"{pieces[1]} {context}", pieces[1])]


def _prose_twin(fact: Fact, siblings: Sequence[Fact]) -> Fact:
    """A figure read from a table row, when the same bulletin also states it in a sentence, is quoted from the
    sentence: it carries the figure's context ("37 of the 213 ACEs …")."""
    if " | " not in fact.quote:
        return fact
    twins = [f for f in siblings if f.kind == fact.kind and f.norm == fact.norm and " | " not in f.quote]
    return twins[0] if twins else fact


def wanted_kinds(question: str) -> set[str]:
    """The kinds of fact a figure question asks for, from its wording; empty means any."""
    q = question.lower()
    if rx(r"\b(share|percentage|proportion|percent|how fast|growth rate|rate of growth|by how much|"
                 r"how much did .* (?:grow|increase|rise|fall))\b|%").search(q):
        return {"percent"}
    if rx(r"\bhow (?:much|large|big) (?:was|is|were|are) the (?:increase|decrease|change|growth|rise|fall|drop|"
                 r"decline)\b").search(q):
        return {"percent", "money"}  # a change is given as a share or as an amount
    if rx(r"\b(which|what) year\b").search(q):
        return {"year"}
    # "the first half of 2024", "the first nine months": a period, not a rank
    ranked = rx(r"\b(?:first|second|third|fourth|last)\s+(?:half|quarter|\w+ months|month|week)\b").sub(" ", q)
    if rx(r"\b(which|what) number\b|\brank\w*\b|\bwhich place\b|\b(first|second|third)\b").search(ranked):
        return {"ordinal"}
    if rx(r"\bhow much\b|\bvalue\b|\bworth\b|\bamount\b|\bbillion\b|\bmillion\b|"
                 r"\bwhat (?:was|were|is|are) (?:the )?(?:[\w–'-]+\s+){0,3}(?:trade|exports?|imports?)\b").search(q):
        return {"money"}
    if rx(r"\bhow many\b|\bnumber of\b").search(q):
        return {"count"}
    return set()


def _cite(book: CitationBook, doc: DocumentRow, start: int, end: int) -> int:
    """Cite ``doc.text[start:end]`` (a sentence or a run of them) and return its marker number."""
    return book.cite_span(doc.source, doc.doc_id, doc.title, doc.date_iso, doc.text, start, end, _label(doc))


def _label(doc: DocumentRow) -> str | None:
    return doc.date.label() if doc.date else None


def _item(text: str) -> str:
    """A list item in running text: lower-case its first letter unless it starts an acronym or a name."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[0].isupper() and text[1].islower() else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(norm: str) -> str:
    """A date in words, its gaps said by the sentence around it."""
    return lifecycle.day(norm, gaps=False)


def _has_year(norm: str) -> bool:
    return lifecycle.has_year(norm)


def _topic(question: str) -> str:
    m = rx(r"\b(tariffs?|duty rates?|duty|duties|tax(?:es)?|vat|hs codes?|exchange rates?|weather|quotas?|"
                  r"anti-?dumping|visas?|excise|rules? of origin)\b", re.I).search(question)
    return m.group(1).lower() if m else "that topic"


__all__ = ["Composed", "Composer", "Fact"]
