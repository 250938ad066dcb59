"""Geospatial map visualiser for news: find the places an article mentions and map them.

The parts, lowest first (README "How it works"): places (gazetteer, geocoders), parse (articles, mentions,
resolution, the Document), borders (border context), the pipeline that joins them, maps (folium map and
static export), store (documents and corrections), tools (bench, stress, eval) and the CLI; app.py on top.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

__version__ = "0.1.0"

# The Python API (geo/api.py; README "Python API"): the stable names. ``geo.parse`` and ``geo.corpus`` are the
# packages of those names, callable (see callable_package); the others are looked up on first use, so
# ``import geo`` loads no data, no folium and no pandas.
_EXPORTS = {
    "map": "api",
    "Corpus": "api",
    "Document": "parse.model",
    "Place": "parse.model",
    "Mention": "parse.model",
    "GeoError": "errors",
    "InputError": "errors",
}
API = ("parse", "corpus", *_EXPORTS)


class CallablePackage(types.ModuleType):
    """A package that is also the function of its name (``geo.parse(...)``, ``geo.corpus(...)``): calling it calls
    the function named by its ``__call_target__`` (``"module:function"``), imported on the first call."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        module, name = self.__dict__["__call_target__"].split(":")
        return getattr(importlib.import_module(module), name)(*args, **kwargs)


def callable_package(package: str, target: str) -> None:
    """Make the package ``package`` (already in sys.modules) callable as ``target`` ("module:function")."""
    module = sys.modules[package]
    module.__call_target__ = target
    module.__class__ = CallablePackage


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


def __getattr__(name: str) -> Any:
    if name in ("parse", "corpus"):  # the callable packages
        return importlib.import_module(f"{__name__}.{name}")
    return _api_getattr(name)


_api_getattr, _api_dir = lazy_exports(__name__, _EXPORTS)


def __dir__() -> list[str]:
    return sorted({*globals(), *API})


__all__ = sorted(API)
