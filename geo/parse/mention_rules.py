"""The false-positive rules for one scanned name: case, common words, people, organisations and buildings,
hyphenated compounds, datelines; each name's facts looked up once per parse. Also the spans a name belongs
to (a direction before it, a physical feature around it) and the names an article uses for people.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from geo.parse.tokens import (
    FUNCTION_WORDS,
    LOCATIVE_WORDS,
    PLACE_MODIFIERS,
    Token,
    _capitalised,
    _is_initial,
    _is_upper,
    _joinable,
    _word_before,
)
from geo.places.gazetteer import ABBREVIATION, ADJECTIVE, ALTERNATE, REGION_PHRASE, Gazetteer, NameHit
from geo.places.names import (
    ABBREVIATIONS,
    BUILDING_WORDS,
    COMPASS_WORDS,
    CONNECTORS,
    FEATURE_WORDS_AFTER,
    FEATURE_WORDS_BEFORE,
    FEATURE_WORDS_OF,
    MONTHS_AND_DAYS,
    MOVEMENT_WORDS,
    NAME_PARTICLES,
    ORG_WORDS,
    PERSON_TITLES,
    REGION_WORDS,
    SPEECH_VERBS,
)


def _is_major_place(key: str, gaz: Gazetteer) -> bool:
    """A country, continent, state or province, or a city of 100,000+ under this very name."""
    return key in gaz.major_names


class _NameFacts(NamedTuple):
    """What the rules ask about a name's candidates, worked out once per name and parse."""

    major: bool  # a country or continent, or a major place under this very name
    named_strongly: bool  # an abbreviation, a region phrase or an adjective
    adjectival: bool
    area: bool  # see _is_area_name


class _HitsOnce(dict):
    """``gaz.hits(key)`` looked up once per parse: a text that repeats one name ("Paris Paris …") asks for
    the same candidates thousands of times. Mentions of one name share one (read-only) list."""

    def __init__(self, gaz: Gazetteer) -> None:
        super().__init__()
        self.gaz = gaz
        self._facts: dict[str, _NameFacts] = {}

    def __missing__(self, key: str) -> list[NameHit]:
        hits = self[key] = self.gaz.hits(key)
        return hits

    def facts(self, key: str) -> _NameFacts:
        facts = self._facts.get(key)
        if facts is None:
            hits = self[key]
            strong_kinds = {h.candidate.kind for h in hits if h.via != ALTERNATE}
            facts = self._facts[key] = _NameFacts(
                major=bool(strong_kinds & {"country", "continent"}) or _is_major_place(key, self.gaz),
                named_strongly=any(h.via in (ABBREVIATION, REGION_PHRASE, ADJECTIVE) for h in hits),
                adjectival=any(h.via == ADJECTIVE for h in hits),
                area=key in self.gaz.major_names and any(
                    h.via != ALTERNATE and h.candidate.kind in ("country", "continent", "region") for h in hits),
            )
        return facts


def _is_area_name(key: str, gaz: Gazetteer, hits_of: _HitsOnce | None = None) -> bool:
    """A country, continent, state or province ('Georgia' in 'Georgia Armenia talks')."""
    return (hits_of if hits_of is not None else _HitsOnce(gaz)).facts(key).area


def _hyphen_part(text: str, words: list[Token], gaz: Gazetteer, key: str) -> bool:
    """Part of a hyphenated compound of capitalised words that is no major place ("Wal" in "Wal-Mart",
    "Karol" in "Green-Karol"). Major places and adjectives stay ("US-China talks", "Miami-Dade",
    "Russian-Ukrainian border"); a lower-case part never makes a compound ("Kyiv-based")."""
    start, end = words[0].start, words[-1].end
    before = start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()
    after = end + 1 < len(text) and text[end] == "-" and text[end + 1].isupper()
    if not before and not after:
        return False
    if before:
        left = _word_before(text, start - 1) if start - 1 > 0 else start
        other = text[left : start - 1]
        if not other[:1].isupper():
            return False
    else:
        right = end + 1
        while right < len(text) and (text[right].isalnum() or text[right] in "'’"):
            right += 1
        other = text[end + 1 : right]
    return not other or not _strong_name(key, gaz)


_DATELINE_END_RE = re.compile(r", [A-Z]|,? \(|,? ?[-–—]{1,2} ")


def _dateline(text: str, start: int, end: int) -> bool:
    """A name in capitals that opens a line and is followed the way a dateline is ("SEVERN, Md. —",
    "HELENA (AP) -", "IMMOKALEE – "): a place, however small."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip(" \t\"'“‘*#>"):
        return False
    return _DATELINE_END_RE.match(text, end) is not None


def _is_country_name(key: str, gaz: Gazetteer) -> bool:
    """A country or continent under this name ("Jordan", "Georgia"), not an alternate spelling."""
    return any(h.via != ALTERNATE and h.candidate.kind in ("country", "continent") for h in gaz.hits(key))


def _speaks_for_a_state(hits: list[NameHit]) -> bool:
    """An area (country, continent, region) or a city of 100,000+ under its own name: "Moscow says" is its
    government speaking, "Europe added 24 GW" its industry."""
    return any(h.via != ALTERNATE and (h.candidate.kind in ("country", "continent", "region", "feature")
                                       or (h.candidate.kind == "city" and h.candidate.population >= 100_000))
               for h in hits)


def _strong_name(key: str, gaz: Gazetteer) -> bool:
    """A major place, an adjective or an abbreviation under this key."""
    return key in gaz.major_names or any(h.via in (ADJECTIVE, ABBREVIATION) for h in gaz.hits(key))


def compass_prefix(text: str, tokens: list[Token], i: int) -> int | None:
    """The index of a capitalised compass word just before token ``i`` ("South" in "South Florida", "West"
    in "West Wales"): part of the name of that place's part, not a place of its own."""
    if i == 0:
        return None
    prev = tokens[i - 1]
    if prev.key in COMPASS_WORDS and _capitalised(prev.text) and not _is_upper(prev.text) \
            and text[prev.end : tokens[i].start] == " ":
        return i - 1
    return None


def feature_span(text: str, tokens: list[Token], first: int, last: int) -> tuple[int, int] | None:
    """The tokens (first, last) of a physical feature's name around the place name at tokens first..last
    ("Indian Ocean", "Gulf of Mexico", "Lake Victoria"), or None when the name stands alone."""
    begin, end = first, last
    nxt = tokens[last + 1] if last + 1 < len(tokens) else None
    if nxt is not None and nxt.key in FEATURE_WORDS_AFTER and _capitalised(nxt.text) \
            and text[tokens[last].end : nxt.start] == " ":
        end = last + 1
    if first >= 2 and tokens[first - 1].key == "of" and tokens[first - 2].key in FEATURE_WORDS_OF \
            and _capitalised(tokens[first - 2].text) and text[tokens[first - 2].end : tokens[first].start] == " of ":
        begin = first - 2
    elif first >= 1 and tokens[first - 1].key in FEATURE_WORDS_BEFORE and _capitalised(tokens[first - 1].text) \
            and text[tokens[first - 1].end : tokens[first].start] in (" ", ". "):
        begin = first - 1
    return (begin, end) if (begin, end) != (first, last) else None


def direction_span(text: str, tokens: list[Token], i: int, length: int, key: str) -> tuple[int, int] | None:
    """The tokens of a name made of a direction and a name the gazetteer lacks ("Eastern Ghouta", "North
    Kivu", "South Waziristan"): the direction alone (a region called "Eastern" somewhere) is not the place."""
    if not all(word in COMPASS_WORDS for word in key.split()):
        return None
    last, end = i + length - 1, i + length - 1
    while end + 1 < len(tokens) and end - last < 2:
        nxt = tokens[end + 1]
        if not (_capitalised(nxt.text) and not _is_upper(nxt.text) and text[tokens[end].end : nxt.start] == " "
                and nxt.key not in ORG_WORDS and nxt.key not in BUILDING_WORDS and nxt.key not in PERSON_TITLES
                and nxt.key not in FUNCTION_WORDS and nxt.key not in MONTHS_AND_DAYS):
            break
        end += 1
    return (i, end) if end > last else None


def _name_ends_clause(text: str, tokens: list[Token], i: int, longest: int = 3) -> bool:
    """Is token ``i`` the start of a run of up to ``longest`` capitalised words that ends the clause ("said
    Noma.", "said Nash Riad, one of the cashiers")?"""
    for j in range(i, min(i + longest, len(tokens))):
        if not _capitalised(tokens[j].text) or _is_upper(tokens[j].text):
            return False
        end = tokens[j].end
        if end == len(text) or text[end] in ".,;:!?\u201d\"":
            return True
        if j + 1 >= len(tokens) or text[end : tokens[j + 1].start] != " ":
            return False
    return False


def named_like_people(text: str, tokens: list[Token], found: list[tuple[int, int, str]], hits_of: _HitsOnce,
                      people: set[str]) -> set[str]:
    """One-word names the article uses for people: someone who speaks ("Noma said", "said Noma."), or
    someone paired with a person ("Deen and Villanueva"). A person there, and so everywhere in the article,
    unless the name is a place that speaks for its state ("Moscow said", "Putin and Moscow")."""
    out: set[str] = set()
    for i, length, key in found:
        if length != 1 or key in out:
            continue
        word = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        prev = tokens[i - 1] if i > 0 else None
        says = nxt is not None and nxt.key in SPEECH_VERBS and text[word.end : nxt.start] == " "
        said_by = prev is not None and prev.key in SPEECH_VERBS and text[prev.end : word.start] == " " \
            and _name_ends_clause(text, tokens, i)
        paired = (prev is not None and prev.key in ("and", "or") and i >= 2 and tokens[i - 2].key in people
                  and _capitalised(tokens[i - 2].text) and text[tokens[i - 2].end : word.start] == f" {prev.text} ")
        if (says or said_by or paired) and not _speaks_for_a_state(hits_of[key]):
            out.add(key)
    return out


def _keep(text: str, tokens: list[Token], i: int, length: int, key: str, hits: list[NameHit],
          gaz: Gazetteer, people: set[str], surnames: frozenset[str] | set[str] = frozenset(),
          hits_of: _HitsOnce | None = None) -> bool:
    """The false-positive rules for one scanned name (``hits_of``: the parse's lookups, which must give
    ``hits`` for ``key``)."""
    if hits_of is None:
        hits_of = _HitsOnce(gaz)
        hits_of[key] = hits
    facts = hits_of.facts(key)
    words = tokens[i : i + length]
    is_major = facts.major
    if (any(_is_upper(t.text) for t in words) and key not in ABBREVIATIONS and not is_major
            and not _dateline(text, words[0].start, words[-1].end)):
        return False
    # A short abbreviation counts only in capitals: "Sc" in "M.Sc" is not South Carolina's "SC".
    if length == 1 and len(key) <= 3 and not _is_upper(words[0].text) and hits \
            and all(h.via == ABBREVIATION for h in hits) and not text.startswith(".", words[0].end):
        return False
    if facts.named_strongly:
        return True
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + length] if i + length < len(tokens) else None
    prev_adjacent = prev is not None and _joinable(text, prev, words[0])
    next_adjacent = nxt is not None and _joinable(text, words[-1], nxt)
    # After a title, a given name, an initial or a particle: a person ("George Washington", "Gino D. Bassett").
    if prev_adjacent and prev.key in PERSON_TITLES and _capitalised(prev.text):
        return False
    if prev_adjacent and not is_major and (_is_initial(prev.text) or prev.text in NAME_PARTICLES):
        before = tokens[i - 2] if i >= 2 else None
        if before is not None and _capitalised(before.text) and _joinable(text, before, prev):
            return False
    if (
        prev_adjacent
        and _capitalised(prev.text)
        and prev.key in gaz.first_names
        and prev.key not in PLACE_MODIFIERS
        and prev.key not in FUNCTION_WORDS  # "The Washington Post": "The" is no given name
        and not hits_of.facts(prev.key).area  # not _is_area_name(prev.key)
        and not (i >= 2 and tokens[i - 2].key in LOCATIVE_WORDS)
    ):
        return False
    if length == 1 and key in people and not is_major:
        return False
    # A surname seen in a person's full name is that person later on ("Lincoln" after "Abraham Lincoln"),
    # unless it is a country, or a locative word or a qualifier says it is the place ("in Lincoln").
    if length == 1 and key in surnames and not _is_country_name(key, gaz) and not (
            prev is not None and prev.key in LOCATIVE_WORDS) and not text.startswith(", ", words[-1].end):
        return False
    if _hyphen_part(text, words, gaz, key):
        return False
    if length > 1 and words[-1].key in BUILDING_WORDS and not is_major:
        return False  # "White House", "Town Hall"
    # "Nelson says": a person, unless a major place speaks for its government ("Moscow says").
    if (length == 1 and nxt is not None and nxt.key in SPEECH_VERBS and not _speaks_for_a_state(hits)
            and text[words[-1].end : nxt.start] == " " and not (prev is not None and prev.key in LOCATIVE_WORDS)):
        return False
    # A given name followed by a surname: "Paris Hilton", "Jordan Peterson".
    if (
        length == 1
        and key in gaz.first_names
        and next_adjacent
        and _capitalised(nxt.text)
        and not _is_upper(nxt.text)
        and nxt.key not in ORG_WORDS
        and nxt.key not in PERSON_TITLES
        and nxt.key not in CONNECTORS
        and not _is_major_place(nxt.key, gaz)
        and not (prev is not None and prev.key in LOCATIVE_WORDS)
    ):
        return False
    if length == 1 and next_adjacent and _person_with_surname(text, tokens, i + 1, gaz, hits):
        return False
    if next_adjacent and not facts.adjectival and _named_for_a_cause(text, tokens, i + length):
        return False
    if length == 1 and prev_adjacent and prev.key in _ARTICLES and not _is_upper(prev.text) \
            and _a_thing_named_after_a_town(text, tokens, i, hits):
        return False
    # Everyday words need a locative word before them ("in Nice", not "Nice weather"); months never.
    if length == 1 and key in MONTHS_AND_DAYS:
        return False
    if length == 1 and key in gaz.common_words:
        if prev is not None and prev.key in LOCATIVE_WORDS and not _is_upper(prev.text):
            # ... and the place's own spelling: "in God" is the word, not Göd in Hungary.
            return _written_as_named(words[0].text, hits)
        # A region in an address's qualifier position: "Brands Hatch, Kent", "Thruxton, Hampshire".
        return (prev is not None and text[prev.end : words[0].start] == ", " and _capitalised(prev.text)
                and prev.key not in gaz.common_words and prev.key not in COMPASS_WORDS
                and any(h.candidate.kind == "region" and h.via != ALTERNATE for h in hits))
    # A word that names only small places, and only as another spelling, and has an English life of its own
    # ("Oceanic", "Dixie", "Nguyen") needs a locative word or a qualifier ("in Dixie", "Dixie, S.C.").
    if length == 1 and key in gaz.weak_alternates and not (prev is not None and prev.key in LOCATIVE_WORDS) \
            and not text.startswith(", ", words[-1].end):
        return False
    return True


def _is_state(hits: list[NameHit], gaz: Gazetteer) -> bool:
    """A country, continent, state or province by its own name (not a parish or municipality)."""
    return any(h.via != ALTERNATE and (h.candidate.kind in ("country", "continent")
                                       or (h.candidate.kind == "region" and h.candidate.id not in gaz.minor_regions))
               for h in hits)


def _written_as_named(written: str, hits: list[NameHit]) -> bool:
    """Is the word written as one of its places is named (accents and all)? An everyday English word that
    matches a place only once the place's accents are dropped ("God" for Göd) is the word."""
    folded = written.casefold()
    return any(h.via != ALTERNATE and h.candidate.name.casefold() == folded for h in hits)


_AGE_AFTER_RE = re.compile(r"(?:, \d{1,3}(?:,| |\)|\.)| \(\d{1,3}\))")


def _person_with_surname(text: str, tokens: list[Token], j: int, gaz: Gazetteer, hits: list[NameHit]) -> bool:
    """Is the name before token ``j`` a given name, the token a surname, and the pair a person by what
    follows: an age ("Kingston James, 7,", "(34)"), or, unless the name (``hits``) is a country, state or
    province ("Georgia Tech said"), a verb of speech ("Kingston James said")? The surname is a capitalised
    word that is no place, title or organisation word."""
    if j >= len(tokens):
        return False
    surname = tokens[j]
    if not _AGE_AFTER_RE.match(text, surname.end):
        nxt = tokens[j + 1] if j + 1 < len(tokens) else None
        if nxt is None or nxt.key not in SPEECH_VERBS or text[surname.end : nxt.start] != " " or _is_state(hits, gaz):
            return False
    return not (not _capitalised(surname.text) or _is_upper(surname.text) or not surname.text[:1].isalpha()
                or surname.key in ORG_WORDS or surname.key in BUILDING_WORDS or surname.key in PERSON_TITLES
                or surname.key in CONNECTORS or surname.key in FUNCTION_WORDS or surname.key in MONTHS_AND_DAYS
                or surname.key in REGION_WORDS or _is_major_place(surname.key, gaz))


def _named_for_a_cause(text: str, tokens: list[Token], j: int) -> bool:
    """Do tokens from ``j`` on make the name a movement's named by its cause: one to three capitalised
    words ("Workers", "People's Liberation") and a movement word ("Kurdistan Workers Party"; "the Kurdistan
    Region" stays a place)? The words between say the name is a homeland or a cause, not a seat."""
    between = 0
    previous_end = tokens[j - 1].end if j > 0 else 0
    while j < len(tokens) and between <= 3:
        word = tokens[j]
        if text[previous_end : word.start].lstrip("'’") != " ":
            return False
        if not _capitalised(word.text) or _is_upper(word.text):
            return False
        if word.key in MOVEMENT_WORDS:
            return between > 0
        if word.key in ORG_WORDS or word.key in FUNCTION_WORDS:
            return False
        between += 1
        previous_end = word.end
        j += 1
    return False


_ARTICLES = frozenset(("the", "a", "an"))
_CLAUSE_GOES_ON = FUNCTION_WORDS | frozenset("is was were are be been has had have will would can could did does".split())


def _a_thing_named_after_a_town(text: str, tokens: list[Token], i: int, hits: list[NameHit]) -> bool:
    """A town's name after an article ("the", "a") and before a verb, a function word or the end of the
    clause is a thing named after the town ("drove the Cadillac to work", "The Lincoln was parked"): towns
    take no article. Before a noun it qualifies the noun and stays a place ("the Houston area"); a country,
    region or feature by its own name keeps its article ("the Congo", "the Gambia")."""
    if not hits or any(h.via != ALTERNATE and h.candidate.kind != "city" for h in hits):
        return False
    end = tokens[i].end
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if end < len(text) and text[end] == ",":  # "the Pittsburgh, Pennsylvania-based company": a qualifier
        return nxt is None or not _capitalised(nxt.text)
    if end >= len(text) or text[end] in ".;:!?)\u201d\"":
        return True
    return nxt is not None and text[end : nxt.start] == " " and not _capitalised(nxt.text) \
        and nxt.key in _CLAUSE_GOES_ON
