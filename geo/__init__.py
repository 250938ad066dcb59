"""Geospatial map visualiser for news: find the places an article mentions and map them.

The parts, lowest first (README "How it works"): places (gazetteer, geocoders), parse (articles, mentions,
resolution, the Document), borders (border context), the pipeline that joins them, maps (folium map and
static export), store (documents and corrections), tools (bench, stress, eval) and the CLI; app.py on top.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__version__ = "0.1.0"


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose public names live in its modules.

    ``exports`` maps each public name to the module (relative to ``package``) that defines it; the module is
    imported on first use, so importing a package costs nothing and never creates an import cycle.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
