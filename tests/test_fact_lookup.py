"""The fact lookup a claim is checked through drops only facts the matcher would reject, so checking through it
gives the verdicts a scan of every fact gives (on generated bulletins of fictional economies and the seeds)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.check import ClaimChecker, supersessions
from bench.generate import generate
from corpus.loader import load_file
from corpus.records import Bulletin
from index.facts import Fact, extract_facts, match_score
from index.facts.lookup import FactIndex

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "bulletins"


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> list[Fact]:
    folder = tmp_path_factory.mktemp("generated")
    generate(folder, 40, seed=3)
    out: list[Fact] = []
    for path in sorted([*folder.glob("*.*"), *SEEDS.glob("*.txt")]):
        if path.suffix in (".txt", ".md", ".html"):
            b = load_file(path)
            assert isinstance(b, Bulletin), b
            out.extend(extract_facts(b))
    assert len(out) > 500
    return out


def test_matching_keeps_every_fact_the_matcher_accepts(facts: list[Fact]) -> None:
    index = FactIndex(facts)
    for claim in facts[::37]:
        subject = claim.subject_terms
        scanned = [f for f in facts if _kinds_fit_fact(claim, f) and match_score(subject, f.subject_terms) is not None]
        looked_up = index.matching(claim.kind, claim.unit, subject)
        assert {f.id for f in scanned} <= {f.id for f in looked_up}, claim.subject
        positions = [facts.index(f) for f in looked_up[:50]]
        assert positions == sorted(positions)  # table order, so ties break as a scan's would


def test_matching_about_economies_keeps_every_fact_the_scope_test_accepts(facts: list[Fact]) -> None:
    from assistant.check import _scope_fits

    index = FactIndex(facts)
    tried = 0
    for claim in [f for f in facts if f.scope or f.partners][:150]:
        named = set(claim.scope) | set(claim.partners[:1])
        if not named:
            continue
        tried += 1
        every = index.matching(claim.kind, claim.unit, claim.subject_terms)
        for strict in (True, False):
            fits = [f for f in every if _scope_fits(named, strict, f)]
            about = index.matching(claim.kind, claim.unit, claim.subject_terms, named, every=strict)
            assert {f.id for f in fits} <= {f.id for f in about} <= {f.id for f in every}, (named, strict)
            assert len(about) < len(every) or len(fits) == len(every)  # it does leave facts out
    assert tried > 20, tried


def test_sharing_ranks_by_shared_rare_words_and_caps(facts: list[Fact]) -> None:
    index = FactIndex(facts)
    target = next(f for f in facts if f.kind == "money")
    pool = index.sharing("money", target.unit, target.terms, limit=5)
    assert len(pool) == 5 and target in index.sharing("money", target.unit, target.terms, limit=10_000)
    assert all(f.kind == "money" for f in pool)


def test_checking_through_the_lookup_equals_a_scan(facts: list[Fact]) -> None:
    class Scan(FactIndex):  # every fact a candidate: the checker as it was before the lookup
        def matching(self, kind, unit, subject, economies=(), every=False):  # type: ignore[no-untyped-def]
            return self.of_kind(kind, unit)

        def sharing(self, kind, unit, words, limit=0):  # type: ignore[no-untyped-def]
            return self.of_kind(kind, unit)

    checker = ClaimChecker(table=None)  # type: ignore[arg-type]
    drafts = [f.quote for f in facts[::29] if f.kind != "date"][:25]
    assert drafts
    fast_index, slow_index, superseded = FactIndex(facts), Scan(facts), supersessions(facts)
    for text in drafts:
        fast = checker.check(text, superseded=superseded, index=fast_index).to_json()
        slow = checker.check(text, superseded=superseded, index=slow_index).to_json()
        assert fast == slow, text


def _kinds_fit_fact(claim: Fact, f: Fact) -> bool:
    if claim.kind in ("date", "year"):
        return f.kind in ("date", "year")
    return claim.kind == f.kind and claim.unit == f.unit


def pairwise(all_facts: list[Fact]) -> dict[str, str]:
    """The supersession rule by comparing every pair of facts: what the indexed walk must find."""
    from assistant.check import _same_value, newer
    from index.facts import same_subject

    out: dict[str, str] = {}
    for f in all_facts:
        best: Fact | None = None
        for g in all_facts:
            if (g.kind, g.unit, g.role, g.event, g.surface) != (f.kind, f.unit, f.role, f.event, f.surface):
                continue
            if g.source == f.source or not newer(g, f) or (best is not None and not newer(g, best)):
                continue
            if f.period and g.period != f.period and not (f.kind == "count" and g.period is None):
                continue
            if f.scope and g.scope and not set(f.scope) & set(g.scope):
                continue
            if f.home and g.home and f.home != g.home and not (set(f.scope) - {f.home}) and \
                    not (set(g.scope) - {g.home}):
                continue
            if _same_value(f, g) or not same_subject(f.subject_terms, g.subject_terms):
                continue
            best = g
        if best is not None:
            out[f.id] = best.id
    return out


def test_supersessions_equal_the_pairwise_rule(facts: list[Fact]) -> None:
    """The bucketed, word-indexed, newest-first search finds what comparing every pair of a bucket finds."""
    sample = [f for f in facts if f.kind in ("count", "money", "percent")][:900]
    expected = pairwise(sample)
    assert expected  # the generated bulletins revise earlier figures
    assert {k: v.id for k, v in supersessions(sample).items()} == expected


@pytest.mark.parametrize("seed", range(6))
def test_repeated_figures_across_economies_periods_and_undated_bulletins_equal_the_pairwise_rule(seed: int) -> None:
    """Clusters the walk shortcuts: one figure repeated unchanged by many bulletins (twins), about several
    economies or none, for several periods or none, from bulletins of equal date and without a year."""
    import random

    rng = random.Random(seed)
    subjects = [("number of certified operators", ("operators",), ("certified", "operators")),
                ("value of bilateral trade", ("trade",), ("bilateral", "trade", "value"))]
    made = []
    for n in range(400):
        phrase, head, terms = rng.choice(subjects)
        kind = "count" if head == ("operators",) else "money"
        dated = rng.random() > 0.1
        made.append(Fact(
            id=f"f{n}", source=f"b{rng.randrange(60)}.txt", doc_id="", kind=kind, unit="", value=float(rng.choice([5, 5, 5, 7, 9])),
            norm="", expr="", start=n, end=n + 1, quote="", sent_start=0, sent_end=1, subject=phrase, head=head,
            terms=terms, scope=rng.choice([(), ("Vestaria",), ("Norland",), ("Vestaria", "Norland")]),
            period=rng.choice([None, None, "2023", "2024"]), home=rng.choice([None, "Ostmark"]),
            bulletin_sort=rng.randrange(12) if dated else 0, bulletin_year_known=dated))
    by_source = {f.source: f for f in made}  # one date per bulletin, as read
    made = [replace(f, bulletin_sort=by_source[f.source].bulletin_sort,
                    bulletin_year_known=by_source[f.source].bulletin_year_known) for f in made]
    expected = pairwise(made)
    assert expected
    assert {k: v.id for k, v in supersessions(made).items()} == expected
