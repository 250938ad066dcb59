"""Pick one place per mention, using the whole document as context.

Score of a candidate = kind/population prior + how it was named + document context:
- countries and continents outrank cities, cities rank by population, alternate names count less (not a
  city of a million's English name: "Cologne");
- countries the document names (or whose big cities it names) lift their cities and regions;
- a qualifier right after the name ("Moscow, Idaho") decides, both ways ("Atlanta, Georgia": the state);
- the article's own geography (geo.parse.context): regions gain from the places the article names inside
  them, and readings close to the article's other places gain from them;
- small towns (under ``SMALL_TOWN``) are only kept when their country is in the document or the
  article's other places support them.
- a sense of scale: that loose geography never lifts a town above a namesake city ``SCALE`` times its
  weight unless the article ties the town to the mention (a qualifier, its state, its close neighbours).
Every resolved mention keeps a confidence (softmax share of its best score) and its alternatives.
"""

from __future__ import annotations

import bisect
import functools
import itertools
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
    road_country,
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
# English knows a city of a million by its English name, whichever field of GeoNames holds it ("Cologne" is
# an alternate name of Köln and the main name of two villages): such a name ranks as the city's own, unless
# another place of note has it as its own name (see _exonym_of: "Mexico" the country, "New Delhi" beside
# Delhi, "Salisbury" in England beside Harare's old name).
WELL_KNOWN_CITY = 1_000_000
COUNTRY_CONTEXT_BONUS = 2.5
REGION_CONTEXT_BONUS = 1.5
ANCHOR_MARGIN = 2.0
SUPPORT_FOR_SMALL_TOWN = 1.5  # the support of the article's other places that lets a small town stand
# A sense of scale: the article's loose geography (its countries, places a few hundred km off) picks between
# namesakes of similar weight, never a town over a city ``SCALE`` times its size (by their priors: a city named
# by an old or foreign name weighs less), unless the article ties the town to it: a qualifier or dateline, its
# state or province named, or the support of its neighbours that lets a small town stand.
SCALE = 20
OUTSCALED_MARGIN = 1.0
# Local news: a town its neighbours tie (the support of a place within about 45 km) is the reading over a
# country of the same name that none of the article's other places lies in ("Lebanon" beside Mason and
# Warren County, Ohio).
NEIGHBOUR_SUPPORT = 2.0


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


def _options(mention: RawMention, minor_regions: frozenset[str] = frozenset(),
             english_countries: frozenset[str] = frozenset()) -> dict[str, Option]:
    """Each candidate with how it was named and its prior; adjectives only reach their country. The
    index keeps one entry per place per name (the best way it was named), so there is nothing to merge.
    A region of a minor type ranks below a state or province of the same name."""
    exonym = _exonym_of(mention.hits, minor_regions, english_countries)
    return {
        hit.candidate.id: (hit.candidate, hit.via,
                           (prior(hit.candidate, PRIMARY) if hit.candidate is exonym else prior(hit.candidate, hit.via))
                           - MINOR_REGION_PENALTY * (hit.candidate.id in minor_regions))
        for hit in mention.hits
        if hit.via == ADJECTIVE or not mention.adjectival
    }


def _exonym_of(hits: list, minor_regions: frozenset[str],
               english_countries: frozenset[str] = frozenset()) -> Candidate | None:
    """The well-known city (``WELL_KNOWN_CITY``) this name is the English name of, by an alternate name, when
    no other place of note is called so as its own name: a country, continent, state or province, a place
    of a weight near the city's (within ``SCALE``), or a town of ``SMALL_TOWN`` where English is the first
    language (``english_countries``: there the name is English's own). So "Cologne" is Köln (its namesakes
    are villages), "Calcutta" Kolkata, but "Salisbury" stays the English city, not Harare's old name. How the
    name then stands alone (the alternate's need of its country or a locative) is unchanged."""
    best = None
    for hit in hits:
        cand = hit.candidate
        if (hit.via == ALTERNATE and cand.kind == "city" and cand.population >= WELL_KNOWN_CITY
                and (best is None or cand.population > best.population)):
            best = cand
    if best is None:
        return None
    for hit in hits:
        cand = hit.candidate
        if hit.via == PRIMARY and (cand.kind in ("country", "continent")
                                   or (cand.kind == "region" and cand.id not in minor_regions)
                                   or cand.population * SCALE >= best.population
                                   or (cand.population >= SMALL_TOWN and cand.country in english_countries)):
            return None
    return best


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


Readings = tuple[list[tuple[Candidate, float, bool]], frozenset[str]]


def _score_readings(mention: RawMention, opts: dict[str, Option], anchors: Anchors,
                    qualified: dict[str, float]) -> Readings:
    """Each reading of one mention with its score before document coherence, and whether it passes the
    small-town rules on that evidence alone; and the ids of the readings the article ties the mention to
    (a qualifier, their state or province named)."""
    namesakes = _big_city_namesakes(opts, mention.key)
    out = []
    tied = set()
    for cand, via, score in opts.values():
        if cand.kind == "region" and via == PRIMARY and cand.country in namesakes:
            score -= CITY_NAMESAKE_PENALTY
        in_country = anchors.country(mention.key, cand.country)
        if cand.kind in ("city", "region") and in_country:
            score += COUNTRY_CONTEXT_BONUS
        if (cand.kind == "city" or is_county(cand)) and anchors.region(mention.key, region_code(cand)):
            score += REGION_CONTEXT_BONUS
            tied.add(cand.id)
        bonus = qualified.get(cand.id, 0.0)
        if bonus > 0:
            tied.add(cand.id)
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
    return out, frozenset(tied)


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
            english_countries: frozenset[str] = frozenset(), home: frozenset[str] = frozenset()) -> list[Resolution]:
    """Resolve every mention of one document: its own evidence first, then the document's geography
    (qualifiers both ways, the administrative hierarchy, proximity; see geo.parse.context). ``home``: the
    countries where the article's language is spoken (other languages than English), whose towns a name in
    that language more likely means ("Valencia" in Spanish: Spain's)."""
    # Mentions of one name share one hits list: their options are worked out once (a text repeating a name
    # thousands of times scores it once), and so are their readings when no qualifier sets them apart.
    by_hits: dict[tuple[int, bool], tuple[dict[str, Option], dict[str, float] | None]] = {}
    for m in mentions:
        if (id(m.hits), m.adjectival) not in by_hits:
            opts = _options(m, minor_regions, english_countries)
            by_hits[id(m.hits), m.adjectival] = opts, _city_weights(opts)
    named = [by_hits[id(m.hits), m.adjectival] for m in mentions]
    options = [opts for opts, _ in named]
    anchors = _anchors(mentions, options)
    if home:
        options = [_home_lifted(opts, home) for opts in options]
    roads = road_country(text)
    if roads:
        anchors.countries[roads] += 1
    pairs = qualifier_pairs(text, [m.start for m in mentions], [m.end for m in mentions])
    qualified: list[dict[str, float]] = [{} for _ in mentions]
    for first, second in pairs.items():
        bonus_first, bonus_second = qualifier_bonus([c for c, _, _ in options[first].values()],
                                                    [c for c, _, _ in options[second].values()])
        _merge_max(qualified[first], bonus_first)
        _merge_max(qualified[second], bonus_second)
    alike: dict[tuple[int, str, bool], Readings] = {}
    readings: list[Readings] = []
    for m, opts, q in zip(mentions, options, qualified, strict=True):
        if q:
            readings.append(_score_readings(m, opts, anchors, q))
            continue
        key = (id(opts), m.key, m.locative)
        if key not in alike:
            alike[key] = _score_readings(m, opts, anchors, q)
        readings.append(alike[key])
    support = coherence([group for group, _ in readings], [m.key for m in mentions])
    return [_choose(mention, group, bonus, tied, weights)
            for mention, (group, tied), bonus, (_, weights) in zip(mentions, readings, support, named, strict=True)]


HOME_COUNTRY_BONUS = 0.75  # less than a town ten times bigger abroad: Donetsk (UA) over Donetsk (RU) in Russian


def _home_lifted(opts: dict[str, Option], home: frozenset[str]) -> dict[str, Option]:
    """The options with cities and regions in the language's home countries lifted (others' lists)."""
    return {key: (cand, via, score + HOME_COUNTRY_BONUS
                  if cand.country in home and cand.kind in ("city", "region") else score)
            for key, (cand, via, score) in opts.items()}


def _merge_max(into: dict[str, float], new: dict[str, float]) -> None:
    for key, value in new.items():
        into[key] = max(into.get(key, 0.0), value)


def _choose(mention: RawMention, group: list[tuple[Candidate, float, bool]], bonus: dict[str, float],
            tied: frozenset[str] = frozenset(), city_weights: dict[str, float] | None = None) -> Resolution:
    """The best reading once the document's support is added; a small town needs its country in the
    article, or the support of the article's other places (``SUPPORT_FOR_SMALL_TOWN``); a town the article
    does not tie to it stays below a namesake city ``SCALE`` times bigger (:func:`_with_scale`), and a
    country none of its places supports below a town its neighbours tie (``city_weights``: the name's city
    readings and their priors, None when it has none; see :func:`_city_weights`)."""
    scored = []
    for cand, score, sure in group:
        extra = bonus.get(cand.id, 0.0)
        if not sure and extra < SUPPORT_FOR_SMALL_TOWN:
            continue
        scored.append((score + extra, cand))
    if not scored:
        return Resolution(mention, None)
    if len(scored) > 1 and city_weights is not None:
        if city_weights:
            close = {cand_id for cand_id, extra in bonus.items() if extra >= SUPPORT_FOR_SMALL_TOWN}
            scored = _with_scale(scored, tied | close, city_weights)
        if bonus:
            scored = _town_over_a_lone_country(scored, bonus)
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


def _city_weights(opts: dict[str, Option]) -> dict[str, float] | None:
    """The priors of a name's city readings when they span a ``SCALE`` (else nothing to weigh: empty);
    None when the name has no city reading beside another reading (nothing for the scale or local rules)."""
    weights = {cand_id: weight for cand_id, (cand, _, weight) in opts.items() if cand.kind == "city"}
    if not weights or len(opts) < 2:
        return None
    if len(weights) < 2 or max(weights.values()) - min(weights.values()) < _SCALE_POINTS:
        return {}
    return weights


def _with_scale(scored: list[tuple[float, Candidate]], tied: frozenset[str] | set[str],
                weights: dict[str, float]) -> list[tuple[float, Candidate]]:
    """A city reading that the article does not tie to the mention (``tied``) scores at most
    ``OUTSCALED_MARGIN`` below the best namesake city ``SCALE`` times its weight (``weights``: the priors of
    the name's city readings): "Naples" in a story that names Kansas is still the city of a million, not the
    Florida town; "Naples, Florida" is the town."""
    present = [weights[cand.id] for _, cand in scored if cand.id in weights]
    if len(present) < 2:
        return scored
    floor = max(present) - _SCALE_POINTS  # readings at or under it are outscaled
    if min(present) > floor:
        return scored
    # The heaviest readings first, with the best score among each one and all heavier: a rival by bisection.
    by_weight = sorted(((-weights[cand.id], score) for score, cand in scored if cand.id in weights))
    lighter_than = [w for w, _ in by_weight]
    best_so_far = list(itertools.accumulate((score for _, score in by_weight), max))
    out = []
    for score, cand in scored:
        weight = weights.get(cand.id)
        if weight is not None and weight <= floor and cand.id not in tied:
            rival = best_so_far[bisect.bisect_right(lighter_than, -(weight + _SCALE_POINTS)) - 1]
            score = min(score, rival - OUTSCALED_MARGIN)
        out.append((score, cand))
    return out


def _town_over_a_lone_country(scored: list[tuple[float, Candidate]],
                              bonus: dict[str, float]) -> list[tuple[float, Candidate]]:
    """A country reading that no other place of the article supports (``bonus``: nothing named lies in it)
    scores below a town reading that its close neighbours tie (``NEIGHBOUR_SUPPORT``)."""
    if not any(cand.kind == "country" for _, cand in scored):
        return scored
    towns = [s for s, cand in scored if cand.kind == "city" and bonus.get(cand.id, 0.0) >= NEIGHBOUR_SUPPORT]
    if not towns:
        return scored
    best_town = max(towns)
    return [(min(s, best_town - OUTSCALED_MARGIN) if cand.kind == "country" and not bonus.get(cand.id) else s, cand)
            for s, cand in scored]


_SCALE_POINTS = 1.2 * math.log10(SCALE)  # a city's prior gains 1.2 points per tenfold population (see prior)


def geoparse(text: str, gaz: Gazetteer, notes: list[str] | None = None) -> list[Resolution]:
    """Find and resolve every place mention in ``text`` (a text too long to map whole is noted in ``notes``)."""
    from geo.parse.toponyms import find_mentions

    resolved = resolve(text, written_forms(text, find_mentions(text, gaz, notes), gaz), gaz.minor_regions,
                       gaz.english_countries)
    # A gazetteer name whose every reading the resolver refused (a tiny town abroad, an alternate name
    # without its country) is not a place in this article, unless a locative word says it is ("in Quay").
    # Only a name of its own counts so: another place's alternate name after "to" ("to Fox News") does not.
    # Nor does a word that only says where ("in the North", "in Western").
    return [r for r in resolved if r.chosen is not None or r.mention.proposed or r.mention.unplaced
            or (r.mention.locative and any(h.via != ALTERNATE for h in r.mention.hits)
                and not _generic_region(r.mention.text, as_phrase=True))]
