"""Contested, occupied and disputed territories for border tagging: lookups over the project's own table.

The table itself (and the rules it follows) is pure data in geo.places.territories, one layer below, so that
the gazetteer can name these places too.
"""

from __future__ import annotations

from typing import Any

from geo.places.territories import DOCUMENT_STATUS, TABLE_STATUSES, TERRITORIES

__all__ = ["DOCUMENT_STATUS", "TABLE_STATUSES", "TERRITORIES", "by_id", "by_region_code"]


def by_id(territory_id: str) -> dict[str, Any]:
    """The entry with this id; KeyError lists the valid ids."""
    for entry in TERRITORIES:
        if entry["id"] == territory_id:
            return entry
    raise KeyError(f"unknown territory {territory_id!r}; choose one of {[e['id'] for e in TERRITORIES]}")


def by_region_code(code: str) -> dict[str, Any] | None:
    """The entry for an ISO 3166-2 code (``UA-43``) or a GeoNames ``CC.admin1`` key (``UA.11``)."""
    code = code.strip().upper()
    for entry in TERRITORIES:
        if code in entry["region_codes"]:
            return entry
        if entry["geometry"]["method"] == "admin1" and code in entry["geometry"]["geonames"]:
            return entry
    return None
