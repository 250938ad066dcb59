"""Two `streamlit run` servers on one PostgreSQL store, driven by Debian's Chromium: an article mapped and
corrected on server A opens from its share link on server B, in a fresh browser context, with the same
corrections and selection; two editors saving corrections at the same moment on A and B: one wins, the
other is told and nothing is lost."""

from __future__ import annotations

import time

import pytest
from test_app_browser import Session

from geo.store import backend
from geo.store import documents as store
from geo.tools.servers import seeded_cache, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]

ARTICLE = (
    "Rail link talks resume\n\n"
    "Ministers from Norway met in Oslo on Monday to plan a faster rail link to Stockholm.\n\n"
    "The new line would also serve Gothenburg, officials in Oslo said after the meeting."
)
DROP = "Not a place: drop it"
CONFLICT = "changed since you opened it"


@pytest.fixture(scope="module")
def servers(postgres, tmp_path_factory):
    url = postgres.new_database()
    procs = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GEO_STORE_URL", url)  # both servers, and this process, use the one database
        try:
            for name in ("a", "b"):
                cache = seeded_cache(tmp_path_factory.mktemp(f"server-{name}"))
                procs.append(start_server(cache, cache / "streamlit.log"))
            yield [u for _, u in procs]
        finally:
            for proc, _ in procs:
                stop_server(proc)
            backend.close_stores()


def wait_for(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def opened(browser, url: str, n_places: int) -> Session:
    session = Session(browser, url)
    session.wait_map(n_places)
    session.wait_idle()
    return session


def test_a_link_made_on_one_server_opens_on_the_other_with_its_corrections(servers, browser):
    server_a, server_b = servers
    a = Session(browser, server_a)
    doc, _ = a.map_text(ARTICLE)
    doc_id = doc.article.id
    assert len(doc.places) >= 3
    dropped, kept = doc.places[0], doc.places[1]
    a.context.close()

    # On A: open the place and drop it.
    a = opened(browser, f"{server_a}/?doc={doc_id}&place={dropped.id}", len(doc.places))
    a.page.get_by_role("button", name=DROP).click()
    wait_for(lambda: store.load_corrections(doc_id) != [])
    a.wait_map(len(doc.places) - 1)
    assert [c["place"] for c in store.load_corrections(doc_id)] == [dropped.id]
    a.context.close()

    # On B, in a fresh context: the share link shows the same article, the correction and the selection.
    b = opened(browser, f"{server_b}/?doc={doc_id}&place={kept.id}", len(doc.places) - 1)
    frame = b.map_frame()
    frame.wait_for_selector(".geo-popup", timeout=15_000)
    assert frame.locator(".geo-popup h3").inner_text() == kept.shown_name
    b.page.get_by_text(f"Dropped {dropped.name} (not a place)").wait_for(timeout=15_000)
    assert b.blocked == [] and b.errors == [] and b.dialogs == []
    b.context.close()


def test_two_editors_saving_at_once_on_two_servers_one_wins_the_other_is_told(servers, browser):
    server_a, server_b = servers
    a = Session(browser, server_a)
    doc, _ = a.map_text(ARTICLE.replace("Monday", "Tuesday"))
    doc_id, n = doc.article.id, len(doc.places)
    a.context.close()
    first, second = doc.places[1], doc.places[2]
    a = opened(browser, f"{server_a}/?doc={doc_id}&place={first.id}", n)
    b = opened(browser, f"{server_b}/?doc={doc_id}&place={second.id}", n)
    # Both editors opened the article with no corrections; both press "drop" at the same moment.
    a.page.get_by_role("button", name=DROP).click(no_wait_after=True)
    b.page.get_by_role("button", name=DROP).click(no_wait_after=True)
    wait_for(lambda: sum(s.page.get_by_text(CONFLICT).count() for s in (a, b)) >= 1)
    a.wait_idle()
    b.wait_idle()
    told = [s for s in (a, b) if s.page.get_by_text(CONFLICT).count()]
    saved = store.load_corrections(doc_id)
    assert len(told) == 1 and len(saved) == 1, (len(told), saved)
    winner = first if told[0] is b else second  # the one not told saved its drop
    assert saved[0]["place"] == winner.id
    assert "reload" in told[0].page.get_by_text(CONFLICT).first.inner_text()
    a.context.close()
    b.context.close()
