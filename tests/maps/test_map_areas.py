"""The areas under the pins are chosen once (geo.maps.areas.areas_of): the article map draws them with folium,
the corpus map as data for its script, both in the one set of styles (AREA_STYLES)."""

from __future__ import annotations

import folium

from geo import borders
from geo.corpus.mapareas import STYLES, corpus_areas
from geo.maps import basemap, htmlsafe
from geo.maps.areas import AREA_STYLES, add_areas, areas_of
from geo.parse.model import Place


def _tagged(name: str, kind: str, lat: float, lon: float, country: str, admin1: str | None = None) -> Place:
    place = Place(id=f"t:{name}", name=name, kind=kind, lat=lat, lon=lon, country=country, admin1=admin1)
    place.border = borders.tag_place(place, index=borders.load_border_index())
    return place


def _crimea_story() -> list[Place]:
    return [_tagged("Kyiv", "city", 50.45, 30.52, "UA"), _tagged("Crimea", "region", 45.3, 34.4, "UA", "UA-43"),
            _tagged("Simferopol", "city", 44.95, 34.1, "UA"), _tagged("Poland", "country", 52.0, 19.0, "PL"),
            _tagged("Sevastopol", "region", 44.6, 33.52, "UA", "UA-40")]


def test_each_contested_territory_is_drawn_once():
    places = _crimea_story()
    assert places[1].border["territory"]["id"] == places[2].border["territory"]["id"] == "crimea"
    contested = [a for a in areas_of(places) if a.style == "contested"]
    assert [a.tip for a in contested] == ["Crimea: occupied", "Sevastopol: occupied"]
    assert all(a.geometry for a in contested)


def test_contested_countries_without_a_territory_entry_are_each_drawn():
    """No territory id to tell them apart: each is its country's outline (the article map once drew the first only)."""
    places = [Place(id=f"t:{code}", name=name, kind="country", lat=lat, lon=lon, country=code,
                    border={"status": "contested"}) for name, code, lat, lon in
              [("Kosovo", "XK", 42.6, 20.9), ("Taiwan", "TW", 23.7, 121.0)]]
    contested = [a for a in areas_of(places) if a.style == "contested"]
    assert [a.tip for a in contested] == ["Kosovo: contested", "Taiwan: contested"]
    assert [a.geometry for a in contested] == [basemap.country_outline("XK"), basemap.country_outline("TW")]


def test_the_article_map_and_the_corpus_map_draw_the_same_areas_in_the_same_styles():
    places = _crimea_story()
    found = areas_of(places)
    assert {"named", "holding", "border", "contested", "region"} <= {a.style for a in found}
    assert STYLES is AREA_STYLES and {a.style for a in found} <= set(AREA_STYLES)
    # the corpus map (few places: under its bounds) lists the same areas, lowest first
    assert [(a["s"], a["t"]) for a in corpus_areas(places)] == [(a.style, htmlsafe.text(a.tip)) for a in found]
    m = folium.Map()
    add_areas(m, places)
    drawn = [child for layer in m._children.values() if isinstance(layer, folium.FeatureGroup)
             for child in layer._children.values()]
    assert len(drawn) == len(found)
    for child, area in zip(drawn, found, strict=True):
        if area.geometry is not None:  # folium holds a Feature as a one-feature FeatureCollection
            assert [f["geometry"] for f in child.data["features"]] == [area.geometry]
            assert child.style_function(None) == AREA_STYLES[area.style]
        else:
            assert isinstance(child, folium.Circle) and child.options["color"] == AREA_STYLES[area.style]["color"]
