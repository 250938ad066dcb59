"""Where derived data lives (cache/) and how files there are written safely."""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_cache_dir() -> Path:
    """The checkout's ``cache/`` when running from a checkout; for an installed package (``pip install .``, a
    Dask worker) the user's cache folder, never a folder inside site-packages."""
    if (PROJECT_ROOT / "app.py").is_file():
        return PROJECT_ROOT / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geo-news-map"


def _configured_cache_dir() -> Path:
    return Path(os.environ.get("GEO_CACHE_DIR") or default_cache_dir())


def cache_dir() -> Path:
    """The cache folder: ``$GEO_CACHE_DIR`` if set, else the project's ``cache/``. Created on demand;
    when it cannot be created, everything still works without caching (and says so once)."""
    path = _configured_cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        warn_unwritable(path, exc)
        return path
    if str(path) not in _SWEPT:
        _SWEPT.add(str(path))
        sweep_stale_temp_files(path)
    return path


_SWEPT: set[str] = set()
STALE_TEMP_SECONDS = 3600


def sweep_stale_temp_files(folder: Path, older_than_s: float = STALE_TEMP_SECONDS) -> int:
    """Delete temporary files that a killed atomic write left behind (``.<name>.*.tmp``, over an hour old)."""
    removed = 0
    cutoff = time.time() - older_than_s
    for tmp in [*folder.glob(".*.tmp"), *folder.glob("*/.*.tmp")]:
        try:
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed += 1
        except OSError:
            pass
    return removed


_UNWRITABLE_WARNED: set[str] = set()


def warn_unwritable(path: Path, exc: OSError) -> None:
    """Say once per cache folder that derived data cannot be saved (full disk, read-only, no folder)."""
    folder = str(_configured_cache_dir())
    if folder in _UNWRITABLE_WARNED:
        return
    _UNWRITABLE_WARNED.add(folder)
    warnings.warn(
        f"could not write {path} ({exc.strerror or exc}); caching is off, so derived data is rebuilt "
        f"in memory on each run — set GEO_CACHE_DIR to a writable folder to keep it",
        stacklevel=3,
    )


def move_aside(path: Path, what: str, exc: BaseException) -> None:
    """Keep a damaged cache file for inspection as ``*.corrupt-<time>`` and warn; never raises."""
    aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
    try:
        path.replace(aside)
        where = f"moved to {aside.name}"
    except OSError:
        where = "left in place"
    warnings.warn(f"{what} {path} was unreadable ({type(exc).__name__}: {exc}); {where}, rebuilding it",
                  stacklevel=3)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a torn one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; a shared map or cache file should be readable
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))
