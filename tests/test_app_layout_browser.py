"""The app at 1440×900 in real Chromium: the map is the biggest thing on the page, opens framed on the
story (every city pin in view but the far ones the map names, not the world), the article beside it and the places table below (issue 16)."""

from __future__ import annotations

import pytest
from test_app_browser import MAP, PANEL, Session, server  # noqa: F401 - server is the module's fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]


class _Laptop:
    """The browser, opening every context at a laptop's 1440×900 (the map frames itself when it loads)."""

    def __init__(self, browser):
        self.browser = browser

    def new_context(self, **options):
        return self.browser.new_context(**{**options, "viewport": {"width": 1440, "height": 900}})


def test_map_is_the_biggest_thing_and_opens_on_the_story(server, browser):  # noqa: F811
    s = Session(_Laptop(browser), server)
    try:
        doc, frame = s.open_sample()
        s.page.locator("[data-testid='stDataFrame']").wait_for(timeout=60_000)
        map_box = s.page.locator(MAP).bounding_box()
        panel_box = s.page.locator(PANEL).bounding_box()
        table_box = s.page.locator("[data-testid='stDataFrame']").bounding_box()
        area = {name: b["width"] * b["height"] for name, b in
                (("map", map_box), ("article", panel_box), ("table", table_box))}
        assert max(area, key=area.get) == "map", area
        assert map_box["width"] >= 700, map_box  # was about 520 px
        assert panel_box["x"] >= map_box["x"] + map_box["width"] - 1  # the article beside the map
        assert table_box["y"] >= map_box["y"] + map_box["height"]  # the table below both
        assert table_box["width"] > map_box["width"]  # across the page

        frame_bounds = frame.evaluate(
            "() => { var b = window.geoMap.map.getBounds(); return {s: b.getSouth(), w: b.getWest(),"
            " n: b.getNorth(), e: b.getEast(), zoom: window.geoMap.map.getZoom()}; }"
        )
        cities = [p for p in doc.places if p.kind == "city"]
        outside = [p.label or p.name for p in cities if not (frame_bounds["s"] <= p.lat <= frame_bounds["n"]
                                                             and frame_bounds["w"] <= p.lon <= frame_bounds["e"])]
        # a city far from the story's group (one mention) stays outside the frame, named by the map itself
        far = set(frame.locator(".geo-far__go").all_inner_texts())
        assert cities and set(outside) <= far and len(outside) < len(cities) / 4, (outside, far, frame_bounds)
        assert frame_bounds["e"] - frame_bounds["w"] < 300 and frame_bounds["zoom"] > 2, frame_bounds
        assert s.errors == [] and s.dialogs == []
    finally:
        s.context.close()
