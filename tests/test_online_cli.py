"""The CLI's online fallback end to end: unresolved names go to a real loopback Nominatim stub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.nominatim_stub import NominatimStub, hit, place, status

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "Shelling was reported near Hlushkivka, east of Kharkiv, on Tuesday.\n"

pytestmark = pytest.mark.server


def _run(args: list[str], cache_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GEO_")}
    environment.update(GEO_CACHE_DIR=str(cache_dir), PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=300, check=False)


@pytest.fixture
def cache_with_index(tmp_path: Path) -> Path:
    """A private cache folder holding links to the already-built gazetteer and border data."""
    from geo.places.gazetteer import index_path, load_gazetteer

    load_gazetteer()
    source = index_path()
    (tmp_path / source.name).symlink_to(source)
    borders = source.parent / "borders"
    if borders.exists():
        (tmp_path / "borders").symlink_to(borders)
    return tmp_path


def _places(stdout: str) -> dict[str, dict]:
    return {p["name"]: p for p in json.loads(stdout)["places"]}


def test_offline_by_default_leaves_the_name_unresolved(cache_with_index: Path):
    article = cache_with_index / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    done = _run(["parse", str(article), "--json"], cache_with_index)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert "Hlushkivka" in {m["text"] for m in doc["unresolved"]}
    assert "Kharkiv" in _places(done.stdout)


def test_online_places_the_name_and_caches_the_answer(cache_with_index: Path):
    article = cache_with_index / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with NominatimStub() as stub:
        stub.script("Hlushkivka", hit(place("Hlushkivka", 49.68, 37.79, "ua", addresstype="village")))
        options = json.dumps({"domain": stub.domain, "scheme": "http"})
        args = ["parse", str(article), "--json", "--online", "--geocoder", "nominatim",
                "--geocoder-options", options, "--user-agent", "geo-news-map-tests/1 (test suite)"]
        done = _run(args, cache_with_index)
        assert done.returncode == 0, done.stderr
        assert stub.count("Hlushkivka") == 1
    places = _places(done.stdout)
    assert places["Hlushkivka"]["source"] == "geocoder:nominatim"
    assert places["Hlushkivka"]["country"] == "UA"
    assert places["Hlushkivka"]["border"]["country"] == "UA"
    assert not json.loads(done.stdout)["unresolved"]
    # The server is gone: the answer comes from the cache.
    again = _run(args, cache_with_index)
    assert again.returncode == 0, again.stderr
    assert _places(again.stdout)["Hlushkivka"]["lat"] == pytest.approx(49.68)


def test_online_server_error_is_one_warning_and_the_parse_goes_on(cache_with_index: Path):
    article = cache_with_index / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with NominatimStub() as stub:
        stub.script("Hlushkivka", status(500))
        options = json.dumps({"domain": stub.domain, "scheme": "http"})
        done = _run(["parse", str(article), "--json", "--online", "--geocoder-options", options,
                     "--user-agent", "geo-news-map-tests/1 (test suite)"], cache_with_index,
                    GEO_GEOCODER="nominatim")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "warning:" in done.stderr
    assert "Hlushkivka" in {m["text"] for m in json.loads(done.stdout)["unresolved"]}
