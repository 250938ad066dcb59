"""Benchmark of the border layer: load time and tagging throughput on random points.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from geo.borders.index import load_border_index
from geo.borders.tagging import tag_points

# ---------------------------------------------------------------- benchmark


def bench_borders(n: int = 10000, seed: int = 0) -> dict[str, Any]:
    """Tag ``n`` random points (uniform over the sphere: land and sea) and time it warm."""
    t0 = time.perf_counter()
    load_border_index.cache_clear()
    index = load_border_index()
    load_s = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon = rng.uniform(-180.0, 180.0, n)
    tag_points(lat, lon, index=index)  # warm-up: builds per-country border trees, prepares polygons
    t1 = time.perf_counter()
    tags = tag_points(lat, lon, index=index)
    elapsed = time.perf_counter() - t1
    at_sea = sum(1 for t in tags if t["status"] == "at_sea")
    return {
        **bench_region_areas(index, limit=max(100, n // 2)),
        "points": n,
        "at_sea": at_sea,
        "on_land": n - at_sea,
        "load_s": round(load_s, 3),
        "built": index.built,
        "tag_s": round(elapsed, 3),
        "places_per_s": round(n / elapsed),
    }


def _rss_mb() -> float:
    """Resident memory of this process now (Linux /proc), in MB."""
    import os

    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_region_areas(index: Any, limit: int | None = None) -> dict[str, Any]:
    """Load time and memory of the region-area layer (cold object, warm file cache) and the rate of tagging
    regions from their areas (the first ``limit`` areas of the layer as region Places, facts warm)."""
    from geo.borders.areas import load_region_areas
    from geo.borders.tagging import tag_place
    from geo.parse.model import Place

    index.areas  # noqa: B018 - the file is built (once) before load is timed
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    areas = load_region_areas(index)
    load_s = time.perf_counter() - t0
    rss_loaded = _rss_mb()
    for key in areas.keys:
        areas.geometry(key)
    rss_decoded = _rss_mb()
    places = []
    for key, facts, country in list(zip(areas.keys, areas.facts, areas.countries, strict=True))[:limit]:
        lat, lon = facts["point"]
        pid = key if key.startswith("us-county:") else f"bench:{key}"
        places.append(Place(id=pid, name=key, kind="region", lat=lat, lon=lon, country=country))
    for place in places:  # warm: per-country border trees and town trees are built once per process
        tag_place(place, index=index)
    t1 = time.perf_counter()
    for place in places:
        tag_place(place, index=index)
    region_s = time.perf_counter() - t1
    return {
        "areas_load_s": round(load_s, 3),
        "areas_mb_loaded": round(rss_loaded - rss0, 1),
        "areas_mb_all_decoded": round(rss_decoded - rss0, 1),
        "regions_tagged": len(places),
        "regions_per_s": round(len(places) / region_s),
    }
