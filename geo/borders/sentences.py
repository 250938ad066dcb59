"""Border context in words: one sentence per place, written once for every place kind.

The summary (``border["summary"]``) stands alone and starts with where the place is ("Russia, 97 km from
the border with Ukraine"); the sentence shown for a place (:func:`describe`) puts the place's name first and
never says a name twice ("Russia — the whole country …", not "Russia — Russia, the whole country …").
Country names take their article in running text ("the border with the United States", "the United States'").
"""

from __future__ import annotations

import re
from typing import Any

from geo.parse.model import Place
from geo.places.naturalearth import country_name
from geo.places.territories import TERRITORIES

# ---------------------------------------------------------------- phrasing

# Names read with "the" in running text: plurals, republics and kingdoms, island groups, "authorities".
_NEEDS_THE = re.compile(
    r"^(?:United |Republic of |Democratic Republic |Isle of |Holy See$)"
    r"|(?:Islands|Is\.|Republic|Kingdom|States|Emirates|Territory|Territories|Heights|authorities|Bahamas"
    r"|Comoros|Maldives|Philippines|Seychelles|Gambia|Netherlands|Vatican|Grenadines)$"
)


def the(name: str) -> str:
    """A country name as it reads in running text: 'the United States', 'the Netherlands', 'Russia'."""
    if not name or name[:4].lower() == "the " or name[:1].islower():
        return "the " + name[4:] if name[:4] == "The " else name
    return f"the {name}" if _NEEDS_THE.search(name) else name


def possessive(name: str) -> str:
    """'Russia's', 'the United States'' (no "s's")."""
    name = the(name)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def join_names(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' — each item once, in the order given."""
    seen: list[str] = []
    for x in items:
        if x and x not in seen:
            seen.append(x)
    if len(seen) <= 1:
        return "".join(seen)
    return ", ".join(seen[:-1]) + " and " + seen[-1]


def _name(code: str | None) -> str:
    """Country name for a code; labels that are not codes pass through."""
    if code and re.fullmatch(r"[A-Z]{2}", code):
        return country_name(code)
    return code or ""


def _names(codes: list[str] | None, skip: str = "") -> str:
    """'Canada and Mexico' for codes, each country once, in alphabetical order, ``skip`` left out."""
    names = sorted({the(_name(c)) for c in codes or [] if c and _name(c) != skip}, key=lambda n: n.removeprefix("the "))
    return join_names(names)


def _nearest(km: float, neighbour: str) -> str:
    """The nearest-border fact, one template for every place kind."""
    return f"{km:.0f} km from the nearest land border ({the(neighbour)})"


def _is_the_territory(region: dict[str, Any] | None, territory: dict[str, Any], same: set[str]) -> bool:
    """Whether the place is the territory itself (then "it", not its name a second time)."""
    if territory["name"].lower() in same:
        return True
    key = (region or {}).get("geonames_admin1")
    entry = next((e for e in TERRITORIES if e["id"] == territory["id"]), None)
    return bool(key and entry and tuple(entry["geometry"].get("geonames", ())) == (key,))


def _territory_clause(
    border: dict[str, Any], territory: dict[str, Any], name: str, same: set[str], state: Any
) -> tuple[str | None, str]:
    """(lead or None to drop it, clause): the territory's status, one template per table status."""
    admin = border.get("administered_by")
    since, source = territory["since"], territory["source"]
    claims = join_names(sorted((state(c) for c in border.get("claimed_by") or []), key=lambda n: n.split()[-1]))
    de_jure = " (de jure)" if territory["de_jure"] else ""
    is_state = bool(admin and re.fullmatch(r"[A-Z]{2}", admin))
    itself = _is_the_territory(border.get("region_area"), territory, same)
    if territory["status"] == "occupied":
        return the(name), f"{de_jure}; {'occupied by' if is_state else 'held by'} {state(admin)} since {since} ({source})"
    if territory["status"] == "annexation_claimed":
        if itself:
            return the(name), f"{de_jure}; {claims} claims to have annexed it and partly occupies it ({source} rejects the claim)"
        return the(name), (
            f"{de_jure}; in {territory['name']}, which {claims} claims to have annexed and partly occupies "
            f"({source} rejects the claim)"
        )
    if admin and admin == border.get("country") and territory["de_jure"] is None and not territory["by_position"]:
        return the(name), f"; disputed: claimed by {claims} ({source})"
    if territory["by_position"]:
        side = "side" if itself else f"side of {territory['name']}"
        return None, f"{possessive(name)} {side}, also claimed by {claims} ({source})"
    if not is_state and territory["de_jure"]:
        return the(name), f"{de_jure}; held by {state(admin)} since {since} ({source})"
    return the(name), f"{de_jure}; disputed: held by {state(admin)}, claimed by {claims} ({source})"


def _parts(border: dict[str, Any], subject: str = "") -> tuple[str, str]:
    """(lead, rest): the summary is ``lead + rest``; ``lead`` is the country label the sentence may drop.

    ``subject`` is the place the sentence is about: a territory of that name is then "it", not named again.
    Each kind of fact has one template: status (territory), neighbours ("the region borders …"), nearest
    land border (":func:`_nearest`"), coast at sea. A state the status names is not listed again as a
    neighbour: it is "neighbouring Israel" there.
    """
    status = border.get("status")
    name = border.get("country_name") or _name(border.get("country"))
    territory = border.get("territory")
    region = border.get("region_area")
    same = {subject.lower(), ((region or {}).get("name") or "").lower()} - {""}
    if status == "at_sea":
        coast = border.get("coast_country_name") or _name(border.get("coast_country"))
        return "", f"at sea, {border['coast_km']:.0f} km from the coast of {the(coast)}"
    if border.get("area"):
        if territory:
            admin = border.get("administered_by")
            claims = _names(border.get("claimed_by"))
            what = "disputed" if territory["name"] in (name, subject) else f"{territory['name']} is disputed"
            held = f"held by {the(_name(admin))}, " if admin and admin != border.get("country") else ""
            return the(name), f"; {what}: {held}claimed by {claims} ({territory['source']})"
        if status == "unknown":
            note = border["notes"][0].rstrip(".") if border.get("notes") else "status unknown"
            return "", note[0].lower() + note[1:] if re.match(r"An? ", note) else note
        nbs = _names(border.get("neighbours"), skip=name)
        tail = f"land borders with {nbs}" if nbs else "no land borders"
        return the(name), f", the whole country within its internationally recognised borders; {tail}"
    touching = [c for c in (region or {}).get("neighbours") or [] if _name(c) != name]

    def state(code: str | None) -> str:
        label = the(_name(code))
        return f"neighbouring {label}" if code in touching and region else label

    if territory:
        lead, head = _territory_clause(border, territory, name, same, state)
        named = {border.get("administered_by"), *(border.get("claimed_by") or [])}
        rest = [c for c in touching if c not in named]
        also = "also " if len(rest) < len(touching) else ""
        tail = f"; the region {also}borders {_names(rest)}" if region and rest else ""
        return lead or "", head + tail
    if status == "contested":
        return "", f"in land assigned to no state, claimed by {_names(border.get('claimed_by'))}"
    if status == "unknown" or not name:
        return (the(name), "; status unknown") if name else ("", "status unknown")
    if region:
        if touching:
            return the(name), f"; the region borders {_names(touching)}"
        km, nb = region.get("border_km"), region.get("nearest_neighbour")
        if km is not None and nb:
            return the(name), ", " + _nearest(km, _name(nb))
        return the(name), ", inside its internationally recognised borders"
    nearest = border.get("nearest_border")
    if nearest:
        neighbour = nearest.get("neighbour_name") or _name(nearest.get("neighbour"))
        return the(name), f", {_nearest(nearest['km'], neighbour)}, inside its internationally recognised borders"
    return the(name), ", inside its internationally recognised borders"


def summarise(border: dict[str, Any]) -> str:
    """One short phrase saying where a place stands (no place name)."""
    lead, rest = _parts(border)
    return (lead + rest).lstrip(",; ")


def describe(place_name: str, border: dict[str, Any]) -> str:
    """One short sentence for the UI, e.g. 'Kursk — Russia, 100 km from the border with Ukraine, ...'.

    The country label is left out when it is the place itself ("Russia — the whole country …").
    """
    lead, rest = _parts(border, place_name)
    if lead and the(place_name).lower() == lead.lower() and not rest.startswith(" ("):
        text = rest.lstrip(",; ")
    else:
        text = (lead + rest).lstrip(",; ")
    return f"{place_name} — {text}"


def border_sentence(place: Place) -> str:
    """The one line of border context shown for a place (map popup, app, ``parse`` table); "" without a border."""
    if not place.border:
        return ""
    return describe(place.label, place.border)
