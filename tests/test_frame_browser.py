"""The exported map opens framed on the story (real Chromium, file://, network blocked): issue 16."""

from __future__ import annotations

import pytest
from test_export_browser import sample_document

from geo.maps import export
from geo.maps.popups import mappable_places
from tests.offline_page import OfflineExport

pytestmark = pytest.mark.browser

WORLD_SPAN_DEG = 300.0  # a view this wide (longitude) is the whole world, not a story


def test_sample_export_opens_on_every_city_pin_and_not_the_world(browser, tmp_path):
    doc = sample_document()
    cities = [p for p in mappable_places(doc) if p.kind == "city"]
    assert len(cities) >= 3
    path = export.write_export(doc, tmp_path / "map.html")
    view = OfflineExport(browser, path, width=1440, height=900)
    try:
        frame = view.page.evaluate(
            "() => { var b = window.geoMap.map.getBounds(); return {s: b.getSouth(), w: b.getWest(),"
            " n: b.getNorth(), e: b.getEast(), zoom: window.geoMap.map.getZoom()}; }"
        )
        outside = [
            p.name for p in cities
            if not (frame["s"] <= p.lat <= frame["n"] and frame["w"] <= p.lon <= frame["e"])
        ]
        assert outside == [], (outside, frame)
        assert frame["e"] - frame["w"] < WORLD_SPAN_DEG, frame
        assert frame["zoom"] > 2, frame  # closer than the world view folium starts from (zoom 2)
        assert view.errors == []
    finally:
        view.close()


def test_a_city_story_opens_close_in(browser, tmp_path):
    """Without far-apart places the frame is regional: Kyiv, Kursk and Pyongyang fit at zoom 3 or more."""
    from test_mapview import make_doc

    doc = make_doc()
    path = export.write_export(doc, tmp_path / "map.html")
    view = OfflineExport(browser, path, width=1440, height=900)
    try:
        zoom = view.page.evaluate("() => window.geoMap.map.getZoom()")
        assert zoom >= 3
    finally:
        view.close()
