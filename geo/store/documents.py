"""Stored articles and their corrections, keyed by the article's content hash, in the configured store.

A share link names a document by that hash (``?doc=<id>``). Ids are checked to be exactly
:data:`ID_LENGTH` lowercase hex digits before any query. A stored document proves its own integrity: its
article must hash back to the id it is stored under. Corrections carry a revision: pass the one you
read (:func:`load_corrections_revision`) to :func:`save_corrections`, and a save made against a revision
another editor has since replaced raises :class:`StoreConflict` instead of overwriting theirs. Where the
records live is :mod:`geo.store.backend`'s choice (SQLite by default, PostgreSQL by ``GEO_STORE_URL``).
"""

from __future__ import annotations

from typing import Any

from geo.errors import StoreError
from geo.parse.model import Document
from geo.store.backend import degrade, get_store, store_problem
from geo.store.base import MAX_STORED_BYTES, StoreConflict, StoreUnavailable
from geo.store.records import (
    CORRECTIONS_SCHEMA,
    ID_LENGTH,
    STORE_SCHEMA,
    corrections_record,
    document_id,
    document_record,
    parse_corrections,
    parse_document,
    validate_id,
)

__all__ = ["CORRECTIONS_SCHEMA", "ID_LENGTH", "MAX_STORED_BYTES", "STORE_SCHEMA", "StoreConflict", "document_id",
           "has_document", "load_corrections", "load_corrections_revision", "load_document", "save_corrections",
           "save_document", "validate_id"]


def _read(op: str, doc_id: str) -> Any:
    """A read from the store; when it is lost, from what this process kept in memory (else its error)."""
    try:
        return getattr(get_store(), op)(doc_id)
    except StoreUnavailable as exc:
        memory = degrade(exc)
        found = getattr(memory, op)(doc_id)
        if found in (None, False) or (op == "get_corrections" and not memory.has_document(doc_id)):
            raise
        return found


def _write(op: str, doc_id: str, *args: Any) -> Any:
    """A write to the store; when it is lost, to this process's memory (if the document is there)."""
    try:
        return getattr(get_store(), op)(doc_id, *args)
    except StoreUnavailable as exc:
        memory = degrade(exc)
        if op == "put_corrections" and not memory.has_document(doc_id):
            raise
        return getattr(memory, op)(doc_id, *args)


def _unknown(doc_id: str) -> StoreError:
    problem = store_problem()
    if problem:
        return StoreUnavailable(f"the document {doc_id} cannot be read now: {problem}")
    return StoreError(
        f"no stored document {doc_id}: the link may come from another server, or its store was cleared; "
        "map the article again to get a new link"
    )


def has_document(doc_id: str) -> bool:
    """True when a document with this (valid) id is stored."""
    doc_id = validate_id(doc_id)
    try:
        return bool(_read("has_document", doc_id))
    except StoreUnavailable:
        return False  # not reachable: the caller maps the article again, into memory


def save_document(doc: Document) -> str:
    """Store ``doc`` (the geoparse before corrections) under its content hash; returns the id."""
    doc_id, body = document_record(doc)
    doc_id = validate_id(doc_id)
    _write("put_document", doc_id, body)
    return doc_id


def load_document(doc_id: str) -> Document:
    """The stored document ``doc_id``; StoreError when the id is malformed, unknown, damaged or tampered with."""
    doc_id = validate_id(doc_id)
    body = _read("get_document", doc_id)
    if body is None:
        raise _unknown(doc_id)
    return parse_document(doc_id, body)


def load_corrections_revision(doc_id: str) -> tuple[list[dict[str, Any]], int]:
    """The corrections stored for ``doc_id`` and their revision (([], 0) when none were saved)."""
    doc_id = validate_id(doc_id)
    body, revision = _read("get_corrections", doc_id)
    return ([] if body is None else parse_corrections(doc_id, body)), revision


def load_corrections(doc_id: str) -> list[dict[str, Any]]:
    """The corrections stored for ``doc_id`` (an empty list when there are none); StoreError when damaged."""
    return load_corrections_revision(doc_id)[0]


def save_corrections(doc_id: str, corrections: list[dict[str, Any]], revision: int | None = None) -> int:
    """Replace the corrections stored for ``doc_id`` (each one validated first); returns the new revision.

    With ``revision`` (the one read with the corrections) the save happens only if nobody saved since:
    else :class:`StoreConflict` and nothing changes. Without it the save is unconditional.
    """
    doc_id = validate_id(doc_id)
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int) or revision < 0):
        raise StoreError(f"the revision {revision!r} is not valid; reload the article")
    body = corrections_record(doc_id, corrections)
    return _write("put_corrections", doc_id, body, revision)
