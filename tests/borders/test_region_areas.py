"""Regions are measured from their area: Kursk and Kharkiv regions border Ukraine / Russia; territories on land."""

from __future__ import annotations

import pytest
import shapely

from geo import borders
from geo.borders import tagging
from geo.parse.model import Article, Document, Place
from geo.pipeline import parse_text


@pytest.fixture(scope="module")
def index() -> borders.BorderIndex:
    return borders.load_border_index()


def _region(name: str, lat: float, lon: float, country: str, code: str) -> Place:
    return Place(id=f"iso3166:{code}", name=name, kind="region", lat=lat, lon=lon, country=country, admin1=code)


def test_kursk_region_borders_ukraine(index):
    place = _region("Kursk", 51.731, 36.192, "RU", "RU-KRS")  # the gazetteer's centre point, 97 km from Ukraine
    border = borders.tag_place(place, index=index)
    assert border["region_area"]["neighbours"] == ["UA"]
    assert border["area_source"] == "natural-earth-admin1"
    assert border["nearest_border"] == {"neighbour": "UA", "neighbour_name": "Ukraine", "km": 0.0}
    place.border = border
    assert borders.border_sentence(place) == "Kursk region — Russia; the region borders Ukraine"
    # the point alone says otherwise: that is what the area corrects
    assert borders.tag_point(place.lat, place.lon, index=index)["nearest_border"]["km"] > 50


def test_kharkiv_region_borders_russia_under_its_english_name(index):
    place = _region("Kharkivska", 49.830, 36.379, "UA", "UA-63")
    place.border = borders.tag_place(place, index=index)
    assert place.border["region_area"]["neighbours"] == ["RU"]
    assert place.border["region_area"]["name"] == "Kharkiv region"
    assert borders.border_sentence(place) == "Kharkiv region — Ukraine; the region borders Russia"


def test_inland_region_gives_the_distance_from_its_edge(index):
    place = _region("Moscow", 55.6, 37.2, "RU", "RU-MOS")  # Moscow Oblast: no foreign border
    border = borders.tag_place(place, index=index)
    assert border["region_area"]["neighbours"] == []
    km = border["nearest_border"]["km"]
    point_km = borders.tag_point(place.lat, place.lon, index=index)["nearest_border"]["km"]
    assert 100 < km < point_km  # measured from the region's edge, which is nearer than its centre


def test_region_names_readers_know():
    towns = ["Kharkiv", "Lozova", "Izium"]
    assert tagging.region_display_name("Kharkivska", "UA", towns) == "Kharkiv region"
    assert tagging.region_display_name("Kursk Oblast", "RU", ["Kursk", "Zheleznogorsk"]) == "Kursk region"
    assert tagging.region_display_name("Texas", "US", ["Houston", "San Antonio"]) == "Texas"
    assert tagging.region_display_name("Odeska", "UA", ["Odesa", "Izmail"]) == "Odesa region"


def test_tag_document_and_tag_place_agree_for_regions(index):
    places = [_region("Kursk", 51.731, 36.192, "RU", "RU-KRS"), _region("Kharkivska", 49.83, 36.379, "UA", "UA-63")]
    doc = Document(article=Article(text="x", passages=[]), places=places)
    borders.tag_document(doc, index=index)
    for place in doc.places:
        assert place.border == borders.tag_place(place, index=index)


def test_contested_region_is_measured_from_its_regions_real_area(index):
    place = _region("Donetska", 48.0, 37.8, "UA", "UA-14")
    border = borders.tag_place(place, index=index)
    assert border["territory"]["id"] == "donetsk"
    assert border["area_source"] == "natural-earth-admin1"  # the table's regions all have real areas
    assert border["coast_km"] == 0.0  # the Sea of Azov
    assert border["region_area"]["neighbours"] == ["RU"]


def test_territory_areas_lie_on_land(index):
    """Crimea and Sevastopol are hatched on land only: within the Natural Earth polygons of Ukraine."""
    land = index.land("UA")
    for tid in ("crimea", "sevastopol", "donetsk", "kherson"):
        area = index.territory_geoms[tid]
        assert not area.is_empty
        outside = shapely.difference(area, land.buffer(1e-6))
        assert outside.area < 1e-6 * area.area, tid
    # Sevastopol is a city area, not a wedge over the Black Sea
    assert shapely.difference(shapely.envelope(index.territory_geoms["sevastopol"]), land).area > 0
    assert index.territory_geoms["sevastopol"].area < 0.2  # deg²: about 1,000 km², not a sea wedge


@pytest.mark.slow
def test_article_with_regions_end_to_end():
    doc = parse_text("Shelling hit the Kursk region again, and towns in the Kharkiv region lost power.")
    by_admin1 = {p.admin1: p for p in doc.places if p.kind == "region"}
    assert by_admin1["RU-KRS"].border["region_area"]["neighbours"] == ["UA"]
    assert "RU" in by_admin1["UA-63"].border["region_area"]["neighbours"]
