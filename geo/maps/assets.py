"""Leaflet, jQuery and Leaflet.markercluster read from the xstatic packages, for maps that need no network.

Each asset is returned as a ``data:`` URI so that folium's per-instance ``default_js`` / ``default_css``
lists (which both the static export and streamlit-folium read) point at inlined copies, not at CDNs;
:func:`library_files` gives the raw files, which :mod:`geo.maps.webassets` publishes for a server to serve.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

from geo.errors import DataError

_IMAGE_URL = re.compile(r"url\((['\"]?)images/([A-Za-z0-9_.-]+\.png)\1\)")


def _package_dir(module: str, pip_name: str) -> Path:
    try:
        pkg = __import__(f"xstatic.pkg.{module}", fromlist=["BASE_DIR"])
    except ImportError as exc:
        raise DataError(
            f"the map assets are missing: run `pip install {pip_name}` (see requirements.txt)"
        ) from exc
    return Path(pkg.BASE_DIR)


def _read(module: str, pip_name: str, name: str) -> bytes:
    path = _package_dir(module, pip_name) / name
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"{path} is unreadable: reinstall with `pip install --force-reinstall {pip_name}`"
        ) from exc


def data_uri(mime: str, payload: bytes) -> str:
    """A base64 ``data:`` URI."""
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def _leaflet_css() -> bytes:
    """leaflet.css with its ``url(images/...)`` references replaced by inlined PNGs."""
    css = _read("leaflet", "xstatic-leaflet", "leaflet.css").decode("utf-8")

    def inline(match: re.Match[str]) -> str:
        png = _read("leaflet", "xstatic-leaflet", f"images/{match.group(2)}")
        return f'url("{data_uri("image/png", png)}")'

    return _IMAGE_URL.sub(inline, css).encode("utf-8")


@functools.lru_cache(maxsize=1)
def library_files() -> tuple[tuple[str, str, bytes], ...]:
    """(name, MIME type, content) of every library file, scripts in load order: Leaflet, jQuery (folium's
    Popup needs ``$``), MarkerCluster; then the stylesheets (Leaflet's with its images inlined)."""
    mc = ("leaflet_markercluster", "xstatic-leaflet-markercluster")
    return (
        ("leaflet", "text/javascript", _read("leaflet", "xstatic-leaflet", "leaflet.js")),
        ("jquery", "text/javascript", _read("jquery", "xstatic-jquery", "jquery.min.js")),
        ("markerclusterjs", "text/javascript", _read(*mc, "leaflet.markercluster.js")),
        ("leaflet_css", "text/css", _leaflet_css()),
        ("markerclustercss", "text/css", _read(*mc, "MarkerCluster.css")),
        ("markerclusterdefaultcss", "text/css", _read(*mc, "MarkerCluster.Default.css")),
    )


@functools.lru_cache(maxsize=1)
def inline_js() -> tuple[tuple[str, str], ...]:
    """(name, data URI) pairs of the scripts, in load order."""
    return tuple((name, data_uri(mime, data)) for name, mime, data in library_files() if mime == "text/javascript")


@functools.lru_cache(maxsize=1)
def inline_css() -> tuple[tuple[str, str], ...]:
    """(name, data URI) pairs of the stylesheets."""
    return tuple((name, data_uri(mime, data)) for name, mime, data in library_files() if mime == "text/css")

