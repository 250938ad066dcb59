"""First-level subdivisions (ISO 3166-2) as the countrystatecity-countries package names them: their English
name and type ("administrative region", "autonomous city", "state"), to tell apart places that share a name
(Moscow Oblast and the city of Moscow are both "Moscow" regions there). Loaded per country, on first use.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=512)  # every country once
def _country_subdivisions(country: str) -> dict[str, tuple[str, str]]:
    import countrystatecity_countries as csc

    try:
        states = csc.get_states_of_country(country)
    except Exception:  # noqa: BLE001 - an unknown country code: no subdivisions to name
        return {}
    return {s.iso3166_2: (s.name, (s.type or "").strip().lower()) for s in states if s.iso3166_2}


def subdivision(code: str | None) -> tuple[str, str] | None:
    """(name, type) of the subdivision with ISO 3166-2 ``code`` ("RU-MOS"), or None when unknown."""
    if not code or "-" not in code:
        return None
    return _country_subdivisions(code.split("-", 1)[0].upper()).get(code.upper())
