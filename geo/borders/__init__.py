"""Borders: the de jure border layer (Natural Earth 1:10m, contested-territory table) and the border context of
every place: country, nearest land border, coast, occupied or contested status, in data and in words."""

from geo import lazy_exports

_EXPORTS = {
    "ATTRIBUTION": "tagging",
    "BorderIndex": "index",
    "load_border_index": "index",
    "tag_point": "tagging",
    "tag_points": "tagging",
    "tag_place": "tagging",
    "tag_document": "tagging",
    "tag_documents": "tagging",
    "summarise": "sentences",
    "describe": "sentences",
    "border_sentence": "sentences",
    "haversine_km": "geometry",
    "TERRITORIES": "contested",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
