"""Great-circle geometry on numpy arrays: haversine, point-to-segment distance, densified polygon edges.

Pure and vectorised; shapely geometries are (lon, lat). Used to build the border layer and to measure from it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

EARTH_RADIUS_KM = 6371.0088
# ---------------------------------------------------------------- geometry helpers (pure, vectorised)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Unit vectors for (lat, lon) in degrees: chord distance orders like great-circle distance."""
    la, lo = np.radians(lat), np.radians(lon)
    c = np.cos(la)
    return np.column_stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle distance in km (arrays broadcast)."""
    la1, la2 = np.radians(lat1), np.radians(lat2)
    dla = la2 - la1
    dlo = np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dla / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin(dlo / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def segment_km(lat: np.ndarray, lon: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from points to segments a-b ((lon, lat) rows): projection in a local plane, haversine after.

    The projected foot, both ends: each is a point of the segment, so the minimum is an upper bound
    on the true distance and equal to it up to the local-plane error on a 1-2 km segment.
    """
    coslat = np.maximum(np.cos(np.radians(lat)), 1e-9)
    ax = ((a[:, 0] - lon + 540.0) % 360.0 - 180.0) * coslat
    bx = ((b[:, 0] - lon + 540.0) % 360.0 - 180.0) * coslat
    ay, by = a[:, 1] - lat, b[:, 1] - lat
    dx, dy = bx - ax, by - ay
    den = dx * dx + dy * dy
    t = np.where(den > 0, np.clip(-(ax * dx + ay * dy) / np.where(den > 0, den, 1.0), 0.0, 1.0), 0.0)
    foot_lon = a[:, 0] + t * (((b[:, 0] - a[:, 0] + 540.0) % 360.0) - 180.0)
    foot_lat = a[:, 1] + t * (b[:, 1] - a[:, 1])
    return np.minimum.reduce(
        [
            haversine_km(lat, lon, foot_lat, foot_lon),
            haversine_km(lat, lon, a[:, 1], a[:, 0]),
            haversine_km(lat, lon, b[:, 1], b[:, 0]),
        ]
    )


def densify(a: np.ndarray, b: np.ndarray, step_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step_km`` along each segment (start included, end left to the next segment)."""
    length = haversine_km(a[:, 1], a[:, 0], b[:, 1], b[:, 0])
    n = np.maximum(1, np.ceil(length / step_km)).astype(np.int64)
    seg = np.repeat(np.arange(len(a)), n)
    start = np.repeat(np.cumsum(n) - n, n)
    t = (np.arange(n.sum()) - start) / n[seg]
    pts = a[seg] + (b[seg] - a[seg]) * t[:, None]
    return pts, seg


def scaled_buffer(geom: Any, km: float) -> Any:
    """Buffer by ``km`` in a plane scaled to the geometry's mean latitude (fine for small areas)."""
    lat0 = shapely.get_coordinates(geom)[:, 1].mean()
    k = math.cos(math.radians(lat0))
    squeezed = shapely.transform(geom, lambda c: c * np.array([k, 1.0]))
    grown = shapely.buffer(squeezed, km / (EARTH_RADIUS_KM * math.pi / 180.0), quad_segs=16)
    return shapely.transform(grown, lambda c: c / np.array([k, 1.0]))


# ---------------------------------------------------------------- derivation (cold build, cached)


def _rings(geom: Any) -> list[np.ndarray]:
    out = []
    for poly in shapely.get_parts(geom):
        out.append(shapely.get_coordinates(shapely.get_exterior_ring(poly)))
        for k in range(shapely.get_num_interior_rings(poly)):
            out.append(shapely.get_coordinates(shapely.get_interior_ring(poly, k)))
    return out


def polygon_edges(geoms: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All ring edges (a, b, owner unit) and, per edge, the id of its undirected twin group."""
    a_list, b_list, owners = [], [], []
    for i, geom in enumerate(geoms):
        for ring in _rings(geom):
            a_list.append(ring[:-1])
            b_list.append(ring[1:])
            owners.append(np.full(len(ring) - 1, i, dtype=np.int32))
    a, b, owner = np.concatenate(a_list), np.concatenate(b_list), np.concatenate(owners)
    q = np.round(np.hstack([a, b]) * 1e7).astype(np.int64)
    swap = (q[:, 0] > q[:, 2]) | ((q[:, 0] == q[:, 2]) & (q[:, 1] > q[:, 3]))
    q[swap] = q[swap][:, [2, 3, 0, 1]]
    _, group = np.unique(q, axis=0, return_inverse=True)
    return a, b, owner, group.ravel()
