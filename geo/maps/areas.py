"""The areas drawn under the pins: country outlines, soft region discs, hatched contested territory, and the
land borders between the countries an article mentions.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import shapely

from geo.borders import (
    load_border_index,
)
from geo.coords import to_latlon
from geo.maps import basemap, htmlsafe
from geo.parse.model import Place
from geo.places import naturalearth

if TYPE_CHECKING:  # folium is imported where maps are drawn, not by the figure, which only needs the shapes
    import folium

REGION_RADIUS_M = 120_000
CONTESTED_RADIUS_M = 80_000
MAX_AREA_MEMBERS = 40  # macro-regions up to this many countries are drawn as their members' outlines
CONTESTED = ("contested", "occupied")
# Leaflet path styles of the areas by kind, shared by the article map and the corpus map (geo/corpus/mapareas.py)
AREA_STYLES: dict[str, dict[str, Any]] = {
    "named": {"color": "#3451a8", "weight": 2, "fillColor": "#3451a8", "fillOpacity": 0.12},
    "holding": {"color": "#3451a8", "weight": 1, "dashArray": "4 4", "fillOpacity": 0.03},
    "member": {"color": "#2e7d32", "weight": 1, "dashArray": "2 4", "fillColor": "#2e7d32", "fillOpacity": 0.08},
    "region": {"color": "#c25e00", "weight": 1, "dashArray": "6 4", "fillColor": "#c25e00", "fillOpacity": 0.1},
    "border": {"color": "#d0021b", "weight": 4, "dashArray": "8 6", "opacity": 0.9, "fill": False},
    "contested": {"color": "#a00000", "weight": 2, "dashArray": "5 4", "fillColor": "url(#geo-hatch)",
                  "fillOpacity": 1},
}
def country_codes(places: list[Place]) -> tuple[list[str], list[str]]:
    """(countries mentioned as places, countries that only contain mentioned places), ISO alpha-2."""
    named = []
    for p in places:
        if p.kind == "country" and p.country and p.country not in named:
            named.append(p.country)
    holding = []
    for p in places:
        if p.kind != "country" and p.country and p.country not in named and p.country not in holding:
            holding.append(p.country)
    return named, holding


AREA_DECIMALS = 3  # coordinates of drawn territory and region areas: about 100 m


def on_land(geom: Any, countries: list[str]) -> Any:
    """``geom`` simplified for drawing and clipped to the Natural Earth land of ``countries`` (after the
    simplification, so no simplified edge cuts across the sea); None when nothing is left or no data."""
    if geom is None or geom.is_empty:
        return None
    index = load_border_index()
    land = _land_of(id(index), tuple(sorted({c for c in countries if c})))
    simple = shapely.simplify(geom, 0.01, preserve_topology=True)
    if land is not None:
        simple = shapely.intersection(simple, shapely.clip_by_rect(land, *shapely.buffer(simple, 0.1).bounds))
    simple = shapely.make_valid(shapely.simplify(simple, 0.002, preserve_topology=True))
    polys = [g for g in shapely.get_parts(simple) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else None


@functools.lru_cache(maxsize=64)
def _land_of(index_id: int, countries: tuple[str, ...]) -> Any:
    """The land of ``countries`` as one geometry, worked out once per loaded border index (a union of a
    country's detailed coastline costs tens of milliseconds; a map of many regions asks for it each time)."""
    index = load_border_index()
    lands = [g for g in (index.land(c) for c in countries) if g is not None]
    if not lands:
        return None
    return lands[0] if len(lands) == 1 else shapely.union_all(lands)


def territory_shape(territory_id: str) -> Any:
    """The drawn area of a contested territory: the border index's area, on land only (None if unknown)."""
    from geo.borders import contested
    from geo.borders.index import entry_countries

    try:
        index = load_border_index()
        geom = index.territory_geoms.get(territory_id)
        entry = contested.by_id(territory_id)
    except Exception:  # noqa: BLE001 - no hatched area beats no map
        return None
    countries = sorted(entry_countries(entry) | ({entry["de_jure"]} if entry["de_jure"] else set()))
    return on_land(geom, countries)


def _territory_outline(territory_id: str) -> dict[str, Any] | None:
    """GeoJSON of :func:`territory_shape` (None when it cannot be loaded)."""
    shape = territory_shape(territory_id)
    return None if shape is None else basemap.rounded_geojson(shape, AREA_DECIMALS)


def region_shape(place: Place) -> Any:
    """The drawn area of a region: its nearest-town area from the border index, on land (None if unknown)."""
    info = (place.border or {}).get("region_area") or {}
    key = info.get("geonames_admin1")
    if not key or info.get("area_source") not in ("town-cells", "natural-earth-admin1", "census-counties"):
        return None
    try:
        return on_land(load_border_index().region_area(key), [place.country or key.split(".")[0]])
    except Exception:  # noqa: BLE001 - a circle beats no map
        return None


def add_areas(m: folium.Map, places: list[Place]) -> None:
    import folium

    named, holding = country_codes(places)
    areas = folium.FeatureGroup(name="Countries and regions mentioned", show=True)
    for code, strong in [(c, True) for c in named] + [(c, False) for c in holding]:
        geom = basemap.country_outline(code) if strong else basemap.background_outline(code)
        if geom is None:
            continue
        style = AREA_STYLES["named" if strong else "holding"]
        label = naturalearth.country_name(code) + ("" if strong else " (country of a mentioned place)")
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": geom},
            style_function=lambda _f, s=style: s,
            tooltip=htmlsafe.text(label),
            control=False,
        ).add_to(areas)
    for p in places:
        members = (p.border or {}).get("countries") or []
        if p.kind == "feature" and 0 < len(members) <= MAX_AREA_MEMBERS:
            for code in members:  # a macro-region ("Middle East") is drawn as its member countries
                geom = basemap.background_outline(code)
                if geom is not None:
                    folium.GeoJson(
                        {"type": "Feature", "properties": {}, "geometry": geom},
                        style_function=lambda _f: AREA_STYLES["member"],
                        tooltip=htmlsafe.text(f"{p.name}: {naturalearth.country_name(code)}"),
                        control=False,
                    ).add_to(areas)
    for p in places:
        if p.kind != "region":
            continue
        shape = region_shape(p)
        if shape is not None:
            folium.GeoJson(
                {"type": "Feature", "properties": {}, "geometry": basemap.rounded_geojson(shape, AREA_DECIMALS)},
                style_function=lambda _f: AREA_STYLES["region"],
                tooltip=htmlsafe.text((p.border or {}).get("region_area", {}).get("name") or p.name),
                control=False,
            ).add_to(areas)
        else:
            folium.Circle(
                location=to_latlon(p.lon, p.lat),
                radius=REGION_RADIUS_M,
                interactive=False,
                **AREA_STYLES["region"],
            ).add_to(areas)
    if areas._children:
        areas.add_to(m)

    lines = folium.FeatureGroup(name="Land borders between mentioned countries", show=True)
    for a, b, geom in basemap.shared_borders(named + holding):
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": geom},
            style_function=lambda _f: AREA_STYLES["border"],
            tooltip=htmlsafe.text(f"Land border: {naturalearth.country_name(a)} – {naturalearth.country_name(b)}"),
            control=False,
        ).add_to(lines)
    if lines._children:
        lines.add_to(m)

    contested = folium.FeatureGroup(name="Contested or occupied areas", show=True)
    seen_territories: set[str] = set()
    for p in places:
        status = (p.border or {}).get("status")
        if status not in CONTESTED:
            continue
        territory = (p.border or {}).get("territory") or {}
        label = htmlsafe.text(f"{territory.get('name') or p.name}: {status}")
        tid = str(territory.get("id") or "")
        if tid in seen_territories:
            continue
        geom = _territory_outline(tid) if tid else None
        if geom is None and p.kind == "country":
            geom = basemap.country_outline(p.country)
        if geom is not None:
            seen_territories.add(tid)
            folium.GeoJson(
                {"type": "Feature", "properties": {}, "geometry": geom},
                style_function=lambda _f: AREA_STYLES["contested"],
                tooltip=label,
                control=False,
            ).add_to(contested)
        else:
            folium.Circle(
                location=to_latlon(p.lon, p.lat),
                radius=CONTESTED_RADIUS_M,
                tooltip=label,
                **AREA_STYLES["contested"],
            ).add_to(contested)
    if contested._children:
        contested.add_to(m)
