"""Border context in words: one sentence per place, written once for every place kind.
"""

from __future__ import annotations

import re
from typing import Any

from geo.parse.model import Place
from geo.places.naturalearth import country_name

# ---------------------------------------------------------------- phrasing


def join_names(items: list[str]) -> str:
    items = [x for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _name(code: str | None) -> str:
    """Country name for a code; labels that are not codes pass through."""
    if code and re.fullmatch(r"[A-Z]{2}", code):
        return country_name(code)
    return code or ""


def summarise(border: dict[str, Any]) -> str:
    """One short phrase saying where a place stands (no place name)."""
    status = border.get("status")
    name = border.get("country_name") or _name(border.get("country"))
    territory = border.get("territory")
    if status == "at_sea":
        coast = border.get("coast_country_name") or _name(border.get("coast_country"))
        return f"at sea, {border['coast_km']:.0f} km from the coast of {coast}"
    if border.get("area"):
        if territory:
            return f"{name}; {territory['name']} is disputed: claimed by {join_names([_name(c) for c in border['claimed_by']])} ({territory['source']})"
        if status == "unknown":
            return border["notes"][0].rstrip(".") if border.get("notes") else "status unknown"
        nbs = border.get("neighbours") or []
        tail = f"land borders with {join_names([_name(c) for c in nbs])}" if nbs else "no land borders"
        return f"{name}, the whole country within its internationally recognised borders; {tail}"
    if territory:
        admin = border.get("administered_by")
        since, source = territory["since"], territory["source"]
        claims = join_names([_name(c) for c in border["claimed_by"]])
        de_jure = f"{name} (de jure)" if territory["de_jure"] else name
        is_state = bool(admin and re.fullmatch(r"[A-Z]{2}", admin))
        if territory["status"] == "occupied":
            verb = "occupied by" if is_state else "held by"
            return f"{de_jure}; {verb} {_name(admin)} since {since} ({source})"
        if territory["status"] == "annexation_claimed":
            return (
                f"{de_jure}; in {territory['name']}, which {claims} claims to have annexed and partly "
                f"occupies ({source} rejects the claim)"
            )
        if (
            admin
            and admin == border.get("country")
            and territory["de_jure"] is None
            and not territory["by_position"]
        ):
            return f"{name}; disputed: claimed by {claims} ({source})"
        if territory["by_position"]:
            return f"{name}'s side of {territory['name']}, also claimed by {claims} ({source})"
        if not is_state and territory["de_jure"]:
            return f"{de_jure}; held by {_name(admin)} since {since} ({source})"
        return f"{de_jure}; disputed: held by {_name(admin)}, claimed by {claims} ({source})"
    if status == "contested":
        return f"in land assigned to no state, claimed by {join_names([_name(c) for c in border['claimed_by']])}"
    if status == "unknown" or not name:
        return f"{name}; status unknown" if name else "status unknown"
    nearest = border.get("nearest_border")
    if nearest:
        neighbour = nearest.get("neighbour_name") or _name(nearest.get("neighbour"))
        return (
            f"{name}, {nearest['km']:.0f} km from the border with {neighbour}, "
            f"inside {name}'s internationally recognised borders"
        )
    return f"{name}, inside its internationally recognised borders"


def describe(place_name: str, border: dict[str, Any]) -> str:
    """One short sentence for the UI, e.g. 'Kursk — Russia, 100 km from the border with Ukraine, ...'."""
    return f"{place_name} — {summarise(border)}"


def border_sentence(place: Place) -> str:
    """The one line of border context shown for a place (map popup, app, ``parse`` table); "" without a border."""
    if not place.border:
        return ""
    return describe(place.name, place.border)
