"""The load harness in its short form: a real Streamlit server, 3 concurrent browser sessions, 1 CLI parse.

The full run (20 sessions, 4 CLI parses) is `python -m geo stress --timeout 400 [--stagger 0.5]`; its figures go in the
closing note. Times are reported (printed), not asserted: the machine is shared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.stress import format_report, percentile, run_stress, stress_articles

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.server]

APP = Path(__file__).resolve().parents[1] / "app.py"


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 95) == 19.0 and percentile(values, 50) == 10.0 and percentile([], 95) is None


def test_every_session_gets_a_different_article():
    texts = stress_articles(8)
    assert len(texts) == 8 and len(set(texts)) == 8


@pytest.mark.skipif(not APP.exists(), reason="app.py is not there yet: the stress harness needs the Streamlit app")
@pytest.mark.parametrize("stagger_s", [None, 0.3])
def test_short_stress_run_holds_every_session_without_errors(stagger_s):
    report = run_stress(sessions=3, cli_parses=1, timeout_s=90, stagger_s=stagger_s)
    print("\n" + format_report(report))
    assert report["errors"] == [], report["errors"]
    assert report["sessions_held"] == 3 and report["cli_ok"] == 1
    assert report["page_errors"] == [] and report["blocked_requests"] == 0
    assert report["map_s_median"] is not None and report["server_peak_rss_mb"] > 50
