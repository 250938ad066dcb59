"""``python -m geo bench --app``: the reader's four waits, measured in real headless Chromium.

A private app server (``streamlit run app.py`` on loopback, on a seeded copy of the cache) is driven by
Playwright with Debian's Chromium; outside requests are refused. Reported, never asserted:

- **warm page open**: the app opened (server caches warm) until the sample's map shows its pins, by a
  returning reader (the same browser, its HTTP cache kept) and by a new one (a fresh browser profile);
- **paste → map drawn**: an article is pasted and submitted until its new map shows its pins (each run
  adds a different sentence, so the text is geoparsed again and the map is new);
- **share link → map**: the page address with ``?doc=…&place=…`` opened in a fresh context until the map
  shows its pins with the place's popup open (places whose pins show on the opening map, and places in a
  cluster there, alternately);
- **pin click → highlight**: a pin is clicked until its passages are highlighted in the article panel;
  **name click → fly-to**: a highlighted name in the article is clicked (the mouse on it) until the map
  answers (starts to move, or opens the popup of a pin already in view; from the browser's clocks) and until
  the map is at the place: its popup open, its pin in view, no flight, zoom or pan under way. Both are
  answered in the browser; the Streamlit rerun that keeps the state follows.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from geo.tools.stress import MAP_FRAME, MARK_MAPS_OLD, NEW_MAP_DRAWN, is_map_frame

TARGETS = {"pin_click_s": 0.3, "name_answer_s": 0.3, "name_click_s": 0.3, "paste_to_map_s": 1.5, "share_link_s": 2.0,
           "warm_open_s": 2.0, "fresh_open_s": 2.0}
LABELS = {"warm_open_s": "warm page open → map (same browser)",
          "fresh_open_s": "warm page open → map (fresh browser)", "paste_to_map_s": "paste → map drawn",
          "share_link_s": "share link → map, popup open", "pin_click_s": "pin click → passages highlighted",
          "name_answer_s": "name click → map answers (moves/opens)",
          "name_click_s": "name click → map there, popup open"}
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
PANEL = "iframe[title='app_components.article_panel.geo_article_panel']"
CITIES = ["Oslo", "Lisbon", "Dublin", "Helsinki", "Vienna", "Prague", "Madrid", "Athens"]
VIEWPORT = {"width": 1440, "height": 900}
# The article panel shows place ``pid`` selected: its name and its passage highlighted.
_SELECTED = """pid => { const f = document.querySelector("iframe[title='app_components.article_panel.geo_article_panel']"); const d = f && f.contentDocument; if (!d) return false;
  const el = d.querySelector('button.geo-mention--selected[data-place="' + CSS.escape(pid) + '"]');
  return !!el && !!el.closest('.geo-passage--selected'); }"""
_POPUP_OF = """pid => Array.from(document.querySelectorAll("MAP_FRAME")).some(f => {
  try { const d = f.contentDocument; const p = d.querySelector('.leaflet-popup .geo-popup');
        return !f.contentWindow.__old && !!p && p.getAttribute('data-place-id') === pid; } catch (e) { return false; } })""".replace(
    "MAP_FRAME", MAP_FRAME)


def _route(route: Any) -> None:
    if route.request.url.startswith(LOCAL):
        route.continue_()
    else:
        route.abort()


def _context(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", _route)
    return context, context.new_page()


def _map_frame(page: Any) -> Any:
    return next(f for f in page.frames if is_map_frame(f.url) and f.evaluate("() => !window.__old && !!window.geoMap"))


def _settle(page: Any) -> None:
    """Wait until the app is idle and the map's cluster animation is over."""
    page.wait_for_timeout(400)
    page.wait_for_function("""() => !document.querySelector(
        "[data-testid='stStatusWidgetRunningIcon'], [data-testid='stStatusWidgetRunningManIcon']")""", timeout=60_000)
    _map_frame(page).wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
    page.wait_for_timeout(300)


def _open(browser: Any, url: str, places: int, place: str | None = None) -> tuple[float, Any, Any]:
    context, page = _context(browser)
    started = time.perf_counter()
    page.goto(url)
    if place:  # one condition, checked at once: a second wait would start only after the page's next task
        page.wait_for_function(f"([n, pid]) => ({NEW_MAP_DRAWN})(n) && ({_POPUP_OF})(pid)", arg=[places, place],
                               timeout=90_000, polling=20)
    else:
        page.wait_for_function(NEW_MAP_DRAWN, arg=places, timeout=90_000, polling=20)
    return time.perf_counter() - started, context, page


def _paste(page: Any, text: str, doc_id: str, places_of: Any) -> float:
    if not page.get_by_label("Article text").is_visible():
        page.get_by_text("Map another article: paste, upload or give a URL").click()
    page.get_by_label("Article text").fill(text)
    page.evaluate(MARK_MAPS_OLD)
    started = time.perf_counter()
    page.get_by_role("button", name="Map this text").click()
    page.wait_for_function("id => new URLSearchParams(location.search).get('doc') === id", arg=doc_id,
                           timeout=90_000, polling=20)
    page.wait_for_function(NEW_MAP_DRAWN, arg=places_of(doc_id), timeout=90_000, polling=20)
    return time.perf_counter() - started


def _lone_pins(frame: Any) -> dict[str, Any]:
    """Unclustered pins on show: {place id: locator}."""
    ids = frame.evaluate("() => window.geoMap.placeIds")
    out = {}
    for key, pid in ids.items():
        visible = frame.evaluate("""k => { const m = window.geoMap.markers[k]; const el = m.getElement && m.getElement();
            return !!el && window.geoMap.map.hasLayer(m) && window.geoMap.map.getBounds().pad(-0.1).contains(m.getLatLng()); }""", key)
        if visible:
            out[pid] = key
    return out


def _home(page: Any) -> None:
    """Popup closed and the map back on its opening frame (a popup may cover a pin, its pan moves the map)."""
    _map_frame(page).evaluate("""() => { const m = window.geoMap.map; m.closePopup();
        window.__home = window.__home || [m.getCenter(), m.getZoom()]; m.setView(...window.__home, {animate: false}); }""")
    _map_frame(page).wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
    page.wait_for_timeout(300)


def _click_pin(page: Any, place: str, key: str) -> float | None:
    handle = _map_frame(page).evaluate_handle("k => window.geoMap.markers[k].getElement()", key)
    pin = handle.as_element()
    pin.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    box = pin.bounding_box()  # in the page's coordinates
    started = time.perf_counter()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    try:
        page.wait_for_function(_SELECTED, arg=place, timeout=15_000, polling="raf")
    except Exception:  # noqa: BLE001 - a lost click is a result: reported as such
        return None
    return time.perf_counter() - started


# Set in the map frame before a name click: when the map first answers (starts to move or opens a popup)
# and whether it is still moving (a flight, a zoom, a pan: from movestart to moveend).
_WATCH_MOVES = """() => { const m = window.geoMap.map; window.__answered = null; window.__moving = false;
  if (!window.__watching) { window.__watching = true;
    m.on('movestart', () => { window.__moving = true; }); m.on('moveend', () => { window.__moving = false; }); }
  m.once('movestart popupopen', () => { if (window.__answered === null) window.__answered = performance.now(); }); }"""
# The map is at place ``pid``: its popup open, its pin in view, no move or zoom under way.
_FLOWN = """pid => { const reg = window.geoMap, m = reg.map; if (window.__moving || m._animatingZoom) return false;
  const p = document.querySelector('.leaflet-popup .geo-popup');
  if (!p || p.getAttribute('data-place-id') !== pid) return false;
  const key = Object.keys(reg.placeIds).find(k => reg.placeIds[k] === pid);
  return m.hasLayer(reg.markers[key]) && m.getBounds().contains(reg.markers[key].getLatLng()); }"""


def _click_name(page: Any, place: str) -> tuple[float, float]:
    """Click a highlighted name of ``place`` (the mouse at its middle, as a reader); seconds until the map
    answers and until it is at the place with the popup open."""
    panel = page.frame_locator(PANEL)
    name = panel.locator(f"button.geo-mention[data-place='{place}']").first
    name.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    box = name.bounding_box()  # in the page's coordinates
    frame = _map_frame(page)
    frame.evaluate(_WATCH_MOVES)
    started_at = frame.evaluate("() => performance.now()")  # the map frame's clock (frames' clocks differ)
    started = time.perf_counter()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    frame.wait_for_function(_FLOWN, arg=place, timeout=30_000, polling="raf")
    flown = time.perf_counter() - started
    answered = frame.evaluate("() => window.__answered") - started_at
    return answered / 1000, flown


def measure(url: str, runs: int = 3) -> dict[str, list[float | None]]:
    """The five figures (seconds per run) against a running app at ``url``."""
    from playwright.sync_api import sync_playwright

    from geo.parse.article import read_article
    from geo.sample import sample_article
    from geo.store import documents as store
    from geo.tools.chromium import launch

    def places_of(doc_id: str) -> int:
        return len(store.load_document(doc_id).places)

    out: dict[str, list[float | None]] = {k: [] for k in TARGETS}
    sample = sample_article()
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            # First open: maps the sample and fills the server's caches (not counted); then warm opens.
            context, page = _context(browser)
            page.goto(url)
            page.wait_for_function("location.search.includes('doc=')", timeout=180_000)
            page.wait_for_function(NEW_MAP_DRAWN, arg=places_of(sample.id), timeout=180_000)
            context.close()
            for _ in range(runs):  # a new reader: a fresh browser profile, nothing in its HTTP cache
                elapsed, context, page = _open(browser, url, places_of(sample.id))
                out["fresh_open_s"].append(elapsed)
                context.close()
            context, page = _context(browser)  # a returning reader: the same browser opens the page again
            page.goto(url)
            page.wait_for_function(NEW_MAP_DRAWN, arg=places_of(sample.id), timeout=90_000)
            for _ in range(runs):
                page.goto("about:blank")
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_function(NEW_MAP_DRAWN, arg=places_of(sample.id), timeout=90_000, polling=20)
                out["warm_open_s"].append(time.perf_counter() - started)
            context.close()

            context, page = _open(browser, url, places_of(sample.id))[1:]
            _settle(page)
            text = sample.text
            for run, city in enumerate(CITIES[: runs + 1]):
                variant = f"{text}\n\nReporting from {city} contributed to this story."
                elapsed = _paste(page, variant, read_article(variant).id, places_of)
                if run:  # run 0 warms the parse and map code paths
                    out["paste_to_map_s"].append(elapsed)
                _settle(page)
            doc_id = page.evaluate("new URLSearchParams(location.search).get('doc')")
            doc = store.load_document(doc_id)
            clicked: list[str] = []
            for _ in range(runs):  # a lone pin on show each time (the last popup may have panned the map)
                _home(page)
                pins = _lone_pins(_map_frame(page))
                pid = next((p.id for p in doc.places if p.id in pins and p.id not in clicked), None)
                if pid is None:
                    break
                clicked.append(pid)
                out["pin_click_s"].append(_click_pin(page, pid, pins[pid]))
                _settle(page)
            names = [p.id for p in doc.places if p.kind == "city"][:runs]
            for pid in names:
                answered, opened = _click_name(page, pid)
                out["name_answer_s"].append(answered)
                out["name_click_s"].append(opened)
                _settle(page)
            context.close()

            # Shared places: the pins clicked (in view on the opening map) and the names clicked (some in a
            # cluster on the opening map: the map goes to where they stand alone).
            shared = [pid for pair in zip(clicked, names, strict=False) for pid in pair][:2 * runs]
            for pid in shared:
                elapsed, context, page = _open(browser, f"{url}/?doc={doc_id}&place={pid}", len(doc.places), pid)
                out["share_link_s"].append(elapsed)
                context.close()
        finally:
            browser.close()
    return out


def run_app_bench(out: TextIO, runs: int = 3) -> dict[str, Any]:
    """Start a private app server on a seeded cache, measure, print a table; returns the figures."""
    from geo.tools.servers import seeded_cache, start_server, stop_server

    with tempfile.TemporaryDirectory(prefix="geo-app-bench-") as tmp:
        cache = seeded_cache(Path(tmp))
        import os

        old = os.environ.get("GEO_CACHE_DIR")
        os.environ["GEO_CACHE_DIR"] = str(cache)  # this process reads the server's store
        started = time.perf_counter()
        proc, url = start_server(cache, cache / "streamlit.log")
        out.write(f"app server up in {time.perf_counter() - started:.1f} s at {url}\n")
        try:
            figures = measure(url, runs=runs)
        finally:
            stop_server(proc)
            if old is None:
                os.environ.pop("GEO_CACHE_DIR", None)
            else:
                os.environ["GEO_CACHE_DIR"] = old
    report = {}
    out.write(f"{'interaction':40} {'median':>8} {'runs':>24} {'target':>7}\n")
    for key, values in figures.items():
        timed = [v for v in values if v is not None]  # None: the click was lost (no answer in 15 s)
        med = statistics.median(timed) if timed else None
        report[key] = {"median_s": med, "runs_s": [None if v is None else round(v, 3) for v in values],
                       "target_s": TARGETS[key]}
        runs_text = ", ".join("lost" if v is None else f"{v:.2f}" for v in values) or "-"
        med_text = f"{med:.2f} s" if med is not None else "-"
        mark = "" if med is None else (" ok" if med <= TARGETS[key] else " SLOW")
        out.write(f"{LABELS[key]:40} {med_text:>8} {runs_text:>24} {TARGETS[key]:>5} s{mark}\n")
    return report
