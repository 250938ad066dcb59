"""Border context for every place: de jure country, nearest land border, coast, contested status.

``coast_km`` is the distance to the nearest sea coast for every point, on land or at sea; it is a number
for landlocked places too (Ulaanbaatar: about 1,300 km). Sea points closer than ``SNAP_KM`` to a coast are
snapped to that coast's country (coastline generalisation at 1:10m is about that size). Countries and
regions are tagged by their area, not by a point.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np

from geo.borders import contested
from geo.borders.areas import SOURCE_TABLE, SOURCE_TOWNS, SOURCE_WORDS
from geo.borders.index import BorderIndex, entry_countries, load_border_index
from geo.borders.region_names import TERRITORY_ID_PREFIX, region_name
from geo.borders.region_names import region_display_name as region_display_name  # where callers found it
from geo.borders.region_points import settle_region_point
from geo.borders.sentences import join_names, summarise
from geo.errors import InputError
from geo.places.gazetteer_areas import GROUPED_ID_PREFIX
from geo.places.naturalearth import country_records

ATTRIBUTION = "Borders: Natural Earth 1:10m, internationally recognised view"
SNAP_KM = 2.0
_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
# ---------------------------------------------------------------- tagging


def _invalid(lat: Any, lon: Any) -> InputError:
    return InputError(
        f"invalid coordinates lat={lat!r}, lon={lon!r}: latitude must be within -90..90 "
        "and longitude within -180..180, both finite numbers"
    )


def _as_floats(lats: Any, lons: Any) -> tuple[np.ndarray, np.ndarray]:
    """Flat float arrays of the coordinates; InputError naming the first value that is not a number."""
    try:
        return np.asarray(lats, dtype=float).ravel(), np.asarray(lons, dtype=float).ravel()
    except (TypeError, ValueError):
        pairs = zip(np.ravel(np.asarray(lats, dtype=object)), np.ravel(np.asarray(lons, dtype=object)), strict=False)
        for lat, lon in pairs:
            try:
                float(lat), float(lon)
            except (TypeError, ValueError):
                raise _invalid(lat, lon) from None
        raise _invalid(lats, lons) from None


def _validate(lat: np.ndarray, lon: np.ndarray) -> None:
    bad = ~(np.isfinite(lat) & np.isfinite(lon)) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _invalid(lat[i], lon[i])


def _normalise_region(code: str | None, country: str | None) -> str | None:
    """'UA-43' stays; a bare GeoNames admin1 code ('11') becomes 'UA.11' when the country is known."""
    if not code:
        return None
    code = code.strip().upper()
    if _REGION_CODE.match(code) or re.match(r"^[A-Z]{2}\.\w+$", code):
        return code
    if country and re.match(r"^\w{1,8}$", code):
        return f"{country.upper()}.{code}"
    return None


def tag_points(
    lats: Any, lons: Any, *, region_codes: list[str | None] | None = None, index: BorderIndex | None = None,
    populated: list[bool] | None = None,
) -> list[dict[str, Any]]:
    """Border objects for many points at once (the fast path used by documents and the benchmark).

    ``populated`` marks populated places (towns, cities): they are on land, so one whose point falls offshore
    of the generalised coastline is placed on the nearest coast (``on_coast``, ``coast_km`` 0), never at sea."""
    index = index or load_border_index()
    lat, lon = _as_floats(lats, lons)
    if lat.shape != lon.shape:
        raise InputError("latitudes and longitudes differ in number")
    _validate(lat, lon)
    n = len(lat)
    unit, on_edge = index.locate(lat, lon)
    coast_km, coast_unit = index.coast(lat, lon)
    offshore = np.full(n, np.nan)
    if populated is not None:
        ashore = (unit < 0) & np.asarray(populated, dtype=bool)
        if ashore.any():
            offshore[ashore] = coast_km[ashore]
            lat, lon = lat.copy(), lon.copy()
            lat[ashore], lon[ashore] = index.nearest_coast_point(lat[ashore], lon[ashore])
            coast_km[ashore] = 0.0
    snapped = (unit < 0) & ((coast_km <= SNAP_KM) | ~np.isnan(offshore))
    unit = np.where(snapped, coast_unit, unit)

    keys = [index.unit_key[u] if u >= 0 else None for u in unit]
    codes = [index.unit_code[u] or None if u >= 0 else None for u in unit]
    border_km = np.full(n, np.nan)
    border_nb = np.full(n, None, dtype=object)
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None:
            groups.setdefault(k, []).append(i)
    for k, members in groups.items():
        sel = np.array(members)
        found = index.nearest_border(k, lat[sel], lon[sel])
        if found is not None:
            border_km[sel], border_nb[sel] = found
    terr = index.territories_at(lat, lon, codes, snapped)

    out = []
    for i in range(n):
        u = int(unit[i])
        region = _normalise_region(region_codes[i], codes[i]) if region_codes else None
        out.append(
            _border_dict(
                index,
                u,
                codes[i],
                float(coast_km[i]),
                int(coast_unit[i]),
                None if np.isnan(border_km[i]) else (border_nb[i], float(border_km[i])),
                terr[i],
                region,
                bool(snapped[i]),
                int(on_edge[i]),
                None if np.isnan(offshore[i]) else float(offshore[i]),
            )
        )
    return out


def _border_dict(
    index: BorderIndex,
    unit: int,
    code: str | None,
    coast_km: float,
    coast_unit: int,
    border: tuple[str, float] | None,
    territory_id: str | None,
    region: str | None,
    snapped: bool,
    on_edge: int,
    offshore_km: float | None = None,
) -> dict[str, Any]:
    notes: list[str] = []
    nearest = None
    if border is not None:
        nb_key, km = border
        nb_unit = index.key_unit.get(nb_key, -1)
        nb_code = index.unit_code[nb_unit] if nb_unit >= 0 else ""
        nearest = {
            "neighbour": nb_code or None,
            "neighbour_name": index.unit_name[nb_unit] if nb_unit >= 0 else nb_key,
            "km": round(km, 1),
        }
    result: dict[str, Any] = {
        "country": code,
        "country_name": index.unit_name[unit] if unit >= 0 else None,
        "status": "recognised",
        "administered_by": code,
        "claimed_by": [],
        "nearest_border": nearest,
        "coast_km": round(coast_km, 1),
        "notes": notes,
    }
    if unit < 0:
        coast_code = index.unit_code[coast_unit] or None
        result.update(
            status="at_sea",
            administered_by=None,
            nearest_border=None,
            coast_country=coast_code,
            coast_country_name=index.unit_name[coast_unit],
        )
        notes.append(f"At sea; the nearest coast belongs to {index.unit_name[coast_unit]}.")
        result["summary"] = summarise(result)
        return result
    if offshore_km is not None:
        result.update(on_coast=True, offshore_km=round(offshore_km, 1))
        notes.append(f"On the coast: a populated place, whose point lies {offshore_km:.1f} km offshore of the "
                     f"1:10m coastline; placed on the nearest coast, in {index.unit_name[unit]}.")
    elif snapped:
        notes.append(f"Within {SNAP_KM:g} km of the coast: placed in {index.unit_name[unit]}.")
    if on_edge >= 0:
        notes.append(f"On the border line between {index.unit_name[unit]} and {index.unit_name[on_edge]}.")
    if index.unit_claims[unit]:
        claims = index.unit_claims[unit]
        result.update(status="contested", country=None, administered_by=None, claimed_by=claims)
        notes.append(
            "Land the internationally recognised view assigns to no state; claimed by "
            + join_names([index.country_name(c) or c for c in claims])
            + "."
        )
    if not code and not index.unit_claims[unit]:
        result["status"] = "unknown"
        notes.append(f"{index.unit_name[unit]}: no ISO country code in the source data.")

    entry = None
    if region:
        entry = contested.by_region_code(region)
        if entry is not None and code and code not in entry_countries(entry):
            notes.append(
                f"Region code {region} does not match the position (in {index.unit_name[unit]}); ignored."
            )
            entry = None
    if entry is None:
        tid = index.unit_territory[unit] or territory_id
        entry = contested.by_id(tid) if tid else None
    if entry is not None:
        _apply_territory(result, entry, code, index)
    result["summary"] = summarise(result)
    return result


def _apply_territory(
    result: dict[str, Any], entry: dict[str, Any], code: str | None, index: BorderIndex
) -> None:
    """Fold a contested-table entry into a border object."""
    admin = code if entry.get("administered_by_position") else entry["administered_by"]
    result["status"] = contested.DOCUMENT_STATUS[entry["status"]]
    result["administered_by"] = admin
    result["claimed_by"] = [c for c in entry["claimants"] if c != admin]
    if entry["de_jure"]:
        result["country"] = entry["de_jure"]
        result["country_name"] = index.country_name(entry["de_jure"])
    result["territory"] = {
        "id": entry["id"],
        "name": entry["name"],
        "status": entry["status"],
        "since": entry["since"],
        "source": entry["source"],
        "source_detail": entry["source_detail"],
        "de_jure": entry["de_jure"],
        "by_position": bool(entry.get("administered_by_position")),
    }
    result["notes"].append(entry["note"])
    result["notes"].append(f"Source: {entry['source_detail']}.")


def tag_point(
    lat: float, lon: float, *, region_code: str | None = None, index: BorderIndex | None = None,
    populated: bool = False,
) -> dict[str, Any]:
    """The Document's ``border`` object for one point (``region_code`` like 'UA-43' when known; ``populated``
    for a town or city, which is never at sea)."""
    return tag_points([lat], [lon], region_codes=[region_code], index=index, populated=[populated])[0]


def _populated(place: Any) -> bool:
    """A populated place (a town or city) stands on land."""
    return getattr(place, "kind", None) == "city"


def _region_of(place: Any) -> str | None:
    admin1 = getattr(place, "admin1", None)
    return _normalise_region(str(admin1), place.country) if admin1 else None


def tag_place(place: Any, index: BorderIndex | None = None) -> dict[str, Any]:
    """Border object for a Place: countries, continents and macro-regions by area, the rest by point (a first-level
    region's pin moves into its real area, see geo/borders/region_points.py)."""
    index = index or load_border_index()
    area = _area_border(place, index)
    if area is not None:
        return area
    border = tag_point(place.lat, place.lon, region_code=_region_of(place), index=index,
                       populated=_populated(place))
    _add_area_context(place, border, index)
    return border


def _own_territory(place: Any, border: dict[str, Any], index: BorderIndex) -> None:
    """A place that is itself a table territory ("Gaza Strip", "Donbas") takes that entry whatever its point
    falls in: a point on the generalised edge of Gaza lands in Israel's polygon, Donbas's in Donetsk region's."""
    pid = str(getattr(place, "id", ""))
    if not pid.startswith(TERRITORY_ID_PREFIX):
        return
    try:
        entry = contested.by_id(pid.removeprefix(TERRITORY_ID_PREFIX))
    except KeyError:
        return  # a conflict place outside the table (Nagorno-Karabakh)
    old = border.get("territory")
    if old is not None and old["id"] == entry["id"]:
        return
    if old is not None:  # the entry the point fell in gives way, with its notes
        former = contested.by_id(old["id"])
        drop = {former["note"], f"Source: {former['source_detail']}."}
        border["notes"] = [n for n in border["notes"] if n not in drop]
    code = entry["de_jure"] or border.get("country")
    if entry["de_jure"] and border.get("country") != entry["de_jure"]:
        border["notes"] = [n for n in border["notes"] if not n.startswith(("On the border line", "Within "))]
    _apply_territory(border, entry, code, index)
    border["summary"] = summarise(border)


def _add_area_context(place: Any, border: dict[str, Any], index: BorderIndex) -> None:
    """A point-tagged place that is an area (a region, a part of a country) measured from its area."""
    _own_territory(place, border, index)
    if place.kind == "region":
        _add_region_area(place, border, index)
        settle_region_point(place, border, index)
    elif place.kind == "feature" and str(getattr(place, "id", "")).startswith(GROUPED_ID_PREFIX):
        _add_region_area(place, border, index, grouped=_grouped_area(place, index))


def _grouped_area(place: Any, index: BorderIndex) -> Any:
    """The area of a part of a country named by the regions it groups ("West Coast"): their areas joined."""
    from geo.places.names import GROUPED_REGIONS

    spec = GROUPED_REGIONS.get(place.name)
    points = _region_points(place.country) if spec and place.country else {}
    keys = [index.region_key_near(place.country, *points[code]) for code in (spec or {}).get("regions", ())
            if code in points]
    return index.regions_area(key for key in keys if key)


@functools.lru_cache(maxsize=512)  # every country once
def _region_points(country: str) -> dict[str, tuple[float, float]]:
    """ISO 3166-2 code -> (lat, lon) of the country's first-level regions (countrystatecity)."""
    import countrystatecity_countries as csc

    return {s.iso3166_2: (float(s.latitude), float(s.longitude))
            for s in csc.get_states_of_country(country) if s.iso3166_2 and s.latitude and s.longitude}


def _area_border(place: Any, index: BorderIndex) -> dict[str, Any] | None:
    """The border object of a place that is an area of whole countries; None for point-like places."""
    if place.kind == "country" and place.country:
        return _tag_country(place.country.upper(), index)
    if place.kind == "continent":
        return _tag_continent(place.name, index)
    if place.kind == "feature":
        from geo.places.gazetteer_build import macro_region_members

        members = macro_region_members().get(place.name)
        if members:
            return _tag_area("a region", list(members))
    return None


AREA_FROM_TOWNS = SOURCE_TOWNS  # border["area_source"]: the region's own GeoNames towns (nearest-town cells)
AREA_FROM_TABLE = SOURCE_TABLE  # the contested table's area of the territory (from GeoNames towns, a unit, ...)
AREA_FROM_GROUPED = "grouped_regions"  # the joined areas of the regions a part of a country groups ("West Coast")


def _add_region_area(place: Any, border: dict[str, Any], index: BorderIndex, grouped: Any = None) -> None:
    """Regions are areas: their land neighbours, nearest border and coast are measured from their area, not
    from their centre point (``grouped``: the area of a part of a country named by the regions it groups)."""
    territory = border.get("territory")
    code = border.get("country") or place.country
    # The region's own country first: a point that the generalised borders put next door (the Gaza Strip's
    # mean town point falls in Israel's polygon) still names the region of the country it belongs to.
    key_country = (place.country or code or "").upper() or None
    key = (index.area_key(str(getattr(place, "id", "")), key_country, place.lat, place.lon)
           if key_country and grouped is None else None)
    facts, source = None, None
    if grouped is not None:
        facts = index.memo_area_facts("grouped:" + place.name, code, grouped) if code else None
        source = AREA_FROM_GROUPED
    elif territory and (territory["id"] in index.territory_geoms or territory["id"] in index.unit_territory):
        area, source = index.territory_area(territory["id"])
        facts = index.memo_area_facts("territory:" + territory["id"], code, area) if code else None
    elif key:
        facts, source = index.region_facts(key), index.region_area_source(key)
    if facts is None or not code:
        border["notes"].append("Tagged at the region's centre point; its area may reach further.")
    else:
        touching, nearest = facts["neighbours"], facts["nearest"]
        info: dict[str, Any] = {
            "name": region_name(place, territory, key, code, index),
            "geonames_admin1": key,
            "area_source": source,
            "neighbours": touching,
            "km2": facts["km2"],
        }
        if touching:
            border["nearest_border"] = {
                "neighbour": touching[0],
                "neighbour_name": index.country_name(touching[0]),
                "km": 0.0,
            }
        elif nearest is not None:
            info.update(nearest_neighbour=nearest[0], border_km=nearest[1])
            border["nearest_border"] = {
                "neighbour": nearest[0],
                "neighbour_name": index.country_name(nearest[0]),
                "km": nearest[1],
            }
        border["coast_km"] = info["coast_km"] = facts["coast_km"]
        border["region_area"] = info
        border["area_source"] = source
        border["notes"].append(f"Measured from the region's area (from {SOURCE_WORDS[source]}), "
                               "not from its centre point.")
    if territory and territory["status"] == "annexation_claimed":
        border["notes"].append("This region straddles the front line: part of it is occupied.")
    border["summary"] = summarise(border)


def _tag_country(code: str, index: BorderIndex) -> dict[str, Any]:
    """A whole country: its land neighbours, whether it has a coast, and the territories it concerns."""
    units = [i for i, c in enumerate(index.unit_code) if c == code]
    if not units:
        result: dict[str, Any] = {
            "country": code,
            "country_name": index.country_name(code),
            "status": "unknown",
            "administered_by": None,
            "claimed_by": [],
            "nearest_border": None,
            "coast_km": None,
            "notes": ["Not a unit in Natural Earth's recognised view."],
        }
        result["summary"] = summarise(result)
        return result
    key = index.unit_key[units[0]]
    neighbours: list[str] = []
    for k in index.neighbours.get(key, []):  # each neighbour once (two units can share a code), never itself
        nb = index.unit_code[index.key_unit[k]] or k
        if nb != code and nb not in neighbours:
            neighbours.append(nb)
    coastal = not _coastal_units(index).isdisjoint(units)
    result = {
        "country": code,
        "country_name": index.unit_name[units[0]],
        "status": "recognised",
        "administered_by": code,
        "claimed_by": [],
        "nearest_border": None,
        "neighbours": neighbours,
        "coast_km": 0.0 if coastal else None,
        "notes": [] if coastal else ["Landlocked."],
        "area": True,
    }
    if not coastal:  # distance from the nearest point of its borders to the sea
        result["coast_km"] = index.inland_coast_km(key)
    for entry in contested.TERRITORIES:
        if entry["geometry"].get("iso") == code:
            _apply_territory(result, entry, code, index)
        elif entry["de_jure"] == code:
            result["notes"].append(
                f"Includes {entry['name']}: {entry['status'].replace('_', ' ')} since {entry['since']} ({entry['source']})."
            )
    result["summary"] = summarise(result)
    return result


_COASTAL: dict[int, tuple[weakref.ref, frozenset[int]]] = {}


def _coastal_units(index: BorderIndex) -> frozenset[int]:
    """The units that own some coast (computed once per index, not once per country tagged)."""
    cached = _COASTAL.get(id(index))
    if cached is None or cached[0]() is not index:
        cached = (weakref.ref(index), frozenset(np.unique(index.arrays["coast_unit"]).tolist()))
        _COASTAL[id(index)] = cached
    return cached[1]


def _tag_continent(name: str, index: BorderIndex) -> dict[str, Any]:
    countries = sorted(
        {r.iso_a2 for r in country_records() if r.iso_a2 and r.continent.lower() == name.strip().lower()}
    )
    return _tag_area("a continent", countries)


def _tag_area(what: str, countries: list[str]) -> dict[str, Any]:
    """Border object of an area that spans several countries (a continent, the Middle East)."""
    countries = sorted(countries)
    result = {
        "country": None,
        "country_name": None,
        "status": "unknown",
        "administered_by": None,
        "claimed_by": [],
        "nearest_border": None,
        "coast_km": None,
        "notes": [f"{what[0].upper()}{what[1:]} spanning {len(countries)} countries and territories."],
        "countries": countries,
        "area": True,
    }
    result["summary"] = summarise(result)
    return result


def tag_document(doc: Any, index: BorderIndex | None = None) -> None:
    """Set ``place.border`` for every place of a Document (points in one vectorised pass)."""
    tag_documents([doc], index=index)


def tag_documents(docs: Iterable[Any], index: BorderIndex | None = None) -> None:
    """Set ``place.border`` for every place of many Documents: the points of all of them in one vectorised
    pass (the same tags as :func:`tag_document` one by one, with one call's overhead for the batch)."""
    index = index or load_border_index()
    point_places = []
    for doc in docs:
        for place in doc.places:
            area = _area_border(place, index)
            if area is None:
                point_places.append(place)
            else:
                place.border = area
    if point_places:
        borders = tag_points(
            [p.lat for p in point_places],
            [p.lon for p in point_places],
            region_codes=[_region_of(p) for p in point_places],
            index=index,
            populated=[_populated(p) for p in point_places],
        )
        for place, border in zip(point_places, borders, strict=True):
            place.border = border
            _add_area_context(place, border, index)
