"""Pick one place per mention, using the whole document as context.

Score of a candidate = kind/population prior + how it was named + document context:
- countries and continents outrank cities, cities rank by population, alternate names count less;
- countries the document names (or whose big cities it names) lift their cities and regions;
- a qualifier right after the name ("Moscow, Idaho") decides;
- small towns (under ``SMALL_TOWN``) are only kept when their country is in the document.
Every resolved mention keeps a confidence (softmax share of its best score) and its alternatives.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from geo.parse.toponyms import RawMention
from geo.places.gazetteer import (
    ABBREVIATION,
    ADJECTIVE,
    ALTERNATE,
    PRIMARY,
    REGION_PHRASE,
    Candidate,
    Gazetteer,
)
from geo.places.names import name_key

SMALL_TOWN = 15_000
TINY_TOWN = 2_000
KIND_PRIOR = {"continent": 11.0, "country": 12.0, "region": 9.0, "feature": 10.5}
# A region named like a big city of its country ("Kursk", "Pyongyang") yields to the city.
CITY_NAMESAKE_PENALTY = 2.5
VIA_BONUS = {ALTERNATE: -3.0, REGION_PHRASE: 3.0, ABBREVIATION: 0.0, ADJECTIVE: 0.0}
COUNTRY_CONTEXT_BONUS = 2.5
REGION_CONTEXT_BONUS = 2.0
QUALIFIER_BONUS = 6.0
ANCHOR_MARGIN = 2.0


@dataclass
class Resolution:
    """A mention and the place chosen for it (``chosen`` is None when nothing fits)."""

    mention: RawMention
    chosen: Candidate | None
    confidence: float = 0.0
    alternatives: list[tuple[Candidate, float]] = field(default_factory=list)


def prior(cand: Candidate, via: str) -> float:
    if cand.kind == "city":
        base = 2.0 + 1.2 * math.log10(max(cand.population, 1))
    else:
        base = KIND_PRIOR.get(cand.kind, 5.0) + 0.1 * math.log10(max(cand.population, 1))
    return base + VIA_BONUS.get(via, 0.0)


Option = tuple[Candidate, str, float]  # a candidate, how it was named, its prior


def _options(mention: RawMention) -> dict[str, Option]:
    """Each candidate with how it was named and its prior; adjectives only reach their country. The
    index keeps one entry per place per name (the best way it was named), so there is nothing to merge."""
    return {
        hit.candidate.id: (hit.candidate, hit.via, prior(hit.candidate, hit.via))
        for hit in mention.hits
        if hit.via == ADJECTIVE or not mention.adjectival
    }


def _big_city_namesakes(opts: dict[str, Option], key: str) -> set[str]:
    """Countries having a big city (>= 100,000) among these candidates under their main name,
    or under the start of it ("New York" for "New York City")."""
    return {
        cand.country for cand, via, _ in opts.values()
        if cand.kind == "city" and cand.population >= 100_000 and cand.country
        and (via == PRIMARY or name_key(cand.name).startswith(key + " "))
    }


def region_code(cand: Candidate) -> str | None:
    """ISO 3166-2 code of a candidate's first-level region when the data allows it."""
    if cand.kind == "region":
        return cand.admin1
    if cand.kind == "city" and cand.country == "US" and cand.admin1:
        return f"US-{cand.admin1}"
    return None


def admin1_key(cand: Candidate) -> str | None:
    """A place's first-level region as the Document gives it: ISO 3166-2 where the data allows it
    ("RU-KRS", "US-ID"), else a city's GeoNames admin1 key ("UA.11"), which the border layer maps to
    contested territory exactly."""
    code = region_code(cand)
    if code is None and cand.kind == "city" and cand.country and cand.admin1:
        code = f"{cand.country}.{cand.admin1}"
    return code


def _anchors(options: list[dict[str, Option]]) -> tuple[Counter, set[str]]:
    """Countries and regions the document names without doubt: the context for everything else."""
    countries: Counter = Counter()
    regions: set[str] = set()
    shared = Counter(id(opts) for opts in options)  # mentions of one name share one options dict: rank it once
    for opts in {id(opts): opts for opts in options}.values():
        if not opts:
            continue
        ranked = sorted(opts.values(), key=lambda option: option[2], reverse=True)
        best, _, top = ranked[0]
        contenders = [cand for cand, _, p in ranked if p > top - ANCHOR_MARGIN]
        if best.kind in ("country", "region") or (best.kind == "city" and best.population >= 100_000):
            # Sure of the country when every close contender lies in it ("Kursk": city or region, RU).
            if best.country and {c.country for c in contenders} == {best.country}:
                countries[best.country] += shared[id(opts)]
            code = region_code(best)
            if code and best.kind == "region" and len(contenders) == 1:
                regions.add(code)
    return countries, regions


def _qualifier(text: str, mention: RawMention, following: RawMention | None) -> RawMention | None:
    """The mention right after ', ' ("Moscow, Idaho"), if any."""
    if following is None:
        return None
    gap = text[mention.end : following.start]
    return following if gap in (", ", ",") else None


def resolve(text: str, mentions: list[RawMention]) -> list[Resolution]:
    """Resolve every mention of one document. Mentions alike in all the scoring reads (candidates, name,
    locative word, qualifier) are scored once: a text repeating a name thousands of times scores it once."""
    by_hits: dict[tuple[int, bool], dict[str, Option]] = {}  # mentions of one name share one hits list
    for m in mentions:
        if (id(m.hits), m.adjectival) not in by_hits:
            by_hits[id(m.hits), m.adjectival] = _options(m)
    options = [by_hits[id(m.hits), m.adjectival] for m in mentions]
    countries, regions = _anchors(options)
    out = []
    done: dict[tuple, Resolution] = {}
    for index, (mention, opts) in enumerate(zip(mentions, options, strict=True)):
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        qualifier = _qualifier(text, mention, following)
        alike = (id(opts), mention.key, mention.locative, id(qualifier.hits) if qualifier else None)
        if alike in done:
            same = done[alike]
            out.append(Resolution(mention, same.chosen, same.confidence, list(same.alternatives)))
            continue
        qualifier_places = [h.candidate for h in qualifier.hits] if qualifier else []
        scored = []
        namesakes = _big_city_namesakes(opts, mention.key)
        for cand, via, score in opts.values():
            if cand.kind == "region" and via == PRIMARY and cand.country in namesakes:
                score -= CITY_NAMESAKE_PENALTY
            if cand.kind in ("city", "region") and cand.country in countries:
                score += COUNTRY_CONTEXT_BONUS
            code = region_code(cand)
            if cand.kind == "city" and code and code in regions:
                score += REGION_CONTEXT_BONUS
            if any(_qualifies(q, cand) for q in qualifier_places):
                score += QUALIFIER_BONUS
            elif cand.kind == "city" and cand.population < SMALL_TOWN and cand.country not in countries:
                continue
            elif cand.kind == "city" and cand.population < TINY_TOWN and not mention.locative:
                continue
            scored.append((score, cand))
        if not scored:
            out.append(done.setdefault(alike, Resolution(mention, None)))
            continue
        scored.sort(key=lambda sc: (-sc[0], sc[1].id))
        top = scored[0][0]
        weights = [math.exp(s - top) for s, _ in scored]
        total = sum(weights)
        done[alike] = Resolution(
            mention,
            scored[0][1],
            confidence=weights[0] / total,
            alternatives=[(c, w / total) for (_, c), w in zip(scored[1:6], weights[1:6], strict=False)],
        )
        out.append(done[alike])
    return out


def _qualifies(qualifier: Candidate, cand: Candidate) -> bool:
    """Does the qualifying place contain the candidate (its country or its first-level region)?"""
    if qualifier.id == cand.id:
        return False
    if qualifier.kind == "country":
        return qualifier.country == cand.country
    if qualifier.kind == "region":
        return region_code(cand) == qualifier.admin1 and cand.country == qualifier.country
    return False


def geoparse(text: str, gaz: Gazetteer, notes: list[str] | None = None) -> list[Resolution]:
    """Find and resolve every place mention in ``text`` (a text too long to map whole is noted in ``notes``)."""
    from geo.parse.toponyms import find_mentions

    return resolve(text, find_mentions(text, gaz, notes))
