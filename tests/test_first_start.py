"""The first start: derived data missing from cache/ is built under a progress bar, and the status line
gives the whole wait (data building included), not the parse time alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app_components.session import _missing_data, elapsed_text
from geo.maps import basemap
from geo.tools.servers import seeded_cache

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_elapsed_text_says_a_long_wait_in_seconds():
    assert elapsed_text(0.076) == "76 ms"
    assert elapsed_text(3.21) == "3.2 s"
    assert elapsed_text(41.4) == "41 s"


@pytest.mark.slow
def test_first_start_shows_what_it_builds_and_the_whole_wait(tmp_path, monkeypatch):
    cache = seeded_cache(tmp_path)
    (cache / basemap.cache_path().name).unlink()  # the basemap (about 6 s) is built again
    monkeypatch.setenv("GEO_CACHE_DIR", str(cache))
    basemap.clear_memory_cache()
    assert _missing_data() == ["basemap"]
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    labels = [el.proto.label for el in at.get("status")]
    status = [lab for lab in labels if lab.startswith("Mapped ")]
    assert status, labels
    match = re.fullmatch(r"Mapped \d+ places in ([\d.]+) (ms|s) \(the first start built the place and border "
                         r"data: ([\d.]+) (ms|s)\)", status[0])
    assert match, status[0]
    assert match.group(2) == "s"  # the whole wait, building included: never "in 76 ms"
    assert float(match.group(1)) >= float(match.group(3))
    assert basemap.cache_path().exists() and _missing_data() == []
