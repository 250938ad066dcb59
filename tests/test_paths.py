"""Cache folder helpers: atomic writes, stale temporary files, permissions."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from geo import paths


def test_atomic_write_replaces_whole_file_and_is_readable(tmp_path: Path):
    target = tmp_path / "sub" / "data.bin"
    paths.atomic_write_bytes(target, b"one")
    paths.atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert not list(target.parent.glob(".*.tmp"))


def test_stale_temporary_files_are_swept_fresh_ones_kept(tmp_path: Path):
    old = tmp_path / ".index.pickle.abc.tmp"
    fresh = tmp_path / "borders" / ".border.npz.def.tmp"
    fresh.parent.mkdir()
    for f in (old, fresh):
        f.write_bytes(b"partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    assert paths.sweep_stale_temp_files(tmp_path) == 1
    assert not old.exists() and fresh.exists()


def test_an_installed_package_caches_in_the_users_cache_folder(tmp_path, monkeypatch):
    """Outside a checkout (pip install ., a Dask worker) the cache is never inside site-packages."""
    from geo import paths

    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "site-packages")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert paths.default_cache_dir() == tmp_path / "xdg" / "geo-news-map"
    (tmp_path / "site-packages").mkdir()
    (tmp_path / "site-packages" / "app.py").write_text("")
    assert paths.default_cache_dir() == tmp_path / "site-packages" / "cache"


def test_corpus_settings_are_in_the_settings_table():
    from geo.errors import InputError
    from geo.settings import load_settings

    got = load_settings({"GEO_DASK_SCHEDULER": " tcp://127.0.0.1:8786 ", "GEO_DASK_TIMEOUT": "3"})
    assert (got.dask_scheduler, got.dask_timeout) == ("tcp://127.0.0.1:8786", 3.0)
    with pytest.raises(InputError, match="GEO_DASK_TIMEOUT"):
        load_settings({"GEO_DASK_TIMEOUT": "soon"})
