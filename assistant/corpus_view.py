"""What answers read about the corpus as a whole, computed once per index generation.

The composer needs to know which economies the bulletins name, which administrations issued them, which
economies are hubs of many arrangements, and which bulletins name a given economy. Worked out per question these
walk every bulletin; here they are worked out when the snapshot is built and looked up after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from index.catalog import DocumentRow
from index.facts import Arrangement, Fact
from index.facts.lookup import FactIndex


@dataclass(frozen=True)
class CorpusView:
    """Bulletins, arrangements and facts of one generation, with the lookups answers use."""

    docs: dict[str, DocumentRow]
    arrangements: list[Arrangement]
    facts: list[Fact] | None = None
    index: FactIndex | None = None
    named: frozenset[str] = frozenset()
    issuers: frozenset[str] = frozenset()
    homes: frozenset[str] = frozenset()
    naming: dict[str, tuple[str, ...]] = field(default_factory=dict)
    about: dict[str, tuple[str, ...]] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, docs: Sequence[DocumentRow], arrangements: Sequence[Arrangement],
              facts: Sequence[Fact] | None = None, index: FactIndex | None = None) -> CorpusView:
        naming: dict[str, list[str]] = {}
        about: dict[str, list[str]] = {}
        for d in docs:  # in the catalog's order, so a lookup meets bulletins in the order a walk would
            for economy in sorted(d.economies()):
                naming.setdefault(economy, []).append(d.source)
            for partner in dict.fromkeys(d.partners):
                about.setdefault(partner, []).append(d.source)
        arrangements = list(arrangements)
        counts: dict[str, int] = {}
        for arr in arrangements:
            for side in arr.sides:
                counts[side] = counts.get(side, 0) + 1
        # A hub is a side of many arrangements (the issuing administration of most bulletins): naming it does not
        # say which arrangement a question is about.
        many = len(arrangements)
        homes = frozenset(e for e, n in counts.items() if n >= max(3, 0.4 * many) or (many >= 2 and n == many))
        facts = list(facts) if facts is not None else None
        return cls(
            docs={d.source: d for d in docs}, arrangements=arrangements, facts=facts,
            index=index if index is not None else (FactIndex(facts) if facts is not None else None),
            named=frozenset(naming), issuers=frozenset(d.home for d in docs if d.home), homes=homes,
            naming={e: tuple(s) for e, s in naming.items()}, about={p: tuple(s) for p, s in about.items()},
            position={d.source: i for i, d in enumerate(docs)},
        )

    def docs_naming(self, economy: str) -> list[DocumentRow]:
        """The bulletins that name ``economy`` (as issuer, partner or mention), in catalog order."""
        return [self.docs[s] for s in self.naming.get(economy, ())]

    def docs_about(self, partners: Sequence[str]) -> list[DocumentRow]:
        """The bulletins whose partners include one of ``partners``, in catalog order."""
        wanted = {s for p in partners for s in self.about.get(p, ())}
        return [self.docs[s] for s in sorted(wanted, key=self.position.__getitem__)]
