"""The areas under the corpus map's pins, as data for the page's script (not one folium layer per area): the
outlines of the countries named and of those holding named places, macro-regions' member countries, regions,
land borders between the countries and contested or occupied areas, in the styles of the article map
(geo/maps/areas.py). At corpus scale a region is drawn as its real area for the most-mentioned regions only
(:data:`REGION_SHAPES_MAX`, a shape costs tens of milliseconds) and as a disc for the others, and the land
borders are those between at most :data:`BORDER_COUNTRIES_MAX` countries (pairs grow as their square).
"""

from __future__ import annotations

from typing import Any

from geo.maps import htmlsafe
from geo.maps.areas import AREA_STYLES, areas_of
from geo.parse.model import Place

REGION_SHAPES_MAX = 40
BORDER_COUNTRIES_MAX = 40  # land borders between every country holding a place, up to this many; else named ones

STYLES = AREA_STYLES  # the script draws every area with the style its entry names: the article map's


def corpus_areas(places: list[Place]) -> list[dict[str, Any]]:
    """The areas to draw (:func:`geo.maps.areas.areas_of`, bounded), lowest first: ``{"g": GeoJSON geometry |
    "c": [lat, lon], "r": metres, "s": style name, "t": escaped tooltip}``. ``places`` most-mentioned first."""
    out = []
    for area in areas_of(places, region_shapes_max=REGION_SHAPES_MAX, border_countries_max=BORDER_COUNTRIES_MAX):
        if area.geometry is not None:
            out.append({"g": area.geometry, "s": area.style, "t": htmlsafe.text(area.tip)})
        else:
            out.append({"c": [round(area.place.lat, 4), round(area.place.lon, 4)], "r": area.radius,
                        "s": area.style, "t": htmlsafe.text(area.tip)})
    return out
