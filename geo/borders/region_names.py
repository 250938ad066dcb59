"""The names a reader knows for regions: "Kharkiv region" for the region GeoNames calls "Kharkivska", a table
territory's own name for the region that is that territory. By rule from the data (countrystatecity region
types, adjective suffixes, the region's GeoNames towns), not a list of countries."""

from __future__ import annotations

import functools
import re
from typing import Any

from geo.borders import contested
from geo.borders.index import BorderIndex
from geo.places.names import adjective_cuts, name_key

__all__ = ["TERRITORY_ID_PREFIX", "region_display_name", "region_name"]

TERRITORY_ID_PREFIX = "territory:"  # the gazetteer's id of a place that is a territory of the table
_TOWN_NAMED_TYPES = frozenset(("region", "oblast", "administrative region", "administrative territory"))
_OBLAST_TYPES = frozenset(("oblast", "administrative region"))  # "Leningrad region", "Gomel region"
_KRAI_TYPE = "administrative territory"  # "Primorsky Krai"
_REGION_SUFFIX = re.compile(r"\s+(?:oblast'?|oblys|region|krai|kray)$", re.IGNORECASE)


@functools.lru_cache(maxsize=512)  # every country: a corpus meets most of them, again and again
def _region_types(country: str) -> dict[str, str]:
    """First-level region name or ISO 3166-2 code -> its type in countrystatecity ("Kharkivska" -> "region")."""
    import countrystatecity_countries as csc

    types: dict[str, str] = {}
    for state in csc.get_states_of_country(country):
        types.setdefault(state.name, (state.type or "").lower())  # by name: the first of namesakes
        if state.iso3166_2:
            types[state.iso3166_2] = (state.type or "").lower()  # by code: exact (Moscow the city or the oblast)
    return types


def _namesake_town(base: str, towns: list[str]) -> str | None:
    """The town a region is named after: its name ("Kursk"), or the noun of its adjective name ("Kharkivska" ->
    Kharkiv, "Sumska" -> Sumy, "Odeska" -> Odesa: the adjective less -a/-ka/-ska, plus at most two letters)."""
    low = base.lower()
    cuts = adjective_cuts(low)
    for town in towns:
        t = town.lower()
        common = next((i for i, (x, y) in enumerate(zip(low, t, strict=False)) if x != y), min(len(low), len(t)))
        if common >= 4 and common >= len(t) - 2:
            return town.rstrip("'’")
        if any(t.startswith(c) and (len(t) - len(c) <= 2 or len(c) >= 6) for c in cuts):  # Zaporizka
            return town.rstrip("'’")
        if cuts and common >= max(6, len(t) - 3):  # 'Chernivetska' -> Chernivtsi
            return town.rstrip("'’")
    return None


def _noun_named_in_region(base: str, country: str | None, key: str | None) -> str | None:
    """The noun an adjective name is made from, as a name GeoNames gives a town of the region ``key``:
    "Dnipropetrovska" -> Dnipropetrovsk (an alternate name of Dnipro, renamed in 2016), so the region keeps the
    English name it is known by rather than the town's new one. The longest such stem; None without one."""
    if not key or not country:
        return None
    from geo.places.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    for cut in adjective_cuts(base.lower()):
        for hit in gazetteer.hits(cut):
            town = hit.candidate
            if town.kind == "city" and town.country == country and f"{country}.{town.admin1}" == key:
                # the town's own name when it is the stem plus a letter or two ("Poltav" -> Poltava)
                return town.name if name_key(town.name).startswith(cut) else base[: len(cut)]
    return None


def region_display_name(name: str, country: str | None, towns: list[str], code: str | None = None,
                        key: str | None = None) -> str:
    """The English name a reader knows for a first-level region: 'Kharkivska' -> 'Kharkiv region', 'Kursk' ->
    'Kursk region', 'Volynska' -> 'Volyn region', 'Primorsky' -> 'Primorsky Krai'; other names unchanged ('Texas').

    By rule from the data: an oblast (countrystatecity type oblast or administrative region) is "X region"; a
    region or krai whose name is its main town's name or an adjective made from a name (-ska) is "X region";
    another krai is "X Krai". ``code``: the region's ISO 3166-2 code, which tells namesakes apart; ``key``: its
    GeoNames key ('UA.04'), whose towns' names give the noun of an adjective name (see _noun_named_in_region)."""
    base = _REGION_SUFFIX.sub("", name).strip()
    stripped = base != name.strip()
    types = _region_types(country or "")
    kind = types.get(code or "") or types.get(name)
    if stripped or kind in _TOWN_NAMED_TYPES:
        town = _noun_named_in_region(base, country, key) or _namesake_town(base, towns)
        if town:
            return f"{town} region"
        if base.lower().endswith("ska") and len(base) >= 7:  # 'Volynska': Volyn is a land, not a town
            return f"{base[:-3]} region"
    if kind in _OBLAST_TYPES:
        return f"{base} region"
    if kind == _KRAI_TYPE:
        return f"{base} Krai"
    return f"{base} region" if stripped and base else name


def region_name(place: Any, territory: dict[str, Any] | None, key: str | None, code: str, index: BorderIndex) -> str:
    """The region's one name in the sentence: a table territory's own name when the region is that territory
    ("Zaporizhzhia region", not a second spelling from its towns), else the English name a reader knows."""
    if str(getattr(place, "id", "")).startswith(TERRITORY_ID_PREFIX):
        return place.name
    if territory and key:
        entry = contested.by_id(territory["id"])
        if tuple(entry["geometry"].get("geonames", ())) == (key,):
            return entry["name"]
    iso = getattr(place, "admin1", None) if place.kind == "region" else None
    return region_display_name(place.name, code, index.region_towns.get(key or "", []), iso, key)
