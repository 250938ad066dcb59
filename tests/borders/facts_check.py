"""What a border sentence states, read back from its words: the de jure country named first and the
neighbours it claims, so a test can hold the sentence against the border dict and the country adjacency."""

from __future__ import annotations

import re
from typing import Any

from geo.borders import BorderIndex
from geo.borders.sentences import the


def country_codes_by_name(index: BorderIndex) -> dict[str, str]:
    """'the United States' / 'United States' -> 'US' for every unit of the border index."""
    out: dict[str, str] = {}
    for code in {c for c in index.unit_code if c}:
        name = index.country_name(code) or ""
        out[name] = out[the(name)] = code
    return out


def stated_neighbours(sentence: str, codes: dict[str, str]) -> set[str]:
    """Codes of the countries the sentence says the place borders ("the region borders A and B", "neighbouring
    C", "land borders with D"); a name no code is found for is returned as it is, so the caller sees it."""
    found: set[str] = set()
    clauses = re.findall(r"(?:the region (?:also )?borders|land borders with) ([^;()]+)", sentence)
    clauses += re.findall(r"neighbouring ((?:the )?[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*)", sentence)
    names = sorted(codes, key=len, reverse=True)  # "Bosnia and Herzegovina" whole, before splitting on "and"
    for clause in clauses:
        for name in names:
            clause = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "\x00" + codes[name], clause)
        for item in re.split(r", | and ", clause.strip()):
            item = item.strip().lstrip("\x00")
            if item:
                found.add(codes.get(item, item))
    return found


def first_country(sentence: str, codes: dict[str, str]) -> str | None:
    """The code of the country the sentence names first after the place's name."""
    body = sentence.split(" — ", 1)[-1]
    best = None
    for name, code in codes.items():
        at = body.find(name)
        if at >= 0 and (best is None or at < best[0] or (at == best[0] and len(name) > best[2])):
            best = (at, code, len(name))
    return best[1] if best else None


def country_adjacency(index: BorderIndex) -> dict[str, set[str]]:
    """Country code -> codes of the countries it shares a land border with (the border index's own edges)."""
    out: dict[str, set[str]] = {}
    for key, others in index.neighbours.items():
        code = index.unit_code[index.key_unit[key]] or key
        for other in others:
            nb = index.unit_code[index.key_unit[other]] or other
            if nb != code:
                out.setdefault(code, set()).add(nb)
    return out


def neighbour_problems(sentence: str, border: dict[str, Any], index: BorderIndex, adjacency: dict[str, set[str]],
                       codes: dict[str, str]) -> list[str]:
    """Stated neighbours that the border dict does not list or that are not adjacent to the place's country."""
    stated = stated_neighbours(sentence, codes)
    own = set(border.get("neighbours") or (border.get("region_area") or {}).get("neighbours") or [])
    country = border.get("country")
    problems = []
    for code in sorted(stated):
        if code not in own:
            problems.append(f"{code} stated but not in the border dict's neighbours {sorted(own)}")
        if country and code not in adjacency.get(country, set()):
            problems.append(f"{code} is not adjacent to {country}")
    return problems
