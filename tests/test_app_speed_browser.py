"""The app's quick answers in real headless Chromium (Debian's), on a private server on loopback:

- the map is the biggest thing on a 1440x900 page, and a pin click reaches Python even when the map
  reaches below the window (a press used to scroll the page under the pointer and lose the click);
- a popup on the app's (small) map opens as a card at the map's right edge, its pin left uncovered;
- a pin click highlights its passages in the article panel with no server round trip: the server is
  stopped before the click, and the panel still answers.
"""

from __future__ import annotations

import pytest

from geo.store import documents as store
from geo.tools.servers import seeded_cache, start_server, stop_server
from geo.tools.stress import NEW_MAP_DRAWN, is_map_frame

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]

MAP = "iframe[title='app_components.webassets.geo_map']"  # the app's map frame
PANEL = "iframe[title='app_components.article_panel.geo_article_panel']"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
SELECTED = """pid => { const d = document.querySelector("%s").contentDocument;
  const el = d && d.querySelector('button.geo-mention--selected[data-place="' + CSS.escape(pid) + '"]');
  return !!el && !!el.closest('.geo-passage--selected'); }""".replace("%s", PANEL.replace('"', '\\"'))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cache = seeded_cache(tmp_path_factory.mktemp("speed-cache"))
    proc, url = start_server(cache, cache / "streamlit.log")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GEO_CACHE_DIR", str(cache))  # this process reads the server's store
            yield proc, url
    finally:
        stop_server(proc)


def _route(route):
    if route.request.url.startswith(LOCAL):
        route.continue_()
    else:
        route.abort()


def open_app(browser, url: str, height: int = 900):
    context = browser.new_context(viewport={"width": 1440, "height": height})
    context.route("**/*", _route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("location.search.includes('doc=')", timeout=120_000)
    doc = store.load_document(page.evaluate("new URLSearchParams(location.search).get('doc')"))
    page.wait_for_function(NEW_MAP_DRAWN, arg=len(doc.places), timeout=120_000)
    frame = next(f for f in page.frames if is_map_frame(f.url) and f.evaluate("() => !!window.geoMap"))
    page.wait_for_timeout(800)
    frame.wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
    page.wait_for_function("""() => !document.querySelector(
        "[data-testid='stStatusWidgetRunningIcon'], [data-testid='stStatusWidgetRunningManIcon']")""")
    return context, page, frame, doc, errors


def lone_pin(frame, doc) -> tuple[str, str]:
    """(place id, marker key) of a pin drawn on its own (not in a cluster), well inside the map."""
    ids = frame.evaluate("() => window.geoMap.placeIds")
    for key, pid in ids.items():
        if frame.evaluate("""k => { const r = window.geoMap, m = r.markers[k];
                return r.map.hasLayer(m) && r.map.getBounds().pad(-0.1).contains(m.getLatLng()); }""", key) \
                and any(p.id == pid and p.mentions for p in doc.places):
            return pid, key
    raise AssertionError("no lone pin on the sample's map")


def click_pin(page, frame, key: str) -> None:
    """A real mouse click at the pin's place on the page (press and release at the same point)."""
    box = frame.evaluate_handle("k => window.geoMap.markers[k].getElement()", key).as_element().bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_map_is_biggest_and_a_pin_click_below_the_fold_reaches_python(server, browser):
    _, url = server
    context, page, frame, doc, errors = open_app(browser, url)
    sizes = {sel: page.locator(sel).bounding_box() for sel in (MAP, PANEL, "[data-testid='stDataFrame']")}
    area = {sel: box["width"] * box["height"] for sel, box in sizes.items() if box}
    assert max(area, key=area.get) == MAP, sizes
    assert sizes[MAP]["y"] + sizes[MAP]["height"] <= 900  # the whole map on a laptop screen
    context.close()

    # A low window: the map reaches below it, so focusing it would scroll the page under the pointer.
    context, page, frame, doc, errors = open_app(browser, url, height=650)
    box = page.locator(MAP).bounding_box()
    assert box["y"] + box["height"] > 650, "the test needs a map that reaches below the window"
    pid, key = lone_pin(frame, doc)
    scrolled = "() => document.querySelector('[data-testid=stMain]').scrollTop"
    before = page.evaluate(scrolled)
    click_pin(page, frame, key)
    page.wait_for_function("pid => new URLSearchParams(location.search).get('place') === pid", arg=pid,
                           timeout=30_000)  # the click reached Python: the share link names the place
    assert page.evaluate(scrolled) == before
    assert errors == []
    context.close()


def test_popup_on_the_app_map_is_a_side_card(server, browser):
    _, url = server
    context, page, frame, doc, errors = open_app(browser, url)
    pid, key = lone_pin(frame, doc)
    click_pin(page, frame, key)
    frame.wait_for_selector(".leaflet-popup.geo-card .geo-popup", timeout=15_000)
    frame.wait_for_timeout(300)
    card = frame.evaluate("""() => { const r = document.querySelector('.leaflet-popup').getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, w: innerWidth, h: innerHeight}; }""")
    assert card["right"] <= card["w"] and card["bottom"] <= card["h"] and card["top"] >= 0
    assert card["right"] - card["left"] <= 0.45 * card["w"]  # never half the map
    assert card["left"] > card["w"] / 2  # along the right edge
    pin = frame.evaluate("k => window.geoMap.map.latLngToContainerPoint(window.geoMap.markers[k].getLatLng())", key)
    assert pin["x"] < card["left"], "the card covers its own pin"
    assert frame.locator(".geo-card .geo-popup").get_attribute("data-place-id") == pid
    assert errors == []
    context.close()


def test_pin_click_highlights_passages_with_the_server_gone(server, browser):
    proc, url = server
    context, page, frame, doc, errors = open_app(browser, url)
    pid, key = lone_pin(frame, doc)
    assert not page.evaluate(SELECTED, pid)
    stop_server(proc)  # from here on no answer can come from Python
    page.wait_for_timeout(500)
    click_pin(page, frame, key)
    page.wait_for_function(SELECTED, arg=pid, timeout=5_000)
    panel = page.frame_locator(PANEL)
    place = next(p for p in doc.places if p.id == pid)
    assert panel.locator(".geo-passage--selected").count() == len({m.passage for m in place.mentions})
    assert "place=" not in page.url  # indeed nothing came back from the server
    context.close()
