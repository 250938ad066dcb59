"""The exported page in real headless Chromium, opened from file:// with the network blocked."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_mapview import HOSTILE, make_doc

from geo.maps import export
from geo.maps.popups import mappable_places
from tests.offline_page import OfflineExport

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def sample_document():
    """The lead's sample article through the real pipeline when both exist, else the in-code document."""
    try:
        from geo.pipeline import parse_article
        from geo.sample import sample_article
    except ImportError:
        return make_doc(filler=12)
    return parse_article(sample_article())


def _norm(text: str) -> str:
    return " ".join(text.replace("…", " ").split())


def test_sample_export_works_offline_and_links_map_and_text(browser, tmp_path):
    doc = sample_document()
    path = export.write_export(doc, tmp_path / "map.html")
    view = OfflineExport(browser, path)
    page = view.page
    try:
        assert view.blocked == [] and view.failed == []
        assert view.errors == []
        pins, clustered = view.pins_and_clustered()
        assert pins + clustered == len(mappable_places(doc)) > 0
        assert page.locator('.geo-pin-icon[tabindex="0"][role="button"]').count() == pins

        # a pin's popup quotes its passage (a pin in view: the frame may leave a far place out, issue 22)
        size = page.viewport_size
        in_view = [pin for pin in page.locator(".geo-pin-icon").all()
                   if (b := pin.bounding_box()) and 0 <= b["x"] < size["width"] and 0 <= b["y"] < size["height"]]
        in_view[0].click()
        popup = page.locator(".leaflet-popup-content .geo-popup")
        popup.wait_for()
        quote = popup.locator("blockquote").first
        assert quote.locator("mark").count() >= 1
        pid = popup.locator("a.geo-goto").first.get_attribute("data-passage")
        assert _norm(quote.inner_text()) in _norm(doc.article.passage_text(pid))

        # its link scrolls the panel to that passage and flashes it
        link = popup.locator("a.geo-goto").last
        passage_id = link.get_attribute("data-passage")
        target = page.locator(f"#{passage_id}")
        link.click()
        # Poll rather than sleep: on a loaded 2-core CI machine the popup may still be animating.
        page.wait_for_function(
            "id => document.getElementById(id).classList.contains('geo-flash')",
            arg=passage_id, timeout=15000,
        )
        page.wait_for_timeout(800)  # let the smooth scroll finish before measuring positions
        box, panel = target.bounding_box(), page.locator(".geo-panel").bounding_box()
        assert panel["y"] <= box["y"] and box["y"] + min(box["height"], 40) <= panel["y"] + panel["height"]

        # a highlighted mention opens its place's popup (the last place, whichever cluster it is in)
        key = str(len(mappable_places(doc)) - 1)
        place_id = mappable_places(doc)[int(key)].id
        page.locator(f'.geo-mention[data-place="{key}"]').first.click()
        page.locator(f'.leaflet-popup .geo-popup[data-place-id="{place_id}"]').wait_for(timeout=5000)
        page.wait_for_timeout(500)  # popup fade-in, for the screenshot

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "export.png"))
        assert view.errors == [] and view.dialogs == []
    finally:
        view.close()


def test_go_to_passage_scrolls_an_offscreen_passage_into_view(browser, tmp_path):
    doc = make_doc(filler=25)
    last = doc.article.passages[-1].id  # mentions Pyongyang, far below the fold
    view = OfflineExport(browser, export.write_export(doc, tmp_path / "long.html"))
    page = view.page
    try:
        target = page.locator(f"#{last}")
        assert not target.evaluate(
            "el => { const r = el.getBoundingClientRect(); return r.top < innerHeight; }"
        )
        page.evaluate("geoMap.show('0')")  # Pyongyang
        link = page.locator(f'.leaflet-popup a.geo-goto[data-passage="{last}"]')
        link.click()
        page.wait_for_timeout(800)
        assert target.evaluate(
            "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
        )
        assert page.evaluate("document.activeElement.id") == last
    finally:
        view.close()


def test_mentions_are_reachable_by_tab_and_open_the_pin_with_enter(browser, tmp_path):
    doc = make_doc()
    view = OfflineExport(browser, export.write_export(doc, tmp_path / "keys.html"))
    page = view.page
    try:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('geo-mention')"):
                break
        else:
            pytest.fail("no highlighted mention is reachable with Tab")
        key = page.evaluate("document.activeElement.getAttribute('data-place')")
        page.keyboard.press("Enter")
        popup = page.locator(f'.leaflet-popup .geo-popup[data-place-id="{doc.places[int(key)].id}"]')
        popup.wait_for(timeout=5000)
        assert doc.places[int(key)].shown_name in popup.inner_text()
        assert view.errors == []
    finally:
        view.close()


def test_hostile_article_fires_no_dialog_and_injects_no_element(browser, tmp_path):
    bad = " " + " ".join(HOSTILE)
    doc = make_doc(extra=bad, title="Kyiv" + bad)
    view = OfflineExport(browser, export.write_export(doc, tmp_path / "xss.html"))
    page = view.page
    try:
        for key in range(len(doc.places)):
            page.evaluate(f"geoMap.show('{key}')")
            page.wait_for_timeout(300)
            page.locator(".leaflet-popup .geo-popup").wait_for()
        page.locator(".geo-pin-icon").first.hover()
        page.wait_for_timeout(300)
        assert view.dialogs == []
        assert view.errors == []
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"], img[onerror]').length") == 0
        assert (
            page.evaluate(
                "[...document.scripts].filter(s => s.textContent.includes('alert(1)') && "
                "!s.textContent.includes('&lt;script&gt;alert(1)')).length"
            )
            == 0
        )
        assert page.locator("#geo-title").inner_text() == "Kyiv" + bad  # shown as text, not run
        assert HOSTILE[0] in page.locator(".leaflet-popup .geo-popup").last.inner_text()
    finally:
        view.close()


def test_a_place_asked_for_while_the_map_is_moving_gets_its_popup_and_only_the_last_one_asked_for(browser, tmp_path):
    """Leaflet.markercluster drops zoomToShowLayer's callback when a zoom is under way, and a late callback
    would open an earlier place: show() checks, retries, and opens only the place asked for last."""
    doc = sample_document()
    view = OfflineExport(browser, export.write_export(doc, tmp_path / "moving.html"))
    page = view.page
    places = mappable_places(doc)[:5]
    moves = {
        "during a zoom": "k => { geoMap.map.setZoom(geoMap.map.getZoom() + 1); geoMap.show(String(k)); }",
        "after asking for another": "([k, n]) => { geoMap.show(String((k + 1) % n)); geoMap.show(String(k)); }",
    }
    try:
        for how, script in moves.items():
            for key, place in enumerate(places):
                page.evaluate(script, [key, len(places)] if "[k, n]" in script else key)
                page.wait_for_timeout(300)
                page.wait_for_function(
                    """name => { const h = document.querySelectorAll('.leaflet-popup h3');
                                 return h.length === 1 && h[0].textContent === name; }""",
                    arg=place.shown_name, timeout=8_000)
                page.wait_for_timeout(1_200)  # a late callback or retry would open another popup now
                shown = page.locator(".leaflet-popup h3").all_inner_texts()
                assert shown == [place.shown_name], (how, place.shown_name, shown)
        assert view.errors == [] and view.failed == []
    finally:
        view.close()
