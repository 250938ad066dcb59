"""Cache folder helpers: atomic writes, stale temporary files, permissions."""

from __future__ import annotations

import os
import time
from pathlib import Path

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
