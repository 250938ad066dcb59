"""Find place mentions in text: char spans into the ORIGINAL text, each with its gazetteer candidates.

Overlap rule: scanning left to right, at each token the LONGEST name in the gazetteer wins and the
scan resumes after it ("New York City" beats "New York" beats "York"; "North Korean" beats "Korean").
False-positive rules (each is a small function, measured on the dev set, see README):
- case: every word of a name is capitalised (connectors like "of" excepted); all-caps only for known
  abbreviations ("US", "EU") or for a major place written in a dateline ("WASHINGTON");
- common words ("March", "Police", "Nice", "Reading") need a locative word before them ("in Nice");
- people: a name after a title ("President", "Minister") or after a given name ("George Washington"),
  a given name followed by a surname ("Paris Hilton"), and any later bare use of a token seen in a
  person's name in the same document ("Kim" after "Kim Jong Un").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from geo.places.gazetteer import ABBREVIATION, ADJECTIVE, ALTERNATE, REGION_PHRASE, Gazetteer, NameHit
from geo.places.names import (
    ABBREVIATIONS,
    BUILDING_WORDS,
    CONNECTORS,
    INVISIBLE,
    MONTHS_AND_DAYS,
    NAME_PARTICLES,
    ORG_WORDS,
    PERSON_TITLES,
    SPEECH_VERBS,
    TRAILING_WORDS,
    name_key,
)

# Combining diacritics (text pasted in decomposed, NFD, form) and invisible characters inside a word.
_MARKS = "\u0300-\u036f" + INVISIBLE
TOKEN_RE = re.compile(rf"(?:[^\W\d_]\.){{2,}}|\w[\w{_MARKS}]*(?:[’'&]\w[\w{_MARKS}]*)*", re.UNICODE)
LOCATIVE_WORDS = frozenset(
    "in at near from to outside inside across around into through towards toward via visited visit "
    "visiting reached entered left".split()
)
PLACE_MODIFIERS = frozenset(
    "greater central north south east west northern southern eastern western upper lower new old "
    "downtown metro metropolitan inner outer mainland occupied rural coastal northeast northwest "
    "southeast southwest".split()
)
FUNCTION_WORDS = frozenset(
    "the a an in at on of to for from by with and or but as if when while after before since during "
    "across near into over under about like than then this that these those there here it its his her "
    "their our my your we they he she you i both all some many most no not so yet also even still only "
    "why how what where who which whose meanwhile however although though because unlike including "
    "said says according".split()
)
SHORT_ABBREVIATIONS = frozenset({"st", "ft", "mt", "pt"})
_POSSESSIVE = ("'s", "’s")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str  # name_key(text), computed once


@dataclass
class RawMention:
    """A span the gazetteer knows, before resolution."""

    start: int
    end: int
    text: str
    key: str
    hits: list[NameHit]
    adjectival: bool = False
    proposed: bool = False  # not in the gazetteer: a likely name from its context, for a geocoder
    locative: bool = False  # a locative word stands before it ("in", "near", "from")


def tokenize(text: str) -> list[Token]:
    """Word tokens with spans; a trailing possessive ('s) is left out of the token."""
    return _tokens_between(text, 0, len(text))


def _tokens_between(text: str, start: int, end: int) -> list[Token]:
    tokens = []
    keys: dict[str, str] = {}  # a word seen again is not folded again
    for match in TOKEN_RE.finditer(text, start, end):
        word = match.group()
        s, e = match.span()
        if word.endswith(_POSSESSIVE) and len(word) > 2:
            e -= 2
            word = word[:-2]
        key = keys.get(word)
        if key is None:
            key = keys[word] = name_key(word)
        tokens.append(Token(s, e, word, key))
    return tokens


_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(ch for ch in map(chr, range(0x100, 0x250)) if ch.isupper())
# A capitalised word (or an abbreviation like U.S.) followed by more such words; only these runs,
# plus one word of context on each side, are tokenised: most of an article is never looked at.
_WORD = rf"(?:(?:[{_UPPER}]\.){{2,}}|[{_UPPER}][\w{_MARKS}'’&]*)"
_CONNECTORS = "|".join(sorted(CONNECTORS))
CAPITALISED_RUN_RE = re.compile(
    rf"{_WORD}(?:(?:[ \-]+|\. )(?:(?:{_CONNECTORS})[ \-]+){{0,3}}{_WORD})*(?: (?:{'|'.join(TRAILING_WORDS)})\b)?"
)
_WORD_AFTER_RE = re.compile(r"[^\w\n]{0,3}[\w'’]+")
MAX_NAME_TOKENS = 8
# A bound on the work for pathological input (20 MB of nothing but place names): the first
# MAX_MENTIONS names are mapped and the Document says the rest were left out.
MAX_MENTIONS = 20_000
# The work budget of one parse: places are searched for until MAX_SEARCH_CHARS characters (spaces, tabs and
# newlines not counted) have gone by, cut back to a space, so a 20 MB paste costs what 2 MB cost, and the
# Document says so. Every pass
# below is linear in what it looks at, so this bounds the time and the memory of a parse. It is a size,
# not a clock, so the same text always gives the same Document.
MAX_SEARCH_CHARS = 2_000_000


def _word_before(text: str, start: int, floor: int = 0) -> int:
    """Start of the word just before ``start`` (over at most 3 punctuation or space characters); when that
    word starts before ``floor``, some offset at or before ``floor`` (the walk back stops there: the caller
    only needs to know that the word reaches back into its last window)."""
    j, skipped = start - 1, 0
    while j >= 0 and skipped < 3 and not text[j].isalnum() and text[j] != "\n":
        j -= 1
        skipped += 1
    if j < 0 or not text[j].isalnum():
        return start
    while j >= floor and (text[j].isalnum() or text[j] in "._'’"):
        j -= 1
    return j + 1


def context_tokens(text: str) -> list[Token]:
    """Tokens of every capitalised run with one word before and after it, in text order."""
    windows: list[list[int]] = []
    for match in CAPITALISED_RUN_RE.finditer(text):
        start, end = match.span()
        after = _WORD_AFTER_RE.match(text, end)
        start = _word_before(text, start, windows[-1][1] if windows else 0)
        end = after.end() if after else end
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    tokens: list[Token] = []
    for start, end in windows:
        tokens.extend(_tokens_between(text, start, end))
    return tokens


def _joinable(text: str, left: Token, right: Token) -> bool:
    """Can ``left`` and ``right`` belong to one name? Only spaces, a hyphen or 'St. ' lie between."""
    gap = text[left.end : right.start]
    if gap in (" ", "-", "  "):
        return True
    if gap == ". " and (left.text.lower() in SHORT_ABBREVIATIONS or _is_initial(left.text)):
        return True
    if gap == "." and _is_initial(left.text) and right.text[:1].isupper():
        return True  # an abbreviation written without a space: "W.Va."
    return False


def _is_initial(word: str) -> bool:
    """A middle initial ('D' in 'Gino D. Bassett')."""
    return len(word) == 1 and word.isupper()


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _is_upper(word: str) -> bool:
    """All capitals, at least two characters ('US', 'WASHINGTON', 'U.S.')."""
    return len(word) >= 2 and word.isupper()


def _case_ok(words: list[Token], key: str) -> bool:
    """Every word capitalised except connectors inside and a region word at the end."""
    if not _capitalised(words[0].text):
        return False
    for i, tok in enumerate(words[1:], start=1):
        lower = tok.text.lower()
        if _capitalised(tok.text):
            continue
        if lower in CONNECTORS and i < len(words) - 1:
            continue
        if lower in TRAILING_WORDS and i == len(words) - 1:
            continue
        return False
    if any(_is_upper(t.text) for t in words) and key not in ABBREVIATIONS:
        return all(_is_upper(t.text) or t.text.lower() in CONNECTORS for t in words) and len(key) >= 4
    return True


def _sentence_initial(text: str, tok: Token) -> bool:
    before = text[max(0, tok.start - 4) : tok.start].rstrip(" \t\"'“‘([")
    return not before or before[-1] in ".!?:\n;•*#>-—"


def scan(text: str, tokens: list[Token], gaz: Gazetteer, most: int | None = None) -> list[tuple[int, int, str]]:
    """Longest-match scan: (first token index, token count, key) for every gazetteer name found
    (the first ``most`` of them when given)."""
    found: list[tuple[int, int, str]] = []
    n = len(tokens)
    max_len = min(gaz.max_tokens, MAX_NAME_TOKENS)
    keys = [t.key for t in tokens]
    # chain[k]: how many tokens from k on are joined one to the next (each pair is checked once, not once
    # per window that holds it).
    chain = [1] * n
    for k in range(n - 2, -1, -1):
        if _joinable(text, tokens[k], tokens[k + 1]):
            chain[k] = chain[k + 1] + 1
    # The words of a window -> the length of the longest name it starts with (0: none): a text that repeats
    # its names ("Paris Paris …") looks each window up once.
    known: dict[str, int] = {}
    i = 0
    while i < n:
        length = 0
        if _capitalised(tokens[i].text):
            # The window is as long as the tokens are joinable; the longest name in the gazetteer wins.
            limit = min(max_len, chain[i])
            words = text[tokens[i].start : tokens[i + limit - 1].end]  # its words and the gaps between
            length = known.get(words, -1)
            if length < 0:
                length = 0
                for size in range(limit, 0, -1):
                    key = " ".join(keys[i : i + size])
                    if key in gaz and _case_ok(tokens[i : i + size], key):
                        length = size
                        break
                known[words] = length
        if length:
            found.append((i, length, " ".join(keys[i : i + length])))
            if len(found) == most:
                break
            i += length
        else:
            i += 1
    return found


def _person_tokens(text: str, tokens: list[Token], gaz: Gazetteer, surnames: set[str] | None = None) -> set[str]:
    """Keys of tokens that belong to people's names in this text (title + Name, Given Surname); the last
    word of each such name (the surname: "Lincoln" in "Abraham Lincoln") also goes into ``surnames``."""
    people: set[str] = set()
    n = len(tokens)
    # Where the last walk along a name stopped: a walk starting at or before it would visit the same
    # tokens up to the same stop and add nothing new, so runs of names ("John John John…") stay linear.
    reached = -1
    for i, tok in enumerate(tokens):
        if i < reached:  # a name starting here (at i or i + 1) lies inside the last walk
            continue
        lower = tok.key
        starts_name = False
        if lower in PERSON_TITLES and i + 1 < n and _joinable(text, tok, tokens[i + 1]) and _capitalised(tokens[i + 1].text):
            j = i + 1
            starts_name = True
        elif (
            lower in gaz.first_names
            and _capitalised(tok.text)
            and not _is_upper(tok.text)
            and i + 1 < n
            and _joinable(text, tok, tokens[i + 1])
            and _capitalised(tokens[i + 1].text)
            and not _is_upper(tokens[i + 1].text)
            and tokens[i + 1].key not in ORG_WORDS
            and tokens[i + 1].key not in PERSON_TITLES
            and tokens[i + 1].key not in FUNCTION_WORDS
        ):
            j = i
            starts_name = True
        if not starts_name or j <= reached:
            continue
        first, last = j, None
        while j < n and (
            (_capitalised(tokens[j].text) and not _is_upper(tokens[j].text))
            or _is_initial(tokens[j].text)
            or tokens[j].text in NAME_PARTICLES
        ):
            if tokens[j].key in ORG_WORDS or tokens[j].key in FUNCTION_WORDS:
                break
            if not _is_initial(tokens[j].text) and tokens[j].text not in NAME_PARTICLES:
                people.add(tokens[j].key)
                last = j
            if j + 1 < n and _joinable(text, tokens[j], tokens[j + 1]):
                j += 1
            else:
                break
        if surnames is not None and last is not None and (last > first or first == i + 1):
            surnames.add(tokens[last].key)
        reached = j
    return people


_LOCATIVE_CONTEXT_RE = re.compile(
    r"\b(?:in|near|outside|village of|town of|city of|district of|province of)\s+(?:the\s+)?$"
)


def propose_unknown(text: str, tokens: list[Token], found: list[tuple[int, int, str]], gaz: Gazetteer,
                    people: set[str]) -> list[RawMention]:
    """Capitalised names the gazetteer lacks, in a locative context ("near Kupiansk-Vuzlovyi").

    They come back with no candidates: unresolved, for an online geocoder to try when enabled.
    """
    covered = {k for i, length, _ in found for k in range(i, i + length)}
    out = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if (i in covered or not tok.text[:1].isupper() or _is_upper(tok.text) or tok.key in FUNCTION_WORDS
                or tok.key in MONTHS_AND_DAYS):
            i += 1
            continue
        if not _LOCATIVE_CONTEXT_RE.search(text, max(0, tok.start - 20), tok.start):
            i += 1
            continue
        j = i
        while j + 1 < n and j + 1 not in covered and _joinable(text, tokens[j], tokens[j + 1]) \
                and _capitalised(tokens[j + 1].text) and j + 1 - i < 3:
            j += 1
        words = tokens[i : j + 1]
        keys = {w.key for w in words}
        if not (keys & (people | gaz.common_words | ORG_WORDS | PERSON_TITLES)) and len(tok.text) > 2:
            start, end = words[0].start, words[-1].end
            out.append(RawMention(start, end, text[start:end], name_key(text[start:end]), [], proposed=True))
        i = j + 1
    return out


_BLANKS = " \t\n\r"


def search_limit(text: str) -> int:
    """Where the search for places in ``text`` ends: its end, or where MAX_SEARCH_CHARS characters other
    than spaces, tabs and newlines have gone by (blank stretches cost next to nothing), cut back to a space."""
    if len(text) <= MAX_SEARCH_CHARS:
        return len(text)
    counted, pos, step = 0, 0, 1 << 16
    while pos < len(text):
        chunk = text[pos : pos + step]
        inked = len(chunk) - sum(chunk.count(blank) for blank in _BLANKS)
        if counted + inked <= MAX_SEARCH_CHARS:
            counted, pos = counted + inked, pos + step
            continue
        end = pos
        for ch in chunk:  # the character past the budget, within this chunk
            if ch not in _BLANKS:
                counted += 1
                if counted > MAX_SEARCH_CHARS:
                    break
            end += 1
        space = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end))
        return space if space > end // 2 else end
    return len(text)


def find_mentions(text: str, gaz: Gazetteer, notes: list[str] | None = None) -> list[RawMention]:
    """Every place mention in ``text`` that survives the false-positive rules, in text order.

    Only the first MAX_SEARCH_CHARS characters are searched, and past MAX_MENTIONS names the rest of the
    text is not looked at (not even for unknown names); a sentence saying so is appended to ``notes``.
    Every pass is linear in the part of the text it searches."""
    limit = search_limit(text)
    if limit < len(text):
        if notes is not None:
            notes.append(f"the text is too large to map whole ({len(text):,} characters): places were searched "
                         f"for in the first {limit:,} characters only")
        text = text[:limit]  # a prefix: every offset found in it is an offset into the whole text
    tokens = context_tokens(text)
    found = scan(text, tokens, gaz, most=MAX_MENTIONS + 1)
    if len(found) > MAX_MENTIONS:
        cut = found[MAX_MENTIONS][0]
        if notes is not None:
            notes.append(f"only the first {MAX_MENTIONS:,} place names were mapped; the text after character "
                         f"{tokens[cut].start:,} was left out")
        found, tokens = found[:MAX_MENTIONS], tokens[:cut]
    surnames: set[str] = set()
    people = _person_tokens(text, tokens, gaz, surnames)
    hits_of = _HitsOnce(gaz)
    mentions = []
    for i, length, key in found:
        words = tokens[i : i + length]
        hits = hits_of[key]
        if not _keep(text, tokens, i, length, key, hits, gaz, people, surnames, hits_of):
            continue
        start, end = words[0].start, words[-1].end
        adjectival = hits_of.facts(key).adjectival
        locative = i > 0 and tokens[i - 1].key in LOCATIVE_WORDS and tokens[i - 1].end >= start - 2
        mentions.append(RawMention(start, end, text[start:end], key, hits, adjectival, locative=locative))
    mentions.extend(propose_unknown(text, tokens, found, gaz, people))
    mentions.sort(key=lambda m: m.start)
    return mentions


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
    # Everyday words need a locative word before them ("in Nice", not "Nice weather"); months never.
    if length == 1 and key in MONTHS_AND_DAYS:
        return False
    if length == 1 and key in gaz.common_words:
        return prev is not None and prev.key in LOCATIVE_WORDS and not _is_upper(prev.text)
    return True
