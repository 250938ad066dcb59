"""The shared store for several app servers: PostgreSQL through psycopg 3 and a connection pool.

Chosen with ``GEO_STORE_URL=postgresql://user:password@host:port/dbname``. On open the schema is
created or migrated in one transaction under an advisory lock (several servers may start at once), and
its version is kept in ``schema_version``. Every query binds its values as parameters. A lost connection
is replaced by the pool; a server that cannot be reached is one StoreError naming host and database
(never the password).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from geo.errors import StoreError
from geo.store.base import MAX_STORED_BYTES, StoreConflict, StoreUnavailable, check_size, loaded_body, migrate

CONNECT_TIMEOUT_S = 5
POOL_MAX = 8
_LOCK_KEY = 0x6765_6F73  # "geos": the advisory lock that serialises migrations across servers
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE documents (id TEXT PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'), body TEXT NOT NULL, "
        "saved_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        "CREATE TABLE corrections (doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, "
        "revision BIGINT NOT NULL CHECK (revision > 0), body TEXT NOT NULL, "
        "saved_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
)


def describe_url(url: str) -> str:
    """``postgresql://user@host:port/db`` without the password (for messages and the health check)."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - a malformed URL is reported by the caller; show nothing of it
        return "postgresql://(malformed address)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host') or 'localhost'}{port}/{parts.get('dbname') or ''}"


class PostgresStore:
    """Documents and corrections in the PostgreSQL database at ``url``."""

    name = "postgresql"

    def __init__(self, url: str, *, max_size: int = POOL_MAX):
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError("GEO_STORE_URL names PostgreSQL but psycopg is not installed: "
                             "pip install 'psycopg[binary]' psycopg_pool") from None
        self._psycopg = psycopg
        self.where = describe_url(url)
        try:  # one direct connection first: a refused or unknown server fails now, with its own reason
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
        except Exception as exc:  # noqa: BLE001 - a bad address or an unreachable server: one message
            raise self._failed(exc, "reached") from None
        try:
            self._pool = ConnectionPool(url, min_size=1, max_size=max_size, open=False, timeout=CONNECT_TIMEOUT_S,
                                        check=ConnectionPool.check_connection,
                                        kwargs={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "geo"})
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S * 2)
        except Exception as exc:  # noqa: BLE001 - a bad address or an unreachable server: one message
            raise self._failed(exc, "reached") from None
        try:
            self._migrate()
        except BaseException:
            self._pool.close()
            raise

    # ------------------------------------------------------------------------------------ plumbing

    def _failed(self, exc: BaseException, doing: str) -> StoreError:
        from psycopg_pool import PoolTimeout

        reason = " ".join(str(exc).split())[:200] or exc.__class__.__name__
        lost = isinstance(exc, PoolTimeout | self._psycopg.OperationalError | self._psycopg.InterfaceError)
        return (StoreUnavailable if lost or doing == "reached" else StoreError)(f"the PostgreSQL store {self.where} cannot be {doing} ({reason}): check that the "
                          "server is running and GEO_STORE_URL is right")

    @contextmanager
    def _tx(self, doing: str = "used") -> Iterator[Any]:
        """A connection from the pool inside one transaction (committed on success, else rolled back)."""
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection() as conn, conn.transaction():
                yield conn
        except (self._psycopg.Error, PoolTimeout) as exc:
            raise self._failed(exc, doing) from None

    def _migrate(self) -> None:
        with self._tx("set up") as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            migrate(conn, MIGRATIONS, f"PostgreSQL {self.where}", "%s")

    # ------------------------------------------------------------------------------------ records

    def get_document(self, doc_id: str) -> str | None:
        with self._tx("read") as conn:
            row = conn.execute("SELECT octet_length(body), CASE WHEN octet_length(body) <= %s THEN body END "
                               "FROM documents WHERE id = %s", (MAX_STORED_BYTES, doc_id)).fetchone()
        return loaded_body(row, "stored document", doc_id)

    def put_document(self, doc_id: str, body: str) -> None:
        check_size("document", doc_id, body)
        with self._tx("written") as conn:
            conn.execute("INSERT INTO documents (id, body) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE "
                         "SET body = excluded.body, saved_at = now()", (doc_id, body))

    def has_document(self, doc_id: str) -> bool:
        with self._tx("read") as conn:
            return conn.execute("SELECT 1 FROM documents WHERE id = %s", (doc_id,)).fetchone() is not None

    def get_corrections(self, doc_id: str) -> tuple[str | None, int]:
        with self._tx("read") as conn:
            row = conn.execute("SELECT revision, CASE WHEN octet_length(body) <= %s THEN body END "
                               "FROM corrections WHERE doc_id = %s", (MAX_STORED_BYTES, doc_id)).fetchone()
        body = loaded_body(row, "stored corrections", doc_id)
        return (None, 0) if row is None else (body, int(row[0]))

    def put_corrections(self, doc_id: str, body: str, expected: int | None) -> int:
        check_size("corrections", doc_id, body)
        with self._tx("written") as conn:
            # Lock the document row: saves of one document's corrections queue up here, one at a time.
            if conn.execute("SELECT 1 FROM documents WHERE id = %s FOR UPDATE", (doc_id,)).fetchone() is None:
                raise StoreError(f"no stored document {doc_id}: map the article before correcting it")
            row = conn.execute("SELECT revision FROM corrections WHERE doc_id = %s", (doc_id,)).fetchone()
            current = int(row[0]) if row else 0
            if expected is not None and expected != current:
                raise StoreConflict(doc_id, expected, current)
            conn.execute("INSERT INTO corrections (doc_id, revision, body) VALUES (%s, %s, %s) "
                         "ON CONFLICT (doc_id) DO UPDATE SET revision = excluded.revision, body = excluded.body, "
                         "saved_at = now()", (doc_id, current + 1, body))
            return current + 1

    def document_ids(self) -> Iterator[str]:
        with self._tx("read") as conn:
            rows = conn.execute("SELECT id FROM documents ORDER BY id").fetchall()
        return iter([r[0] for r in rows])

    def meta(self, key: str) -> str | None:
        with self._tx("read") as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx("written") as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES (%s, %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def health(self) -> dict[str, object]:
        with self._tx("reached") as conn:
            version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        return {"backend": self.name, "where": self.where, "schema": version, "documents": count}

    def close(self) -> None:
        self._pool.close()
