"""The areas drawn under the pins: country outlines, soft region discs, hatched contested territory, and the
land borders between the countries an article mentions.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, NamedTuple

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


class Area(NamedTuple):
    """One area under the pins: an outline (``geometry``, GeoJSON) or, where none is known, a disc of ``radius``
    metres around ``place``; ``style`` names its :data:`AREA_STYLES` entry and ``tip`` is plain text."""

    style: str
    tip: str
    geometry: dict[str, Any] | None = None
    place: Place | None = None
    radius: int = 0


def areas_of(places: list[Place], region_shapes_max: int | None = None,
             border_countries_max: int | None = None) -> list[Area]:
    """The areas to draw, lowest first: the outlines of the countries named and of those holding named places,
    macro-regions' member countries, regions (their area, else a disc), the land borders between those
    countries and contested or occupied areas (each territory once). The article map draws them all; the corpus
    map bounds the costly parts: real areas for the first ``region_shapes_max`` regions (discs for the rest) and
    borders among at most ``border_countries_max`` countries (the named ones only when all are too many)."""
    out: list[Area] = []
    named, holding = country_codes(places)
    for code in named:
        if (geom := basemap.country_outline(code)) is not None:
            out.append(Area("named", naturalearth.country_name(code), geom))
    for code in holding:
        if (geom := basemap.background_outline(code)) is not None:
            out.append(Area("holding", naturalearth.country_name(code) + " (country of a mentioned place)", geom))
    for p in places:
        members = (p.border or {}).get("countries") or []
        if p.kind == "feature" and 0 < len(members) <= MAX_AREA_MEMBERS:
            for code in members:  # a macro-region ("Middle East") is drawn as its member countries
                if (geom := basemap.background_outline(code)) is not None:
                    out.append(Area("member", f"{p.name}: {naturalearth.country_name(code)}", geom))
    shaped = 0
    for p in places:
        if p.kind != "region":
            continue
        label = (p.border or {}).get("region_area", {}).get("name") or p.name
        shape = region_shape(p) if region_shapes_max is None or shaped < region_shapes_max else None
        if shape is not None:
            shaped += 1
            out.append(Area("region", label, basemap.rounded_geojson(shape, AREA_DECIMALS)))
        else:
            out.append(Area("region", label, place=p, radius=REGION_RADIUS_M))
    bordering = named + holding
    if border_countries_max is not None:
        bordering = (bordering if len(bordering) <= border_countries_max else named)[:border_countries_max]
    for a, b, geom in basemap.shared_borders(bordering):
        label = f"Land border: {naturalearth.country_name(a)} – {naturalearth.country_name(b)}"
        out.append(Area("border", label, geom))
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
            out.append(Area("contested", label, geom))
        else:
            out.append(Area("contested", label, place=p, radius=CONTESTED_RADIUS_M))
    return out


# the article map's layers (toggled in its layer control) and the area styles each holds
_LAYERS = (("Countries and regions mentioned", ("named", "holding", "member", "region")),
           ("Land borders between mentioned countries", ("border",)),
           ("Contested or occupied areas", ("contested",)))


def add_areas(m: folium.Map, places: list[Place]) -> None:
    """Draw :func:`areas_of` ``places`` on the article map, one layer per kind (see ``_LAYERS``)."""
    import folium

    found = areas_of(places)
    for name, styles in _LAYERS:
        layer = folium.FeatureGroup(name=name, show=True)
        for area in (a for a in found if a.style in styles):
            style, tip = AREA_STYLES[area.style], htmlsafe.text(area.tip)
            if area.geometry is not None:
                folium.GeoJson({"type": "Feature", "properties": {}, "geometry": area.geometry},
                               style_function=lambda _f, s=style: s, tooltip=tip, control=False).add_to(layer)
            elif area.style == "region":  # a soft disc where the region's area is unknown: no tooltip, no clicks
                folium.Circle(location=to_latlon(area.place.lon, area.place.lat), radius=area.radius,
                              interactive=False, **style).add_to(layer)
            else:
                folium.Circle(location=to_latlon(area.place.lon, area.place.lat), radius=area.radius, tooltip=tip,
                              **style).add_to(layer)
        if layer._children:
            layer.add_to(m)
