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
    """Every city pin but those the frame leaves out (geo.maps.frame: a far single mention, Washington in
    the sample, which the map's "Also mentioned" control names instead)."""
    from geo.maps.frame import frame_points, story_frame

    doc = sample_document()
    places = mappable_places(doc)
    far = {places[int(k)].name for k in story_frame(frame_points(places)).far}
    cities = [p for p in places if p.kind == "city" and p.name not in far]
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
        for name in far:
            assert view.page.locator(".geo-far button", has_text=name).is_visible()
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


def _corner_doc():
    """Murmansk at the top left of the frame, Cairo and Tokyo further off: three lone pins."""
    from geo.parse.model import Article, Document, Mention, Passage, Place

    towns = [("Murmansk", 68.97, 33.08, "RU"), ("Cairo", 30.04, 31.24, "EG"), ("Tokyo", 35.69, 139.69, "JP")]
    text = " ".join(f"News from {name}." for name, *_ in towns)
    article = Article(text=text, passages=[Passage("p1", 0, len(text))], title="Corners")
    places = []
    for name, lat, lon, cc in towns:
        start = text.index(name)
        places.append(Place(id=f"t:{name}", name=name, kind="city", lat=lat, lon=lon, country=cc, confidence=0.9,
                            mentions=[Mention(start, start + len(name), name, "p1")]))
    return Document(article=article, places=places)


def test_popup_of_the_top_left_pin_is_not_under_the_scale_bar(browser, tmp_path):
    """The top-left pin's popup opens upwards, towards the zoom buttons and the scale bar: the map pans
    it clear of them, and no pin opens under them."""
    doc = _corner_doc()
    path = export.write_export(doc, tmp_path / "map.html")
    view = OfflineExport(browser, path, width=1000, height=600)
    page = view.page
    try:
        scale = page.locator(".leaflet-control-scale").bounding_box()
        for pin in page.locator(".geo-pin-icon").all():
            box = pin.bounding_box()
            assert box["y"] >= scale["y"] + scale["height"] or box["x"] >= scale["x"] + scale["width"], box
        page.locator(".geo-pin-icon", has_text="Murmansk").click()
        page.locator('.leaflet-popup .geo-popup[data-place-id="t:Murmansk"]').wait_for(timeout=10000)
        page.wait_for_timeout(800)  # the map pans the popup into view
        popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
        overlap_x = min(popup["x"] + popup["width"], scale["x"] + scale["width"]) - max(popup["x"], scale["x"])
        overlap_y = min(popup["y"] + popup["height"], scale["y"] + scale["height"]) - max(popup["y"], scale["y"])
        assert overlap_x <= 0 or overlap_y <= 0, (popup, scale)
        assert popup["y"] >= 0 and popup["x"] >= 0
    finally:
        view.close()
