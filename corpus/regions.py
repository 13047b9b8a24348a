"""Which world region an economy is in, and which regions a question names ("African administrations", "a
Central Asian country"), so a list or a date can be asked of a region.

The regions are the UN M49 sub-regions and the continents as the country_converter package tabulates them
(its ``country_data.tsv``, read here with the csv module: the package's own loader needs pandas < 3). An
economy without a row (the European Union) is in no region.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

# How questions name regions, as data: an adjective or a name, and the region it means (a continent or a UN
# sub-region, lower-cased as in the table). Longer phrases are tried first.
REGION_WORDS: dict[str, str] = {
    "africa": "africa", "african": "africa",
    "asia": "asia", "asian": "asia",
    "europe": "europe", "european": "europe",
    "oceania": "oceania", "pacific": "oceania",
    "america": "america", "american": "america", "the americas": "america",
    "latin america": "latin america and the caribbean", "latin american": "latin america and the caribbean",
    "south america": "south america", "south american": "south america",
    "central america": "central america", "central american": "central america",
    "caribbean": "caribbean", "north africa": "northern africa", "north african": "northern africa",
    "sub-saharan africa": "sub-saharan africa", "central asia": "central asia", "central asian": "central asia",
    "east asia": "eastern asia", "east asian": "eastern asia", "southeast asia": "south-eastern asia",
    "south-east asia": "south-eastern asia", "southeast asian": "south-eastern asia",
    "south asia": "southern asia", "south asian": "southern asia", "middle east": "western asia",
    "middle eastern": "western asia", "gulf": "western asia", "west asia": "western asia",
    "eastern europe": "eastern europe", "eastern european": "eastern europe",
    "western europe": "western europe", "northern europe": "northern europe", "nordic": "northern europe",
    "southern europe": "southern europe", "balkan": "southern europe", "balkans": "southern europe",
    "caucasus": "western asia",
}
_WORDS = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, REGION_WORDS), key=len, reverse=True)) + r")\b",
                    re.I)


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    """ISO 3166 alpha-2 code -> the regions it belongs to (continent, seven-continent name, UN sub-region)."""
    out: dict[str, frozenset[str]] = {}
    for code, _, names in _rows():
        out[code] = names
    return out


@lru_cache(maxsize=1)
def _rows() -> list[tuple[str, re.Pattern[str], frozenset[str]]]:
    """(alpha-2 code, the package's name pattern, regions) per row of the table."""
    out: list[tuple[str, re.Pattern[str], frozenset[str]]] = []
    # Located, not imported: importing country_converter imports pandas (~0.4 s, paid by a server's first
    # question); its table is a plain file inside the package.
    spec = importlib.util.find_spec("country_converter")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    try:
        data = (Path(folders[0]) / "country_data.tsv").read_text(encoding="utf-8")
    except (IndexError, OSError):
        return out
    for row in csv.DictReader(data.splitlines(), delimiter="\t"):
        names = {row.get(k, "").strip().lower() for k in ("continent", "Continent_7", "UNregion")} - {""}
        un = row.get("UNregion", "").lower()
        if "america" in un or un == "caribbean":
            names.add("america")
            if un in ("south america", "central america", "caribbean"):
                names.add("latin america and the caribbean")
        if un.endswith("africa") and un != "northern africa":
            names.add("sub-saharan africa")
        if row.get("ISO2") and row.get("regex"):
            out.append((row["ISO2"].strip(), re.compile(row["regex"], re.I), frozenset(names)))
    return out


def load() -> None:
    """Read the region table now (a server's warm-up) rather than when a question first needs it (~50 ms)."""
    _table()


@lru_cache(maxsize=512)
def regions_of(economy: str) -> frozenset[str]:
    """The regions an economy (as the corpus names it) is in; empty when unknown."""
    import pycountry

    try:
        return _table().get(pycountry.countries.lookup(economy).alpha_2, frozenset())
    except LookupError:  # "Turkey", "Korea": the package's own name patterns know them
        return next((names for _, pattern, names in _rows() if pattern.search(economy)), frozenset())


def regions_named(text: str) -> tuple[str, ...]:
    """The regions a question names, in order ("African administrations" -> ("africa",))."""
    taken: list[tuple[int, int]] = []
    out: list[str] = []
    for m in _WORDS.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        taken.append(m.span())
        region = REGION_WORDS[m.group(0).lower()]
        if region not in out:
            out.append(region)
    return tuple(out)


def in_region(economy: str, region: str) -> bool:
    return region in regions_of(economy)
