"""A first-level region is pinned at a point from its real area, and the Document says which point it is."""

from __future__ import annotations

import json
import statistics

import pytest
import shapely
from conftest import EVAL_DIR, km_between

from geo import borders
from geo.borders import region_points
from geo.borders.areas import SOURCE_ADMIN1
from geo.pipeline import parse_text
from geo.places.names import name_key

AREA_SOURCES = {region_points.POINT_CENTROID, region_points.POINT_NEAR_CENTROID, region_points.POINT_ON_SURFACE}


@pytest.fixture(scope="module")
def index() -> borders.BorderIndex:
    return borders.load_border_index()


@pytest.fixture(scope="module")
def regions(gazetteer) -> list:
    return [c for c in (gazetteer.candidate(i) for i in range(len(gazetteer)))
            if c.kind == "region" and c.id.startswith(region_points.REGION_ID_PREFIX)]


def test_every_region_with_a_real_area_is_pinned_inside_it(regions, index):
    moved = kept = 0
    for cand in regions:
        lat, lon, source, key = region_points.region_area_point(cand.id, cand.country, cand.lat, cand.lon, index)
        if source == region_points.POINT_GAZETTEER:
            assert (lat, lon) == (cand.lat, cand.lon), cand.id
            kept += 1
            continue
        assert source in AREA_SOURCES, (cand.id, source)
        assert index.areas.source(key) == SOURCE_ADMIN1, cand.id
        area = index.areas.geometry(key)
        assert shapely.covers(area, shapely.Point(lon, lat)), (cand.id, cand.name, key, lat, lon)
        if source == region_points.POINT_CENTROID:  # the centroid is taken only when it lies inside
            centroid = shapely.centroid(area)
            assert (lat, lon) == (round(centroid.y, 5), round(centroid.x, 5)), cand.id
        moved += 1
    assert moved > 0.6 * len(regions) and kept > 0


def test_a_region_keeps_its_point_when_the_area_found_for_it_does_not_hold_it(regions, index):
    """The area is found from the point's towns: a point far outside it would move the pin into a neighbour."""
    for cand in regions:
        lat, lon, source, key = region_points.region_area_point(cand.id, cand.country, cand.lat, cand.lon, index)
        if key is None or index.areas.source(key) != SOURCE_ADMIN1:
            assert source == region_points.POINT_GAZETTEER, cand.id
            continue
        area = index.areas.geometry(key)
        (lon0, lat0), _ = shapely.get_coordinates(shapely.shortest_line(area, shapely.Point(cand.lon, cand.lat)))
        outside_km = km_between(lat0, lon0, cand.lat, cand.lon)
        if outside_km > region_points.KEEP_KM + 1:
            assert source == region_points.POINT_GAZETTEER, (cand.id, outside_km)
        elif outside_km < region_points.KEEP_KM - 1:
            assert source != region_points.POINT_GAZETTEER, (cand.id, outside_km)


def test_a_centroid_outside_the_area_gives_a_point_near_it():
    """Two islands with the sea between them (Hawaii's shape): the pin goes to the island nearest the middle."""
    west, east, middle = shapely.box(0, 0, 2, 2), shapely.box(10, 0, 12, 2), shapely.box(5, 3, 6, 4)
    islands = shapely.MultiPolygon([west, east, middle])
    assert not shapely.contains(islands, shapely.centroid(islands))
    lat, lon, source = region_points.area_point(islands)
    assert source == region_points.POINT_NEAR_CENTROID
    assert shapely.contains(middle, shapely.Point(lon, lat))
    lat, lon, source = region_points.area_point(west)
    assert (lat, lon, source) == (1.0, 1.0, region_points.POINT_CENTROID)


@pytest.mark.parametrize(("name", "text"), [
    ("Alberta", "Officials in Alberta said the plan would be delayed."),
    ("Queensland", "Officials in Queensland said the plan would be delayed."),
    ("Quebec", "Officials in Quebec province said the plan would be delayed."),
    ("Saskatchewan", "Officials in Saskatchewan said the plan would be delayed."),
])
def test_named_regions_sit_inside_their_areas_in_the_document(name, text, index):
    doc = parse_text(text)
    place = next(p for p in doc.places if p.kind == "region")
    assert place.name == name
    assert place.border["point_source"] == region_points.POINT_CENTROID
    key = place.border["region_area"]["geonames_admin1"]
    assert shapely.covers(index.areas.geometry(key), shapely.Point(place.lon, place.lat))
    gazetteer_point = parse_text(text, borders=False).places[0]
    assert gazetteer_point.id == place.id and (gazetteer_point.lat, gazetteer_point.lon) != (place.lat, place.lon)
    # the exported Document carries the same pin and names it
    exported = next(p for p in doc.to_dict()["places"] if p["id"] == place.id)
    assert (exported["lat"], exported["lon"]) == (place.lat, place.lon)
    assert exported["border"]["point_source"] == region_points.POINT_CENTROID
    assert region_points.POINTS_NOTE in doc.meta["data"]["points"]


def test_tagging_again_keeps_the_pin(index):
    doc = parse_text("Farmers in Saskatchewan expect rain.")
    place = next(p for p in doc.places if p.kind == "region")
    pin = (place.lat, place.lon)
    border = borders.tag_place(place, index=index)
    assert (place.lat, place.lon) == pin
    assert border["point_source"] == region_points.POINT_CENTROID


def test_cities_and_countries_keep_their_points():
    doc = parse_text("Ministers met in Calgary, Canada.")
    for place in doc.places:
        assert "point_source" not in (place.border or {}), place.name


def test_area_points_are_nearer_the_dev_set_gold_than_the_gazetteer_points(regions, index, gazetteer):
    """Over the dev set's first-level regions (gold: GeoNames points), the area points are nearer than
    countrystatecity's points in the median and the mean."""
    by_name: dict[str, list] = {}
    for cand in regions:
        by_name.setdefault(name_key(cand.name), []).append(cand)
    if not (EVAL_DIR / "gwn.jsonl").exists():
        pytest.skip("no ../shared/eval/gwn.jsonl")
    before, after = [], []
    with open(EVAL_DIR / "gwn.jsonl", encoding="utf-8") as handle:
        for line in handle:
            for gold in json.loads(line)["toponyms"]:
                if gold.get("lat") is None:
                    continue
                known = gazetteer.by_id(f"geonames:{gold.get('geonameid')}")
                if known is not None and known.kind != "region":  # a city of the region's name
                    continue
                for cand in by_name.get(name_key(gold["text"]), ()):
                    if km_between(cand.lat, cand.lon, gold["lat"], gold["lon"]) > 800:
                        continue
                    lat, lon, *_ = region_points.region_area_point(cand.id, cand.country, cand.lat, cand.lon, index)
                    before.append(km_between(cand.lat, cand.lon, gold["lat"], gold["lon"]))
                    after.append(km_between(lat, lon, gold["lat"], gold["lon"]))
    assert len(after) > 100
    assert statistics.median(after) < statistics.median(before)
    assert statistics.mean(after) < statistics.mean(before)
