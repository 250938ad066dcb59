"""Offline vector basemap and country outlines derived from Natural Earth (de jure view), cached.

The admin-0 polygons are simplified as one coverage (``shapely.coverage_simplify``) so that
neighbours keep sharing their edges: the basemap has no slivers, and the land border between two
countries is simply the intersection of their boundaries. The result is cached as JSON under
``cache/`` (atomic write) and rebuilt when the Natural Earth package version or this format changes.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from geo.paths import atomic_write_text, cache_dir, move_aside, warn_unwritable
from geo.places import naturalearth

FORMAT = 2
CACHE_NAME = "basemap.json"
BASEMAP_TOLERANCE = 0.2  # degrees, coverage simplification for the world background
BASEMAP_MIN_AREA = 0.1  # square degrees: smaller islands are left out of the background
BASEMAP_DECIMALS = 2
OUTLINE_TOLERANCE = 0.05  # degrees, for the outlines of mentioned countries and their borders
OUTLINE_DECIMALS = 2


def cache_path() -> Path:
    return cache_dir() / CACHE_NAME


def rounded_geojson(geom: Any, decimals: int) -> dict[str, Any]:
    """GeoJSON mapping of a shapely geometry with coordinates rounded (smaller, stable output)."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    return mapping(shapely.transform(geom, lambda xy: np.round(xy, decimals)))


def _build() -> dict[str, Any]:
    """Simplify every admin-0 polygon twice (background and outline) from the source shapefile."""
    import numpy as np
    import shapely

    records = naturalearth.country_records()
    geoms = np.array(naturalearth.country_geometries(), dtype=object)
    coarse = shapely.coverage_simplify(geoms, BASEMAP_TOLERANCE)
    fine = shapely.coverage_simplify(geoms, OUTLINE_TOLERANCE)
    features = []
    outlines: dict[str, Any] = {}
    for rec, small, detailed in zip(records, coarse, fine, strict=True):
        parts = [p for p in shapely.get_parts(small) if p.area >= BASEMAP_MIN_AREA]
        if parts:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": rec.name, "iso_a2": rec.iso_a2},
                    "geometry": rounded_geojson(shapely.multipolygons(parts), BASEMAP_DECIMALS),
                }
            )
        key = rec.iso_a2 or rec.adm0_a3
        if key and not detailed.is_empty and key not in outlines:
            outlines[key] = rounded_geojson(detailed, OUTLINE_DECIMALS)
    return {
        "format": FORMAT,
        "source": naturalearth.data_version(),
        "border_view": naturalearth.BORDER_VIEW,
        "basemap": {"type": "FeatureCollection", "features": features},
        "outlines": outlines,
    }


def _is_current(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("format") == FORMAT
        and data.get("source") == naturalearth.data_version()
        and isinstance(data.get("basemap"), dict)
        and isinstance(data.get("outlines"), dict)
    )


@functools.lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    path = cache_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:  # absent (or no cache folder at all)
        data = None
    except ValueError as exc:  # damaged: keep it for inspection
        move_aside(path, "basemap cache", exc)
        data = None
    if _is_current(data):
        return data
    data = _build()
    try:
        atomic_write_text(path, json.dumps(data, separators=(",", ":"), sort_keys=True))
    except OSError as exc:
        warn_unwritable(path, exc)
    return data


def basemap_geojson() -> dict[str, Any]:
    """FeatureCollection of simplified country polygons (properties: name, iso_a2) for the background."""
    return _load()["basemap"]


def country_outline(code: str | None) -> dict[str, Any] | None:
    """GeoJSON geometry (lon, lat) of a country by ISO alpha-2 (or NE ADM0_A3), None when unknown."""
    if not code:
        return None
    return _load()["outlines"].get(code.upper())


def background_outline(code: str | None) -> dict[str, Any] | None:
    """The coarse basemap geometry of a country (for context outlines that need no detail)."""
    if not code:
        return None
    for feature in basemap_geojson()["features"]:
        if feature["properties"]["iso_a2"] == code.upper():
            return feature["geometry"]
    return None


def shared_border(code_a: str, code_b: str) -> dict[str, Any] | None:
    """GeoJSON (Multi)LineString of the land border two countries share, None if they do not touch."""
    if not code_a or not code_b or code_a.upper() == code_b.upper():
        return None
    a, b = sorted((code_a.upper(), code_b.upper()))
    return _shared_border(a, b)


@functools.lru_cache(maxsize=512)
def _outline_shape(code: str) -> Any:
    from shapely.geometry import shape

    outline = country_outline(code)
    return None if outline is None else shape(outline)


def outline_shape(code: str | None) -> Any:
    """The detailed outline of a country as a shapely geometry (parsed once), None when unknown."""
    return _outline_shape(code.upper()) if code else None


@functools.lru_cache(maxsize=4096)
def _shared_border(a: str, b: str) -> dict[str, Any] | None:
    """Cached per pair: the intersection is the slow part of drawing a map."""
    import shapely

    shape_a, shape_b = _outline_shape(a), _outline_shape(b)
    if shape_a is None or shape_b is None:
        return None
    ax0, ay0, ax1, ay1 = shape_a.bounds
    bx0, by0, bx1, by1 = shape_b.bounds
    if ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0:
        return None
    line = shapely.line_merge(shape_a.boundary.intersection(shape_b.boundary))
    lines = [p for p in shapely.get_parts(line) if p.geom_type == "LineString" and p.length > 0]
    if not lines:
        return None
    return rounded_geojson(shapely.multilinestrings(lines), OUTLINE_DECIMALS)


def shared_borders(codes: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every land border between any two of ``codes`` as (a, b, geometry), a < b, sorted."""
    unique = sorted({c.upper() for c in codes if c})
    out = []
    for i, a in enumerate(unique):
        for b in unique[i + 1 :]:
            geom = shared_border(a, b)
            if geom is not None:
                out.append((a, b, geom))
    return out


def clear_memory_cache() -> None:
    """Forget the in-process copy (tests use this after changing GEO_CACHE_DIR)."""
    _load.cache_clear()
    _outline_shape.cache_clear()
    _shared_border.cache_clear()
