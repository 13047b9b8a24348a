"""Answer composition without an LLM: a plain-language answer per kind of question, built from the
arrangement records and fact rows where they answer it, and from the best sentences otherwise.

Every sentence carries [n] citations to exact spans. When the bulletins do not give what was asked
(a signing date, a code), the answer says so and never substitutes something else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import CitationBook, extractive, relevant
from assistant.evidence import Evidence, content_words, sentences_of
from assistant.understand import Intent
from index.catalog import DocumentRow
from index.facts import Arrangement, Fact, FactTable
from index.facts.records import FieldSpan

_FIELD_WORDS = {"signed": "signed", "in_force": "takes effect", "announced": "announced"}


@dataclass(frozen=True)
class Composed:
    """The answer's status and text; citations live in the CitationBook it was written with."""

    status: str
    text: str


class Composer:
    """Writes answers from the fact table, the bulletins and the retrieved evidence."""

    def __init__(self, table: FactTable, docs: Sequence[DocumentRow]) -> None:
        self.table = table
        self.docs = {d.source: d for d in docs}
        self.homes = {d.home for d in docs if d.home}
        self.named = set().union(*(d.economies() for d in docs)) if docs else set()

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
        return book.cite_span(source, doc.doc_id, doc.title, doc.date_iso, doc.text, start, stop)

    def _cite_field(self, book: CitationBook, span: FieldSpan | None) -> str:
        if span is None or span.start < 0:
            return ""
        n = self.cite(book, span.source, span.start, span.end)
        return f" [{n}]" if n else ""

    def _date_label(self, source: str) -> str:
        doc = self.docs.get(source)
        return doc.date.label() if doc and doc.date else "undated"

    # -- dispatch ---------------------------------------------------------------------------
    def compose(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed:
        missing = self.unknown_partners(intent)
        if intent.kind == "out_of_scope":
            return Composed("not_found", "The bulletins do not cover this: they announce customs arrangements "
                            "(such as AEO mutual recognition), not " + _topic(intent.question) + ".")
        if missing:
            names = " or ".join(missing)
            return Composed("not_found", f"The bulletins do not mention {names}, so they say nothing about an "
                            f"arrangement with {names}.")
        handler = {
            "eligibility": self.eligibility, "benefits": self.benefits, "date": self.date,
            "figure": self.figure, "procedure": self.procedure, "list": self.listing, "search": self.search,
        }.get(intent.kind)
        if handler is not None:
            composed = handler(intent, evidence, book)
            if composed is not None:
                return composed
        text = extractive(evidence, book)
        return Composed("answered", text) if text else Composed("not_found", "")

    def unknown_partners(self, intent: Intent) -> list[str]:
        """Partners the question names that no indexed bulletin mentions at all."""
        return [p for p in intent.partners if p not in self.named]

    def targets(self, intent: Intent, evidence: Sequence[Evidence]) -> list[Arrangement]:
        """The arrangements a question is about: its partners', else the best evidence bulletin's."""
        partners = [p for p in intent.partners if p not in self.homes] or [
            p for p in intent.partners if p in self.homes and len(intent.partners) == 1 and False]
        arrangements = self.table.arrangements()
        if partners:
            return [a for a in arrangements if a.partner in partners]
        if evidence and intent.followup is False:
            top = evidence[0].passage.source
            return [a for a in arrangements if top in a.sources][:1]
        return []

    # -- kinds --------------------------------------------------------------------------------
    def eligibility(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        found = self.targets(intent, evidence)
        partners = [p for p in intent.partners if p not in self.homes]
        if partners and not found:
            names = " or ".join(partners)
            lines = [f"The bulletins do not report an AEO mutual recognition arrangement with {names}."]
            mention = self._mention(book, partners[0])
            if mention:
                lines.append(mention)
            return Composed("not_found", " ".join(lines))
        if not found:
            return None
        parts = []
        for arr in found:
            home = self._home(arr)
            n = self._cite_arrangement(book, arr)
            parts.append(f"Yes: {home} and {arr.partner} have an AEO mutual recognition arrangement{n}.")
            if arr.in_force:
                parts.append(f"It applies from {_day(arr.in_force.value)}{self._cite_field(book, arr.in_force)}.")
            else:
                when = self._signed_or_published(arr, book)
                parts.append("The bulletins do not say from which date it applies" + (f"; {when}" if when else "") + ".")
            measures = self._measures_sentence(arr, book)
            if measures:
                parts.append(measures)
            condition = self._condition(arr, book, home)
            if condition:
                parts.append(condition)
        return Composed("answered", " ".join(parts))

    def benefits(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        found = self.targets(intent, evidence) or ([] if intent.partners else self.table.arrangements())
        parts = []
        for arr in found:
            sentence = self._measures_sentence(arr, book, lead=True)
            if sentence:
                parts.append(sentence)
        return Composed("answered", " ".join(parts)) if parts else None

    def date(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        found = self.targets(intent, evidence)
        if not found:
            return None
        field = intent.date_field or "signed"
        parts = []
        for arr in found:
            home = self._home(arr)
            name = f"the {home}–{arr.partner} AEO mutual recognition arrangement"
            span: FieldSpan | None = getattr(arr, field if field != "announced" else "announced")
            if field == "announced" and span is None:
                span = arr.published
            if span is not None:
                verb = {"signed": "was signed", "in_force": "takes effect", "announced": "was announced"}[field]
                when = _day(span.value)
                year_note = "" if _has_year(span.value) else " (the year is not given)"
                parts.append(f"{_cap(name)} {verb} on {when}{year_note}{self._cite_field(book, span)}.")
            else:
                what = {"signed": "the date on which", "in_force": "the date from which",
                        "announced": "when"}[field]
                verb = {"signed": "was signed", "in_force": "takes effect", "announced": "was announced"}[field]
                line = f"The bulletins do not give {what} {name} {verb}."
                other = self._signed_or_published(arr, book, skip=field)
                if other:
                    line += f" For reference, {other}; that is not the date asked for."
                parts.append(line)
        return Composed("answered", " ".join(parts))

    def figure(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        facts = self.table.facts()
        scored = []
        qwords = content_words(intent.query)
        partners = [p for p in intent.partners if p not in self.homes]
        for f in facts:
            if f.kind in ("date",):
                continue
            if partners and not (set(partners) & (set(f.partners) | set(f.scope))):
                continue
            words = content_words(f.subject + " " + " ".join(f.terms) + " " + f.quote)
            overlap = len(qwords & words) / max(1, len(qwords))
            if intent.year and f.period and str(intent.year) != f.period:
                overlap *= 0.5
            scored.append((overlap, f.bulletin_sort, f))
        if not scored:
            return None
        scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
        best_overlap, _, best = scored[0]
        ev = relevant(evidence)
        if best_overlap < 0.34 or (ev and not any(e.passage.source == best.source and
                                                  e.sentence.start <= best.start < e.sentence.end for e in ev[:3])):
            return None
        same = [f for o, _, f in scored if o >= best_overlap * 0.9 and f.subject == best.subject and f.id != best.id]
        latest = max([best, *same], key=lambda f: f.bulletin_sort)
        n = self.cite(book, latest.source, latest.start, latest.end)
        text = f"{_sentence(latest.quote)} [{n}]"
        older = [f for f in same if f.bulletin_sort < latest.bulletin_sort and f.norm != latest.norm]
        if older:
            o = older[0]
            m = self.cite(book, o.source, o.start, o.end)
            text += (f" That is the latest figure, from the bulletin dated {self._date_label(latest.source)}; an earlier "
                     f"bulletin dated {self._date_label(o.source)} gave {o.expr} [{m}].")
        return Composed("answered", text)

    def procedure(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        found = self.targets(intent, evidence) or self.table.arrangements()
        parts = []
        for arr in found:
            for ident in arr.identifiers:
                parts.append(f"For the arrangement with {arr.partner}, the bulletin names {ident.value}"
                             f"{self._cite_field(book, ident)}.")
        if parts:
            return Composed("answered", " ".join(dict.fromkeys(parts)))
        return Composed("not_found", "The bulletins do not say which code or identifier an enterprise must give or "
                        "declare; ask the customs administration that certified the enterprise.")

    def listing(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        if "measure" in intent.question.lower() or "benefit" in intent.question.lower():
            return self.benefits(intent, evidence, book)
        arrangements = self.table.arrangements()
        if not arrangements:
            return None
        items = []
        for arr in arrangements:
            items.append(f"{arr.partner} (with {self._home(arr)}){self._cite_arrangement(book, arr)}")
        text = "The bulletins report AEO mutual recognition arrangements with: " + "; ".join(items) + "."
        others = sorted(self.named - {a.partner for a in arrangements} - self.homes)
        if others:
            text += (" They also mention " + ", ".join(others) + " in passing (earlier partners or examples); see "
                     "the bulletins for what they say of each.")
        return Composed("answered", text)

    def search(self, intent: Intent, evidence: Sequence[Evidence], book: CitationBook) -> Composed | None:
        chosen = relevant(evidence, 0.3)
        if not chosen:
            return None
        by_source: dict[str, Evidence] = {}
        for e in chosen:
            by_source.setdefault(e.passage.source, e)
        ordered = sorted(by_source.values(), key=lambda e: -(e.passage.date.sort_key if e.passage.date else 0))
        lines = [f"{len(ordered)} bulletin{'s' if len(ordered) != 1 else ''} match, newest first:"]
        for e in ordered:
            n = book.cite(e)
            lines.append(f"{self._date_label(e.passage.source)}: {_sentence(e.sentence.text)} [{n}]")
        return Composed("answered", " ".join(lines))

    # -- pieces -------------------------------------------------------------------------------
    def _home(self, arr: Arrangement) -> str:
        doc = self.docs.get(arr.sources[0]) if arr.sources else None
        return (doc.home if doc and doc.home else "the issuing administration")

    def _cite_arrangement(self, book: CitationBook, arr: Arrangement) -> str:
        """Cite the sentence that reports the arrangement itself."""
        for span in (arr.signed, *arr.administrations, arr.in_force):
            cite = self._cite_field(book, span)
            if cite:
                return cite
        for source in arr.sources:
            doc = self.docs.get(source)
            if doc is None:
                continue
            for s in sentences_of(doc.text):
                low = s.text.lower()
                if arr.partner.lower() in low and ("sign" in low or "recogni" in low or "agreement" in low):
                    n = book.cite_span(source, doc.doc_id, doc.title, doc.date_iso, doc.text, s.start, s.end)
                    return f" [{n}]"
        return ""

    def _measures_sentence(self, arr: Arrangement, book: CitationBook, lead: bool = False) -> str:
        if not arr.measures:
            return ""
        cites = sorted({n for m in arr.measures if (n := self.cite(book, m.source, m.start, m.end))})
        marks = "".join(f" [{n}]" for n in cites)
        items = "; ".join(m.value for m in arr.measures)
        if lead:
            return (f"Under the {self._home(arr)}–{arr.partner} AEO arrangement, AEO enterprises of both sides get "
                    f"these facilitation measures: {items}{marks}.")
        return f"The measures AEO enterprises of both sides get are: {items}{marks}."

    def _condition(self, arr: Arrangement, book: CitationBook, home: str) -> str:
        """That the benefits need AEO status, cited to the bulletin's own words about certification."""
        for source in arr.sources:
            doc = self.docs.get(source)
            if doc is None:
                continue
            for s in sentences_of(doc.text):
                low = s.text.lower()
                if "certif" in low and "enterprise" in low:
                    n = book.cite_span(source, doc.doc_id, doc.title, doc.date_iso, doc.text, s.start, s.end)
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

    def _mention(self, book: CitationBook, partner: str) -> str:
        for doc in self.docs.values():
            for s in sentences_of(doc.text):
                if partner.lower() in s.text.lower():
                    n = book.cite_span(doc.source, doc.doc_id, doc.title, doc.date_iso, doc.text, s.start, s.end)
                    return f"A bulletin mentions {partner} only in passing: {_sentence(s.text)} [{n}]"
        return ""


def _sentence(text: str) -> str:
    text = text.strip().lstrip(";, ")
    return text if text.endswith((".", "!", "?", "。")) else text + "."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"]


def _day(norm: str) -> str:
    """A normalised date (YYYY-MM-DD, --MM-DD, YYYY-MM, YYYY) in words a reader expects."""
    parts = norm.lstrip("-").split("-")
    try:
        if norm.startswith("--") and len(parts) == 2:
            return f"{_MONTH_NAMES[int(parts[0]) - 1]} {int(parts[1])}"
        if len(parts) == 3:
            return f"{int(parts[2])} {_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return norm


def _has_year(norm: str) -> bool:
    return not norm.startswith("--") and norm[:4].isdigit()


def _topic(question: str) -> str:
    import re

    m = re.search(r"\b(tariffs?|duty rates?|duties|tax(?:es)?|vat|hs codes?|exchange rates?|weather|quotas?|"
                  r"anti-?dumping|visas?|excise|rules? of origin)\b", question, re.I)
    return m.group(1).lower() if m else "that topic"


__all__ = ["Composed", "Composer", "Fact"]
