"""The memory script (python -m geo.tools.memory): one reader maps several articles on a real server
and the server's resident memory is sampled along the way."""

from __future__ import annotations

import pytest

from geo.tools.memory import measure_memory

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_one_reader_maps_articles_and_memory_is_sampled():
    lines: list[str] = []
    report = measure_memory(articles=4, every=2, say=lines.append)
    assert report["problems"] == []
    assert [s["articles"] for s in report["samples"]] == [0, 2, 4]
    assert all(s["rss_mb"] > 50 and s["peak_mb"] >= s["rss_mb"] for s in report["samples"])
    assert report["final_rss_mb"] == report["samples"][-1]["rss_mb"] and len(lines) == 3
