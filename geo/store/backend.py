"""Which store this process uses: SQLite in the cache folder by default, PostgreSQL when
``GEO_STORE_URL=postgresql://…``; opened once per (address, cache folder) and shared by all threads.

When the configured store cannot be opened (unreachable server, damaged file, unwritable folder) that
is said once, as a warning and through :func:`store_problem` for the app, and this process keeps what
it stores in memory instead (also when a server is lost later: :func:`degrade`); every :data:`RETRY_S` seconds it tries the real store again and, once it
opens, moves what was kept in memory into it. On the first open, the JSON files older versions kept
under ``cache/store/`` are imported (once: the store remembers it).
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from pathlib import Path

from geo.errors import GeoError, StoreError
from geo.paths import cache_dir
from geo.store.base import MemoryStore, Store, StoreConflict, StoreUnavailable

RETRY_S = 15.0
SQLITE_NAME = "store.sqlite3"
_LEGACY_KEY = "legacy-json-import:"

_LOCK = threading.RLock()
_STORES: dict[tuple[str, str], Store] = {}
_PROBLEMS: dict[tuple[str, str], tuple[str, float]] = {}  # key -> (message, time of the last attempt)


def configured_url() -> str:
    """``GEO_STORE_URL`` as parsed by the settings table ('' means the default SQLite file)."""
    from geo.settings import load_settings

    return load_settings({"GEO_STORE_URL": os.environ.get("GEO_STORE_URL", "")}).store_url


def sqlite_path(url: str = "") -> Path:
    """The SQLite file: ``sqlite:///PATH`` when given, else ``store.sqlite3`` in the cache folder."""
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite://"):])
    return cache_dir() / SQLITE_NAME


def legacy_folder() -> Path:
    """Where older versions kept one JSON file per document and per set of corrections."""
    return cache_dir() / "store"


def open_store(url: str | None = None) -> Store:
    """The configured store, opened (and migrated) now, with no fallback: StoreError when unusable."""
    url = configured_url() if url is None else url
    if url.startswith(("postgresql://", "postgres://")):
        from geo.store.postgres import PostgresStore

        return PostgresStore(url)
    from geo.store.sqlite import SqliteStore

    path = sqlite_path(url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"the store folder {path.parent} cannot be created ({exc.strerror or exc})") from None
    return SqliteStore(path)


def import_legacy(store: Store) -> str | None:
    """Import ``cache/store/*.json`` once per folder and store; a one-line summary when it ran."""
    folder = legacy_folder()
    if not folder.is_dir() or not any(folder.glob("*.json")):
        return None
    key = _LEGACY_KEY + str(folder.resolve())
    try:
        if store.meta(key):
            return None
        from geo.store.transfer import import_folder

        report = import_folder(store, folder)
        store.set_meta(key, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    except (OSError, StoreError) as exc:
        warnings.warn(f"the JSON files in {folder} could not be imported into the store ({exc})", stacklevel=3)
        return None
    summary = report.summary(f"imported from {folder}:")
    if report.skipped:
        warnings.warn(summary, stacklevel=3)
    return summary


MERGE_ATTEMPTS = 5


def _move_into(memory: Store, store: Store) -> None:
    """What was kept in memory while the real store was away goes into it. Corrections acknowledged in
    memory are never dropped: they are merged with what the store holds now (its revision re-read, theirs
    kept, ours added after them), saved against that revision; if the store keeps changing or fails, this
    raises and everything stays pending in memory for the next attempt."""
    for doc_id in memory.document_ids():
        body = memory.get_document(doc_id)
        if body is not None:
            store.put_document(doc_id, body)
        corrections, _rev = memory.get_corrections(doc_id)
        if corrections is not None:
            _merge_corrections(store, doc_id, corrections)


def _merge_corrections(store: Store, doc_id: str, ours: str) -> None:
    from geo.store.records import corrections_record, parse_corrections

    for _ in range(MERGE_ATTEMPTS):
        stored, revision = store.get_corrections(doc_id)
        if stored is None:
            body = ours
        else:
            theirs = parse_corrections(doc_id, stored)
            merged = theirs + [c for c in parse_corrections(doc_id, ours) if c not in theirs]
            if len(merged) == len(theirs):
                return  # every correction made in memory is already stored (moved on an earlier attempt)
            body = corrections_record(doc_id, merged)
        try:
            store.put_corrections(doc_id, body, revision)
            return
        except StoreConflict:  # saved by another server just now: read again and merge again
            continue
    raise StoreUnavailable(f"the corrections saved in memory for {doc_id} could not be merged (the store kept "
                           "changing); they stay in this server's memory and are tried again")


def get_store() -> Store:
    """This process's store for the current settings and cache folder (see the module docstring)."""
    try:
        url = configured_url()
    except GeoError as exc:
        url, bad = "invalid", exc
    else:
        bad = None
    key = (url, str(cache_dir()))
    with _LOCK:
        store = _STORES.get(key)
        problem = _PROBLEMS.get(key)
        if store is not None and (problem is None or bad or time.monotonic() - problem[1] < RETRY_S):
            return store
        real = None
        try:
            if bad:
                raise bad
            real = open_store(url)
            if store is not None:
                _move_into(store, real)
        except (GeoError, OSError) as exc:
            if real is not None:
                real.close()
            if store is None:
                message = (f"{exc}. Share links and corrections are kept in this server's memory until the "
                           f"store can be used again (tried every {RETRY_S:.0f} s).")
                warnings.warn(message, stacklevel=2)
                store = MemoryStore()
                _STORES[key] = store
                import_legacy(store)  # old links stay readable
            _PROBLEMS[key] = (problem[0] if problem else message, time.monotonic())
            return store
        _PROBLEMS.pop(key, None)
        _close_others(key)
        _STORES[key] = real
        import_legacy(real)
        return real


def _close_others(key: tuple[str, str]) -> None:
    """Another address or cache folder is in use now (in tests, each has its own): close the stores opened
    for the others, so their connections do not pile up; they reopen if used again. Memory stores stay."""
    for other, store in list(_STORES.items()):
        if other != key and not isinstance(store, MemoryStore):
            del _STORES[other]
            store.close()


def degrade(exc: StoreError) -> Store:
    """The store in use was lost (``exc``): say so once, carry on in memory, try it again later."""
    key = _key()
    with _LOCK:
        current = _STORES.get(key)
        if isinstance(current, MemoryStore):
            return current
        message = (f"{exc}. Share links and corrections are kept in this server's memory until it is back "
                   f"(tried every {RETRY_S:.0f} s).")
        warnings.warn(message, stacklevel=3)
        memory = MemoryStore()
        _STORES[key], _PROBLEMS[key] = memory, (message, time.monotonic())
    if current is not None:
        current.close()
    return memory


def store_key() -> tuple[str, str]:
    """Which store this process uses now: (address, cache folder)."""
    return _key()


def _key() -> tuple[str, str]:
    try:
        return configured_url(), str(cache_dir())
    except GeoError:
        return "invalid", str(cache_dir())


def store_problem() -> str | None:
    """Why this process keeps its store in memory (for the app to show), or None when all is well."""
    with _LOCK:
        problem = _PROBLEMS.get(_key())
    return problem[0] if problem else None


def close_stores() -> None:
    """Close every open store (tests, and the end of a CLI command)."""
    with _LOCK:
        for store in _STORES.values():
            store.close()
        _STORES.clear()
        _PROBLEMS.clear()
