"""The app's map: folium rendered once per map (document, corrections, focused place) and drawn in the app's
own light frame (app_components.webassets) when the server publishes its map files.

st_folium renders the folium map three times per call (≈0.3–0.45 s here for the reference article) and
rendering the same Map twice is not idempotent, so the Map itself cannot be cached. Instead the arguments
st_folium hands to its frontend (the map's script, header, links) are captured once per map key and replayed
on later reruns: same arguments, same component key, so the browser keeps the map it has instead of loading
it again. With the app's frame they go to that frame, which speaks the same language back (the last clicked
object and its tooltip); without it (the cache folder is not writable) to streamlit-folium's own frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

import folium
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

MAX_MAPS = 24  # cached maps per server (about 1 MB each)
# st_folium finds its component function as a module global, so capturing patches it for the whole process:
# one capture at a time, and replays call the real function through this reference, never the global.
_COMPONENT = getattr(streamlit_folium, "_component_func", None)
_CAPTURE_LOCK = threading.Lock()
# What the app's frame reads (app_components/map_frontend/frame.html); the rest of st_folium's arguments
# (zoom, center, feature groups, drawing) are for features this app does not use.
FRAME_ARGS = ("script", "header", "html", "height", "returned_objects", "default", "css_links", "js_links", "key")


def _capture(fig: folium.Map, options: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments st_folium passes to its component for ``fig`` (nothing is drawn)."""
    seen: list[dict[str, Any]] = []
    if "bounds" not in (options.get("returned_objects") or ["bounds"]):
        # st_folium walks every basemap vertex (≈0.1 s) only to report the map's bounds, which we never ask for.
        fig.get_bounds = lambda: [[None, None], [None, None]]
    with _CAPTURE_LOCK, mock.patch.object(streamlit_folium, "_component_func",
                                          side_effect=lambda **kw: seen.append(kw)):
        st_folium(fig, **options)
    args = dict(seen[0])
    args.pop("on_change", None)  # a closure over one session's state: never shared
    return args


@st.cache_resource(max_entries=MAX_MAPS, show_spinner=False)
def _cached_args(map_key: tuple, _build: Callable[[], folium.Map], options_key: tuple) -> dict[str, Any]:
    return _capture(_build(), dict(options_key))


def cached_map(map_key: tuple, build: Callable[[], folium.Map], *, key: str, height: int,
               returned_objects: list[str], frame: Callable[..., Any] | None = None,
               report_drawn: bool = False, show: str | None = None,
               on_change: Callable[[], None] | None = None) -> Any:
    """Show the map ``build()`` makes for ``map_key`` (built and rendered once per key per server) in
    ``frame`` (the app's map component) or else streamlit-folium's, and return the last clicked object.
    With ``report_drawn`` the app's frame also says once that its map is drawn (``"drawn": True`` in the
    returned value, which reruns the app); ``on_change`` is called before that run (and on every click).
    ``show`` (a place id) is opened, popup and all, by the app's frame as soon as it has drawn a new map."""
    options = {"key": key, "height": height, "use_container_width": True, "returned_objects": returned_objects}
    if not callable(_COMPONENT):  # a streamlit-folium without it: the plain (slower) path
        return st_folium(build(), **options)
    args = _cached_args(map_key, build, tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                                     for k, v in options.items())))
    replay = dict(args) if frame is None else {k: args[k] for k in FRAME_ARGS if k in args}
    replay["returned_objects"] = list(replay.get("returned_objects") or [])
    if frame is None:
        return _COMPONENT(**replay)
    if report_drawn:
        replay["report_drawn"] = True
    if show:
        replay["show"] = show
    return frame(**replay, on_change=on_change)
