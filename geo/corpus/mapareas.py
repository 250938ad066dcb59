"""The areas under the corpus map's pins, as data for the page's script (not one folium layer per area): the
outlines of the countries named and of those holding named places, macro-regions' member countries, regions,
land borders between the countries and contested or occupied areas, in the styles of the article map
(geo/maps/areas.py). At corpus scale a region is drawn as its real area for the most-mentioned regions only
(:data:`REGION_SHAPES_MAX`, a shape costs tens of milliseconds) and as a disc for the others, and the land
borders are those between at most :data:`BORDER_COUNTRIES_MAX` countries (pairs grow as their square).
"""

from __future__ import annotations

from typing import Any

from geo.maps import basemap, htmlsafe
from geo.maps.areas import (
    AREA_DECIMALS,
    AREA_STYLES,
    CONTESTED,
    CONTESTED_RADIUS_M,
    MAX_AREA_MEMBERS,
    REGION_RADIUS_M,
    _territory_outline,
    country_codes,
    region_shape,
)
from geo.parse.model import Place
from geo.places import naturalearth

REGION_SHAPES_MAX = 40
BORDER_COUNTRIES_MAX = 40  # land borders between every country holding a place, up to this many; else named ones

STYLES = AREA_STYLES  # the script draws every area with the style its entry names: the article map's


def _shape(geometry: dict[str, Any], style: str, tip: str) -> dict[str, Any]:
    return {"g": geometry, "s": style, "t": htmlsafe.text(tip)}


def _disc(place: Place, radius: int, style: str, tip: str) -> dict[str, Any]:
    return {"c": [round(place.lat, 4), round(place.lon, 4)], "r": radius, "s": style, "t": htmlsafe.text(tip)}


def corpus_areas(places: list[Place]) -> list[dict[str, Any]]:
    """The areas to draw, lowest first: ``{"g": GeoJSON geometry | "c": [lat, lon], "r": metres, "s": style
    name, "t": escaped tooltip}``. ``places`` most-mentioned first."""
    out: list[dict[str, Any]] = []
    named, holding = country_codes(places)
    for code in named:
        if (geom := basemap.country_outline(code)) is not None:
            out.append(_shape(geom, "named", naturalearth.country_name(code)))
    for code in holding:
        if (geom := basemap.background_outline(code)) is not None:
            out.append(_shape(geom, "holding", naturalearth.country_name(code) + " (country of a mentioned place)"))
    for p in places:
        members = (p.border or {}).get("countries") or []
        if p.kind == "feature" and 0 < len(members) <= MAX_AREA_MEMBERS:
            for code in members:
                if (geom := basemap.background_outline(code)) is not None:
                    out.append(_shape(geom, "member", f"{p.name}: {naturalearth.country_name(code)}"))
    shaped = 0
    for p in places:
        if p.kind != "region":
            continue
        label = (p.border or {}).get("region_area", {}).get("name") or p.name
        shape = region_shape(p) if shaped < REGION_SHAPES_MAX else None
        if shape is not None:
            shaped += 1
            out.append(_shape(basemap.rounded_geojson(shape, AREA_DECIMALS), "region", label))
        else:
            out.append(_disc(p, REGION_RADIUS_M, "region", label))
    bordering = named + holding if len(named) + len(holding) <= BORDER_COUNTRIES_MAX else named
    for a, b, geom in basemap.shared_borders(bordering[:BORDER_COUNTRIES_MAX]):
        out.append(_shape(geom, "border",
                          f"Land border: {naturalearth.country_name(a)} – {naturalearth.country_name(b)}"))
    seen: set[str] = set()
    for p in places:
        status = (p.border or {}).get("status")
        if status not in CONTESTED:
            continue
        territory = (p.border or {}).get("territory") or {}
        tid = str(territory.get("id") or "")
        if tid and tid in seen:
            continue
        label = f"{territory.get('name') or p.name}: {status}"
        geom = _territory_outline(tid) if tid else None
        if geom is None and p.kind == "country":
            geom = basemap.country_outline(p.country)
        if geom is not None:
            seen.add(tid)
            out.append(_shape(geom, "contested", label))
        else:
            out.append(_disc(p, CONTESTED_RADIUS_M, "contested", label))
    return out
