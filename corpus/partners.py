"""Economies (countries, customs territories, unions) and the names bulletins and users give them.

One gazetteer serves loading (which partners a bulletin names) and question understanding
(which partner a user asks about, misspelt or not), so the two always agree on names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

# Canonical name first, then aliases. Lower-case matching; word boundaries enforced.
_TABLE = """
Afghanistan
Albania
Algeria
Andorra
Angola
Argentina
Armenia
Australia
Austria
Azerbaijan
Bahamas
Bahrain
Bangladesh
Barbados
Belarus
Belgium
Belize
Benin
Bhutan
Bolivia
Bosnia and Herzegovina|Bosnia
Botswana
Brazil
Brunei|Brunei Darussalam
Bulgaria
Burkina Faso
Burundi
Cambodia
Cameroon
Canada
Cape Verde|Cabo Verde
Chad
Chile
China|Mainland|Chinese Mainland|the Mainland|Mainland China|PRC|People's Republic of China|Chinese
Colombia
Comoros
Congo
Costa Rica|Costarica
Cote d'Ivoire|Côte d'Ivoire|Ivory Coast
Croatia
Cuba
Cyprus
Czech Republic|Czechia
Denmark
Djibouti
Dominican Republic
Ecuador
Egypt
El Salvador
Estonia
Eswatini|Swaziland
Ethiopia
European Union|EU|the EU|E.U.
Fiji
Finland
France
Gabon
Gambia
Georgia
Germany
Ghana
Greece
Guatemala
Guinea
Guyana
Haiti
Honduras
Hong Kong|Hong Kong SAR|Hongkong|HKSAR
Hungary
Iceland
India
Indonesia
Iran
Iraq
Ireland
Israel
Italy
Jamaica
Japan
Jordan
Kazakhstan
Kenya
Kiribati
Korea|South Korea|Republic of Korea|ROK|Korean
Kosovo
Kuwait
Kyrgyzstan|Kyrgyz Republic
Laos|Lao PDR
Latvia
Lebanon
Lesotho
Liberia
Libya
Liechtenstein
Lithuania
Luxembourg
Macao|Macau|Macao SAR|Macau SAR
Madagascar
Malawi
Malaysia
Maldives
Mali
Malta
Mauritania
Mauritius
Mexico
Moldova
Monaco
Mongolia
Montenegro
Morocco
Mozambique
Myanmar|Burma
Namibia
Nepal
Netherlands|Holland
New Zealand
Nicaragua
Niger
Nigeria
North Korea|DPRK
North Macedonia|Macedonia
Norway
Oman
Pakistan
Palestine
Panama
Papua New Guinea
Paraguay
Peru
Philippines|the Philippines|Philippine
Poland
Portugal
Qatar
Romania
Russia|Russian Federation
Rwanda
Samoa
San Marino
Saudi Arabia|KSA
Senegal
Serbia|Serbian
Seychelles
Sierra Leone
Singapore
Slovakia
Slovenia
Solomon Islands
Somalia
South Africa
South Sudan
Spain
Sri Lanka
Sudan
Suriname
Sweden
Switzerland|Swiss
Syria
Taiwan|Chinese Taipei
Tajikistan
Tanzania
Thailand|Thai
Timor-Leste|East Timor
Togo
Tonga
Trinidad and Tobago
Tunisia
Turkey|Türkiye|Turkiye
Turkmenistan
Uganda
Ukraine
United Arab Emirates|UAE|U.A.E.|Emirates|the Emirates
United Kingdom|UK|U.K.|Britain|Great Britain
United States|USA|U.S.|US|United States of America
Uruguay
Uzbekistan
Vanuatu
Venezuela
Vietnam|Viet Nam
Yemen
Zambia
Zimbabwe
"""

# Aliases that are also ordinary words or too short to fuzzy-match safely.
_CASE_SENSITIVE = {"US", "UK", "EU", "ROK", "KSA", "PRC", "DPRK", "UAE", "HKSAR"}
_NO_FUZZ_BELOW = 5


@dataclass(frozen=True)
class Mention:
    """One place a text names an economy."""

    name: str
    alias: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        names = [n.strip() for n in line.split("|") if n.strip()]
        for alias in names:
            table[alias] = names[0]
    return table


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    aliases = sorted(_aliases(), key=len, reverse=True)
    parts = []
    for alias in aliases:
        body = re.escape(alias).replace(r"\ ", r"\s+")
        parts.append(body if alias in _CASE_SENSITIVE else f"(?i:{body})")
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w$])")


def canonical(name: str) -> str | None:
    """The canonical economy for a name or alias, exact (case-insensitive) match only."""
    table = _aliases()
    if name in table:
        return table[name]
    lowered = {k.lower(): v for k, v in table.items() if k not in _CASE_SENSITIVE}
    return lowered.get(" ".join(name.split()).lower())


def all_names() -> list[str]:
    """Every canonical economy name, for UI choices and help text."""
    return sorted(set(_aliases().values()))


def find_mentions(text: str) -> list[Mention]:
    """Every economy named in ``text``, in order, with its span."""
    out = []
    for m in _pattern().finditer(text):
        alias = m.group(0)
        name = canonical(alias)
        if name:
            out.append(Mention(name, alias, m.start(), m.end()))
    return out


def fuzzy(word: str, cutoff: float = 0.8) -> str | None:
    """The economy a possibly misspelt word means ("Serbai", "Maccao"), or None.

    Only words of five letters or more are tried, so short words never turn into countries.
    """
    if len(word) < _NO_FUZZ_BELOW or not word[:1].isalpha():
        return None
    exact = canonical(word)
    if exact:
        return exact
    candidates = [a.lower() for a in _aliases() if a not in _CASE_SENSITIVE and len(a) >= _NO_FUZZ_BELOW]
    match = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=cutoff)
    return canonical(match[0]) if match else None
