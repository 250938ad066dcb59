"""The map's static files (Leaflet, jQuery, MarkerCluster, their stylesheets, the world basemap and its names) as files
a web server can serve, so that a page drawing many maps fetches them once instead of carrying ~1 MB of
inlined copies in every map.

Every file name carries a hash of its content, so a name always means the same bytes (browsers may cache
them for good) and a data or library upgrade publishes new names instead of changing old files. The
static export keeps everything inline (see :mod:`geo.maps.mapview`); only a server, such as the Streamlit app,
links to these files.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from geo.maps import assets, basemap, labels
from geo.paths import atomic_write_bytes, cache_dir

FOLDER_NAME = "web"
EXTENSIONS = {"text/javascript": "js", "text/css": "css", "application/json": "json"}
BASEMAP = "basemap"
LABELS = "labels"


def folder() -> Path:
    """Where published files live: ``<cache>/web``."""
    return cache_dir() / FOLDER_NAME


@functools.lru_cache(maxsize=1)
def web_files() -> tuple[tuple[str, str, bytes], ...]:
    """(asset name, content-hashed file name, content) of every file a linked map needs."""
    files = [*assets.library_files(),
             (BASEMAP, "application/json",
              json.dumps(basemap.basemap_geojson(), separators=(",", ":"), sort_keys=True).encode("utf-8")),
             (LABELS, "application/json", labels.labels_json().encode("utf-8"))]
    out = []
    for name, mime, data in files:
        digest = hashlib.sha256(data).hexdigest()[:16]
        out.append((name, f"{name}-{digest}.{EXTENSIONS[mime]}", data))
    return tuple(out)


def publish(target: Path | None = None) -> dict[str, str]:
    """Write every file of :func:`web_files` into ``target`` (default :func:`folder`) unless it is already
    there with the right size; returns {asset name: file name}. Raises OSError when the folder is not
    writable (the caller then keeps maps self-contained)."""
    target = Path(target) if target is not None else folder()
    names = {}
    for name, file_name, data in web_files():
        path = target / file_name
        try:  # a symlink is replaced too: Streamlit refuses to serve a file that resolves outside the folder
            current = -1 if path.is_symlink() else path.stat().st_size
        except OSError:
            current = -1
        if current != len(data):
            atomic_write_bytes(path, data)
        names[name] = file_name
    return names
