"""The geocoder answer cache: keys, WAL, several processes at once, a kill mid-write, damaged and
unwritable files."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest

from geo.places.geocache import CACHE_FILENAME, CacheWarning, GeoCache, benchmark, cache_key, normalise_query

PROJECT = Path(__file__).resolve().parent.parent


def test_put_get_roundtrip_including_no_result(tmp_path):
    cache = GeoCache(tmp_path / "c.sqlite3", clock=lambda: 1234.5)
    key = cache_key("nominatim", "Testville")
    assert cache.get(key) is None
    assert cache.put(key, [{"name": "Testville", "lat": 1.5}], provider="nominatim", query=" Testville ")
    entry = cache.get(key)
    assert entry.answer == [{"name": "Testville", "lat": 1.5}]
    assert (entry.provider, entry.query, entry.created) == ("nominatim", "testville", 1234.5)
    cache.put(key, [], provider="nominatim", query="Testville")  # "no result" replaces, one row per key
    assert cache.get(key).answer == [] and len(cache) == 1


def test_keys_normalise_queries_and_separate_providers_and_options():
    assert normalise_query("  São\u00a0 PAULO ") == "são paulo"
    base = cache_key("nominatim", "São Paulo", {"domain": "a"})
    assert cache_key("Nominatim", " são  paulo", {"domain": "a"}) == base
    assert cache_key("nominatim", "São Paulo", {"domain": "a", "timeout": 3, "user_agent": "x"}) == base
    assert cache_key("photon", "São Paulo", {"domain": "a"}) != base
    assert cache_key("nominatim", "São Paulo", {"domain": "b"}) != base
    assert cache_key("nominatim", "São Paulo", {"domain": "a"}, exactly_one=False) != base
    assert cache_key("nominatim", "Sao Paulo", {"domain": "a"}) != base


def test_secrets_in_options_never_reach_the_file(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache = GeoCache(path)
    key = cache_key("geonames", "Testville", {"username": "s3cret-user"})
    cache.put(key, [], provider="geonames", query="Testville")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"s3cret" not in blob and b"testville" in blob


def test_default_location_is_cache_dir_and_file_is_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "shared-cache"))
    cache = GeoCache()
    assert cache.path == tmp_path / "shared-cache" / CACHE_FILENAME
    cache.put("k", 1, provider="p", query="q")
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _write_keys(path: str, prefix: str, count: int, barrier) -> None:
    cache = GeoCache(path)
    barrier.wait()
    for i in range(count):
        assert cache.put(f"{prefix}{i}", {"i": i, "who": prefix}, provider="p", query=f"{prefix} {i}")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "c.sqlite3")  # neither process finds a file: both also race to create it
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_write_keys, args=(path, prefix, 200, barrier)) for prefix in ("a", "b")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert [proc.exitcode for proc in procs] == [0, 0]
    cache = GeoCache(path)
    assert len(cache) == 400
    assert cache.get("a199").answer == {"i": 199, "who": "a"} and cache.get("b0").answer == {"i": 0, "who": "b"}


WRITER = """
import sys
from geo.places.geocache import GeoCache
cache = GeoCache(sys.argv[1])
i = 0
while True:
    cache.put(f"k{i}", {"i": i, "pad": "x" * 3000}, provider="p", query=f"q{i}")
    i += 1
"""


def test_a_kill_mid_write_leaves_a_consistent_cache(tmp_path):
    path = tmp_path / "c.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=PROJECT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if path.exists() and len(GeoCache(path)) >= 150:
                break
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)  # no "damaged" recovery needed
        cache = GeoCache(path)
        count = len(cache)
    assert count >= 150
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys = [row[0] for row in conn.execute("SELECT key FROM answers")]
    for key in keys:  # every committed row is whole
        assert cache.get(key).answer == {"i": int(key[1:]), "pad": "x" * 3000}
    assert sorted(int(k[1:]) for k in keys) == list(range(count))


def test_garbage_file_is_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(os.urandom(8192))
    with pytest.warns(CacheWarning, match="damaged.*moved it to c.sqlite3.corrupt-"):
        cache = GeoCache(path)
    aside = list(tmp_path.glob("c.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].stat().st_size == 8192
    assert cache.enabled and cache.put("k", [], provider="p", query="q") and cache.get("k").answer == []


def test_damaged_pages_in_a_real_database_are_detected(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache = GeoCache(path)
    for i in range(300):
        cache.put(f"k{i}", {"pad": "y" * 200}, provider="p", query=f"q{i}")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(path, "r+b") as handle:  # header intact, b-tree pages overwritten
        handle.seek(4096 * 2)
        handle.write(os.urandom(4096 * 4))
    with pytest.warns(CacheWarning, match="damaged"):
        rebuilt = GeoCache(path)
    assert len(rebuilt) == 0 and rebuilt.put("k", 1, provider="p", query="q")
    assert len([p for p in tmp_path.glob("c.sqlite3.corrupt-*") if not p.name.endswith("-wal")]) == 1


def test_file_removed_while_in_use_is_recreated(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache = GeoCache(path)
    cache.put("a", 1, provider="p", query="q")
    for leftover in tmp_path.iterdir():
        leftover.unlink()
    assert cache.put("b", 2, provider="p", query="q") and cache.get("b").answer == 2


def test_unwritable_cache_folder_means_no_cache_and_one_warning(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GEO_CACHE_DIR", str(blocker / "cache"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cache = GeoCache()
        assert not cache.enabled
        assert cache.get("k") is None and cache.put("k", 1, provider="p", query="q") is False
        assert len(cache) == 0 and cache.get("k") is None
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(messages) == 1 and "GEO_CACHE_DIR" in messages[0]


def test_threads_sharing_one_cache_lose_nothing(tmp_path):
    cache = GeoCache(tmp_path / "c.sqlite3")

    def write(prefix: str) -> None:
        for i in range(100):
            cache.put(f"{prefix}{i}", i, provider="p", query="q")

    threads = [threading.Thread(target=write, args=(p,)) for p in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 400 and cache.get("d99").answer == 99


def test_benchmark_reports_figures():
    figures = benchmark(n=50)
    assert figures["n"] == 50 and all(figures[k] > 0 for k in ("put_us", "get_hit_us", "get_miss_us"))
