"""Build one piece of derived data into the cache folder and exit: ``python -m geo.tools.prebuild NAME``
(NAME: gazetteer, borders or basemap).

The app runs this in a child process on its first start, so the build's peak memory (the gazetteer's build
holds every GeoNames row at once) is given back to the system when the child exits; the server then loads
the finished files like on any later start.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def _gazetteer() -> None:
    from geo.places.gazetteer import load_gazetteer

    load_gazetteer()


def _borders() -> None:
    from geo.borders import load_border_index

    load_border_index().areas  # noqa: B018 - the region areas too (built into cache/ on first use)


def _basemap() -> None:
    from geo.maps.basemap import basemap_geojson

    basemap_geojson()


BUILDERS: dict[str, Callable[[], None]] = {"gazetteer": _gazetteer, "borders": _borders, "basemap": _basemap}


def main(argv: list[str] | None = None) -> int:
    names = sys.argv[1:] if argv is None else argv
    unknown = [n for n in names if n not in BUILDERS]
    if not names or unknown:
        print(f"usage: python -m geo.tools.prebuild {'|'.join(BUILDERS)} ...", file=sys.stderr)
        return 2
    for name in names:
        BUILDERS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
