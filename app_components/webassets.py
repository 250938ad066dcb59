"""The map's frame and static files served by the Streamlit server itself.

Streamlit serves any file inside a declared component's folder at ``/component/<name>/<file>``. The
published files (geo.maps.webassets: Leaflet, jQuery, MarkerCluster, their stylesheets and the basemap,
content-hashed names under ``cache/web``) and the map frame's ``index.html`` (map_frontend/frame.html with
links to those files) share one such folder: the frame is the component ``MAP_FRAME_NAME``, and a map
links to its files by bare name. The frame's HTML names the files, so the browser fetches them in parallel
as soon as the frame loads (streamlit-folium's frame loads its own 225 kB bundle first, then each library
after the other). When the cache folder cannot be written, the app keeps self-contained st_folium maps.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from geo.maps import webassets
from geo.paths import atomic_write_bytes, warn_unwritable

FRAME_TEMPLATE = Path(__file__).resolve().parent / "map_frontend" / "frame.html"
MAP_FRAME_NAME = "geo_map"  # the frame's title in the page: app_components.webassets.geo_map


def frame_html(names: dict[str, str]) -> str:
    """The map frame's index.html for the published files ``names`` ({asset name: file name})."""
    links = []
    for file_name in names.values():
        href = html.escape(file_name, quote=True)
        if file_name.endswith(".css"):
            links.append(f'<link rel="stylesheet" href="{href}">')
        elif file_name.endswith(".json"):  # fetched by the map's script: asked for now, while the scripts load
            links.append(f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{href}">')
    links += [f'<script src="{html.escape(f, quote=True)}"></script>' for f in names.values() if f.endswith(".js")]
    return FRAME_TEMPLATE.read_text(encoding="utf-8").replace("<!--ASSETS-->", "\n".join(links))


@st.cache_resource(show_spinner=False)
def map_frame() -> tuple[Any, dict[str, str]] | None:
    """(the map frame component, {asset name: URL relative to the frame}) for build_map(assets="linked"),
    or None when the files cannot be published (the maps then carry their assets inline)."""
    target = webassets.folder()
    try:
        names = webassets.publish(target)
        page = frame_html(names).encode("utf-8")
        index = target / "index.html"
        if not index.is_file() or index.is_symlink() or index.read_bytes() != page:
            atomic_write_bytes(index, page)
    except OSError as exc:
        warn_unwritable(target, exc)
        return None
    component = components.declare_component(MAP_FRAME_NAME, path=str(target))
    return component, dict(names)


def asset_urls() -> dict[str, str] | None:
    """{asset name: URL relative to the map frame}, or None when maps must carry their assets inline."""
    found = map_frame()
    return None if found is None else found[1]
