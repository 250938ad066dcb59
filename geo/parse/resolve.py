"""Pick one place per mention, using the whole document as context.

Score of a candidate = kind/population prior + how it was named + document context:
- countries and continents outrank cities, cities rank by population, alternate names count less;
- countries the document names (or whose big cities it names) lift their cities and regions;
- a qualifier right after the name ("Moscow, Idaho") decides, both ways ("Atlanta, Georgia": the state);
- the article's own geography (geo.parse.context): regions gain from the places the article names inside
  them, and readings close to the article's other places gain from them;
- small towns (under ``SMALL_TOWN``) are only kept when their country is in the document or the
  article's other places support them.
Every resolved mention keeps a confidence (softmax share of its best score) and its alternatives.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from geo.parse.context import (
    coherence,
    is_county,
    qualifier_bonus,
    qualifier_pairs,
    region_code,
    written_forms,
)
from geo.parse.tokens import RawMention
from geo.places.gazetteer import (
    ABBREVIATION,
    ADJECTIVE,
    ALTERNATE,
    PRIMARY,
    REGION_PHRASE,
    Candidate,
    Gazetteer,
)
from geo.places.names import GENERIC_REGION_NAMES, REGION_WORDS, name_key

SMALL_TOWN = 15_000
TINY_TOWN = 2_000
KIND_PRIOR = {"continent": 11.0, "country": 12.0, "region": 9.0, "feature": 10.5}
# A region named like a big city of its country ("Kursk", "Pyongyang") yields to the city.
CITY_NAMESAKE_PENALTY = 2.5
MINOR_REGION_PENALTY = 1.0
VIA_BONUS = {ALTERNATE: -3.0, REGION_PHRASE: 3.0, ABBREVIATION: 0.0, ADJECTIVE: 0.0}
COUNTRY_CONTEXT_BONUS = 2.5
REGION_CONTEXT_BONUS = 1.5
ANCHOR_MARGIN = 2.0
SUPPORT_FOR_SMALL_TOWN = 1.5  # the support of the article's other places that lets a small town stand


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


def _options(mention: RawMention, minor_regions: frozenset[str] = frozenset()) -> dict[str, Option]:
    """Each candidate with how it was named and its prior; adjectives only reach their country. The
    index keeps one entry per place per name (the best way it was named), so there is nothing to merge.
    A region of a minor type ranks below a state or province of the same name."""
    return {
        hit.candidate.id: (hit.candidate, hit.via,
                           prior(hit.candidate, hit.via) - MINOR_REGION_PENALTY * (hit.candidate.id in minor_regions))
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


def admin1_key(cand: Candidate) -> str | None:
    """A place's first-level region as the Document gives it: ISO 3166-2 where the data allows it
    ("RU-KRS", "US-ID"), else a city's GeoNames admin1 key ("UA.11"), which the border layer maps to
    contested territory exactly."""
    code = region_code(cand)
    if code is None and cand.kind == "city" and cand.country and cand.admin1:
        code = f"{cand.country}.{cand.admin1}"
    return code


@dataclass
class Anchors:
    """Countries and regions the document names without doubt, counted once per name (key), so that a
    name never lifts its own readings ("Paris" does not make France the context of "Paris")."""

    countries: Counter = field(default_factory=Counter)
    regions: Counter = field(default_factory=Counter)
    own: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # The country of each name's likeliest reading, sure or not (a story's small towns lean to their country).
    leaning: Counter = field(default_factory=Counter)
    own_leaning: dict[str, str | None] = field(default_factory=dict)

    def country(self, key: str, country: str | None) -> bool:
        return bool(country) and self.countries[country] - (self.own.get(key, (None, None))[0] == country) > 0

    def region(self, key: str, code: str | None) -> bool:
        return bool(code) and self.regions[code] - (self.own.get(key, (None, None))[1] == code) > 0

    def leans(self, key: str, country: str | None) -> bool:
        """Does another name of the article most likely lie in ``country``?"""
        return bool(country) and self.leaning[country] - (self.own_leaning.get(key) == country) > 0


def _anchors(mentions: list[RawMention], options: list[dict[str, Option]]) -> Anchors:
    """Countries and regions the document names without doubt: the context for everything else."""
    anchors = Anchors()
    for mention, opts in zip(mentions, options, strict=True):
        if not opts or mention.key in anchors.own:
            continue
        ranked = sorted(opts.values(), key=lambda option: option[2], reverse=True)
        best, _, top = ranked[0]
        anchors.leaning[best.country] += 1
        anchors.own_leaning[mention.key] = best.country
        contenders = [cand for cand, _, p in ranked if p > top - ANCHOR_MARGIN]
        country = code = None
        # A big city, or a town of SMALL_TOWN+ people that is the name's only reading ("Bakhmut").
        city_sure = best.kind == "city" and (best.population >= 100_000
                                             or (len(ranked) == 1 and best.population >= SMALL_TOWN))
        if best.kind in ("country", "region") or city_sure:
            # Sure of the country when every close contender lies in it ("Kursk": city or region, RU).
            if best.country and {c.country for c in contenders} == {best.country}:
                country = best.country
                anchors.countries[country] += 1
            if best.kind == "region" and len(contenders) == 1 and not is_county(best) and best.admin1:
                code = best.admin1
                anchors.regions[code] += 1
        anchors.own[mention.key] = (country, code)
    return anchors


def _score_readings(mention: RawMention, opts: dict[str, Option], anchors: Anchors,
                    qualified: dict[str, float]) -> list[tuple[Candidate, float, bool]]:
    """Each reading of one mention with its score before document coherence, and whether it passes the
    small-town rules on that evidence alone."""
    namesakes = _big_city_namesakes(opts, mention.key)
    out = []
    for cand, via, score in opts.values():
        if cand.kind == "region" and via == PRIMARY and cand.country in namesakes:
            score -= CITY_NAMESAKE_PENALTY
        in_country = anchors.country(mention.key, cand.country)
        if cand.kind in ("city", "region") and in_country:
            score += COUNTRY_CONTEXT_BONUS
        if (cand.kind == "city" or is_county(cand)) and anchors.region(mention.key, region_code(cand)):
            score += REGION_CONTEXT_BONUS
        bonus = qualified.get(cand.id, 0.0)
        score += bonus
        sure = bonus > 0 or not (
            (cand.kind == "city" and cand.population < SMALL_TOWN and not in_country)
            or (cand.kind == "city" and cand.population < TINY_TOWN and not mention.locative)
            # A name the place is not usually called in English ("White House" for Casablanca, "Hamas"
            # for Hamm) needs its country in the article or a locative word before it.
            or (via == ALTERNATE and not in_country and not mention.locative)
            # A bare postal code ("NC", "BC") is a region only when another of the article's names lies in its
            # country: elsewhere it is a team's, a firm's or a programme's initials ("NC Dinos").
            or (via == ABBREVIATION and cand.kind == "region" and _is_bare_code(mention.text)
                and not anchors.leans(mention.key, cand.country))
            or (cand.kind == "region" and not in_country and _generic_region(cand.name, via == REGION_PHRASE))
        )
        out.append((cand, score, sure))
    return out


@functools.lru_cache(maxsize=4096)
def _generic_region(name: str, as_phrase: bool = False) -> bool:
    """A region named by a direction or a word ("Western", "Capital", "West Coast", "Centre-Nord"); named by
    a phrase ("North state" for "North Province"), its stem is what counts. "Northern Territory" is a name."""
    words = [w for w in re.split(r"[\s-]+", name_key(name)) if w]
    if as_phrase:
        words = [w for w in words if w not in REGION_WORDS]
    return bool(words) and all(w in GENERIC_REGION_NAMES for w in words)


def _is_bare_code(written: str) -> bool:
    """Two capital letters without dots: a postal code, not an AP abbreviation ("N.C.", "Calif.")."""
    return len(written) == 2 and written.isupper() and written.isalpha()


def resolve(text: str, mentions: list[RawMention], minor_regions: frozenset[str] = frozenset(),
            home: frozenset[str] = frozenset()) -> list[Resolution]:
    """Resolve every mention of one document: its own evidence first, then the document's geography
    (qualifiers both ways, the administrative hierarchy, proximity; see geo.parse.context). ``home``: the
    countries where the article's language is spoken (other languages than English), whose towns a name in
    that language more likely means ("Valencia" in Spanish: Spain's)."""
    # Mentions of one name share one hits list: their options are worked out once (a text repeating a name
    # thousands of times scores it once), and so are their readings when no qualifier sets them apart.
    by_hits: dict[tuple[int, bool], dict[str, Option]] = {}
    for m in mentions:
        if (id(m.hits), m.adjectival) not in by_hits:
            by_hits[id(m.hits), m.adjectival] = _options(m, minor_regions)
    options = [by_hits[id(m.hits), m.adjectival] for m in mentions]
    anchors = _anchors(mentions, options)
    if home:
        options = [_home_lifted(opts, home) for opts in options]
    pairs = qualifier_pairs(text, [m.start for m in mentions], [m.end for m in mentions])
    qualified: list[dict[str, float]] = [{} for _ in mentions]
    for first, second in pairs.items():
        bonus_first, bonus_second = qualifier_bonus([c for c, _, _ in options[first].values()],
                                                    [c for c, _, _ in options[second].values()])
        _merge_max(qualified[first], bonus_first)
        _merge_max(qualified[second], bonus_second)
    alike: dict[tuple[int, str, bool], list[tuple[Candidate, float, bool]]] = {}
    readings = []
    for m, opts, q in zip(mentions, options, qualified, strict=True):
        if q:
            readings.append(_score_readings(m, opts, anchors, q))
            continue
        key = (id(opts), m.key, m.locative)
        if key not in alike:
            alike[key] = _score_readings(m, opts, anchors, q)
        readings.append(alike[key])
    support = coherence(readings, [m.key for m in mentions])
    return [_choose(mention, group, bonus) for mention, group, bonus in zip(mentions, readings, support, strict=True)]


HOME_COUNTRY_BONUS = 0.75  # less than a town ten times bigger abroad: Donetsk (UA) over Donetsk (RU) in Russian


def _home_lifted(opts: dict[str, Option], home: frozenset[str]) -> dict[str, Option]:
    """The options with cities and regions in the language's home countries lifted (others' lists)."""
    return {key: (cand, via, score + HOME_COUNTRY_BONUS
                  if cand.country in home and cand.kind in ("city", "region") else score)
            for key, (cand, via, score) in opts.items()}


def _merge_max(into: dict[str, float], new: dict[str, float]) -> None:
    for key, value in new.items():
        into[key] = max(into.get(key, 0.0), value)


def _choose(mention: RawMention, group: list[tuple[Candidate, float, bool]], bonus: dict[str, float]) -> Resolution:
    """The best reading once the document's support is added; a small town needs its country in the
    article, or the support of the article's other places (``SUPPORT_FOR_SMALL_TOWN``)."""
    scored = []
    for cand, score, sure in group:
        extra = bonus.get(cand.id, 0.0)
        if not sure and extra < SUPPORT_FOR_SMALL_TOWN:
            continue
        scored.append((score + extra, cand))
    if not scored:
        return Resolution(mention, None)
    scored.sort(key=lambda sc: (-sc[0], sc[1].id))
    top = scored[0][0]
    weights = [math.exp(s - top) for s, _ in scored]
    total = sum(weights)
    return Resolution(
        mention,
        scored[0][1],
        confidence=weights[0] / total,
        alternatives=[(c, w / total) for (_, c), w in zip(scored[1:6], weights[1:6], strict=False)],
    )


def geoparse(text: str, gaz: Gazetteer, notes: list[str] | None = None) -> list[Resolution]:
    """Find and resolve every place mention in ``text`` (a text too long to map whole is noted in ``notes``)."""
    from geo.parse.toponyms import find_mentions

    resolved = resolve(text, written_forms(text, find_mentions(text, gaz, notes), gaz), gaz.minor_regions)
    # A gazetteer name whose every reading the resolver refused (a tiny town abroad, an alternate name
    # without its country) is not a place in this article, unless a locative word says it is ("in Quay").
    # Only a name of its own counts so: another place's alternate name after "to" ("to Fox News") does not.
    # Nor does a word that only says where ("in the North", "in Western").
    return [r for r in resolved if r.chosen is not None or r.mention.proposed or r.mention.unplaced
            or (r.mention.locative and any(h.via != ALTERNATE for h in r.mention.hits)
                and not _generic_region(r.mention.text, as_phrase=True))]
