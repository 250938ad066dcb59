"""The map's static files served by the Streamlit server itself, so each map the app draws links to them
instead of carrying its own inlined copies (~0.9 MB less per map sent to every browser).

Streamlit serves any file inside a declared component's folder at ``/component/<name>/<file>``; the
published files (geo.maps.webassets, content-hashed names under ``cache/web``) are declared as such a folder.
The st_folium map frame lives at ``/component/streamlit_folium.st_folium/index.html``, so the maps link
to ``../<name>/<file>``. When the cache folder cannot be written, the app keeps self-contained maps.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from geo.maps import webassets
from geo.paths import warn_unwritable


@st.cache_resource(show_spinner=False)
def asset_urls() -> dict[str, str] | None:
    """{asset name: URL relative to the map frame} for build_map(assets="linked"), or None when the files
    cannot be published (the maps then carry their assets inline)."""
    target = webassets.folder()
    try:
        names = webassets.publish(target)
    except OSError as exc:
        warn_unwritable(target, exc)
        return None
    served = components.declare_component("geo_map_files", path=str(target))
    return {name: f"../{served.name}/{file_name}" for name, file_name in names.items()}
