"""The corpus map in real headless Chromium, opened from file:// with the network blocked: no failed request,
the date range changes the visible pins, play runs the story forward, a popup lists its articles, and hostile
titles and URLs stay text."""

from __future__ import annotations

import pytest
from test_corpus import QUOTE_URL, XSS_TITLE, XSS_URL, sample_rows, write_jsonl

from geo.corpus.corpusmap import write_corpus_map
from geo.corpus.reading import iter_records
from geo.corpus.run import run_corpus
from tests.offline_page import OfflineExport

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def corpus_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    rows = sample_rows()
    rows[0]["title"], rows[0]["url"] = XSS_TITLE, XSS_URL  # Wonsan, Seoul, Moscow...: 2024-10-08
    rows[1]["url"] = QUOTE_URL
    corpus = run_corpus(iter_records(write_jsonl(folder / "c.jsonl", rows)), None)
    return corpus, write_corpus_map(corpus, folder / "corpus.html", title=XSS_TITLE)


def visible_pins(page) -> int:
    """Pins on the map: single pins drawn plus the pins inside cluster bubbles."""
    singles = page.locator(".gc-pin-icon").count()
    clustered = sum(int(t) for t in page.locator(".marker-cluster span").all_inner_texts())
    return singles + clustered


def test_corpus_map_offline_slider_play_and_popups(browser, corpus_page):
    corpus, path = corpus_page
    view = OfflineExport(browser, path)
    page = view.page
    try:
        assert view.blocked == [] and view.failed == [] and view.errors == [] and view.dialogs == []
        page.wait_for_function("document.querySelectorAll('.geo-label--country').length >= 3")  # basemap names
        n_places = len(corpus.places)
        assert visible_pins(page) == page.evaluate("geoCorpus.visible") == n_places
        status = page.locator("#gc-status")
        assert f"{len(corpus.articles)} of {len(corpus.articles)} articles" in status.inner_text()

        # the reader drags the end of the range to the first day: only that day's places stay
        first_day = min(a["date"] for a in corpus.articles.values())
        expected = sum(1 for p in corpus.places.values()
                       if any(corpus.articles[s]["date"] == first_day for s in p.articles))
        page.locator("#gc-to").focus()
        page.keyboard.press("Home")
        page.wait_for_function(f"geoCorpus.visible === {expected}")
        page.wait_for_timeout(500)
        assert 0 < expected < n_places and visible_pins(page) == expected
        assert page.locator("#gc-to-out").inner_text() == first_day
        if not page.evaluate("document.querySelector('.gc-legend details').open"):
            page.locator(".gc-legend summary").click()  # folded on a small screen: the reader opens it
        assert page.locator("#gc-legend-range").inner_text() == f"{first_day} – {first_day}"

        # play runs the story forward until every place is back
        page.locator("#gc-play").click()
        page.wait_for_function(f"geoCorpus.visible === {n_places}", timeout=30000)
        page.wait_for_function("document.getElementById('gc-play').textContent.indexOf('Play') >= 0",
                               timeout=10000)

        # a popup lists the articles that mention the place, with date, link and quoted passage
        index = next(i for i, p in enumerate(page.evaluate("geoCorpusData.places.map(p => p.t)"))
                     if p == "Pyongyang")
        page.evaluate(f"geoCorpus.open({index})")
        popup = page.locator(".leaflet-popup-content .gc-popup")
        popup.wait_for()
        pyongyang = next(p for p in corpus.places.values() if p.fields["name"] == "Pyongyang")
        items = popup.locator("li")
        assert items.count() == len(pyongyang.articles) >= 3
        assert items.first.locator("time").inner_text() <= items.last.locator("time").inner_text()
        assert items.first.locator("blockquote mark").inner_text() == "Pyongyang"
        links = popup.locator("li a")
        assert links.count() == items.count() - 1  # the first article's javascript: URL is no link
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert all(h.startswith("https://example.org/") for h in hrefs) and QUOTE_URL in hrefs

        # hostile strings: shown as text, never run, never a javascript: link
        page.evaluate("geoCorpus.setRange(0, 0)")
        wonsan = next(i for i, p in enumerate(page.evaluate("geoCorpusData.places.map(p => p.t)"))
                      if p.startswith("W") and "nsan" in p)
        page.evaluate(f"geoCorpus.open({wonsan})")
        wonsan_id = page.evaluate(f"geoCorpusData.places[{wonsan}].id")
        popup = page.locator(f'.leaflet-popup-content .gc-popup[data-place-id="{wonsan_id}"]')
        popup.wait_for()
        first = popup.locator("li").first
        assert XSS_TITLE in first.inner_text()
        assert first.locator("a").count() == 0 and popup.locator("img, script").count() == 0
        assert page.locator("h1").inner_text() == XSS_TITLE
        page.wait_for_timeout(300)
        assert view.dialogs == [] and view.errors == []
        assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    finally:
        view.close()
