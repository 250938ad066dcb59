"""Plain JSON files in and out of a store: ``python -m geo store export DIR`` / ``import DIR``, and the
one-time import of the JSON files older versions kept under ``cache/store/``.

The files are one ``<id>.json`` per document and ``<id>.corrections.json`` for its corrections (the
records of :mod:`geo.store.records`). Every file is checked like a stored record before it is written
to the store: its name must be a valid id, its document must hash back to that id, its corrections
must validate; anything else is skipped and listed, never half-imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import StoreError
from geo.paths import atomic_write_text
from geo.store.base import MAX_STORED_BYTES, Store
from geo.store.records import ID_LENGTH, parse_corrections, parse_document

_DOC_FILE = re.compile(rf"([0-9a-f]{{{ID_LENGTH}}})\.json")
_CORR_FILE = re.compile(rf"([0-9a-f]{{{ID_LENGTH}}})\.corrections\.json")


@dataclass
class Report:
    """What an import or export did."""

    documents: int = 0
    corrections: int = 0
    kept: int = 0  # corrections already in the store, left as they were
    kept_documents: int = 0  # documents stored with other places than the file's, left as they were
    skipped: list[str] = field(default_factory=list)

    def summary(self, verb: str) -> str:
        """One line: counts, and the first few skipped files with their reasons."""
        line = f"{verb} {self.documents} documents and {self.corrections} sets of corrections"
        if self.kept_documents:
            line += (f"; kept {self.kept_documents} documents already stored with other places "
                     "(use --replace to overwrite them)")
        if self.kept:
            line += f"; kept {self.kept} sets already stored (use --replace to overwrite them)"
        if self.skipped:
            line += f"; skipped {len(self.skipped)}: " + "; ".join(self.skipped[:5])
            line += " …" if len(self.skipped) > 5 else ""
        return line


def _read(path: Path) -> str:
    if path.stat().st_size > MAX_STORED_BYTES:
        raise StoreError(f"{path.name} is over {MAX_STORED_BYTES // 2**20} MB")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StoreError(f"{path.name} is not UTF-8 text") from None


def import_folder(store: Store, folder: Path, *, replace: bool = False) -> Report:
    """Put the documents and corrections found in ``folder`` into ``store``.

    Documents are content-addressed (the id is a hash of the article), but their places may differ: a
    document already stored with other content is kept unless ``replace`` (and counted, so the summary
    says so). Corrections already stored for a document are kept unless ``replace``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise StoreError(f"{folder} is not a folder")
    report = Report()
    files = sorted(p for p in folder.iterdir() if p.is_file())
    for path in files:
        match = _DOC_FILE.fullmatch(path.name)
        if not match:
            continue
        doc_id = match.group(1)
        try:
            body = _read(path)
            parse_document(doc_id, body)
            stored = store.get_document(doc_id) if not replace else None
            if stored is not None and stored != body:
                report.kept_documents += 1
                continue
            store.put_document(doc_id, body)
            report.documents += 1
        except (OSError, StoreError) as exc:
            report.skipped.append(f"{path.name}: {exc}")
    for path in files:
        match = _CORR_FILE.fullmatch(path.name)
        if not match:
            continue
        doc_id = match.group(1)
        try:
            body = _read(path)
            parse_corrections(doc_id, body)
            if not store.has_document(doc_id):
                raise StoreError("its document is neither in the folder nor in the store")
            if not replace and store.get_corrections(doc_id)[0] is not None:
                report.kept += 1
                continue
            store.put_corrections(doc_id, body, None)
            report.corrections += 1
        except (OSError, StoreError) as exc:
            report.skipped.append(f"{path.name}: {exc}")
    return report


def export_folder(store: Store, folder: Path) -> Report:
    """Write every stored document and its corrections to ``folder`` as plain JSON files (created if
    needed). A record that fails its checks is listed as skipped, so a backup holds only sound files."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {folder} ({exc.strerror or exc})") from None
    report = Report()
    for doc_id in store.document_ids():
        try:
            body = store.get_document(doc_id)
            if body is None:  # deleted since the listing
                continue
            parse_document(doc_id, body)
            atomic_write_text(folder / f"{doc_id}.json", body)
            report.documents += 1
            corrections, _revision = store.get_corrections(doc_id)
            if corrections is not None:
                parse_corrections(doc_id, corrections)
                atomic_write_text(folder / f"{doc_id}.corrections.json", corrections)
                report.corrections += 1
        except StoreError as exc:
            report.skipped.append(f"{doc_id}: {exc}")
        except OSError as exc:
            raise StoreError(f"cannot write to {folder} ({exc.strerror or exc})") from None
    return report
