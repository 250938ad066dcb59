"""Maps: the folium map of a Document, the self-contained static export and GeoJSON, the print figure (PNG/SVG),
the story's opening frame, the offline basemap with its names and web assets, and the HTML escaping every
article string goes through."""

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
    "basemap_labels": "labels",
    "story_frame": "frame",
    "render_figure": "figure",
    "write_figure": "figure",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
