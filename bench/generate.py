"""Invented bulletins for the scale benchmark: fictional economies, deterministic from a seed.

Nothing here comes from real bulletins. The economies, administrations and cities are made up
(``ECONOMIES`` below, checked by a test not to be, or fuzzily resemble, a real economy in the
gazetteer), so a benchmark corpus can never be mistaken for real announcements. The shapes are
the ones the assistant must handle: .txt, .md and .html files of 1.5–4 KB; dates written as ISO,
"14 March 2024", "March 14, 2024" and dd/mm/yyyy; counts, percentages and money; every fourth
bulletin revising a figure an earlier one gave ("up from N"); follow-ups announcing the entry into
force of an arrangement an earlier bulletin reported signed.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

MIN_BYTES = 1536
MAX_BYTES = 4096


@dataclass(frozen=True)
class Economy:
    """A fictional economy with its customs administration and a city for datelines."""

    name: str
    administration: str
    city: str


# The issuing side of every bulletin, then its partners. Data in one place; see tests/test_bench_scale.py.
HOME = Economy("Norvania", "Norvania Customs Administration", "Estravo")
PARTNERS: tuple[Economy, ...] = (
    Economy("Valdoria", "Valdoria Revenue Authority", "Corvel"),
    Economy("Quorrinth", "Quorrinth Customs Service", "Tavinsk"),
    Economy("Ostravel", "Ostravel Customs Agency", "Marrowick"),
    Economy("Brindavia", "Brindavia Customs Administration", "Selquin"),
    Economy("Mirevast", "Mirevast Border Revenue Agency", "Halvoro"),
    Economy("Caspador", "Caspador Customs Service", "Ulmentz"),
    Economy("Zentoria", "Zentoria Revenue Authority", "Perivale Nord"),
    Economy("Lorvessa", "Lorvessa Customs Agency", "Dunmaro"),
    Economy("Ethmora", "Ethmora Customs Administration", "Kestavin"),
    Economy("Sarquand", "Sarquand Customs Service", "Velmora"),
    Economy("Vellusia", "Vellusia Revenue Authority", "Orrindale"),
    Economy("Durantha", "Durantha Customs Agency", "Quillenport"),
)
ECONOMIES: tuple[Economy, ...] = (HOME, *PARTNERS)

MEASURES = (
    "a lower rate of documentary checks",
    "a lower rate of physical inspection",
    "priority inspection of goods selected for control",
    "a designated customs liaison officer",
    "priority clearance after a disruption of trade",
    "reduced guarantee requirements",
    "simplified declaration data",
    "fewer pre-arrival security checks",
)
SECTORS = ("electronics", "machinery", "agricultural goods", "textiles", "chemicals", "vehicles and parts")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DATE_STYLES = ("iso", "day_month", "month_day", "dmy_slash")
FORMATS = ("txt", "md", "html")
FIRST_DAY = date(2016, 1, 4)
LAST_DAY = date(2025, 12, 15)

# Padding sentences: ordinary bulletin business, each with its own figures and dates.
FILLER = (
    "During {month_year}, officers carried out {n3} validation visits to certified operators.",
    "A seminar in {city} on {date} brought together {n3} representatives of traders and customs brokers.",
    "Applications for AEO status are filed through the single window, and a review takes about {n2} working days.",
    "Certified operators are reassessed every {small} years, and {pct}% of the reassessments in {year} confirmed the status without conditions.",
    "The administration trained {n3} officers in risk management in {year}.",
    "Small and medium-sized enterprises made up {pct}% of new applications in {year}.",
    "The helpdesk answered {n4} questions from operators in {year}, most of them about security requirements.",
    "Customs brokers representing certified operators filed {n5} declarations in {month_year}.",
    "A pilot for the electronic exchange of AEO data started on {date} and covers {n3} enterprises.",
    "Average release time for certified operators' consignments was {small}.{small} hours in {year}.",
    "The {sector} sector accounts for {pct}% of all certified operators.",
    "An information day for exporters of {sector} will take place in {city} on {date}.",
)


@dataclass
class Figure:
    """One figure a bulletin states, kept so later bulletins can revise it and drafts can cite it."""

    key: str
    value: float
    text: str
    sentence: str


@dataclass
class Record:
    """What the generator put in one bulletin, so questions and drafts can be built from it."""

    file: str
    date: str
    kind: str
    partners: list[str]
    figures: list[dict[str, Any]] = field(default_factory=list)
    revises: dict[str, Any] | None = None
    follow_up_of: str | None = None


def format_date(d: date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "day_month":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "month_day":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _money(millions: float) -> str:
    if millions >= 1000:
        return f"US${millions / 1000:.1f} billion"
    return f"US${millions:.0f} million"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class _Writer:
    """Builds the bulletins one by one, remembering signings and figures for follow-ups and revisions."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.signed: dict[str, tuple[str, date]] = {}  # partner -> (file, signing date), not yet in force
        self.in_force: dict[str, date] = {}
        self.figures: dict[str, Figure] = {}  # latest value per figure key
        self.partner_count = 0
        self.deck: list[str] = []

    def _date(self, i: int) -> date:
        span = (LAST_DAY - FIRST_DAY).days
        step = max(1, span // max(self.n, 1))
        return FIRST_DAY + timedelta(days=min(span, i * span // max(self.n, 1) + self.rng.randrange(step)))

    def _any_date(self, near: date) -> str:
        d = near - timedelta(days=self.rng.randrange(1, 60))
        return format_date(d, self.rng.choice(DATE_STYLES))

    def _fill(self, near: date) -> str:
        if not self.deck:  # each template once before any repeats, so a bulletin does not say one thing thrice
            self.deck = self.rng.sample(FILLER, len(FILLER))
        template = self.deck.pop()
        d = near + timedelta(days=self.rng.randrange(5, 90))
        return template.format(
            month_year=f"{MONTHS[near.month - 1]} {near.year}", n2=self.rng.randrange(20, 90),
            n3=self.rng.randrange(100, 990), n4=f"{self.rng.randrange(1000, 9900):,}",
            n5=f"{self.rng.randrange(10000, 99000):,}", small=self.rng.randrange(2, 9),
            pct=f"{self.rng.randrange(10, 90)}.{self.rng.randrange(10)}", year=near.year - 1,
            city=self.rng.choice(ECONOMIES).city, date=format_date(d, self.rng.choice(DATE_STYLES)),
            sector=self.rng.choice(SECTORS),
        )

    def _figure(self, key: str, value: float, text: str, sentence: str) -> Figure:
        fig = Figure(key, value, text, sentence)
        self.figures[key] = fig
        return fig

    def _trade(self, p: Economy, year: int) -> Figure:
        millions = self.rng.randrange(150, 9000) * (1.0 if self.rng.random() < 0.5 else 1.3)
        growth = f"{self.rng.randrange(1, 30)}.{self.rng.randrange(10)}"
        text = _money(millions)
        return self._figure(
            f"trade:{p.name}:{year}", millions, text,
            f"Trade between {HOME.name} and {p.name} reached {text} in {year}, up {growth}% year on year.",
        )

    def _aeo_count(self, e: Economy) -> Figure:
        n = self.rng.randrange(120, 4800)
        return self._figure(f"aeo:{e.name}", n, f"{n:,}",
                            f"{e.name} has certified {n:,} enterprises as Authorized Economic Operators.")

    def _share(self, p: Economy) -> Figure:
        pct = f"{self.rng.randrange(20, 80)}.{self.rng.randrange(10)}"
        return self._figure(f"share:{p.name}", float(pct), f"{pct}%",
                            f"AEO enterprises handled {pct}% of {HOME.name}'s exports to {p.name}.")

    def _revision(self, today: date) -> tuple[str, dict[str, Any]] | None:
        """A sentence restating an earlier figure with a new value, "up from" the old one."""
        keys = sorted(k for k in self.figures if not k.startswith("trade:"))
        if not keys:
            return None
        old = self.figures[self.rng.choice(keys)]
        kind, name = old.key.split(":", 1)
        if kind == "aeo":
            new = int(old.value) + self.rng.randrange(10, 400)
            sentence = (f"{name} has now certified {new:,} enterprises as Authorized Economic Operators, "
                        f"up from {old.text}.")
            self._figure(old.key, new, f"{new:,}", sentence)
        else:
            new_pct = min(95.0, old.value + self.rng.randrange(1, 9) + self.rng.randrange(10) / 10)
            sentence = (f"AEO enterprises now handle {new_pct:.1f}% of {HOME.name}'s exports to {name}, "
                        f"up from {old.text} reported earlier.")
            self._figure(old.key, new_pct, f"{new_pct:.1f}%", sentence)
        return sentence, {"key": old.key, "old": old.value, "new": self.figures[old.key].value}

    def bulletin(self, i: int) -> tuple[str, list[str], Record]:
        """(title, paragraphs, record) of bulletin ``i``; paragraphs starting "- " are list items."""
        today = self._date(i)
        dateline = f"{HOME.city}, {format_date(today, DATE_STYLES[i % len(DATE_STYLES)])}."
        unsigned = [p for p in PARTNERS if p.name not in self.signed and p.name not in self.in_force]
        pending = sorted(self.signed)
        roll = self.rng.random()
        paragraphs: list[str] = []
        figures: list[Figure] = []
        record = Record(file="", date=today.isoformat(), kind="", partners=[])
        if pending and (roll < 0.2 or not unsigned):
            pick = self.rng.choice(pending)
            p = next(e for e in PARTNERS if e.name == pick)
            source, signed_on = self.signed.pop(p.name)
            effective = today - timedelta(days=self.rng.randrange(1, 20))
            self.in_force[p.name] = effective
            record.kind, record.follow_up_of = "in_force", source
            title = f"{HOME.name}–{p.name} AEO arrangement enters into force"
            paragraphs.append(
                f"{dateline} The AEO mutual recognition arrangement between {HOME.name} and {p.name}, signed on "
                f"{format_date(signed_on, self.rng.choice(DATE_STYLES))}, entered into force on "
                f"{format_date(effective, self.rng.choice(DATE_STYLES))}, the {HOME.administration} said.")
            paragraphs.append(f"From that date, certified operators of both sides benefit from "
                              f"{', '.join(self.rng.sample(MEASURES, 3))}.")
            figures.append(self._aeo_count(p))
            record.partners = [p.name]
        elif unsigned and (roll < 0.55 or not self.in_force):
            p = self.rng.choice(unsigned)
            signed_on = today - timedelta(days=self.rng.randrange(0, 10))
            self.partner_count += 1
            record.kind = "signing"
            title = f"{HOME.name} and {p.name} sign AEO mutual recognition arrangement"
            paragraphs.append(
                f"{dateline} The {HOME.administration} and the {p.administration} signed a mutual recognition "
                f"arrangement (MRA) on Authorized Economic Operators on "
                f"{format_date(signed_on, self.rng.choice(DATE_STYLES))} in {p.city}. The arrangement will enter "
                f"into force once both sides have completed their internal procedures.")
            paragraphs.append("Under the MRA, AEO enterprises of both sides will enjoy the following measures:")
            paragraphs.extend("- " + m for m in self.rng.sample(MEASURES, self.rng.randrange(3, 6)))
            paragraphs.append(f"{p.name} is the {_ordinal(self.partner_count)} economy to sign an AEO mutual "
                              f"recognition arrangement with {HOME.name}.")
            figures += [self._trade(p, today.year - 1), self._aeo_count(p)]
            self.signed[p.name] = ("", signed_on)
            record.partners = [p.name]
        elif self.in_force and roll < 0.7:
            pick = self.rng.choice(sorted(self.in_force))
            p = next(e for e in PARTNERS if e.name == pick)
            record.partners = [p.name]
            if roll < 0.45:
                record.kind = "amendment"
                title = f"{HOME.name} and {p.name} extend their AEO arrangement"
                paragraphs.append(
                    f"{dateline} The {HOME.administration} and the {p.administration} agreed to extend the AEO "
                    f"mutual recognition arrangement in force since "
                    f"{format_date(self.in_force[p.name], self.rng.choice(DATE_STYLES))}. Certified operators of "
                    f"both sides will also benefit from {self.rng.choice(MEASURES)}.")
                figures.append(self._share(p))
            else:
                record.kind = "joint_validation"
                visits = self.rng.randrange(5, 60)
                title = f"Joint validation visits with {p.name}"
                paragraphs.append(
                    f"{dateline} Officers of the {HOME.administration} and the {p.administration} carried out "
                    f"{visits} joint validation visits to certified operators in {p.city} under the mutual "
                    f"recognition arrangement between {HOME.name} and {p.name}.")
                figures.append(self._aeo_count(p))
        else:
            names = self.rng.sample(sorted(self.in_force), min(2, len(self.in_force)))
            ps = [e for e in PARTNERS if e.name in names]
            record.kind = "statistics"
            title = f"{HOME.administration} publishes AEO statistics for {today.year - 1}"
            paragraphs.append(
                f"{dateline} The {HOME.administration} published its figures on Authorized Economic Operators "
                f"and on trade with mutual recognition partners for {today.year - 1}.")
            figures.append(self._aeo_count(HOME))
            for p in ps:
                figures += [self._trade(p, today.year - 1), self._share(p)]
            record.partners = [p.name for p in ps]
        if i % 4 == 3:
            revised = self._revision(today)
            if revised:
                paragraphs.insert(1, revised[0])
                record.revises = revised[1]
        paragraphs.append(" ".join(f.sentence for f in figures))
        record.figures = [asdict(f) for f in figures]
        return title, paragraphs, record


def render(fmt: str, title: str, paragraphs: list[str]) -> str:
    """The bulletin as a .txt, .md or .html file; list items become bullets where the format has them."""
    if fmt == "md":
        return f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    if fmt == "html":
        body: list[str] = []
        items: list[str] = []
        for p in [*paragraphs, ""]:
            if p.startswith("- "):
                items.append(f"<li>{html.escape(p[2:])}</li>")
                continue
            if items:
                body.append("<ul>" + "".join(items) + "</ul>")
                items = []
            if p:
                body.append(f"<p>{html.escape(p)}</p>")
        return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
                f"<body>\n<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")
    text = "\n\n".join(p.replace("- ", "* ", 1) if p.startswith("- ") else p for p in paragraphs)
    return f"{title}\n\n{text}\n"


def generate(out: Path, n: int, seed: int = 0) -> list[Record]:
    """Write ``n`` bulletins into ``out`` (and ``manifest.jsonl`` beside them); same seed, same files."""
    out.mkdir(parents=True, exist_ok=True)
    writer = _Writer(n, seed)
    records: list[Record] = []
    for i in range(n):
        title, paragraphs, record = writer.bulletin(i)
        fmt = FORMATS[writer.rng.randrange(len(FORMATS))]
        target = writer.rng.randrange(MIN_BYTES + 100, MAX_BYTES - 200)
        today = date.fromisoformat(record.date)
        head, tail = paragraphs[:-1], paragraphs[-1:]
        while len(render(fmt, title, [*head, *tail]).encode()) < target:
            head.append(" ".join(writer._fill(today) for _ in range(3)))
        while len(render(fmt, title, [*head, *tail]).encode()) >= MAX_BYTES:
            head.pop()
        while len(render(fmt, title, [*head, *tail]).encode()) < MIN_BYTES:
            head.append(writer._fill(today))
        record.file = f"{i:05d}_{record.kind}.{fmt}"
        if record.kind == "signing":
            writer.signed[record.partners[0]] = (record.file, writer.signed[record.partners[0]][1])
        (out / record.file).write_text(render(fmt, title, [*head, *tail]), encoding="utf-8")
        records.append(record)
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(asdict(r)) + "\n")
    return records


@dataclass(frozen=True)
class Workload:
    """The fixed questions, searches and drafts timed against a generated corpus."""

    ask: list[str]
    search: list[dict[str, Any]]
    check: list[str]


def workload(records: list[Record], seed: int = 0, questions: int = 24, searches: int = 8,
             drafts: int = 8) -> Workload:
    """Questions, searches (plain, by partner, by dates, both) and five-claim drafts about the corpus."""
    rng = random.Random(seed + 1)
    named = sorted({p for r in records for p in r.partners}) or [PARTNERS[0].name]
    years = sorted({int(r.date[:4]) for r in records})
    templates = (
        "When did {home} and {p} sign their AEO mutual recognition arrangement?",
        "When did the {home}–{p} AEO arrangement enter into force?",
        "What benefits do AEO enterprises get under the arrangement with {p}?",
        "What was the trade value between {home} and {p} in {y}?",
        "How many enterprises in {p} are certified as Authorized Economic Operators?",
        "my company is an AEO in {home} — will my goods be inspected less in {p}?",
    )
    ask = [templates[i % len(templates)].format(home=HOME.name, p=rng.choice(named), y=rng.choice(years) - 1)
           for i in range(questions)]
    topics = ("mutual recognition arrangement signed", "entry into force of the arrangement",
              "number of certified AEO enterprises", "trade value with partners", "validation visits")
    search: list[dict[str, Any]] = []
    for i in range(searches):
        lo = rng.choice(years)
        span = {"since": f"{lo}-01-01", "until": f"{lo + 1}-12-31"}
        partner = rng.choice(named)
        for mode, extra in (("plain", {}), ("partner", {"partner": partner}), ("dates", span),
                            ("partner_dates", {"partner": partner, **span})):
            search.append({"mode": mode, "query": topics[i % len(topics)], **extra})
    figures = [f for r in records for f in r.figures] or [asdict(Figure("x", 1, "1", "Norvania has 1 operator."))]
    check: list[str] = []
    for _ in range(drafts):
        chosen = [rng.choice(figures) for _ in range(5)]
        sentences = []
        for j, f in enumerate(chosen):  # two of the five figures are altered, so drafts are not all supported
            text = f["sentence"]
            if j in (1, 3):
                text = text.replace(f["text"], _altered(f["text"]), 1)
            sentences.append(text)
        check.append(" ".join(sentences))
    return Workload(ask, search, check)


def _altered(text: str) -> str:
    """The figure written in ``text`` times 1.5, in the same notation."""
    digits = "".join(c for c in text if c.isdigit() or c == ".")
    if not digits:
        return text
    value = float(digits) * 1.5
    new = f"{value:,.1f}" if "." in digits else f"{round(value):,}"
    start = next(i for i, c in enumerate(text) if c.isdigit())
    end = max(i for i, c in enumerate(text) if c.isdigit()) + 1
    return text[:start] + new + text[end:]


def register_economies() -> None:
    """Teach the gazetteer the fictional economies, in this process only, so partner filters can name them.

    The gazetteer (``corpus.partners``) is a fixed list of real economies with no public way to add
    one; this appends to its table and clears its caches. Benchmark scaffolding, never used by the app.
    """
    from corpus import partners

    table: str = partners._TABLE
    missing = [e.name for e in ECONOMIES if f"\n{e.name}\n" not in table]
    if missing:
        partners._TABLE = table.rstrip("\n") + "\n" + "\n".join(missing) + "\n"  # type: ignore[attr-defined]
        # all built from the table
        for cached in (partners._aliases, partners._pattern, partners._lowered, partners._scan):
            cached.cache_clear()
