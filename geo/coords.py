"""The one place that converts coordinate order: shapely wants (lon, lat), folium wants [lat, lon]."""

from __future__ import annotations


def to_xy(lat: float, lon: float) -> tuple[float, float]:
    """(lon, lat) for shapely / GeoJSON."""
    return (float(lon), float(lat))


def to_latlon(lon: float, lat: float) -> list[float]:
    """[lat, lon] for folium / Leaflet, from shapely-order (x=lon, y=lat)."""
    return [float(lat), float(lon)]
