"""The store interface both back ends implement, its conflict error, and the in-memory store.

A back end keeps two kinds of record, each as the JSON text :mod:`geo.store.records` makes and checks:
a document under its content id, and a document's corrections with a revision number (0: none saved
yet). Saving corrections names the revision the editor opened; when the stored one has moved on the
save raises :class:`StoreConflict` and changes nothing. Back ends never parse the JSON and never build
SQL from it: ids are validated by the caller before any query, and every value is a bound parameter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

from geo.errors import StoreError
from geo.parse.article import stored_size_limit

# One size rule: every article the reader accepts can be stored, and what is stored can be loaded back.
MAX_STORED_BYTES = stored_size_limit()
CONFLICT_MESSAGE = ("the corrections of this article changed since you opened it (another editor saved "
                    "theirs): reload to see them, then make your change again")


class StoreConflict(StoreError):
    """Corrections were saved against a revision that is no longer the stored one (nothing was saved)."""

    def __init__(self, doc_id: str, expected: int, current: int):
        super().__init__(CONFLICT_MESSAGE)
        self.doc_id, self.expected, self.current = doc_id, expected, current


class StoreUnavailable(StoreError):
    """The store cannot be reached right now (server down, connection lost): the app may carry on in memory."""


def too_large(what: str, doc_id: str) -> StoreError:
    """The error for a record over :data:`MAX_STORED_BYTES` (on save or on load)."""
    return StoreError(f"the {what} for {doc_id} is too large to store (over {MAX_STORED_BYTES // 2**20} MB)")


@runtime_checkable
class Store(Protocol):
    """Where documents and corrections live. Every method takes an already validated id."""

    name: str  # "sqlite", "postgresql" or "memory"
    where: str  # a description for messages and the health check (never a password)

    def get_document(self, doc_id: str) -> str | None:
        """The stored document JSON, or None when there is none."""

    def put_document(self, doc_id: str, body: str) -> None:
        """Store (or replace) the document JSON under ``doc_id``."""

    def has_document(self, doc_id: str) -> bool:
        """True when a document is stored under ``doc_id``."""

    def get_corrections(self, doc_id: str) -> tuple[str | None, int]:
        """The corrections JSON and its revision; (None, 0) when none were ever saved."""

    def put_corrections(self, doc_id: str, body: str, expected: int | None) -> int:
        """Save the corrections JSON if the stored revision is still ``expected`` (None: whatever it is);
        returns the new revision. :class:`StoreConflict` when it moved on, StoreError when the document
        is not stored."""

    def document_ids(self) -> Iterator[str]:
        """Every stored document id, in order."""

    def meta(self, key: str) -> str | None:
        """A bookkeeping value (e.g. that the old JSON files were imported)."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a bookkeeping value."""

    def health(self) -> dict[str, object]:
        """Back end, schema version and document count; StoreError when the store cannot be reached."""

    def close(self) -> None:
        """Release connections."""


def loaded_body(row: Any, what: str, doc_id: str) -> str | None:
    """The body a size-checked SELECT returned in its column 1 (NULL there: stored over the size limit, which
    is refused on load as on save); None when there is no row."""
    if row is None:
        return None
    if row[1] is None:
        raise too_large(what, doc_id)
    return row[1]


def check_size(what: str, doc_id: str, body: str) -> None:
    """StoreError when ``body`` is over the size limit (checked before anything is written)."""
    if len(body) > MAX_STORED_BYTES or len(body.encode("utf-8")) > MAX_STORED_BYTES:
        raise too_large(what, doc_id)


def migrate(conn: Any, migrations: tuple[tuple[str, ...], ...], where: str, placeholder: str) -> None:
    """Bring a database's schema up to ``len(migrations)`` inside the caller's transaction, recording the
    version in ``schema_version``. ``conn.execute(sql, params)`` is sqlite3's or psycopg's; ``placeholder``
    is the driver's parameter mark. A database newer than this program is refused, never touched."""
    latest = len(migrations)
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
    if version > latest:
        raise StoreError(f"the store {where} has schema version {version}, newer than this program's "
                         f"{latest}: upgrade the program")
    for step in migrations[version:]:
        for statement in step:
            conn.execute(statement)
    if version < latest:
        conn.execute("DELETE FROM schema_version")
        conn.execute(f"INSERT INTO schema_version (version) VALUES ({placeholder})", (latest,))


MAX_MEMORY_DOCUMENTS = 500


class MemoryStore:
    """A store in this process's memory: the fallback when the configured one cannot be used. It keeps
    the :data:`MAX_MEMORY_DOCUMENTS` most recently saved documents, so a server left in this state for days
    does not grow without bound; a document with corrections saved here is pending (they were acknowledged
    and exist nowhere else) and is never evicted: it waits to be moved into the real store."""

    name = "memory"

    def __init__(self, where: str = "this server's memory (lost when it restarts)",
                 max_documents: int = MAX_MEMORY_DOCUMENTS):
        self.where = where
        self.max_documents = max_documents
        self._docs: dict[str, str] = {}
        self._corrections: dict[str, tuple[str, int]] = {}
        self._meta: dict[str, str] = {}
        self._lock = threading.Lock()

    def get_document(self, doc_id: str) -> str | None:
        return self._docs.get(doc_id)

    def put_document(self, doc_id: str, body: str) -> None:
        check_size("document", doc_id, body)
        with self._lock:
            self._docs.pop(doc_id, None)
            self._docs[doc_id] = body  # the newest last
            if len(self._docs) > self.max_documents:
                evictable = [key for key in self._docs if key not in self._corrections]  # oldest first
                for oldest in evictable[: len(self._docs) - self.max_documents]:
                    del self._docs[oldest]

    def has_document(self, doc_id: str) -> bool:
        return doc_id in self._docs

    def get_corrections(self, doc_id: str) -> tuple[str | None, int]:
        return self._corrections.get(doc_id, (None, 0))

    def put_corrections(self, doc_id: str, body: str, expected: int | None) -> int:
        check_size("corrections", doc_id, body)
        with self._lock:
            if doc_id not in self._docs:
                raise StoreError(f"no stored document {doc_id}: map the article before correcting it")
            current = self._corrections.get(doc_id, (None, 0))[1]
            if expected is not None and expected != current:
                raise StoreConflict(doc_id, expected, current)
            self._corrections[doc_id] = (body, current + 1)
            return current + 1

    def document_ids(self) -> Iterator[str]:
        return iter(sorted(self._docs))

    def meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value

    def health(self) -> dict[str, object]:
        return {"backend": self.name, "where": self.where, "schema": None, "documents": len(self._docs)}

    def close(self) -> None:
        pass
