"""Persistent cache of online geocoder answers: SQLite in WAL mode under ``cache_dir()``.

Why: a place is never asked twice, and a shared map renders the same tomorrow.  One row per key
(provider + normalised query + options); "no result" is an answer too.  Several processes and app
sessions may read and write at once (WAL + busy timeout, one short autocommit statement per write, one
connection per thread);
a kill mid-write leaves the last committed state (SQLite journaling).  A damaged file is moved aside
as ``*.corrupt-<timestamp>`` and rebuilt with a warning; an unwritable cache folder means "work
without a cache" with one warning, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
import time
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.paths import cache_dir

CACHE_FILENAME = "geocoder-cache.sqlite3"
SCHEMA_VERSION = 1

# Geocoder options that change how we talk to a server but not what it answers.
_TRANSPORT_OPTIONS = frozenset({"timeout", "user_agent", "proxies", "ssl_context", "adapter_factory", "headers"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key      TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    query    TEXT NOT NULL,
    answer   TEXT NOT NULL,
    created  REAL NOT NULL
)
"""


class CacheWarning(RuntimeWarning):
    """The cache could not be used as is (damaged, unwritable); work goes on."""


@dataclass(frozen=True)
class CacheEntry:
    """One stored answer; ``answer`` is the JSON value given to :meth:`GeoCache.put`."""

    key: str
    provider: str
    query: str
    answer: Any
    created: float


def normalise_query(query: str) -> str:
    """Unicode NFKC, case-folded, inner whitespace collapsed: 'São  Paulo ' == 'são paulo'."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", query)).strip().casefold()


def cache_key(provider: str, query: str, options: Mapping[str, Any] | None = None, **params: Any) -> str:
    """Stable key for one question: provider, normalised query, answer-shaping options and call params.

    Secrets in ``options`` (api keys, usernames) only enter through the hash, never the database.
    """
    shaping = {k: v for k, v in (options or {}).items() if k not in _TRANSPORT_OPTIONS}
    material = {"provider": provider.lower(), "query": normalise_query(query),
                "options": shaping, "params": params}
    blob = json.dumps(material, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class _Damaged(Exception):
    """The database file failed its integrity check."""


class GeoCache:
    """Key -> JSON answer store shared by processes. Methods never raise on I/O trouble; they warn."""

    def __init__(self, path: str | Path | None = None, *, busy_timeout: float = 30.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._warned: set[str] = set()
        self._local = threading.local()  # one connection per thread (sqlite3 objects stay in their thread)
        self._generation = 0  # bumped when the file is replaced, so every thread reconnects
        self.path: Path | None = None
        try:
            self.path = Path(path) if path is not None else cache_dir() / CACHE_FILENAME
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self._disable(f"cannot create the cache folder ({err})")
            return
        self._open()

    @property
    def enabled(self) -> bool:
        """False when the cache folder or file cannot be used; lookups then miss and writes are dropped."""
        return self.path is not None

    # -- public API -------------------------------------------------------------------------------

    def get(self, key: str) -> CacheEntry | None:
        """The stored entry for ``key``, or None (also when the cache is unusable)."""
        row = self._run(lambda conn: conn.execute(
            "SELECT key, provider, query, answer, created FROM answers WHERE key = ?", (key,)).fetchone())
        if not row:
            return None
        try:
            answer = json.loads(row[3])
        except ValueError:
            return None
        return CacheEntry(key=row[0], provider=row[1], query=row[2], answer=answer, created=row[4])

    def put(self, key: str, answer: Any, *, provider: str, query: str) -> bool:
        """Store ``answer`` (JSON-serialisable) for ``key``, replacing an older one. True if saved."""
        blob = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
        args = (key, provider, normalise_query(query), blob, float(self._clock()))

        def insert(conn: sqlite3.Connection) -> bool:
            conn.execute("INSERT OR REPLACE INTO answers (key, provider, query, answer, created) "
                         "VALUES (?, ?, ?, ?, ?)", args)
            return True

        return bool(self._run(insert))

    def __len__(self) -> int:
        count = self._run(lambda conn: conn.execute("SELECT count(*) FROM answers").fetchone()[0])
        return int(count or 0)

    # -- internals -----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection; a new one after fork, after the file was replaced or removed."""
        assert self.path is not None
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is not None and (local.pid != os.getpid() or local.generation != self._generation
                                 or not self.path.exists()):
            self.close()
            conn = None
            if not self.path.exists():
                self._open()
                if self.path is None:
                    raise sqlite3.OperationalError("cache disabled")
        if conn is None:
            conn = self._connect()
            local.conn, local.pid, local.generation = conn, os.getpid(), self._generation
        return conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _init_db(self) -> None:
        with closing(self._connect()) as conn:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"journal_mode is {mode}, WAL not available")
            check = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
            if check != ["ok"]:
                raise _Damaged("; ".join(check[:3]))
            conn.execute(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _open(self) -> None:
        for attempt in (1, 2):
            if self.path is None:
                return
            try:
                self._init_db()
                return
            except (_Damaged, sqlite3.DatabaseError) as err:
                if isinstance(err, sqlite3.OperationalError) or attempt == 2:
                    self._disable(f"cannot open {self.path} ({err})")
                    return
                self._move_aside(str(err))

    def _run(self, action: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run one statement on this thread's connection; damaged file -> rebuild once; other trouble -> warn."""
        for attempt in (1, 2):
            if self.path is None:
                return None
            try:
                return action(self._connection())
            except sqlite3.OperationalError as err:
                self.close()
                if "no such table" in str(err) and attempt == 1:
                    self._open()  # someone moved the file aside under us: start a fresh one
                    continue
                self._warn_once("operational", f"geocoder cache {self.path} is unavailable ({err}); "
                                "answers are not cached this time")
                return None
            except sqlite3.DatabaseError as err:
                self.close()
                if attempt == 2:
                    self._disable(f"{self.path} stays unreadable ({err})")
                    return None
                self._move_aside(str(err))
                self._open()
        return None

    def _move_aside(self, reason: str) -> None:
        assert self.path is not None
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.close()
        self._generation += 1
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return  # another process already moved it
        except OSError as err:
            self._disable(f"{self.path} is damaged ({reason}) and cannot be moved aside ({err})")
            return
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            try:
                if suffix == "-wal":
                    os.replace(side, aside.with_name(aside.name + suffix))
                else:
                    side.unlink()
            except OSError:
                pass
        warnings.warn(f"geocoder cache {self.path} was damaged ({reason}); moved it to {aside.name} "
                      "and started a new one", CacheWarning, stacklevel=3)

    def _disable(self, reason: str) -> None:
        self._warn_once("disabled", f"geocoder cache disabled: {reason}; set GEO_CACHE_DIR to a writable "
                        "folder to keep answers between runs")
        self.path = None

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            warnings.warn(message, CacheWarning, stacklevel=3)


def benchmark(n: int = 2000, path: str | Path | None = None) -> dict[str, float]:
    """Microseconds per put and per get (hit and miss) on a fresh cache file; for ``python -m geo bench``."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cache = GeoCache(Path(path) if path is not None else Path(tmp) / CACHE_FILENAME)
        answer = [{"name": "Testville", "lat": 1.0, "lon": 2.0, "country": "FR", "kind": "city",
                   "source": "geocoder:nominatim", "raw": {"display_name": "Testville, Testland"}}]
        keys = [cache_key("nominatim", f"place {i}") for i in range(n)]
        start = time.perf_counter()
        for key in keys:
            cache.put(key, answer, provider="nominatim", query="place")
        put = time.perf_counter() - start
        start = time.perf_counter()
        for key in keys:
            cache.get(key)
        hit = time.perf_counter() - start
        start = time.perf_counter()
        for i in range(n):
            cache.get(f"missing-{i}")
        miss = time.perf_counter() - start
        cache.close()
    scale = 1e6 / n
    return {"n": n, "put_us": put * scale, "get_hit_us": hit * scale, "get_miss_us": miss * scale}
