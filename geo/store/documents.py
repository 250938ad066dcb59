"""Stored articles and their corrections under ``cache_dir()/store``, keyed by the article's content hash.

A share link names a document by that hash (``?doc=<id>``). Ids are checked to be exactly
:data:`ID_LENGTH` lowercase hex digits before any file is touched, so an id can never name a path.
A stored document proves its own integrity: its article must hash back to the id it is stored under.
Every write is atomic (readers see the old file or the new one, never a torn one). When the cache
folder cannot be written (read-only, full, not creatable) that is said once and what could not be written
is kept in this process's memory instead, so the app keeps working until it restarts.
"""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path
from typing import Any

from geo.errors import StoreError
from geo.parse.article import format_size, stored_size_limit
from geo.parse.model import Document, content_id
from geo.paths import atomic_write_text, cache_dir, warn_unwritable

ID_LENGTH = 16
STORE_SCHEMA = "geo.stored/1"
CORRECTIONS_SCHEMA = "geo.store.corrections/1"
# One size rule: every article the reader accepts can be stored, and what is stored can be loaded back.
MAX_STORED_BYTES = stored_size_limit()
_ID = re.compile(rf"[0-9a-f]{{{ID_LENGTH}}}")


# What could not be written to the store folder, by path: kept for the life of this process.
_IN_MEMORY: dict[Path, str] = {}
# The folder cannot take the file (read-only, missing, not a folder, full): keep it in memory instead.
# Any other OSError is raised, so the caller reports it.
_CANNOT_STORE_HERE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.ENOSPC,
                      errno.EDQUOT}


def store_dir() -> Path:
    """The folder holding stored documents (created on demand)."""
    path = cache_dir() / "store"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        warn_unwritable(path, exc)
    return path


def _write(path: Path, payload: dict[str, Any]) -> None:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    if len(text) * 4 > MAX_STORED_BYTES and len(text.encode("utf-8")) > MAX_STORED_BYTES:
        # Never write what a load would refuse (a dead share link): say so now instead.
        raise StoreError(f"this document is too large to store ({format_size(len(text.encode('utf-8')))}; "
                         f"the limit is {format_size(MAX_STORED_BYTES)}): map a shorter excerpt")
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        if exc.errno not in _CANNOT_STORE_HERE:
            raise
        warn_unwritable(path, exc)
        _IN_MEMORY[path] = text
    else:
        _IN_MEMORY.pop(path, None)


def _exists(path: Path) -> bool:
    return path in _IN_MEMORY or path.is_file()


def validate_id(doc_id: object) -> str:
    """Return ``doc_id`` if it is a well-formed document id, else raise StoreError (never touches a file)."""
    if not isinstance(doc_id, str) or not _ID.fullmatch(doc_id):
        shown = repr(doc_id)[:40]
        raise StoreError(
            f"the document id {shown} is not valid (expected {ID_LENGTH} hex digits): "
            "check that the share link was copied completely"
        )
    return doc_id


def document_id(doc: Document) -> str:
    """The content hash a document is stored under (the hash of its article's title and text)."""
    return content_id(doc.article.title + "\n" + doc.article.text)


def _doc_path(doc_id: str) -> Path:
    return store_dir() / f"{validate_id(doc_id)}.json"


def _corrections_path(doc_id: str) -> Path:
    return store_dir() / f"{validate_id(doc_id)}.corrections.json"


def _read_json(path: Path, what: str, doc_id: str) -> Any:
    try:
        if path in _IN_MEMORY:
            return json.loads(_IN_MEMORY[path])
        if path.stat().st_size > MAX_STORED_BYTES:
            raise StoreError(f"the stored {what} for {doc_id} is too large to be genuine: map the article again")
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError(
            f"no stored document {doc_id}: the link may come from another server, or its cache was cleared; "
            "map the article again to get a new link"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"the stored {what} for {doc_id} cannot be read ({exc.__class__.__name__}): "
                         "map the article again") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"the stored {what} for {doc_id} is damaged (invalid JSON at char {exc.pos}): "
                         "map the article again") from None


def has_document(doc_id: str) -> bool:
    """True when a document with this (valid) id is stored."""
    return _exists(_doc_path(doc_id))


def save_document(doc: Document) -> str:
    """Store ``doc`` (the geoparse before corrections) under its content hash; returns the id."""
    doc_id = document_id(doc)
    doc.article.id = doc_id
    _write(_doc_path(doc_id), {"schema": STORE_SCHEMA, "id": doc_id, "document": doc.to_dict()})
    return doc_id


def load_document(doc_id: str) -> Document:
    """The stored document ``doc_id``; StoreError when the id is malformed, unknown, damaged or tampered with."""
    doc_id = validate_id(doc_id)
    data = _read_json(_doc_path(doc_id), "document", doc_id)
    damaged = f"the stored document {doc_id} is damaged: map the article again"
    if not isinstance(data, dict) or data.get("schema") != STORE_SCHEMA or data.get("id") != doc_id:
        raise StoreError(damaged)
    try:
        doc = Document.from_dict(data["document"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise StoreError(damaged) from None
    if document_id(doc) != doc_id or doc.article.id != doc_id:
        raise StoreError(f"the stored document {doc_id} does not match its id (it was altered): "
                         "map the article again")
    text = doc.article.text
    for place in doc.places:
        for m in place.mentions:
            if not (0 <= m.start < m.end <= len(text)) or text[m.start:m.end] != m.text:
                raise StoreError(damaged)
    return doc


def load_corrections(doc_id: str) -> list[dict[str, Any]]:
    """The corrections stored for ``doc_id`` (an empty list when there are none); StoreError when damaged."""
    from geo.store.corrections import validate_correction

    doc_id = validate_id(doc_id)
    path = _corrections_path(doc_id)
    if not _exists(path):
        return []
    data = _read_json(path, "corrections", doc_id)
    damaged = f"the stored corrections for {doc_id} are damaged: reset them or map the article again"
    if (
        not isinstance(data, dict)
        or data.get("schema") != CORRECTIONS_SCHEMA
        or data.get("id") != doc_id
        or not isinstance(data.get("corrections"), list)
    ):
        raise StoreError(damaged)
    try:
        return [validate_correction(c) for c in data["corrections"]]
    except (ValueError, TypeError):
        raise StoreError(damaged) from None


def save_corrections(doc_id: str, corrections: list[dict[str, Any]]) -> None:
    """Replace the corrections stored for ``doc_id`` (each one is validated first)."""
    from geo.store.corrections import validate_correction

    doc_id = validate_id(doc_id)
    if not _exists(_doc_path(doc_id)):
        raise StoreError(f"no stored document {doc_id}: map the article before correcting it")
    try:
        checked = [validate_correction(c) for c in corrections]
    except (ValueError, TypeError) as exc:
        raise StoreError(f"a correction is malformed ({exc}); nothing was saved") from None
    _write(_corrections_path(doc_id), {"schema": CORRECTIONS_SCHEMA, "id": doc_id, "corrections": checked})
