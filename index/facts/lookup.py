"""The fact table as lookups: by kind, by subject term, by bulletin.

Built once per index generation, so a claim is compared with the facts that could match it (those sharing a
term of its subject, of a kind that fits) instead of with every fact of the corpus: the matcher needs at least
one of the claim's subject terms in a fact's terms to call them the same subject, so the lookup drops only facts
it would have rejected. Candidates come back in table order, so ties break exactly as a scan would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from index.facts.records import Fact
from index.facts.subjects import MIN_COVER, Subject, weight

DATES = ("date", "year")
# Similar sentences share words: the similarity fallback embeds at most this many of the sentences sharing the
# most (rarest-first) words with the claim, not every sentence of the kind.
SIMILAR_POOL = 300


def kind_key(kind: str, unit: str) -> tuple[str, str]:
    """Dates and years fit each other; any other kind fits only itself in the same unit."""
    return ("date", "date") if kind in DATES else (kind, unit)


class FactIndex:
    """Facts grouped for lookup; read-only once built."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.facts = list(facts)
        self._kind: dict[tuple[str, str], list[int]] = {}
        self._term: dict[str, set[int]] = {}
        self._event: dict[str | None, list[int]] = {}
        self._source: dict[str, list[Fact]] = {}
        self._economy: dict[str, set[int]] = {}  # an economy -> facts about it: in scope, partners or issuer's
        for i, f in enumerate(self.facts):
            for economy in {*f.scope, *f.partners, *((f.home,) if f.home else ())}:
                self._economy.setdefault(economy, set()).add(i)
            self._kind.setdefault(kind_key(f.kind, f.unit), []).append(i)
            for t in set(f.terms):
                self._term.setdefault(t, set()).add(i)
            self._event.setdefault(f.event, []).append(i)
            self._source.setdefault(f.source, []).append(f)

    def of_kind(self, kind: str, unit: str) -> list[Fact]:
        return [self.facts[i] for i in self._kind.get(kind_key(kind, unit), ())]

    def matching(self, kind: str, unit: str, subject: Subject, economies: Iterable[str] = (),
                 every: bool = False) -> list[Fact]:
        """Facts of a fitting kind that could match ``subject``: sharing one of its head terms (its terms when it has
        no head), or, for a subject with no terms at all, its event. With ``economies``, only facts about one of
        them (``every``: about each), the necessary half of the checker's scope test: in a corpus of many
        partners most facts on a subject are about other economies."""
        fit = set(self._kind.get(kind_key(kind, unit), ()))
        words = subject.head or subject.terms
        if words:
            # The matcher wants 60 % of the words' weight in a fact; when the light words (customs, AEO) cannot make
            # that up alone, a fact must hold one of the others, so only their postings are read.
            heavy = {t for t in words if weight(t) >= 1.0}
            light = sum(weight(t) for t in words if t not in heavy)
            if heavy and light < MIN_COVER * sum(weight(t) for t in words):
                words = frozenset(heavy)
            found: set[int] = set()
            for t in words:
                found |= self._term.get(t, set())
        else:
            found = set(self._event.get(subject.event, ())) if subject.event else set()
        found &= fit
        about = [self._economy.get(e, set()) for e in set(economies)]
        if about:
            allowed = set(about[0])
            for more in about[1:]:
                allowed = allowed & more if every else allowed | more
            found &= allowed
        return [self.facts[i] for i in sorted(found)]

    def sharing(self, kind: str, unit: str, words: Iterable[str], limit: int = SIMILAR_POOL) -> list[Fact]:
        """Facts of a fitting kind whose terms share the most weight with ``words`` (at most ``limit``, table
        order kept): the pool a sentence-similarity comparison is drawn from."""
        fit = set(self._kind.get(kind_key(kind, unit), ()))
        score: dict[int, float] = {}
        for t in set(words):
            hits = self._term.get(t, set()) & fit
            if not hits:
                continue
            w = weight(t) / len(hits)  # a word few facts share tells more than one all of them share
            for i in hits:
                score[i] = score.get(i, 0.0) + w
        best = sorted(score, key=lambda i: (-score[i], i))[:limit]
        return [self.facts[i] for i in sorted(best)]

    @cached_property
    def _light_headed(self) -> list[int]:
        """Facts whose subject words are all light ones (customs, AEO)."""
        return [i for i, f in enumerate(self.facts) if all(weight(t) < 1.0 for t in (f.head or f.terms))]

    def named_by(self, words: frozenset[str]) -> list[Fact]:
        """Facts a question's ``words`` may name, in table order: those holding one of its weighty words, and those
        whose subject is light words only (named when the question holds them all)."""
        found: set[int] = set()
        for t in words:
            if weight(t) >= 1.0:
                found |= self._term.get(t, set())
        found.update(self._light_headed)
        return [self.facts[i] for i in sorted(found)]

    @cached_property
    def homes(self) -> frozenset[str]:
        """The issuing economies some fact comes from."""
        return frozenset(f.home for f in self.facts if f.home)

    def of_source(self, source: str) -> list[Fact]:
        return self._source.get(source, [])

    @cached_property
    def publications(self) -> list[Fact]:
        """Each bulletin's own date."""
        return [f for f in self.facts if f.subject.startswith("publication date")]
