"""The assistant service: the one object the CLI, the UI and the evaluation harness call."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer import CitationBook, relevant, renumber
from assistant.check import CheckResult, ClaimChecker, ground, supersessions
from assistant.compose import Composer
from assistant.conversation import Conversation
from assistant.evidence import SentenceScorer, sentences_of
from assistant.highlight import best_window, highlight_spans, mark
from assistant.llm import make_llm, rewrite
from assistant.records import Answer, Citation, Passage
from assistant.settings import Settings
from assistant.understand import Intent, understand
from index.catalog import Catalog, DocumentRow
from index.embedder import Embedder, SentenceTransformerEmbedder, offline
from index.facts import Arrangement, Fact, FactTable

if TYPE_CHECKING:  # imported where used: commands that read the catalog only never load llama-index or Chroma
    from index.ingest import Indexer, IngestReport
    from index.store import VectorStore

_UNSET: Any = object()
EVIDENCE_DEPTH = 8


class EmptyIndexError(RuntimeError):
    """Raised by ask/search before anything was ingested."""


def make_embedder(settings: Settings) -> Embedder:
    """The factory for the embedder role."""
    return SentenceTransformerEmbedder(settings.model_path)


def make_store(settings: Settings) -> VectorStore:
    """The factory for the store role: a Chroma server when CHROMA_HOST is set, else embedded on disk."""
    from index.store import ChromaStore, chroma_client

    if settings.chroma_host:
        client = chroma_client(host=settings.chroma_host, port=settings.chroma_port)
    else:
        client = chroma_client(path=settings.chroma_path)
    return ChromaStore(client, settings.collection)


class Assistant:
    """Ingest, search, ask: built from settings, heavy parts created once and on first use."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: VectorStore | None = None,
                 llm: Any | None = None) -> None:
        offline()
        self.settings = settings
        self._embedder = embedder
        self._store = store
        self._catalog: Catalog | None = None
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._scorer: SentenceScorer | None = None
        self._facts: FactTable | None = None
        self._llm: Any = llm if llm is not None else _UNSET

    # -- components ---------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
            _configure_llama_index(self._embedder)
        return self._embedder

    @property
    def store(self) -> VectorStore:
        if self._store is None:
            self._store = make_store(self.settings)
        return self._store

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self.settings.catalog_path)
        return self._catalog

    @property
    def indexer(self) -> Indexer:
        from index.chunking import Chunker
        from index.ingest import Indexer

        return Indexer(
            self.catalog, self.store, self.embedder,
            Chunker(self.settings.chunk_size, self.settings.chunk_overlap),
            extensions=self._extensions(), max_bytes=self.settings.max_file_bytes,
        )

    @property
    def scorer(self) -> SentenceScorer:
        if self._scorer is None:
            self._scorer = SentenceScorer(self.embedder)
        return self._scorer

    @property
    def facts_table(self) -> FactTable:
        """The fact table lives in the catalog's SQLite file, so one transaction covers both."""
        if self._facts is None:
            self._facts = FactTable(self.catalog.conn)
            self._facts.ensure_schema()
        return self._facts

    @property
    def checker(self) -> ClaimChecker:
        return ClaimChecker(self.facts_table, similar=self._similar)

    def _similar(self, text: str, candidates: list[str]) -> list[float]:
        """Cosine similarity of ``text`` to each candidate, with cached sentence vectors."""
        vectors = self.scorer.vectors([text, *candidates])
        head = vectors[0]
        return [sum(a * b for a, b in zip(head, v, strict=False)) for v in vectors[1:]]

    @property
    def llm(self) -> Any | None:
        if self._llm is _UNSET:
            self._llm = make_llm(self.settings)
        return self._llm

    def _extensions(self) -> list[Any]:
        return [self.facts_table]

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None
            self._facts = None

    # -- writing ------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path | str], prune: bool = False, progress: bool = True) -> IngestReport:
        with self._lock:
            return self.indexer.ingest_paths([Path(p) for p in paths], prune=prune, progress=progress)

    def ingest_upload(self, data: bytes, name: str) -> IngestReport:
        with self._lock:
            return self.indexer.ingest_bytes(data, name)

    def delete(self, source: str) -> bool:
        with self._lock:
            return self.indexer.delete(source)

    # -- reading ------------------------------------------------------------------------------
    def bulletins(self) -> list[DocumentRow]:
        return self.catalog.documents()

    def bulletin(self, source: str) -> DocumentRow | None:
        return self.catalog.document(source)

    def _require_index(self) -> None:
        if self.catalog.count() == 0:
            raise EmptyIndexError(
                f"the index at {self.settings.home} is empty: run `customs-assistant ingest corpus/bulletins` first"
            )

    def search(self, query: str, partner: str | None = None, since: date | None = None,
               until: date | None = None, k: int | None = None) -> list[Passage]:
        query = _valid_text(query, "query")
        if k is not None and not 1 <= k <= 100:
            raise ValueError("-k must be between 1 and 100")
        if since and until and since > until:
            raise ValueError("--since is after --until")
        self._require_index()
        from assistant.retrieve import Filters, HybridRetriever

        retriever = HybridRetriever(self.catalog, self.store, self.embedder)
        return retriever.retrieve(query, k or self.settings.top_k, Filters(partner, since, until))

    def search_grouped(self, query: str, partner: str | None = None, since: date | None = None,
                       until: date | None = None, k: int | None = None) -> dict[str, Any]:
        """Search results as JSON: a flat ranked list and the same hits grouped by bulletin.

        Groups are ordered newest bulletin first when the query asks for announcements, and
        by best score otherwise.
        """
        passages = self.search(query, partner=partner, since=since, until=until, k=k)
        results = []
        for p in passages:
            s, e = best_window(p.text, query)
            snippet = p.text[s:e]
            spans = highlight_spans(snippet, query)
            item = p.to_json(snippet=snippet)
            item["snippet_start"], item["snippet_end"] = p.start + s, p.start + e
            item["highlights"] = [list(x) for x in spans]
            item["highlighted"] = mark(snippet, spans)
            results.append(item)
        groups: dict[str, dict[str, Any]] = {}
        for item, p in zip(results, passages, strict=True):
            g = groups.setdefault(p.source, {
                "source": p.source, "title": p.title, "doc_id": p.doc_id,
                "date": p.date.iso if p.date else None, "date_text": p.date.label() if p.date else None,
                "date_key": p.date.sort_key if p.date else 0, "best": p.score, "passages": [],
            })
            g["passages"].append(item)
        ordered = list(groups.values())
        if wants_announcements(query):
            # Newest first; a bulletin whose year is not given cannot be placed, so it goes last, not by its day.
            ordered.sort(key=lambda g: (g["date_key"] < 10000, -g["date_key"] if g["date_key"] >= 10000 else 0,
                                        -g["best"]))
        return {"query": query, "partner": partner, "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None, "results": results, "groups": ordered}

    def bulletin_json(self, doc: DocumentRow) -> dict[str, Any]:
        return {
            "source": doc.source, "doc_id": doc.doc_id, "title": doc.title, "date": doc.date_iso,
            "date_text": doc.date.label() if doc.date else None, "partners": list(doc.partners),
            "mentioned": list(doc.mentioned), "issuer": doc.issuer, "ingested_at": doc.ingested_at,
            "chars": len(doc.text),
        }

    def warm(self, limit: int = 20000) -> int:
        """Load the model and embed the corpus's sentences once, so the first questions are fast too.

        Skipped above ``limit`` sentences, where it would cost more than it saves; returns how many
        sentences were embedded.
        """
        sentences = [s.text for d in self.catalog.documents() for s in sentences_of(d.text)]
        if len(sentences) > limit:
            self.embedder.embed(["warm up"])
            return 0
        self.scorer.vectors(sentences or ["warm up"])
        return len(sentences)

    def snapshot(self) -> Snapshot:
        """What every question reads, computed once per index generation (so once after each ingest, by whichever
        process wrote it): the bulletins, the fact table, which facts a newer bulletin supersedes, the merged
        arrangement records. Questions then cost indexed lookups, not a scan of the corpus each."""
        generation = self.catalog.generation()
        snap = self._snapshot
        if snap is not None and snap.generation == generation:
            return snap
        with self._lock:
            if self._snapshot is not None and self._snapshot.generation == generation:
                return self._snapshot
            facts = self.facts_table.facts()
            snap = Snapshot(generation, self.catalog.documents(), facts, supersessions(facts),
                            self.facts_table.arrangements())
            self._snapshot = snap
            return snap

    def conversation(self) -> Conversation:
        """A new conversation whose follow-up questions resolve against its earlier turns."""
        return Conversation(self)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer one question from the bulletins, every sentence cited and every figure checked.

        ``history`` holds the earlier questions of a conversation, so follow-ups resolve against them.
        """
        question = _valid_text(question, "question")
        self._require_index()
        t0 = time.perf_counter()
        intent = self.understand(question, history)
        qvec = self.scorer.vectors([intent.query])[0]
        snap = self.snapshot()
        docs = snap.docs
        from assistant.retrieve import HybridRetriever

        retriever = HybridRetriever(self.catalog, self.store, self.embedder)
        # Sentence scoring reranks what retrieval finds, so it is given a wider net than top_k.
        passages = retriever.retrieve(intent.query, max(self.settings.top_k, EVIDENCE_DEPTH), query_vector=qvec,
                                      documents=docs)
        t1 = time.perf_counter()
        texts = {d.source: d.text for d in docs}
        evidence = self.scorer.score(intent.query, passages, texts, qvec)
        evidence = _about_partners(evidence, intent, docs)
        book = CitationBook()
        composed = Composer(self.facts_table, docs, snap.arrangements, snap.facts).compose(intent, evidence, book)
        status = composed.status
        text, citations = renumber(composed.text, book.citations)
        llm_info: dict[str, Any] | None = None
        if status == "answered" and self.llm is not None:
            text, llm_info = self._rewrite(question, text, citations, intent)
        text = text or "The bulletins do not answer this question."
        result = self.check(text, intent.partners, citations)
        text = flag_unverified(text, result)
        closest: tuple[dict[str, Any], ...] = ()
        if status == "not_found":
            # The list of nearest bulletins is navigation, not a claim: it is appended after checking.
            closest = tuple(_closest([e.passage for e in relevant(evidence, 0.25)] or passages))
            if closest:
                text += " Closest announcements: " + "; ".join(
                    f"{c['title']} ({c['date'] or 'date not given'}, {c['source']})" for c in closest) + "."
        t2 = time.perf_counter()
        return Answer(
            question=question, status=status, answer=text, citations=citations,
            checks=tuple(claim_checks(result)), verdict=result.verdict, retrieved=tuple(passages), closest=closest,
            timings_ms={"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000, "total": (t2 - t0) * 1000},
            kind=intent.kind, partners=intent.partners, intent=intent.to_json(), llm=llm_info,
        )

    def understand(self, question: str, history: Sequence[str] = ()) -> Intent:
        """The intent of ``question``, with earlier turns resolving what a follow-up leaves out."""
        previous: Intent | None = None
        for earlier in history:
            previous = understand(earlier, previous)
        return understand(question, previous)

    def _rewrite(self, question: str, draft: str, citations: Sequence[Any], intent: Intent) -> tuple[str, dict[str, Any]]:
        """Let the LLM make the draft fluent; keep the draft when the rewrite fails any check."""
        result = rewrite(self.llm, question, draft, {c.n: c.quote for c in citations})
        flags = list(result.flags)
        if result.text:
            check = self.check(result.text, intent.partners, citations)
            draft_check = self.check(draft, intent.partners, citations)
            for claim in check.claims:
                if claim.verdict != "supported" and claim.claim not in {c.claim for c in draft_check.claims}:
                    flags.append(f"{claim.verdict} figure {claim.claim!r}: {claim.note}".strip())
        info = {"used": not flags, "flags": flags, "text": result.text}
        return (result.text if not flags else draft), info

    def check(self, text: str, partners: Sequence[str] = (), citations: Sequence[Citation] = ()) -> CheckResult:
        """Verdicts for every numeric or date claim of any text (an answer or a staff draft).

        With ``citations`` (an answer's), a claim may also resolve to the fact row inside the
        sentence it cites.
        """
        if len(text) > 200_000:
            raise ValueError(f"text too long to check ({len(text):,} characters; the limit is 200,000)")
        cited = {c.n: (c.source, c.start, c.end) for c in citations}
        snap = self.snapshot()
        facts = snap.facts
        result = self.checker.check(text, partners, cited, facts, snap.superseded)
        return ground(result, facts, cited) if cited else result

    def check_in_context(self, text: str, turns: Sequence[str] = ()) -> CheckResult:
        """Check a text as the answer to a question (the last of ``turns``): a claim that names no economy is
        about the economies the question names, as an answer's claims are."""
        turns = [t for t in turns if t.strip()]
        partners = self.understand(turns[-1], turns[:-1]).partners if turns else ()
        return self.check(text, partners)

    def facts_json(self, partner: str | None = None, subject: str | None = None) -> list[dict[str, Any]]:
        out = []
        for f in self.facts_table.facts(partner=partner, subject=subject):
            out.append({
                "value": f.json_value(), "unit": f.unit, "kind": f.kind, "qualifier": f.qualifier,
                "subject": f.subject, "as_of": f.as_of, "period": f.period, "partners": list(f.partners),
                "source": f.source, "expr": f.expr, "start": f.start, "end": f.end,
                "quote": f.quote, "sentence_start": f.sent_start, "sentence_end": f.sent_end,
                "bulletin_date": f.bulletin_date, "id": f.id,
            })
        return out

    def arrangements_json(self, partner: str | None = None) -> list[dict[str, Any]]:
        return [a.to_json() for a in self.facts_table.arrangements(partner)]


_ANNOUNCE = re.compile(r"\b(announce\w*|bulletins?|news|latest|recent|newest|signed|notices?|press)\b", re.I)


def wants_announcements(query: str) -> bool:
    """Whether a search reads as "show me the announcements about…", which staff want newest first."""
    return bool(_ANNOUNCE.search(query))


MAX_QUESTION_CHARS = 2000


def _valid_text(text: str, what: str) -> str:
    """One-line, non-empty, bounded input: a clear error instead of a slow or meaningless search."""
    text = " ".join(str(text).encode("utf-8", "replace").decode("utf-8").split())  # lone surrogates become "?"
    if not text:
        raise ValueError(f"empty {what}")
    if len(text) > MAX_QUESTION_CHARS:
        raise ValueError(f"{what} too long ({len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,})")
    return text


def _about_partners(evidence: list[Any], intent: Intent, docs: Sequence[DocumentRow]) -> list[Any]:
    """Keep the evidence from bulletins about the partners a question names, when there is any."""
    homes = {d.home for d in docs if d.home}
    named = {p for p in intent.partners if p not in homes}
    if not named:
        return evidence
    about = {d.source for d in docs if named & d.economies()}
    kept = [e for e in evidence if e.passage.source in about]
    return kept or evidence


@dataclass(frozen=True)
class Snapshot:
    """The read side of one index generation."""

    generation: int
    docs: list[DocumentRow]
    facts: list[Fact]
    superseded: dict[str, Fact]
    arrangements: list[Arrangement]


def flag_unverified(text: str, result: CheckResult) -> str:
    """Mark every figure the checker did not support, so none is ever presented as verified."""
    bad = [c for c in result.claims if c.verdict != "supported"]
    if not bad:
        return text
    notes = "; ".join(f"{c.claim} ({c.verdict}{': ' + c.note if c.note else ''})" for c in bad)
    return f"{text} [Not verified against the fact table: {notes}]"


def claim_checks(result: CheckResult) -> list[dict[str, Any]]:
    """One ``checks`` entry per claim, each in the shape of a check result, as the contract says."""
    out = []
    for claim in result.claims:
        entry = {"text": claim.claim, "verdict": claim.verdict, "claims": [claim.to_json()]}
        out.append(entry)
    return out


def _closest(passages: list[Passage], n: int = 3) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for p in passages:
        if p.source not in seen and len(seen) < n:
            seen[p.source] = {"source": p.source, "title": p.title, "date": p.date.label() if p.date else None}
    return list(seen.values())


def _configure_llama_index(embedder: Embedder) -> None:
    """Point llama-index's globals at our embedder and no LLM, so nothing reaches for a hosted API."""
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.llms import MockLLM

    from index.llama_embedding import LlamaIndexEmbedding

    LlamaSettings.embed_model = LlamaIndexEmbedding(embedder)
    LlamaSettings.llm = MockLLM()


__all__ = ["Assistant", "EmptyIndexError", "make_embedder", "make_store"]


# -- added for UI/CLI ------------------------------------------------------------------------------
def bulletins_without_year(assistant: Assistant, partner: str | None = None) -> list[str]:
    """Sources of the indexed bulletins whose year is not given that a ``partner`` filter would keep.

    A date range can never include them (years are not invented), so the search view says how many
    were left out instead of dropping them silently.
    """
    return [d.source for d in assistant.bulletins()
            if not (d.date and d.date.year) and (partner is None or partner in d.economies())]
