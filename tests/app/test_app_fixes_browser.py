"""Issue 22's app fixes as a person sees them, at a 1366×768 laptop in real headless Chromium: a damaged
share link's message stays above the sample until dismissed; after "Map this text" the input panel is folded
and the new map is whole above the fold; the places table wraps its border column (more than one line of
text in a row); the corpus page's map is at the top with its legend folded."""

from __future__ import annotations

import io

import pytest
from test_app import TEXT
from test_app_browser import MAP, Session

from geo.tools.servers import seeded_cache, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cache = seeded_cache(tmp_path_factory.mktemp("fixes-browser-cache"))
    proc, url = start_server(cache, cache / "streamlit.log")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GEO_CACHE_DIR", str(cache))
            yield url, cache / "streamlit.log"
    finally:
        stop_server(proc)


class _Laptop:
    def __init__(self, browser):
        self.browser = browser

    def new_context(self, **options):
        return self.browser.new_context(**{**options, "viewport": LAPTOP})


def test_a_damaged_share_link_keeps_its_message_above_the_sample_until_dismissed(server, browser):
    url, _log = server
    s = Session(_Laptop(browser), url + "/?doc=0123456789abcdef")
    try:
        s.page.wait_for_function("!location.search.includes('0123456789abcdef')", timeout=60_000)
        s.open_sample()
        s.page.locator("[data-testid='stDataFrame']").wait_for(timeout=60_000)  # the whole page is there
        s.wait_idle()
        message = s.page.get_by_text("Cannot open the shared link")
        assert message.is_visible()
        assert message.bounding_box()["y"] < s.page.locator(MAP).bounding_box()["y"]  # above the sample
        s.page.get_by_role("button", name="Dismiss").click()
        message.wait_for(state="detached", timeout=15_000)
        s.wait_idle()
        assert not s.page.get_by_text("Cannot open the shared link").is_visible()
        assert s.errors == []
    finally:
        s.context.close()


def test_after_mapping_the_input_panel_is_folded_and_the_map_is_above_the_fold(server, browser):
    url, _log = server
    s = Session(_Laptop(browser), url)
    try:
        s.open_sample()
        s.page.locator("[data-testid='stDataFrame']").wait_for(timeout=60_000)
        s.wait_idle()
        s.map_text(TEXT)
        s.wait_idle()
        assert not s.page.get_by_label("Article text").is_visible()  # folded
        box = s.page.locator(MAP).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], box  # the whole map in view
        # a click in the page (a row of the table) does not open the panel again
        s.page.locator("[data-testid='stDataFrame']").click(position={"x": 60, "y": 60})
        s.wait_idle()
        s.page.wait_for_timeout(1000)
        assert not s.page.get_by_label("Article text").is_visible()
        # opened by the reader, it stays open
        s.page.get_by_text("Map another article: paste, upload or give a URL").click()
        s.page.get_by_label("Article text").wait_for()
        s.wait_idle()
        s.page.locator("[data-testid='stDataFrame']").click(position={"x": 60, "y": 100})
        s.wait_idle()
        assert s.page.get_by_label("Article text").is_visible()
        assert s.errors == []
    finally:
        s.context.close()


def text_lines(image, top: int, bottom: int, left: int, right: int) -> int:
    """Runs of pixel rows holding dark (text) pixels between ``top`` and ``bottom`` and ``left`` and ``right``."""
    lines, inside = 0, False
    for y in range(top, bottom):
        dark = any(sum(image.getpixel((x, y))[:3]) < 300 for x in range(left, right, 2))
        if dark and not inside:
            lines += 1
        inside = dark
    return lines


def test_the_border_column_wraps_instead_of_being_cut_off(server, browser):
    """Every column but the border sentences holds one line a row; wrapped sentences make more lines of
    text in their strip of the table than in the place names' strip."""
    from PIL import Image

    url, _log = server
    s = Session(_Laptop(browser), url)
    try:
        s.open_sample()
        grid = s.page.locator("[data-testid='stDataFrame']")
        grid.wait_for(timeout=60_000)
        s.wait_idle()
        grid.scroll_into_view_if_needed()
        s.page.wait_for_timeout(1000)
        image = Image.open(io.BytesIO(grid.screenshot())).convert("RGB")
        header = 40
        strips = [text_lines(image, header, image.height - 2, x, x + 30) for x in range(6, image.width - 36, 30)]
        names = next(n for n in strips if n)  # the place names (the first column with text): one line a row
        assert names >= 3, strips
        # the border sentences, the widest column, fill the middle of the table: wrapped, they make
        # more lines there than the one-line names (not wrapped: about as many, cut off at the cell's edge)
        middle = sorted(strips[len(strips) // 3: 2 * len(strips) // 3])
        assert middle[len(middle) // 2] >= 1.5 * names, strips
    finally:
        s.context.close()


def test_the_corpus_map_is_at_the_top_with_its_legend_folded(server, browser):
    url, _log = server
    context = browser.new_context(viewport=LAPTOP)
    try:
        page = context.new_page()
        page.goto(url + "/corpus")
        frame_el = page.locator("iframe").first
        frame_el.wait_for(timeout=120_000)
        frame = page.frame_locator("iframe").first
        frame.locator(".gc-legend").wait_for(timeout=120_000)
        box = frame_el.bounding_box()
        assert box["y"] < 200 and box["y"] + box["height"] <= LAPTOP["height"], box
        assert frame.locator(".gc-legend details").evaluate("d => d.open") is False
        uploader = page.locator("[data-testid='stFileUploader']").bounding_box()
        assert uploader["y"] > box["y"] + box["height"] - 1  # the upload below the map
    finally:
        context.close()


def test_the_server_log_has_no_deprecation(server):
    _url, log = server
    text = log.read_text(errors="replace")
    # Streamlit logs a deprecated call as "Please replace `st.components.v1.html` with `st.iframe`"
    assert "please replace" not in text.lower() and "deprecat" not in text.lower(), text[-2000:]
