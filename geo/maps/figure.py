"""A static figure of a story's map for print and social media (PNG or SVG), drawn with matplotlib.

The same map as the interactive one, without a browser: the opening frame of geo.maps.frame, the Natural
Earth basemap (Web Mercator, as the web map) with its names placed greedily by rank (geo.maps.labels), the
outlines of the countries mentioned, the land borders between them, hatched contested areas, region areas,
the pins with their names, and a legend line stating the border view and the data's sources. Places the
frame leaves out are named under the map. In SVG every name stays text (``svg.fonttype = none``).
"""

from __future__ import annotations

import functools
import io
import math
from pathlib import Path
from typing import Any

from geo.errors import InputError
from geo.maps import basemap, labels
from geo.maps.frame import frame_points, story_frame
from geo.maps.popups import KIND_LABEL, mappable_places
from geo.parse.model import Document
from geo.paths import atomic_write_bytes
from geo.places import naturalearth

FORMATS = ("png", "svg")
DEFAULT_SIZE = (1600, 1000)
DEFAULT_DPI = 150
MAX_PIXELS = 40_000_000
MAX_LAT = 85.0
PNG_COMPRESSION = 3  # zlib level: 6 (the default) takes twice as long for a file about 10 % smaller
FRAME_MAX_ZOOM = 7  # as the web map: a frame of one city shows its region, not its streets
DETAIL_SPAN_DEG = 60.0  # a narrower view draws the detailed outlines; a wider one the world basemap's
PAD_SHARE = 0.08  # the frame's margin, each side, as a share of its span
CSS_PX_PER_INCH = 96
SEA, LAND, EDGE = "#c9dcea", "#f4f1e8", "#8a8a8a"
BLUE, RED, HATCH_RED, ORANGE = "#3451a8", "#d0021b", "#a00000", "#c25e00"
PIN_STYLE = {  # kind: (marker, colour), as the web map's pins
    "city": ("o", "#b3202a"), "region": ("s", "#c25e00"), "country": ("D", "#3451a8"),
    "continent": ("^", "#4b6b2f"), "feature": ("o", "#6a3d9a"),
}
LABEL_STYLE = {  # kind: (font size pt, colour, weight, style)
    "country": (8.5, "#7a7263", "bold", "normal"), "capital": (7.5, "#4d4840", "bold", "normal"),
    "city": (7, "#5f5a52", "normal", "normal"), "region": (6.5, "#8f826b", "normal", "italic"),
}
SOURCES = ("Places: GeoNames (CC BY 4.0), countrystatecity (ODbL). Borders and basemap: Natural Earth "
           "(public domain).")


def mercator_y(lat: float) -> float:
    """Web Mercator northing in degrees (the unit of longitude), so x and y share one scale."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def figure_format(path: str | Path) -> str:
    """``png`` or ``svg`` from the file name; InputError for anything else."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InputError(f"cannot tell the figure's format from {Path(path).name!r}: name a .png or .svg file")
    return suffix


def parse_size(text: str) -> tuple[int, int]:
    """``1600x1000`` as (width, height) in pixels; InputError when it is not two positive integers."""
    parts = text.lower().split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise InputError(f"--size {text!r}: give WIDTHxHEIGHT in pixels, e.g. 1600x1000") from None
    if width < 200 or height < 150 or width * height > MAX_PIXELS:
        raise InputError(f"--size {text!r}: between 200x150 and {MAX_PIXELS:,} pixels in all")
    return width, height


def figure_extent(bounds: list[list[float]], width_px: float, height_px: float) -> tuple[float, ...]:
    """(west, east, south_y, north_y) in Mercator degrees: the frame with a margin, no closer than the web
    map's largest opening zoom, widened to the figure's shape."""
    (south, west), (north, east) = bounds
    x0, x1, y0, y1 = west, east, mercator_y(south), mercator_y(north)
    min_span = width_px * 360 / (256 * 2 ** FRAME_MAX_ZOOM)
    span_x = max(x1 - x0, min_span) * (1 + 2 * PAD_SHARE)
    span_y = max(y1 - y0, min_span * height_px / width_px) * (1 + 2 * PAD_SHARE)
    aspect = width_px / height_px
    span_x, span_y = max(span_x, span_y * aspect), max(span_y, span_x / aspect)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - span_x / 2, cx + span_x / 2, cy - span_y / 2, cy + span_y / 2


def mercator_xy(coords: Any) -> Any:
    """An (n, 2) array of (lon, lat) as (lon, Mercator y), vectorised."""
    import numpy as np

    xy = np.array(coords, dtype=float).reshape(-1, 2)
    lat = np.radians(np.clip(xy[:, 1], -MAX_LAT, MAX_LAT))
    xy[:, 1] = np.degrees(np.log(np.tan(np.pi / 4 + lat / 2)))
    return xy


def _ring_path(ring: Any, verts: list, codes: list) -> None:
    import numpy as np
    import shapely
    from matplotlib.path import Path as MplPath

    pts = mercator_xy(shapely.get_coordinates(ring))
    if len(pts) < 3:
        return
    verts.append(pts)
    kinds = np.full(len(pts), MplPath.LINETO, dtype=np.uint8)
    kinds[0], kinds[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
    codes.append(kinds)


def geometry_path(geom: Any) -> Any:
    """A matplotlib Path of a shapely (multi)polygon in Mercator degrees (holes kept), None when empty."""
    import numpy as np
    import shapely
    from matplotlib.path import Path as MplPath

    verts: list = []
    codes: list = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        _ring_path(poly.exterior, verts, codes)
        for hole in poly.interiors:
            _ring_path(hole, verts, codes)
    return MplPath(np.concatenate(verts), np.concatenate(codes)) if verts else None


def _line_paths(geojson: dict[str, Any]) -> list[Any]:
    from matplotlib.path import Path as MplPath

    lines = geojson["coordinates"] if geojson["type"] == "MultiLineString" else [geojson["coordinates"]]
    return [MplPath(mercator_xy(line)) for line in lines if len(line) > 1]


class _Canvas:
    """The figure being drawn: data-to-pixel conversion and the boxes names must not cover."""

    def __init__(self, fig: Any, ax: Any, extent: tuple[float, ...], width: int, height: int, dpi: int):
        self.fig, self.ax, self.extent, self.width, self.height, self.dpi = fig, ax, extent, width, height, dpi
        box = ax.get_position()
        self.ax_px = (box.x0 * width, box.y0 * height, box.width * width, box.height * height)

    def add(self, artist: Any) -> None:
        """Add a patch without matplotlib's data-limit update (the view is set; the update walks every vertex)."""
        self.ax.add_artist(artist)

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        west, east, south, north = self.extent
        x0, y0, w, h = self.ax_px
        return x0 + (x - west) / (east - west) * w, y0 + (y - south) / (north - south) * h

    def inside(self, x: float, y: float) -> bool:
        west, east, south, north = self.extent
        return west <= x <= east and south <= y <= north

    def text_box(self, px: tuple[float, float], text: str, size_pt: float, ha: str, va: str) -> labels.Box:
        em = 0.76 if text.isupper() else 0.62  # DejaVu Sans: capitals are wider than lower case
        w = len(text) * size_pt * em * self.dpi / 72 + 4
        h = size_pt * 1.3 * self.dpi / 72
        x0 = px[0] if ha == "left" else px[0] - w if ha == "right" else px[0] - w / 2
        y0 = px[1] if va == "bottom" else px[1] - h if va == "top" else px[1] - h / 2
        return (x0, y0, x0 + w, y0 + h)

    def within(self, box: labels.Box) -> bool:
        x0, y0, w, h = self.ax_px
        return box[0] >= x0 and box[1] >= y0 and box[2] <= x0 + w and box[3] <= y0 + h


@functools.lru_cache(maxsize=1)
def _basemap_shapes() -> tuple[tuple[str, Any], ...]:
    """(ISO code, shapely geometry) of every basemap country, parsed once per process."""
    from shapely.geometry import shape

    return tuple((f["properties"]["iso_a2"], shape(f["geometry"])) for f in basemap.basemap_geojson()["features"])


def _draw_areas(cv: _Canvas, places: list[Any]) -> None:
    import shapely
    from matplotlib.collections import PathCollection
    from matplotlib.patches import PathPatch

    from geo.maps.areas import CONTESTED, country_codes, region_shape, territory_shape

    west, east, south, north = cv.extent
    view = shapely.box(west, -MAX_LAT, east, MAX_LAT)
    paths = []
    for code, geom in _basemap_shapes():
        if geom.intersects(view):
            detailed = basemap.outline_shape(code) if code and east - west < DETAIL_SPAN_DEG else None
            path = geometry_path(detailed if detailed is not None else geom)
            if path is not None:
                paths.append(path)
    cv.ax.add_collection(PathCollection(paths, facecolor=LAND, edgecolor=EDGE, linewidth=0.4, zorder=1))
    named, holding = country_codes(places)
    for code, strong in [(c, True) for c in named] + [(c, False) for c in holding]:
        geom = basemap.outline_shape(code)
        path = geometry_path(geom) if geom is not None else None
        if path is not None:
            cv.add(PathPatch(path, facecolor=BLUE if strong else "none", alpha=0.12 if strong else 1,
                                      edgecolor="none", zorder=2))
            cv.add(PathPatch(path, facecolor="none", edgecolor=BLUE, linewidth=1.2 if strong else 0.6,
                                      linestyle="-" if strong else (0, (3, 3)), zorder=3))
    for p in places:
        if p.kind == "region" and (geom := region_shape(p)) is not None and (path := geometry_path(geom)):
            cv.add(PathPatch(path, facecolor=ORANGE, alpha=0.12, edgecolor="none", zorder=3))
            cv.add(PathPatch(path, facecolor="none", edgecolor=ORANGE, linewidth=0.8,
                                      linestyle=(0, (4, 3)), zorder=3))
    for _a, _b, line in basemap.shared_borders(named + holding):
        for path in _line_paths(line):
            cv.add(PathPatch(path, facecolor="none", edgecolor=RED, linewidth=2, linestyle=(0, (4, 3)),
                                      zorder=4))
    seen: set[str] = set()
    for p in places:
        border = p.border or {}
        tid = str((border.get("territory") or {}).get("id") or "")
        if border.get("status") not in CONTESTED or not tid or tid in seen:
            continue
        seen.add(tid)
        geom = territory_shape(tid)
        path = geometry_path(geom) if geom is not None else None
        if path is not None:
            cv.add(PathPatch(path, facecolor="none", edgecolor=HATCH_RED, hatch="////", linewidth=1.2,
                                      linestyle=(0, (4, 3)), zorder=4))


def _draw_pins(cv: _Canvas, places: list[Any], shown: list[int]) -> list[labels.Box]:
    """Pins and their names (names placed right, left, above or below, whichever is free); the taken boxes."""
    from matplotlib.lines import Line2D

    size_pt = 8.0
    pin_px = 9 * cv.dpi / 72
    taken: list[labels.Box] = []
    points = []
    for i in shown:
        p = places[i]
        x, y = p.lon, mercator_y(p.lat)
        marker, colour = PIN_STYLE.get(p.kind, PIN_STYLE["feature"])
        cv.add(Line2D([x], [y], marker=marker, markersize=8 if p.kind != "country" else 7, color=colour,
                      markeredgecolor="white", markeredgewidth=1.2, zorder=6, linestyle="none"))
        px = cv.to_px(x, y)
        taken.append((px[0] - pin_px / 2, px[1] - pin_px / 2, px[0] + pin_px / 2, px[1] + pin_px / 2))
        points.append((p, x, y, px))
    options = (("left", "center", 1, 0), ("right", "center", -1, 0), ("center", "bottom", 0, 1),
               ("center", "top", 0, -1))
    candidates = []
    for p, _x, _y, px in points:
        boxes = []
        for ha, va, dx, dy in options:
            at = (px[0] + dx * pin_px * 0.8, px[1] + dy * pin_px * 0.8)
            boxes.append(cv.text_box(at, p.label, size_pt, ha, va))
        candidates.append(boxes)
    chosen = labels.greedy_place(candidates, taken)
    for (p, x, y, _px), choice, boxes in zip(points, chosen, candidates, strict=True):
        ha, va, dx, dy = options[choice or 0]
        taken.append(boxes[choice or 0])
        offset = (dx * 7, dy * 7)
        cv.ax.annotate(p.label, (x, y), xytext=offset, textcoords="offset points", ha=ha, va=va, fontsize=size_pt,
                       fontweight="bold", color="#1b1b1b", zorder=7, gid="place-name",
                       bbox={"boxstyle": "round,pad=0.15", "fc": (1, 1, 1, 0.75), "ec": "none"})
    return taken


def _visible_country_points(cv: _Canvas) -> list[tuple[Any, ...]]:
    """A name point for each country whose label point is out of view but whose land is in it: the most
    inland point of its land in view (so a neighbour cut by the frame is still named)."""
    import shapely
    from shapely.ops import polylabel

    west, east, south_y, north_y = cv.extent
    south, north = (math.degrees(2 * math.atan(math.exp(math.radians(v))) - math.pi / 2) for v in (south_y, north_y))
    view = shapely.box(west, south, east, north)
    anchors = {r[5]: r for r in labels.basemap_labels() if r[3] == "country" and r[5]}
    out = []
    for code, geom in _basemap_shapes():
        first = anchors.get(code)
        if first is None or view.contains(shapely.Point(first[2], first[1])):
            continue
        part = geom.intersection(view)
        if part.area < 0.005 * view.area:
            continue
        parts = sorted(shapely.get_parts(part), key=lambda g: -g.area)
        point = polylabel(parts[0], tolerance=0.05) if parts[0].geom_type == "Polygon" else None
        if point is not None:
            out.append((first[0], point.y, point.x, "country", first[4]))
    return out


def _draw_basemap_labels(cv: _Canvas, taken: list[labels.Box]) -> None:
    from matplotlib.lines import Line2D

    west, east, _s, _n = cv.extent
    zoom = math.log2(cv.width / cv.dpi * CSS_PX_PER_INCH * 360 / (256 * (east - west)))
    rows, candidates = [], []
    for name, lat, lon, kind, min_zoom, *_code in [*_visible_country_points(cv), *labels.basemap_labels()]:
        if min_zoom > zoom + 0.5 or (kind == "country" and zoom >= 9):
            continue
        x, y = lon, mercator_y(lat)
        if not cv.inside(x, y):
            continue
        size_pt = LABEL_STYLE[kind][0]
        text = name.upper() if kind == "country" else name
        box = cv.text_box(cv.to_px(x, y), text, size_pt,
                          "center" if kind in ("country", "region") else "left", "center")
        if cv.within(box):
            rows.append((text, x, y, kind))
            candidates.append([box])
    keys = [text if kind == "country" else None for text, _x, _y, kind in rows]
    for (text, x, y, kind), choice in zip(rows, labels.greedy_place(candidates, taken, keys), strict=True):
        if choice is None:
            continue
        size_pt, colour, weight, style = LABEL_STYLE[kind]
        dot = kind in ("city", "capital")
        if dot:
            cv.add(Line2D([x], [y], marker="s" if kind == "capital" else "o", markersize=2.5, color="#6d675d",
                          zorder=5, linestyle="none"))
        cv.ax.annotate(text, (x, y), xytext=(4 if dot else 0, 0), textcoords="offset points",
                       ha="left" if dot else "center", va="center", fontsize=size_pt, color=colour,
                       fontweight=weight, fontstyle=style, zorder=5, gid=f"basemap-{kind}")


def render_figure(doc: Document, fmt: str = "png", size: tuple[int, int] = DEFAULT_SIZE,
                  dpi: int = DEFAULT_DPI) -> bytes:
    """The figure of ``doc`` as PNG or SVG bytes, ``size`` pixels (at ``dpi``)."""
    import matplotlib
    from matplotlib.figure import Figure

    if fmt not in FORMATS:
        raise InputError(f"unknown figure format {fmt!r}; choose png or svg")
    if not 30 <= dpi <= 1200:
        raise InputError(f"--dpi {dpi}: choose between 30 and 1200")
    width, height = size
    places = mappable_places(doc)
    frame = story_frame(frame_points(places))
    bounds = frame.bounds if frame is not None else [[-50.0, -170.0], [75.0, 170.0]]
    far = {int(k) for k in frame.far} if frame is not None else set()
    title_h, foot_h = 34 * dpi / 72, 30 * dpi / 72  # px: the title band and the legend band
    map_h = height - title_h - foot_h
    extent = figure_extent(bounds, width, map_h)
    # parse_math off: an article's "$5 and $10" is text, not TeX (it would fail to parse, or render as maths)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": doc.article.id or "geo",
                                "font.family": "DejaVu Sans", "text.parse_math": False}):
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
        ax = fig.add_axes((0, foot_h / height, 1, map_h / height))
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_facecolor(SEA)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("auto")
        cv = _Canvas(fig, ax, extent, width, height, dpi)
        _draw_areas(cv, places)
        shown = [i for i, p in enumerate(places) if i not in far and cv.inside(p.lon, mercator_y(p.lat))]
        taken = _draw_pins(cv, places, shown)
        _draw_basemap_labels(cv, taken)
        fig.text(0.012, 1 - 6 / height * dpi / 72, _fit(doc.article.title or "Places in the article", width, dpi, 13),
                 ha="left",
                 va="top", fontsize=13, fontweight="bold", color="#1b1b1b")
        fig.text(0.012, (foot_h - 5 * dpi / 72) / height, _fit(_key_line(places, shown, far), width, dpi, 7),
                 ha="left", va="top",
                 fontsize=7, color="#333")
        fig.text(0.012, 4 * dpi / 72 / height, f"Borders: {naturalearth.BORDER_VIEW}. {SOURCES}", ha="left",
                 va="bottom", fontsize=6, color="#555")
        out = io.BytesIO()
        options = {"metadata": {"Date": None}} if fmt == "svg" else {"metadata": {"Software": None},
                                                                    "pil_kwargs": {"compress_level": PNG_COMPRESSION}}
        fig.savefig(out, format=fmt, dpi=dpi, **options)
    return out.getvalue()


def _fit(text: str, width_px: int, dpi: int, size_pt: float) -> str:
    """``text`` on one line, cut with an ellipsis where it would run past the figure's width."""
    text = " ".join(text.split())
    room = int(width_px * 0.97 / (size_pt * 0.62 * dpi / 72))
    return text if len(text) <= room else text[: max(1, room - 1)].rstrip() + "…"


def _key_line(places: list[Any], shown: list[int], far: set[int]) -> str:
    kinds = [k for k in PIN_STYLE if any(places[i].kind == k for i in shown)]
    key = "Pins: " + ", ".join(f"{KIND_LABEL.get(k, k).lower()} ({_glyph(k)})" for k in kinds) if kinds else ""
    extra = " · Blue outline: country mentioned; red dashes: land border between them; red hatching: contested"
    far_names = [places[i].label for i in sorted(far)]
    also = f" · Also mentioned, outside this map: {', '.join(far_names)}" if far_names else ""
    return key + also + extra  # the places left out before the key to the outlines: a cut line keeps them


def _glyph(kind: str) -> str:
    return {"o": "●", "s": "■", "D": "◆", "^": "▲"}[PIN_STYLE[kind][0]]


def write_figure(doc: Document, path: str | Path, size: tuple[int, int] = DEFAULT_SIZE,
                 dpi: int = DEFAULT_DPI) -> Path:
    """Render the figure (format from the file name) and write it atomically: nothing half-written."""
    path = Path(path)
    atomic_write_bytes(path, render_figure(doc, figure_format(path), size, dpi))
    return path
