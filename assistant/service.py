"""The assistant service: the one object the CLI, the UI and the evaluation harness call."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer import CitationBook, relevant, renumber
from assistant.check import CheckResult, ClaimChecker, ground, supersessions
from assistant.compose import Composer
from assistant.conversation import Conversation
from assistant.corpus_view import CorpusView
from assistant.evidence import SentenceScorer, sentences_of
from assistant.feedback import Feedback, FeedbackStore, gold_draft
from assistant.highlight import best_window, highlight_spans, mark
from assistant.index_state import IndexState, index_state
from assistant.llm import make_llm, rewrite
from assistant.records import Answer, Citation, Passage
from assistant.settings import Settings, default_cache
from assistant.understand import Intent, understand
from corpus.loader import too_large
from corpus.records import Rejected
from index.catalog import Catalog, DocumentRow
from index.embedder import Embedder, SentenceTransformerEmbedder, offline
from index.facts import Arrangement, Fact, FactTable
from index.facts.lookup import FactIndex
from index.sentence_vectors import SentenceVectors, StoredFirst

if TYPE_CHECKING:  # imported where used: commands that read the catalog only never load llama-index or Chroma
    from assistant.retrieve import HybridRetriever
    from index.ingest import Indexer, IngestReport
    from index.store import VectorStore

_UNSET: Any = object()
EVIDENCE_DEPTH = 8


class EmptyIndexError(RuntimeError):
    """Raised by ask/search before anything was ingested."""


def make_embedder(settings: Settings) -> Embedder:
    """The factory for the embedder role: the packaged model on the backend ``settings.embedding`` names."""
    backend = settings.embedding
    if backend in ("onnx", "onnx-int8"):
        from index.onnx_embedder import OnnxEmbedder

        return OnnxEmbedder(settings.model_cache or default_cache(os.environ), settings.model_path,
                            quantized=backend == "onnx-int8")
    if backend in ("torch", "openvino"):
        return SentenceTransformerEmbedder(settings.model_path, backend=backend)
    raise ValueError(f"unknown embedding backend {backend!r} (torch, onnx, onnx-int8 or openvino)")


def make_store(settings: Settings) -> VectorStore:
    """The factory for the store role: a Chroma server when CHROMA_HOST is set, else embedded on disk."""
    from index.store import ChromaStore, chroma_client

    if settings.chroma_host:
        client = chroma_client(host=settings.chroma_host, port=settings.chroma_port)
    else:
        client = chroma_client(path=settings.chroma_path)
    return ChromaStore(client, settings.collection)


WARM_UP_QUESTION = "What do AEO enterprises get from a mutual recognition arrangement?"


class Assistant:
    """Ingest, search, ask: built from settings, heavy parts created once and on first use."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: VectorStore | None = None,
                 llm: Any | None = None) -> None:
        offline()
        self.settings = settings
        self._embedder = embedder
        self._store = store
        self._catalog: Catalog | None = None
        # Reads take no lock: each thread has its own SQLite connection and the snapshot is swapped whole.
        self._lock = threading.RLock()  # serialises writes (ingest, upload, delete)
        self._init_lock = threading.RLock()  # heavy parts are created once, by the first thread needing them
        self._snapshot_lock = threading.Lock()  # one thread computes a new generation's snapshot
        self._snapshot: Snapshot | None = None
        self._scorer: SentenceScorer | None = None
        self._sentence_vectors: SentenceVectors | None = None
        self._facts_local = threading.local()
        self._llm: Any = llm if llm is not None else _UNSET

    # -- components ---------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._init_lock:
                if self._embedder is None:
                    embedder = make_embedder(self.settings)
                    _configure_llama_index(embedder)
                    self._embedder = embedder
        return self._embedder

    @property
    def store(self) -> VectorStore:
        if self._store is None:
            with self._init_lock:
                if self._store is None:
                    self._store = make_store(self.settings)
        return self._store

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            with self._init_lock:
                if self._catalog is None:
                    catalog = Catalog(self.settings.catalog_path)
                    # The fact tables are made here, committed before any reader can ask for them: made on first
                    # use, they were created inside that reader's open read transaction, and another thread read
                    # "no such table: facts" until it committed (an empty data folder, several page requests).
                    FactTable(catalog.conn).ensure_schema()  # the catalog's connections autocommit
                    self._catalog = catalog
        return self._catalog

    @property
    def indexer(self) -> Indexer:
        from index.chunking import Chunker
        from index.ingest import Indexer

        return Indexer(
            self.catalog, self.store, self.embedder,
            Chunker(self.settings.chunk_size, self.settings.chunk_overlap),
            extensions=self._extensions(), max_bytes=self.settings.max_file_bytes,
            max_passages=self.settings.max_passages,
        )

    @property
    def scorer(self) -> SentenceScorer:
        if self._scorer is None:
            with self._init_lock:
                if self._scorer is None:
                    self._scorer = SentenceScorer(StoredFirst(self.embedder, self.sentence_vectors))
        return self._scorer

    @property
    def sentence_vectors(self) -> SentenceVectors:
        """Sentence vectors kept at ingest in the catalog's file, read instead of re-embedding at start-up."""
        if self._sentence_vectors is None:
            with self._init_lock:
                if self._sentence_vectors is None:
                    vectors = SentenceVectors(lambda: self.catalog.conn, self.embedder)
                    vectors.ensure_schema()
                    self._sentence_vectors = vectors
        return self._sentence_vectors

    @property
    def facts_table(self) -> FactTable:
        """The fact table lives in the catalog's SQLite file, so one transaction covers both; each thread
        reads it through its own connection, as it reads the catalog."""
        conn = self.catalog.conn
        table: FactTable | None = getattr(self._facts_local, "table", None)
        if table is None or table.conn is not conn:
            table = FactTable(conn)
            self._facts_local.table = table
        return table

    @property
    def checker(self) -> ClaimChecker:
        return ClaimChecker(self.facts_table, similar=self._similar)

    def _similar(self, text: str, candidates: list[str]) -> list[float]:
        """Cosine similarity of ``text`` to each candidate, with cached sentence vectors."""
        vectors = self.scorer.matrix([text, *candidates])
        return [float(x) for x in vectors[1:] @ vectors[0]]

    @property
    def llm(self) -> Any | None:
        if self._llm is _UNSET:
            with self._init_lock:
                if self._llm is _UNSET:
                    self._llm = make_llm(self.settings)
        return self._llm

    def _extensions(self) -> list[Any]:
        return [self.facts_table, self.sentence_vectors]

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    # -- writing ------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path | str], prune: bool = False, progress: bool = True) -> IngestReport:
        with self._lock:
            return self.indexer.ingest_paths([Path(p) for p in paths], prune=prune, progress=progress)

    def ingest_upload(self, data: bytes, name: str) -> IngestReport:
        with self._lock:
            return self.indexer.ingest_bytes(data, name)

    def ingest_upload_file(self, path: Path, name: str) -> IngestReport:
        """An uploaded file (the app's temporary copy) under its user's ``name``: refused by size before it is read,
        in the words ``ingest`` uses, so the app holds no limit of its own."""
        from index.ingest import IngestReport

        limit = self.settings.max_file_bytes
        try:
            size = path.stat().st_size
            if size > limit:
                return IngestReport(rejected=[too_large(name, size, limit)])
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            return IngestReport(rejected=[Rejected(name, f"cannot read the upload: {exc.strerror or exc}")])
        return self.ingest_upload(data, name)

    def delete(self, source: str) -> bool:
        with self._lock:
            return self.indexer.delete(source)

    # -- reading ------------------------------------------------------------------------------
    def bulletins(self) -> list[DocumentRow]:
        return self.catalog.documents()

    def bulletin(self, source: str) -> DocumentRow | None:
        return self.catalog.document(source)

    def require_index(self, snap: Snapshot | None = None) -> None:
        """EmptyIndexError, with the ingest hint, when nothing is indexed: what ask, search and every evaluation
        run (the CLI's and the app's) check first. A caller holding the generation's snapshot asks it (a
        question then makes no count of the bulletins, a scan of the table)."""
        empty = not snap.docs if snap is not None else self.catalog.count() == 0
        if empty:
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
        self.require_index()
        from assistant.retrieve import Filters

        return self.retriever.retrieve(query, k or self.settings.top_k, Filters(partner, since, until))

    def search_grouped(self, query: str, partner: str | None = None, since: date | None = None,
                       until: date | None = None, k: int | None = None) -> dict[str, Any]:
        """Search results as JSON: a flat ranked list and the same hits grouped by bulletin.

        Groups are ordered newest bulletin first when the query asks for announcements, and
        by best score otherwise.
        """
        query = _valid_text(query, "query")  # the query is echoed back: lone surrogates must not reach the JSON
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
            "chars": len(doc.text), "addressed_to_software": addressed_sentences(doc.text),
        }

    def index_state(self) -> IndexState:
        """The fingerprint of what is indexed now (bulletins and their versions), as answers record it."""
        return self.snapshot().state

    # -- feedback and evaluation ----------------------------------------------------------------
    @property
    def feedback(self) -> FeedbackStore:
        """Users' ratings of answers, in ``feedback.sqlite`` in the data folder."""
        return FeedbackStore(self.settings.home / "feedback.sqlite")

    def rate(self, answer: dict[str, Any], rating: str, note: str = "", history: Sequence[str] = ()) -> Feedback:
        """Keep a thumbs up / down (and note) on an answer's JSON, asked after the questions in ``history``."""
        return self.feedback.add(answer, rating, note, history)

    def feedback_draft(self) -> list[dict[str, Any]]:
        """Every rating as a gold-set item draft (eval set format), latest rating per conversation."""
        return gold_draft(self.feedback.all())

    def ask_turns(self, turns: Sequence[str]) -> Answer:
        """A conversation asked turn by turn; the answer to the last turn (how an eval item's follow-up is asked)."""
        conversation = self.conversation()
        if not turns:
            raise ValueError("empty question")
        for turn in turns[:-1]:
            conversation.ask(turn)
        return conversation.ask(turns[-1])

    def warm(self, limit: int = 20000, batch: int = 256) -> int:
        """Load the model and answer one question, so the first user's question is fast too (in a fresh
        process it took ~0.8 s more than the next, all lazy imports and first uses; 50 users asking at once
        all waited for it); ingest stored every sentence's vector already.

        Bulletins ingested before sentence vectors were stored get theirs here, stored once (up to
        ``limit`` sentences per start); returns how many sentences were embedded.
        """
        from corpus import partners, regions

        self.embedder.embed(["warm up"])
        regions.load()
        partners.english_words()  # read on the first misspelt word: ~40 ms the first user would wait for
        if self.catalog.count():
            self.ask(WARM_UP_QUESTION)
        embedded = 0
        todo: list[DocumentRow] = []
        for source in self.sentence_vectors.unstored_sources():
            doc = self.catalog.document(source)
            if doc is None or not sentences_of(doc.text):
                continue
            embedded += len(sentences_of(doc.text))
            if embedded > limit:
                break
            todo.append(doc)
            if sum(len(sentences_of(d.text)) for d in todo) >= batch:
                self._store_sentences(todo)
                todo = []
        self._store_sentences(todo)
        return min(embedded, limit)

    def _store_sentences(self, docs: list[DocumentRow]) -> None:
        """Embed these bulletins' sentences in one call and store them, each unless it changed meanwhile."""
        if not docs:
            return
        texts = [s.text for d in docs for s in sentences_of(d.text)]
        vectors = dict(zip(texts, self.scorer.vectors(texts), strict=True))
        with self._lock:
            for doc in docs:
                with self.catalog.transaction(bump=False):  # answers do not change, so no new generation
                    now = self.catalog.document(doc.source)
                    if now is not None and now.doc_id == doc.doc_id:
                        self.sentence_vectors.store(
                            doc.source, [(s.start, s.end, s.text, vectors[s.text]) for s in sentences_of(doc.text)])

    @cached_property
    def retriever(self) -> HybridRetriever:
        """One retriever for every question (building one per question cost more than answering)."""
        from assistant.retrieve import HybridRetriever

        return HybridRetriever(self.catalog, self.store, self.embedder)

    def snapshot(self) -> Snapshot:
        """What every question reads, computed once per index generation (so once after each ingest, by whichever
        process wrote it): the bulletins, the fact table, which facts a newer bulletin supersedes, the merged
        arrangement records. Questions then cost indexed lookups, not a scan of the corpus each."""
        generation = self.catalog.generation()
        snap = self._snapshot
        if snap is not None and snap.generation == generation:
            return snap
        with self._snapshot_lock:  # not the write lock: a reader never waits for an ingest to finish
            if self._snapshot is not None and self._snapshot.generation == generation:
                return self._snapshot
            with self.catalog.reading():  # one committed state, though an ingest may commit meanwhile
                generation = self.catalog.generation()
                facts = self.facts_table.facts()
                docs = self.catalog.documents()
                arrangements = self.facts_table.arrangements()
            snap = Snapshot(generation, docs, facts, supersessions(facts), arrangements)
            self._snapshot = snap  # one assignment: readers see the old snapshot or the new, never a mix
            return snap

    def conversation(self) -> Conversation:
        """A new conversation whose follow-up questions resolve against its earlier turns."""
        return Conversation(self)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer one question from the bulletins, every sentence cited and every figure checked.

        ``history`` holds the earlier questions of a conversation, so follow-ups resolve against them.
        """
        question = _valid_text(question, "question")
        snap = self.snapshot()
        self.require_index(snap)
        t0 = time.perf_counter()
        intent = self.understand(question, history)
        qvec = self.scorer.vectors([intent.query])[0]
        retriever = self.retriever
        # Sentence scoring reranks what retrieval finds, so it is given a wider net than top_k.
        passages = retriever.retrieve(intent.query, max(self.settings.top_k, EVIDENCE_DEPTH), query_vector=qvec,
                                      documents=snap.by_source)
        t1 = time.perf_counter()
        texts = {p.source: snap.by_source[p.source].text for p in passages}
        evidence = self.scorer.score(intent.query, passages, texts, qvec)
        evidence = _about_partners(evidence, intent, snap.view)
        book = CitationBook()
        composed = Composer(self.facts_table, snap.view).compose(intent, evidence, book)
        status = composed.status
        text, citations = renumber(composed.text, book.citations)
        citations = with_pages(citations, snap.by_source)
        llm_info: dict[str, Any] | None = None
        if status == "answered" and self.llm is not None:
            text, llm_info = self._rewrite(question, text, citations, intent)
        text = text or "The bulletins do not answer this question."
        result = self.check(text, intent.partners, citations, question=intent.question)
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
            index=snap.state.to_json(),
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
            check = self.check(result.text, intent.partners, citations, question=intent.question)
            draft_check = self.check(draft, intent.partners, citations, question=intent.question)
            for claim in check.claims:
                if claim.verdict != "supported" and claim.claim not in {c.claim for c in draft_check.claims}:
                    flags.append(f"{claim.verdict} figure {claim.claim!r}: {claim.note}".strip())
        info = {"used": not flags, "flags": flags, "text": result.text}
        return (result.text if not flags else draft), info

    def check(self, text: str, partners: Sequence[str] = (), citations: Sequence[Citation] = (),
              question: str = "") -> CheckResult:
        """Verdicts for every numeric or date claim of any text (an answer or a staff draft).

        With ``citations`` (an answer's), a claim may also resolve to the fact row inside the
        sentence it cites.
        """
        if len(text) > 200_000:
            raise ValueError(f"text too long to check ({len(text):,} characters; the limit is 200,000)")
        text = str(text).encode("utf-8", "replace").decode("utf-8")  # lone surrogates: a result must encode
        cited = {c.n: (c.source, c.start, c.end) for c in citations}
        snap = self.snapshot()
        result = self.checker.check(text, partners, cited, snap.facts, snap.superseded, question=question,
                                    index=snap.fact_index)
        return ground(result, snap.fact_index, cited) if cited else result

    def check_in_context(self, text: str, turns: Sequence[str] = ()) -> CheckResult:
        """Check a text as the answer to a question (the last of ``turns``): a claim that names no economy is
        about the economies the question names, as an answer's claims are."""
        turns = [t for t in turns if t.strip()]
        intent = self.understand(turns[-1], turns[:-1]) if turns else None
        return self.check(text, intent.partners if intent else (), question=intent.query if intent else "")

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


def addressed_sentences(text: str) -> list[dict[str, Any]]:
    """Sentences of a bulletin addressed to an assistant or a program (planted instructions): never quoted
    or used as evidence, and shown to the admin with a warning so the bulletin can be checked."""
    from corpus.sentences import addressed_to_software

    return [{"start": s.start, "end": s.end, "text": s.text} for s in sentences_of(text)
            if addressed_to_software(s.text)]


_ANNOUNCE = re.compile(r"\b(announce\w*|bulletins?|news|latest|recent|newest|signed|notices?|press)\b", re.I)


def wants_announcements(query: str) -> bool:
    """Whether a search reads as "show me the announcements about…", which staff want newest first."""
    return bool(_ANNOUNCE.search(query))


MAX_QUESTION_CHARS = 2000
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(value: str | None, label: str) -> date | None:
    """A day a user typed as YYYY-MM-DD (the app's From / To boxes, the CLI's --since / --until); None when blank.

    One rule for every front end: ``date.fromisoformat`` alone would also take '20240503' or the ISO week
    '2024W181'. ValueError naming ``label`` otherwise.
    """
    value = (value or "").strip()
    if not value:
        return None
    if not _ISO_DAY.match(value):
        raise ValueError(f"{label} must be a date in YYYY-MM-DD form, e.g. 2024-05-03 (got {value!r})")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{label} is not a real date: {value!r}") from None


def _valid_text(text: str, what: str) -> str:
    """One-line, non-empty, bounded input: a clear error instead of a slow or meaningless search."""
    text = " ".join(str(text).encode("utf-8", "replace").decode("utf-8").split())  # lone surrogates become "?"
    if not text:
        raise ValueError(f"empty {what}")
    if len(text) > MAX_QUESTION_CHARS:
        raise ValueError(f"{what} too long ({len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,})")
    return text


def _about_partners(evidence: list[Any], intent: Intent, view: CorpusView) -> list[Any]:
    """Keep the evidence from bulletins about the partners a question names, when there is any."""
    named = {p for p in intent.partners if p not in view.issuers}
    if not named:
        return evidence
    about = {s for p in named for s in view.naming.get(p, ())}
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

    @cached_property
    def by_source(self) -> dict[str, DocumentRow]:
        """The bulletins by source, built once per generation: a question looks up its hits, it walks no list."""
        return {d.source: d for d in self.docs}

    @cached_property
    def fact_index(self) -> FactIndex:
        """The facts by kind, subject term and bulletin: a claim is compared with its candidates, not the corpus."""
        return FactIndex(self.facts)

    @cached_property
    def view(self) -> CorpusView:
        """What answers read about the corpus as a whole (economies named, issuers, hubs), worked out once."""
        return CorpusView.build(self.docs, self.arrangements, self.facts, self.fact_index)

    @cached_property
    def state(self) -> IndexState:
        """Which bulletins, in which versions, this generation holds: computed once per snapshot, not per question."""
        return index_state(self.generation, self.docs)


def with_pages(citations: tuple[Citation, ...], docs: Mapping[str, DocumentRow]) -> tuple[Citation, ...]:
    """Each citation of a paged (PDF) bulletin names the page its quote starts on (``docs`` by source)."""
    out = []
    for c in citations:
        doc = docs.get(c.source)
        out.append(replace(c, page=doc.page_of(c.start)) if doc is not None and doc.pages else c)
    return tuple(out)


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
    """The nearest bulletins, each with the span of its best passage (where the app opens it)."""
    seen: dict[str, dict[str, Any]] = {}
    for p in passages:
        if p.source not in seen and len(seen) < n:
            seen[p.source] = {"source": p.source, "title": p.title, "date": p.date.label() if p.date else None,
                              "start": p.start, "end": p.end}
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
