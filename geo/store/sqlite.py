"""The default store: one SQLite database in the cache folder (WAL mode, every save one transaction).

Several processes on one machine can share it (WAL lets readers run beside the one writer; a writer
waits up to :data:`BUSY_TIMEOUT_S` for another). ``synchronous=FULL`` makes a save that returned
survive a killed process or a power cut. The schema carries a version table and is migrated on open;
a file that is not a database, or fails SQLite's quick check, is reported as damaged and never
overwritten.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from geo.errors import StoreError
from geo.store.base import MAX_STORED_BYTES, StoreConflict, StoreUnavailable, check_size, loaded_body, migrate

BUSY_TIMEOUT_S = 30.0
MAX_IDLE = 4
# Each entry brings the schema from version i to i + 1; applied in one transaction on open.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE documents (id TEXT PRIMARY KEY CHECK (length(id) = 16), body TEXT NOT NULL, "
        "saved_at TEXT NOT NULL)",
        "CREATE TABLE corrections (doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, "
        "revision INTEGER NOT NULL CHECK (revision > 0), body TEXT NOT NULL, saved_at TEXT NOT NULL)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SqliteStore:
    """Documents and corrections in the SQLite database ``path``."""

    name = "sqlite"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.where = str(self.path)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._errors("opened"), self._connection() as conn:
            row = conn.execute("PRAGMA quick_check").fetchone()
            if not row or row[0] != "ok":
                raise sqlite3.DatabaseError(f"quick check: {row[0] if row else 'no answer'}")
            self._migrate(conn)
        self._identity = self._file_identity()

    # ------------------------------------------------------------------------------------ plumbing

    def _damaged(self, exc: BaseException, doing: str) -> StoreError:
        return StoreError(f"the store database {self.path} cannot be {doing} ({exc}): it may be damaged or "
                          "locked; restore it from a backup (python -m geo store import) or move it aside")

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
                raise StoreUnavailable(f"the store database {self.path} cannot be {doing}: the disk is full "
                                       "(or the database reached its size limit); free some space") from None
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_IOERR or "disk I/O error" in str(exc):
                raise StoreUnavailable(f"the store database {self.path} cannot be {doing}: the disk reported "
                                       "an input/output error") from None
            raise self._damaged(exc, doing) from None

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def _check_file(self, doing: str) -> None:
        """Open connections keep writing to a deleted file (lost at the last close): before each save, check
        the file is still the one opened, else say so (the caller carries on in memory)."""
        if self._file_identity() != self._identity:
            self.close()
            raise StoreUnavailable(f"the store database {self.path} cannot be {doing}: the file was deleted or "
                                   "replaced while in use (a new one is made at the next attempt)")


    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for one operation: an idle one if there is one, else a new one. At most
        :data:`MAX_IDLE` are kept afterwards (Streamlit runs each rerun in a new thread, so connections
        are not tied to threads)."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open()
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    conn.close()
                    raise
            raise
        finally:
            with self._lock:
                keep = len(self._idle) < MAX_IDLE and not conn.in_transaction
                if keep:
                    self._idle.append(conn)
            if not keep:
                conn.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._errors("read"), self._connection() as conn:
            yield conn

    @contextmanager
    def _write(self, doing: str = "written") -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: writers queue up instead of failing mid-way)."""
        self._check_file(doing)
        with self._errors(doing), self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        migrate(conn, MIGRATIONS, f"database {self.path}", "?")
        conn.execute("COMMIT")  # on an error the connection rolls back

    # ------------------------------------------------------------------------------------ records

    def get_document(self, doc_id: str) -> str | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT length(CAST(body AS BLOB)), CASE WHEN length(CAST(body AS BLOB)) <= ? THEN body END "
                "FROM documents WHERE id = ?", (MAX_STORED_BYTES, doc_id)).fetchone()
        return loaded_body(row, "stored document", doc_id)

    def put_document(self, doc_id: str, body: str) -> None:
        check_size("document", doc_id, body)
        with self._write() as conn:
            conn.execute("INSERT INTO documents (id, body, saved_at) VALUES (?, ?, ?) "
                         "ON CONFLICT (id) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
                         (doc_id, body, _now()))

    def has_document(self, doc_id: str) -> bool:
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def get_corrections(self, doc_id: str) -> tuple[str | None, int]:
        with self._read() as conn:
            row = conn.execute(
                "SELECT revision, CASE WHEN length(CAST(body AS BLOB)) <= ? THEN body END "
                "FROM corrections WHERE doc_id = ?", (MAX_STORED_BYTES, doc_id)).fetchone()
        body = loaded_body(row, "stored corrections", doc_id)
        return (None, 0) if row is None else (body, int(row[0]))

    def put_corrections(self, doc_id: str, body: str, expected: int | None) -> int:
        check_size("corrections", doc_id, body)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
                raise StoreError(f"no stored document {doc_id}: map the article before correcting it")
            row = conn.execute("SELECT revision FROM corrections WHERE doc_id = ?", (doc_id,)).fetchone()
            current = int(row[0]) if row else 0
            if expected is not None and expected != current:
                raise StoreConflict(doc_id, expected, current)
            conn.execute("INSERT INTO corrections (doc_id, revision, body, saved_at) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (doc_id) DO UPDATE SET revision = excluded.revision, body = excluded.body, "
                         "saved_at = excluded.saved_at", (doc_id, current + 1, body, _now()))
            return current + 1

    def document_ids(self) -> Iterator[str]:
        with self._read() as conn:
            rows = conn.execute("SELECT id FROM documents ORDER BY id").fetchall()
        return iter([r[0] for r in rows])

    def meta(self, key: str) -> str | None:
        with self._read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def health(self) -> dict[str, object]:
        with self._read() as conn:
            version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        return {"backend": self.name, "where": self.where, "schema": version, "documents": count}

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            try:
                conn.close()
            except sqlite3.Error:
                pass
