"""The store's operations for ``python -m geo store export | import | check``: each opens the configured
store itself (no in-memory fallback: a store that cannot be used is the command's error) and returns
the line to print."""

from __future__ import annotations

from pathlib import Path

from geo.store.backend import import_legacy, open_store
from geo.store.transfer import export_folder, import_folder


def export_to(folder: Path) -> str:
    """Write every document and its corrections to ``folder`` as plain JSON files (a backup)."""
    store = open_store()
    try:
        import_legacy(store)
        return export_folder(store, folder).summary(f"exported from {store.where} to {folder}:")
    finally:
        store.close()


def import_from(folder: Path, replace: bool = False) -> tuple[str, int]:
    """Put the JSON files of ``folder`` into the store (records already stored differently kept unless
    ``replace``): the summary line and how many files were skipped."""
    store = open_store()
    try:
        import_legacy(store)
        report = import_folder(store, folder, replace=replace)
        return report.summary(f"imported into {store.where}:"), len(report.skipped)
    finally:
        store.close()


def check() -> str:
    """The health check: the store opens, its schema is current, and it answers a query."""
    store = open_store()
    try:
        health = store.health()
    finally:
        store.close()
    return (f"ok: {health['backend']} store {health['where']}, schema version {health['schema']}, "
            f"{health['documents']} documents")
