"""The loaded border layer (:class:`BorderIndex`): which unit holds a point, nearest border and coast distances.

Distances are great-circle km on a sphere of mean Earth radius (haversine, within 0.5% of the
ellipsoidal geodesic): lines are densified (coast every 2 km, borders every 1 km), the nearest
densified vertices come from a KD-tree on unit vectors (exact nearest on the sphere, antimeridian and
poles included), and the distance is then refined on the adjacent segments.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from scipy.spatial import cKDTree

from geo.borders import contested
from geo.borders.areas import SOURCE_ADMIN1, SOURCE_TABLE, SOURCE_TOWNS, RegionAreas, load_region_areas
from geo.borders.areas_build import COUNTY_PREFIX, area_km2
from geo.borders.geometry import segment_km, unit_vectors
from geo.borders.layer import load_arrays, unpack_geometries, voronoi_area
from geo.places.naturalearth import country_name

NEIGHBOUR_KM = 1.5  # an area this near a land border borders the country across it (0.01° snapping, ~0.7 km)
COAST_TOUCH_KM = 2.0  # an area's edge this near the coast is on it (1:10m coastline generalisation)
SNAP_DEG = 0.03  # about the coast snapping distance (2 km) in degrees, with room for longitude shrinking
# ---------------------------------------------------------------- the index


@dataclass
class BorderIndex:
    """Everything needed to tag points, loaded once per process by :func:`load_border_index`."""

    arrays: dict[str, np.ndarray]
    built: bool = False
    load_s: float = 0.0
    _border_trees: dict[str, Any] = field(default_factory=dict, repr=False)
    _inland_coast_km: dict[str, float | None] = field(default_factory=dict, repr=False)
    _region_areas: dict[str, Any] = field(default_factory=dict, repr=False)
    _country_towns: dict[str, Any] = field(default_factory=dict, repr=False)
    _land: dict[str, Any] = field(default_factory=dict, repr=False)
    _areas: Any = field(default=None, repr=False)
    _area_facts: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        d = self.arrays
        self.unit_code = [str(x) for x in d["unit_code"]]
        self.unit_key = [str(x) for x in d["unit_key"]]
        self.unit_name = [str(x) for x in d["unit_name"]]
        self.unit_territory = [str(x) for x in d["unit_territory"]]
        self.unit_claims = [str(x).split(",") if str(x) else [] for x in d["unit_claims"]]
        self.geoms = unpack_geometries(d["unit_wkb"], d["unit_wkb_offsets"])
        parts, part_unit = shapely.get_parts(self.geoms, return_index=True)
        self.parts = parts
        self.part_unit = part_unit.astype(np.int32)
        shapely.prepare(self.parts)
        self.part_tree = shapely.STRtree(self.parts)
        self.coast_tree = cKDTree(
            unit_vectors(d["coast_pts"][:, 1], d["coast_pts"][:, 0]), balanced_tree=False, compact_nodes=False
        )
        self.name_by_code = {c: n for c, n in zip(self.unit_code, self.unit_name, strict=True) if c}
        self.key_unit = {}
        for i, k in enumerate(self.unit_key):
            self.key_unit.setdefault(k, i)
        border_keys = np.array(self.unit_key, dtype=object)[d["border_units"]]
        self._border_keys = border_keys
        self.neighbours: dict[str, list[str]] = {}
        for ka, kb in {(str(x), str(y)) for x, y in border_keys}:
            self.neighbours.setdefault(ka, []).append(kb)
            self.neighbours.setdefault(kb, []).append(ka)
        for v in self.neighbours.values():
            v.sort()
        self.territory_geoms = dict(
            zip(
                [str(x) for x in d["terr_id"]],
                unpack_geometries(d["terr_wkb"], d["terr_wkb_offsets"]),
                strict=True,
            )
        )
        for g in self.territory_geoms.values():
            shapely.prepare(g)
        self.region_key = [str(x) for x in d["region_key"]]
        self.region_towns: dict[str, list[str]] = json.loads(str(d["region_towns"]))

    # -- lookups

    def country_name(self, code: str | None) -> str | None:
        if not code:
            return None
        if code in self.name_by_code:
            return self.name_by_code[code]
        return country_name(code)

    def border_lines(self) -> dict[tuple[str, str], Any]:
        """Land border lines as MultiLineStrings keyed by the (sorted) pair of unit keys."""
        out: dict[tuple[str, str], list[int]] = {}
        for i, (ka, kb) in enumerate(self._border_keys):
            out.setdefault(tuple(sorted((str(ka), str(kb)))), []).append(i)
        a, b = self.arrays["border_a"], self.arrays["border_b"]
        return {
            pair: shapely.line_merge(
                shapely.multilinestrings(shapely.linestrings(np.stack([a[ix], b[ix]], 1)))
            )
            for pair, ix in out.items()
        }

    def build_all_trees(self) -> int:
        """Build every unit's border KD-tree now instead of on first use (a worker or a server that will meet
        many countries pays it at start-up). Returns the count."""
        keys = sorted(set(self._border_keys.ravel().tolist()))
        for key in keys:
            self._border_tree(key)
        return len(keys)

    @functools.cached_property
    def _points_by_key(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """unit key -> (indices of the densified land border points on its borders, in order; the unit key
        across each): grouped once with integer sorts instead of a string comparison over every segment per key."""
        names = sorted(set(self._border_keys.ravel().tolist()))
        number = {k: i for i, k in enumerate(names)}
        seg_keys = np.vectorize(number.__getitem__, otypes=[np.int64])(self._border_keys).reshape(-1, 2)
        point_seg = self.arrays["border_seg"]
        a, b = seg_keys[point_seg, 0], seg_keys[point_seg, 1]
        points = np.arange(len(point_seg))
        twice = a != b  # a point between two units of one key belongs to that key once
        own = np.concatenate([a, b[twice]])
        other = np.concatenate([b, a[twice]])
        rows = np.concatenate([points, points[twice]])
        order = np.lexsort((rows, own))
        own, other, rows = own[order], other[order], rows[order]
        bounds = np.searchsorted(own, np.arange(len(names) + 1))
        key_names = np.array(names, dtype=object)
        return {name: (rows[bounds[i]:bounds[i + 1]], key_names[other[bounds[i]:bounds[i + 1]]])
                for i, name in enumerate(names)}

    def _border_tree(self, key: str) -> tuple[Any, np.ndarray, np.ndarray] | None:
        """KD-tree over the densified land borders of one unit key (built on first use), with each point's
        segment and the unit key across it."""
        if key not in self._border_trees:
            rows, neighbour = self._points_by_key.get(key, (np.array([], dtype=np.int64), None))
            if not len(rows):
                self._border_trees[key] = None
            else:
                pts = self.arrays["border_pts"][rows]
                self._border_trees[key] = (
                    cKDTree(unit_vectors(pts[:, 1], pts[:, 0]), balanced_tree=False, compact_nodes=False),
                    self.arrays["border_seg"][rows],
                    neighbour,
                )
        return self._border_trees[key]

    def inland_coast_km(self, key: str) -> float | None:
        """Distance (km) from the nearest point of unit ``key``'s land borders to the sea (stored with the
        region areas, else measured once per key); None when it has no land border."""
        stored = self.areas.inland_km
        if key in stored:
            return stored[key]
        if key not in self._inland_coast_km:
            self._inland_coast_km[key] = self.measure_inland_km(key)
        return self._inland_coast_km[key]

    def measure_inland_km(self, key: str) -> float | None:
        """:meth:`inland_coast_km` measured: the coast distance of every point of the unit's land borders."""
        pts, _ = self._border_points(key)
        if not len(pts):
            return None
        dist, _ = self.coast(pts[:, 1], pts[:, 0])
        return round(float(dist.min()), 1)

    # -- region areas (first-level regions from their own GeoNames towns)

    def land(self, code: str) -> Any:
        """The land of a country: all its units (with filled pinholes) as one geometry; None if unknown."""
        if code not in self._land:
            units = [g for g, c in zip(self.geoms, self.unit_code, strict=True) if c == code]
            self._land[code] = shapely.union_all(units) if units else None
        return self._land[code]

    def _towns_of(self, country: str) -> tuple[np.ndarray, np.ndarray, Any]:
        """(lon, lat rows, region keys, KD-tree) of a country's GeoNames towns (cached per country)."""
        if country not in self._country_towns:
            ids = [i for i, k in enumerate(self.region_key) if k.startswith(country + ".")]
            mask = np.isin(self.arrays["town_region"], ids)
            pts = self.arrays["town_lonlat"][mask]
            labels = np.array(self.region_key, dtype=object)[self.arrays["town_region"][mask]]
            tree = cKDTree(unit_vectors(pts[:, 1], pts[:, 0])) if len(pts) else None
            self._country_towns[country] = (pts, labels, tree)
        return self._country_towns[country]

    def region_key_near(self, country: str, lat: float, lon: float, k: int = 7) -> str | None:
        """GeoNames region key ('UA.07') around a point: the region most of its ``k`` nearest towns are in."""
        pts, labels, tree = self._towns_of(country)
        if tree is None:
            return None
        _, idx = tree.query(unit_vectors(np.array([lat]), np.array([lon])), k=min(k, len(pts)))
        votes: dict[str, int] = {}
        for rank, i in enumerate(np.ravel(idx).tolist()):
            votes[labels[i]] = votes.get(labels[i], 0) + (2 if rank == 0 else 1)
        return max(sorted(votes), key=lambda key: votes[key])

    def _border_points(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The densified land border points of unit ``key`` and the unit key across each."""
        rows, other = self._points_by_key.get(key, (np.array([], dtype=np.int64), np.array([], dtype=object)))
        return self.arrays["border_pts"][rows], other

    @property
    def areas(self) -> RegionAreas:
        """Region and county areas from real boundaries (loaded, or built into cache/, on first use)."""
        if self._areas is None:
            self._areas = load_region_areas(self)
        return self._areas

    def region_area(self, key: str) -> Any:
        """Area of a GeoNames region ('RU.41') or a US county ('us-county:48213'): from real boundaries when
        the data has it (see :meth:`region_area_source`), else the Voronoi cells of its towns, on land."""
        stored = self.areas.geometry(key)
        if stored is None:
            stored = self.areas.cells.geometry(key)
        if stored is not None:
            return stored
        if key not in self._region_areas:
            self._region_areas[key] = self.town_cell_area(key)
        return self._region_areas[key]

    def town_cell_area(self, key: str) -> Any:
        """The Voronoi cells of a GeoNames region's towns, on its country's land (None without towns or land):
        the area of a region the boundary data misses."""
        country = key.split(".")[0]
        pts, labels, _ = self._towns_of(country)
        land = self.land(country)
        if land is None or not len(pts) or "." not in key:
            return None
        return voronoi_area(pts, list(labels), {key}, land)

    def area_key(self, place_id: str, country: str, lat: float, lon: float) -> str | None:
        """The area key of a region place: a US county by its own id, a first-level region by its towns."""
        return place_id if place_id.startswith(COUNTY_PREFIX) else self.region_key_near(country, lat, lon)

    def territory_area(self, territory_id: str) -> tuple[Any, str]:
        """A table territory's area and its source: its regions' real areas joined when the boundary data has
        them all, else the table's own area (GeoNames towns, a border band, a town's surroundings, a unit)."""
        entry = contested.by_id(territory_id)
        keys = entry["geometry"].get("geonames", ()) if entry and entry["geometry"]["method"] == "admin1" else ()
        if keys and all(self.areas.source(key) == SOURCE_ADMIN1 for key in keys):
            return self.regions_area(keys), SOURCE_ADMIN1
        if territory_id in self.territory_geoms:
            return self.territory_geoms[territory_id], SOURCE_TABLE
        units = [g for g, t in zip(self.geoms, self.unit_territory, strict=True) if t == territory_id]
        return (shapely.union_all(units) if units else None), SOURCE_TABLE  # a unit of its own (the Golan)

    def region_area_source(self, key: str) -> str | None:
        """Which data measured :meth:`region_area` ('natural-earth-admin1', 'census-counties', 'town-cells')."""
        source = self.areas.source(key)
        if source is None and self.region_area(key) is not None:
            return SOURCE_TOWNS
        return source

    def region_point(self, key: str) -> tuple[float, float] | None:
        """A representative (lat, lon) inside a region's area (shapely point_on_surface); None without an area."""
        facts = self.region_facts(key)
        return None if facts is None else (facts["point"][0], facts["point"][1])

    def region_facts(self, key: str) -> dict[str, Any] | None:
        """Facts measured from a region's area (see :meth:`area_facts`): stored in the cache for real and
        town-cell areas, else worked out once; None when the region has no area."""
        stored = self.areas.facts_of(key) or self.areas.cells.facts_of(key)
        if stored is not None:
            return stored
        if key not in self._area_facts:
            area = self.region_area(key)
            code = key.split(".")[0]
            self._area_facts[key] = None if area is None or area.is_empty else self.area_facts(code, area)
        return self._area_facts[key]

    def memo_area_facts(self, memo_key: str, code: str, area: Any) -> dict[str, Any] | None:
        """:meth:`area_facts` of an area that is not in the cache (a territory, a grouped region), worked out
        once per index under ``memo_key``; None without an area."""
        if memo_key not in self._area_facts:
            empty = area is None or area.is_empty
            self._area_facts[memo_key] = None if empty else self.area_facts(code, area)
        return self._area_facts[memo_key]

    def area_facts(self, code: str, area: Any, tolerance_km: float = NEIGHBOUR_KM) -> dict[str, Any]:
        """What is measured from an area inside country ``code``: its land neighbours (``neighbours``), its
        nearest land border when it touches none (``nearest``: [neighbour, km]), its coast distance (``coast_km``,
        0 for an area that reaches the coast), a point inside it (``point``: [lat, lon]) and its size in km²."""
        touching, nearest = self.area_context(code, area, tolerance_km)
        inside = shapely.point_on_surface(area)
        return {
            "neighbours": touching,
            "nearest": None if nearest is None else [nearest[0], round(nearest[1], 1)],
            "coast_km": self.area_coast_km(area),
            "point": [round(inside.y, 5), round(inside.x, 5)],
            "km2": round(area_km2(area)),
        }

    def area_coast_km(self, area: Any) -> float:
        """Distance (km) from an area's edge to the nearest coast: 0 when its edge is within the coast snapping
        distance (an area built from the coastline lies on it, up to generalisation)."""
        edge = shapely.get_coordinates(shapely.boundary(area))
        km = float(self.coast(edge[:, 1], edge[:, 0])[0].min())
        return 0.0 if km <= COAST_TOUCH_KM else round(km, 1)

    def regions_area(self, keys: Iterable[str]) -> Any:
        """The joined areas of several GeoNames regions (None when none has an area), worked out once."""
        wanted = sorted(set(keys))
        joined = "+".join(wanted)
        if joined not in self._region_areas:
            areas = [area for area in map(self.region_area, wanted) if area is not None]
            self._region_areas[joined] = shapely.union_all(areas) if areas else None
        return self._region_areas[joined]

    def area_context(self, code: str, area: Any, tolerance_km: float = 3.0) -> tuple[list[str], tuple[str, float] | None]:
        """The neighbours whose land border ``area`` (inside country ``code``) reaches, within ``tolerance_km``,
        and, when it reaches none, the nearest border of the country as (neighbour, km from the area)."""
        unit = next((i for i, c in enumerate(self.unit_code) if c == code), -1)
        if unit < 0 or area is None or area.is_empty:
            return [], None
        key = self.unit_key[unit]
        pts, other = self._border_points(key)
        if not len(pts):
            return [], None
        tol = tolerance_km / 111.0
        minx, miny, maxx, maxy = shapely.bounds(area)
        box = (pts[:, 0] >= minx - tol) & (pts[:, 0] <= maxx + tol) & (pts[:, 1] >= miny - tol) & (pts[:, 1] <= maxy + tol)
        near = np.zeros(len(pts), dtype=bool)
        if box.any():
            shapely.prepare(area)
            near[box] = shapely.dwithin(area, shapely.points(pts[box]), tol)
        touching = []
        for k in sorted(set(other[near].tolist())):
            nb = self.unit_code[self.key_unit[k]] or k
            if nb != code and nb not in touching:
                touching.append(nb)
        if touching:
            return touching, None
        edge = shapely.get_coordinates(shapely.simplify(shapely.boundary(area), 0.01))
        if len(edge) > 3000:
            edge = edge[:: len(edge) // 3000 + 1]
        found = self.nearest_border(key, edge[:, 1], edge[:, 0])
        if found is None:
            return [], None
        km, nbs = found
        i = int(np.argmin(km))
        nb_key = str(nbs[i])
        return [], (self.unit_code[self.key_unit[nb_key]] or nb_key, float(km[i]))

    # -- vectorised core

    def locate(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit index holding each point (-1 at sea) and a second unit when the point is on a shared edge."""
        n = len(lat)
        unit = np.full(n, -1, dtype=np.int64)
        other = np.full(n, -1, dtype=np.int64)
        lat = np.maximum(lat, -89.9999)  # Antarctica's polygon stops a hair short of the pole
        pt_idx, part_idx = self.part_tree.query(shapely.points(lon, lat))
        if len(pt_idx):
            hit = shapely.intersects_xy(self.parts[part_idx], lon[pt_idx], lat[pt_idx])
            pt_idx, units = pt_idx[hit], self.part_unit[part_idx[hit]]
        if len(pt_idx):
            order = np.lexsort((units, pt_idx))
            pt_idx, units = pt_idx[order], units[order]
            first = np.r_[True, pt_idx[1:] != pt_idx[:-1]]
            unit[pt_idx[first]] = units[first]
            rest = ~first & (units != unit[pt_idx])
            other[pt_idx[rest]] = units[rest]
        return unit, other

    def coast(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance (km) to the nearest coast and the unit owning that coast."""
        _, idx = self.coast_tree.query(unit_vectors(lat, lon), k=2)
        seg = self.arrays["coast_seg"][idx]  # (n, 2)
        a, b = self.arrays["coast_a"], self.arrays["coast_b"]
        d0 = segment_km(lat, lon, a[seg[:, 0]], b[seg[:, 0]])
        d1 = segment_km(lat, lon, a[seg[:, 1]], b[seg[:, 1]])
        best = np.where(d1 < d0, seg[:, 1], seg[:, 0])
        return np.minimum(d0, d1), self.arrays["coast_unit"][best]

    def nearest_coast_point(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) of the nearest point of the densified coast (within its 2 km step of the true nearest)."""
        _, idx = self.coast_tree.query(unit_vectors(lat, lon), k=1)
        pts = self.arrays["coast_pts"][np.ravel(idx)]
        return pts[:, 1].copy(), pts[:, 0].copy()

    def nearest_border(
        self, key: str, lat: np.ndarray, lon: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Distance (km) to the nearest land border of unit ``key`` and the neighbour across it."""
        tree = self._border_tree(key)
        if tree is None:
            return None
        kd, seg_of_pt, neighbour_of_pt = tree
        k = min(2, kd.n)
        _, idx = kd.query(unit_vectors(lat, lon), k=k)
        idx = idx.reshape(len(lat), k)
        a, b = self.arrays["border_a"], self.arrays["border_b"]
        dists = np.column_stack(
            [segment_km(lat, lon, a[seg_of_pt[idx[:, j]]], b[seg_of_pt[idx[:, j]]]) for j in range(k)]
        )
        pick = dists.argmin(axis=1)
        chosen = idx[np.arange(len(lat)), pick]
        return dists[np.arange(len(lat)), pick], neighbour_of_pt[chosen]

    def territories_at(
        self, lat: np.ndarray, lon: np.ndarray, codes: list[str | None], snapped: np.ndarray | None = None
    ) -> list[str | None]:
        """Territory id for each point from the territory areas (limited to each entry's countries).

        Territory areas are land only; a point ``snapped`` to the coast (a town on an estuary that the 1:10m
        coastline leaves in the water) is in the territory its coast is within ``SNAP_DEG`` of.
        """
        out: list[str | None] = [None] * len(lat)
        near_sea = np.zeros(len(lat), dtype=bool) if snapped is None else np.asarray(snapped, dtype=bool)
        code_arr = np.array([c or "" for c in codes], dtype=object)
        for entry in contested.TERRITORIES:
            geom = self.territory_geoms.get(entry["id"])
            if geom is None:
                continue
            allowed = entry_countries(entry)
            sel = np.flatnonzero(np.isin(code_arr, list(allowed)))
            if len(sel) == 0:
                continue
            inside = shapely.intersects_xy(geom, lon[sel], lat[sel])
            if near_sea[sel].any():
                inside |= near_sea[sel] & shapely.dwithin(geom, shapely.points(lon[sel], lat[sel]), SNAP_DEG)
            for i in sel[inside]:
                if out[i] is None:
                    out[i] = entry["id"]
        return out


def entry_countries(entry: dict[str, Any]) -> set[str]:
    spec = entry["geometry"]
    if spec["method"] == "admin1":
        return {k.split(".")[0] for k in spec["geonames"]}
    if spec["method"] == "border_buffer":
        return set(spec["pair"])
    return {entry["de_jure"]} if entry["de_jure"] else set()


@functools.lru_cache(maxsize=1)
def load_border_index() -> BorderIndex:
    """The border layer, loaded once per process (built into cache/ on first use)."""
    t0 = time.perf_counter()
    arrays, built = load_arrays()
    index = BorderIndex(arrays, built=built)
    index.load_s = time.perf_counter() - t0
    return index
