"""The load harness in its short form: a real Streamlit server, 4 concurrent sessions (Streamlit protocol
clients, one of them in headless Chromium in one run), 1 CLI parse; and the protocol client on its own.

The full run (20 sessions, 4 CLI parses) is `python -m geo stress [--stagger 0.5] [--browsers K]`; its figures go
in the closing note. Times are reported (printed), not asserted: the machine is shared.
"""

from __future__ import annotations

import pytest

from geo.tools.stress import browser_slots, format_report, percentile, run_stress, stress_articles


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 95) == 19.0 and percentile(values, 50) == 10.0 and percentile([], 95) is None


def test_every_session_gets_a_different_article():
    texts = stress_articles(8)
    assert len(texts) == 8 and len(set(texts)) == 8


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.browser
@pytest.mark.parametrize(("stagger_s", "browsers"), [(None, 1), (0.3, 0)])
def test_short_stress_run_holds_every_session_without_errors(stagger_s, browsers):
    report = run_stress(sessions=4, cli_parses=1, timeout_s=120, stagger_s=stagger_s, browsers=browsers)
    print("\n" + format_report(report))
    assert report["errors"] == [], report["errors"]
    assert report["sessions_held"] == 4 and report["cli_ok"] == 1
    assert report["page_errors"] == [] and report["blocked_requests"] == 0
    assert report["map_s_median"] is not None and report["server_peak_rss_mb"] > 50
    assert report["by_client"]["protocol"]["sessions"] == 4 - browsers
    if browsers:
        assert report["by_client"]["browser"]["map_s"]["median"] is not None


def test_browser_slots_are_spread_over_the_wave():
    assert browser_slots(20, 0) == set() and browser_slots(3, 5) == {0, 1, 2}
    assert browser_slots(20, 4) == {0, 5, 10, 15}


@pytest.mark.slow
@pytest.mark.server
def test_protocol_client_sees_the_app_and_reports_a_wrong_map(tmp_path):
    """The client's checks can fail: a session expecting one place too many is an error, not a time."""
    import asyncio

    from geo.tools.servers import seeded_cache, start_server, stop_server
    from geo.tools.stclient import AppSession, ProtocolError
    from geo.tools.stress import expected_places, protocol_session

    (tmp_path / "cache").mkdir()
    server, url = start_server(seeded_cache(tmp_path / "cache"), tmp_path / "streamlit.log")
    text = stress_articles(1)[0]
    places = expected_places([text])[0]

    async def scenario():
        session = AppSession(url)
        await session.open(60)
        await session.rerun(60)
        sample_places = session.map_place_count()  # a new page: the map and the article first
        with pytest.raises(ProtocolError, match="no text_area labelled"):
            session.widget_id("text_area", "Article text")
        assert await session.report_map_drawn(60)  # as the map frame says once its map is drawn: the rest
        assert session.map_place_count() == sample_places
        with pytest.raises(ProtocolError, match="no button labelled"):
            session.widget_id("button", "No such button")
        await session.rerun(60, {session.widget_id("text_area", "Article text"): "   ",
                                 session.widget_id("button", "Map this text"): True})
        refused = session.alerts()
        await session.rerun(60)  # the next run shows no error: nothing of the previous run is kept
        after = session.alerts()
        await session.close()
        wrong = await protocol_session(url, text, places + 1, 60)
        right = await protocol_session(url, text, places, 60)
        for result in (wrong, right):
            await result["session"].close()
        return sample_places, wrong, right, refused, after

    try:
        sample_places, wrong, right, refused, after = asyncio.run(scenario())
    finally:
        stop_server(server)
    assert sample_places and sample_places >= 5  # the built-in sample's map
    assert len(refused) == 1 and "empty" in refused[0] and after == []
    assert wrong["error"] == f"RuntimeError: the map shows {places} places, expected {places + 1}"
    assert wrong["map_s"] is None
    assert right["error"] is None and right["map_s"] > 0
