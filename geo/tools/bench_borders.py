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
        "points": n,
        "at_sea": at_sea,
        "on_land": n - at_sea,
        "load_s": round(load_s, 3),
        "built": index.built,
        "tag_s": round(elapsed, 3),
        "places_per_s": round(n / elapsed),
    }
