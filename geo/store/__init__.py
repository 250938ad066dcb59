"""Store: documents kept for share links, and the corrections editors make to them (SQLite or PostgreSQL)."""

from geo import lazy_exports

_EXPORTS = {
    "save_document": "documents",
    "load_document": "documents",
    "has_document": "documents",
    "save_corrections": "documents",
    "load_corrections": "documents",
    "load_corrections_revision": "documents",
    "StoreConflict": "base",
    "Store": "base",
    "get_store": "backend",
    "open_store": "backend",
    "store_problem": "backend",
    "import_folder": "transfer",
    "export_folder": "transfer",
    "validate_correction": "corrections",
    "check_correction": "corrections",
    "find_occurrences": "corrections",
    "apply_corrections": "corrections",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
