"""The opening frame of a story's map: where the story happens, not every place it names.

A pure function over plain points (no map library), used by the interactive map, the export and the figure
alike. The story's cities and regions are grouped by proximity (two places closer than ``LINK_KM`` belong to
the same group, transitively); each group weighs the mentions of its places. The heaviest group frames the
map, with every other group that weighs at least ``KEEP_SHARE`` of it and more than one mention. A lighter
group far away (another continent, a single mention: "Washington" in a story about Ukraine) stays on the map
but does not widen the frame: it is listed as *far*, so that the map can say it is there. Countries,
continents and macro-regions count lightly: one widens the frame only when its point lies within
``LIGHT_MARGIN_DEG`` of the framed places, and is never listed as far (its outline is on the map, and its
point, as Russia's in Siberia, says little about where the story is). Without cities or regions, the
countries are grouped instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

LINK_KM = 1500.0  # places closer are one group (Kyiv–Moscow 750 km, Seoul–Tokyo 1,160; Odesa–Cairo 1,830)
KEEP_SHARE = 0.25  # a second group widens the frame when it weighs at least this share of the heaviest
LIGHT_MARGIN_DEG = 12.0  # a country counts only this close to the framed places
STRONG_KINDS = ("city", "region")
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class FramePoint:
    """One place as the frame sees it: a key (the map's pin key), where it is, its kind and mention count."""

    key: str
    lat: float
    lon: float
    kind: str = "city"
    mentions: int = 1


@dataclass(frozen=True)
class Frame:
    """[[south, west], [north, east]] of the opening view, and the keys of the places left outside it."""

    bounds: list[list[float]]
    far: list[str] = field(default_factory=list)


def distance_km(a: FramePoint, b: FramePoint) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def proximity_groups(points: list[FramePoint], link_km: float = LINK_KM) -> list[list[FramePoint]]:
    """Points grouped transitively by ``link_km`` (single linkage), each group in input order, groups in order
    of their first point."""
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            if distance_km(points[i], points[j]) <= link_km:
                parent[root(j)] = root(i)
    groups: dict[int, list[FramePoint]] = {}
    for i, p in enumerate(points):
        groups.setdefault(root(i), []).append(p)
    return list(groups.values())


def _weight(group: list[FramePoint]) -> int:
    return sum(max(1, p.mentions) for p in group)


def story_frame(points: list[FramePoint]) -> Frame | None:
    """The opening frame of ``points`` (see the module docstring); None without points."""
    if not points:
        return None
    strong = [p for p in points if p.kind in STRONG_KINDS] or list(points)
    light = [p for p in points if p not in strong]
    groups = sorted(proximity_groups(strong), key=_weight, reverse=True)  # stable: ties keep input order
    heaviest = _weight(groups[0])
    kept: list[FramePoint] = []
    far: list[str] = []
    for i, group in enumerate(groups):
        weight = _weight(group)
        if i == 0 or (weight > 1 and weight >= KEEP_SHARE * heaviest):
            kept.extend(group)
        else:
            far.extend(p.key for p in group)
    lats, lons = [p.lat for p in kept], [p.lon for p in kept]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    m = LIGHT_MARGIN_DEG
    for p in light:
        if south - m <= p.lat <= north + m and west - m <= p.lon <= east + m:
            lats.append(p.lat)
            lons.append(p.lon)
    order = {p.key: i for i, p in enumerate(points)}
    return Frame([[min(lats), min(lons)], [max(lats), max(lons)]], sorted(far, key=order.__getitem__))


def frame_points(places: list) -> list[FramePoint]:
    """FramePoints of mapped places (anything with lat, lon, kind and mentions), keyed by their index."""
    return [FramePoint(str(i), p.lat, p.lon, p.kind, len(p.mentions)) for i, p in enumerate(places)]
