"""Maps: the folium map of a Document, the self-contained static export and GeoJSON, the offline basemap and web
assets, and the HTML escaping every article string goes through."""

from geo import lazy_exports

_EXPORTS = {
    "build_map": "mapview",
    "mappable_places": "mapview",
    "KIND_LABEL": "mapview",
    "export_html": "export",
    "export_geojson": "export",
    "write_export": "export",
    "write_geojson": "export",
    "basemap_geojson": "basemap",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
