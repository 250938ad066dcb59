"""A correction of one mention survives the share link, in real Chromium against a `streamlit run` server on
loopback: an article names "Georgia" twice (the US state beside Savannah, the country beside Tbilisi) and
both were given to the state; the editor corrects the Tbilisi one only, and a fresh browser context opened
from the share link the page shows draws that mention at the country and leaves the other at the state."""

from __future__ import annotations

import re
import time

import pytest
from test_app_browser import Session

from geo.parse.model import Article, Document, Mention, Passage, Place
from geo.store import documents as store
from geo.tools.servers import seeded_cache, start_server, stop_server
from tests.test_corrections_scope import COUNTRY, STATE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]

TEXT = (
    "Flood roads reopen\n\n"
    "Crews in Savannah, Georgia, reopened the river road on Friday once the water had fallen.\n\n"
    "In Tbilisi, Georgia held a minute of silence for the victims of the spring floods."
)
SAVANNAH, US_GEORGIA = TEXT.index("Savannah"), TEXT.index("Georgia")
TBILISI = TEXT.index("Tbilisi")
GE_GEORGIA = TEXT.index("Georgia", TBILISI)

# {place id: [lat, lng]} of the pins the map shows, and the passage texts each pin's popup quotes.
PINS = """() => { const reg = window.geoMap; const out = {};
  for (const key in reg.placeIds) { const at = reg.markers[key].getLatLng(); out[reg.placeIds[key]] = [at.lat, at.lng]; }
  return out; }"""
SHOW = """id => { const reg = window.geoMap; reg.show(Object.keys(reg.placeIds).find(k => reg.placeIds[k] === id)); }"""
QUOTES = """id => { const box = document.querySelector('.leaflet-popup .geo-popup');
  return box && box.getAttribute('data-place-id') === id ? box.querySelector('ol').textContent : null; }"""


def make_doc() -> Document:
    """Both "Georgia"s given to the US state (the country is the name's other candidate)."""
    first, second = TEXT.index("\n\n"), TEXT.index("\n\n", TEXT.index("\n\n") + 2)
    article = Article(TEXT, [Passage("p1", first + 2, second), Passage("p2", second + 2, len(TEXT))],
                      title="Flood roads reopen")

    def mention(start: int, name: str) -> Mention:
        return Mention(start, start + len(name), name, article.passage_at(start))

    state = Place(**STATE, confidence=0.6, alternatives=[{**COUNTRY, "score": 0.4}],
                  mentions=[mention(US_GEORGIA, "Georgia"), mention(GE_GEORGIA, "Georgia")])
    savannah = Place("geonames:4221552", "Savannah", "city", 32.08, -81.1, "US", "US-GA", 4221552, 147_000,
                     0.9, mentions=[mention(SAVANNAH, "Savannah")])
    tbilisi = Place("geonames:611717", "Tbilisi", "city", 41.69, 44.83, "GE", None, 611717, 1_000_000,
                    0.9, mentions=[mention(TBILISI, "Tbilisi")])
    return Document(article, [savannah, state, tbilisi])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cache = seeded_cache(tmp_path_factory.mktemp("mention-share-cache"))
    proc, url = start_server(cache, cache / "streamlit.log")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GEO_CACHE_DIR", str(cache))  # this process reads and writes the server's store
            yield url
    finally:
        stop_server(proc)


def wait_for(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_correction_of_one_mention_survives_the_share_link(server, browser):
    doc_id = store.save_document(make_doc())
    editor = Session(browser, f"{server}/?doc={doc_id}&place={STATE['id']}")
    editor.wait_map(3)
    editor.wait_idle()

    # Only the Tbilisi "Georgia": the one other candidate, the country.
    editor.page.locator("[data-testid='stRadio'] label").filter(has_text="Tbilisi").click()
    editor.wait_idle()
    editor.mark_maps_old()
    editor.page.get_by_role("button", name="Use this candidate").click()
    wait_for(lambda: store.load_corrections(doc_id) != [])
    saved = store.load_corrections(doc_id)
    assert [(c["op"], c["start"], c["end"], c["candidate"]["id"]) for c in saved] == [
        ("choose", GE_GEORGIA, GE_GEORGIA + len("Georgia"), COUNTRY["id"])]
    editor.wait_map(4)
    editor.wait_idle()
    # The link the page shows to share (the address bar says the same).
    link = editor.page.locator("code").filter(has_text="doc=").inner_text()
    assert link.startswith(server) and f"doc={doc_id}" in link
    assert editor.errors == []
    editor.context.close()

    # A fresh browser context from the link: the corrected mention at the country, the other at the state.
    reader = Session(browser, link)
    frame = reader.wait_map(4)
    pins = frame.evaluate(PINS)
    assert pins[COUNTRY["id"]] == pytest.approx([COUNTRY["lat"], COUNTRY["lon"]], abs=1e-6)
    assert pins[STATE["id"]] == pytest.approx([STATE["lat"], STATE["lon"]], abs=1e-6)
    quotes = {}
    for pid in (COUNTRY["id"], STATE["id"]):  # each pin's popup (a pin in a cluster: the map zooms to it first)
        frame.evaluate(SHOW, pid)
        quotes[pid] = frame.wait_for_function(QUOTES, arg=pid, timeout=15_000).json_value()
    assert "Tbilisi" in quotes[COUNTRY["id"]] and "Savannah" not in quotes[COUNTRY["id"]], quotes
    assert "Savannah" in quotes[STATE["id"]] and "Tbilisi" not in quotes[STATE["id"]], quotes
    # The article panel ties each "Georgia" to its own pin.
    panel = reader.panel()
    names = panel.locator("button.geo-mention", has_text=re.compile("^Georgia$"))
    assert [names.nth(i).get_attribute("data-place") for i in range(names.count())] == [STATE["id"], COUNTRY["id"]]
    assert reader.errors == [] and reader.blocked == []
    reader.context.close()
