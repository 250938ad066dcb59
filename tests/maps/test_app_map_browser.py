"""The app's own map frame (linked assets) shows the basemap names and the "Also mentioned" control, and the
app offers the figure beside the HTML and GeoJSON downloads (real Streamlit server, real Chromium)."""

from __future__ import annotations

import pytest
from test_app_browser import Session, server  # noqa: F401 - the module's server fixture

from geo.maps.frame import frame_points, story_frame
from geo.maps.popups import mappable_places

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


def test_app_map_names_countries_and_says_what_is_out_of_frame(browser, server):  # noqa: F811
    session = Session(browser, server)
    try:
        doc, frame = session.open_sample()
        frame.wait_for_function("() => document.querySelectorAll('.geo-label--country').length >= 5",
                                timeout=30_000)
        names = set(frame.locator(".geo-label--country").all_text_contents())
        codes = {p.country for p in doc.places if p.kind == "country"}
        assert len(names) >= 5
        from geo.places import naturalearth

        assert {naturalearth.country_name(c) for c in codes} & names  # a mentioned country is named
        places = mappable_places(doc)
        far = [places[int(k)].label for k in story_frame(frame_points(places)).far]
        for name in far:
            assert frame.locator(".geo-far button", has_text=name).is_visible()
        page = session.page
        page.get_by_text("Download figure (PNG)").wait_for(timeout=60_000)
        assert page.get_by_text("Download figure (SVG)").is_visible()
        assert session.errors == []
    finally:
        session.context.close()
