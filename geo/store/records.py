"""The two stored records as JSON text, and the checks a record passes before it is believed.

A stored document proves its own integrity: its article must hash back to the id it is stored under,
and every mention must quote the text at its offsets. Stored corrections must name their document and
each correction must validate. These are the same files ``python -m geo store export`` writes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from geo.errors import StoreError
from geo.parse.jsonlines import BadInput, check_value
from geo.parse.model import Document, content_id

ID_LENGTH = 16
STORE_SCHEMA = "geo.stored/1"
CORRECTIONS_SCHEMA = "geo.store.corrections/1"
MAX_CORRECTIONS = 2000
_ID = re.compile(rf"[0-9a-f]{{{ID_LENGTH}}}")


def validate_id(doc_id: object) -> str:
    """Return ``doc_id`` if it is a well-formed document id, else raise StoreError (before any query)."""
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


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def _loads(body: str, what: str, doc_id: str, advice: str) -> Any:
    try:
        value = json.loads(body)
        check_value(value, "it")  # nesting depth and lone surrogates, as every input line is checked
    except json.JSONDecodeError as exc:
        raise StoreError(f"the stored {what} for {doc_id} is damaged (invalid JSON at char {exc.pos}): "
                         f"{advice}") from None
    except RecursionError:
        raise StoreError(f"the stored {what} for {doc_id} is damaged (nested too deep): {advice}") from None
    except BadInput as exc:
        raise StoreError(f"the stored {what} for {doc_id} is damaged ({exc}): {advice}") from None
    return value


def document_record(doc: Document) -> tuple[str, str]:
    """(id, JSON text) of ``doc`` as stored."""
    doc_id = document_id(doc)
    return doc_id, _dumps({"schema": STORE_SCHEMA, "id": doc_id, "document": doc.to_dict()})


def parse_document(doc_id: str, body: str) -> Document:
    """The Document in a stored record; StoreError when it is damaged or does not match ``doc_id``."""
    data = _loads(body, "document", doc_id, "map the article again")
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


def check_corrections(corrections: Any) -> list[dict[str, Any]]:
    """Each correction validated; StoreError (nothing saved) when one is malformed or there are too many."""
    from geo.store.corrections import validate_correction

    if not isinstance(corrections, list | tuple):
        raise StoreError("the corrections must be a list; nothing was saved")
    if len(corrections) > MAX_CORRECTIONS:
        raise StoreError(f"an article can carry at most {MAX_CORRECTIONS} corrections; nothing was saved")
    try:
        return [validate_correction(c) for c in corrections]
    except (ValueError, TypeError) as exc:
        raise StoreError(f"a correction is malformed ({exc}); nothing was saved") from None


def corrections_record(doc_id: str, corrections: Any) -> str:
    """The JSON text of ``doc_id``'s corrections (each validated first)."""
    return _dumps({"schema": CORRECTIONS_SCHEMA, "id": doc_id, "corrections": check_corrections(corrections)})


def parse_corrections(doc_id: str, body: str) -> list[dict[str, Any]]:
    """The corrections in a stored record; StoreError when it is damaged."""
    advice = "reset them or map the article again"
    data = _loads(body, "corrections", doc_id, advice)
    damaged = f"the stored corrections for {doc_id} are damaged: {advice}"
    if (
        not isinstance(data, dict)
        or data.get("schema") != CORRECTIONS_SCHEMA
        or data.get("id") != doc_id
        or not isinstance(data.get("corrections"), list)
    ):
        raise StoreError(damaged)
    try:
        return check_corrections(data["corrections"])
    except StoreError:
        raise StoreError(damaged) from None
