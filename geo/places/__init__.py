"""Places: the offline gazetteer (names to candidate places), Natural Earth's country table, and the online geocoders
with their cache, used only when the user asks for them."""

from geo import lazy_exports

_EXPORTS = {
    "Candidate": "gazetteer",
    "Gazetteer": "gazetteer",
    "NameHit": "gazetteer",
    "load_gazetteer": "gazetteer",
    "build_index": "gazetteer_build",
    "macro_region_members": "gazetteer_build",
    "name_key": "names",
    "country_name": "naturalearth",
    "country_records": "naturalearth",
    "country_geometries": "naturalearth",
    "GeoCache": "geocache",
    "chain_from_settings": "geocoders",
    "geocode_names": "geocoders",
    "online_geocoder": "geocoders",
    "OfflineGeocoder": "geocoders",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
