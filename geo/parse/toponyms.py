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

import bisect
import re

from geo.parse.mention_rules import (
    _HitsOnce,
    _keep,
    compass_prefix,
    direction_span,
    feature_span,
    named_like_people,
)
from geo.parse.tokens import (
    _WORD_AFTER_RE,
    CAPITALISED_RUN_RE,
    FUNCTION_WORDS,
    LOCATIVE_WORDS,
    RawMention,
    Token,
    _capitalised,
    _case_ok,
    _is_initial,
    _is_upper,
    _joinable,
    _tokens_in,
)
from geo.places.gazetteer import Gazetteer
from geo.places.names import (
    BUILDING_WORDS,
    MONTHS_AND_DAYS,
    NAME_PARTICLES,
    ORG_WORDS,
    PERSON_TITLES,
    name_key,
)

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


# A capitalised run and (in group 1, looked at without being consumed) the word after it: _WORD_AFTER_RE.
_RUN_AND_WORD_AFTER_RE = re.compile(rf"(?:{CAPITALISED_RUN_RE.pattern})(?=({_WORD_AFTER_RE.pattern})|)")
# The word before a run, found on the text reversed (as _word_before walks back, but in the regex engine):
# at most 3 characters that are no letter, digit or newline, then the word's letters, digits and ._'’.
_GAP_BACK_RE = re.compile(r"(?:[^\w\n]|_){0,3}")
_WORD_BACK_RE = re.compile(r"[\w.'’]*")


def context_tokens(text: str) -> list[Token]:
    """Tokens of every capitalised run with one word before and after it, in text order."""
    windows: list[list[int]] = []
    size = len(text)
    back = ""  # the text reversed, made at the first run that has text before it
    for match in _RUN_AND_WORD_AFTER_RE.finditer(text):
        start, end = match.span()
        end = max(end, match.end(1))
        if start > 0:  # _word_before(text, start, floor), floor: the end of the last window
            if not back:
                back = text[::-1]
            j = size - 1 - _GAP_BACK_RE.match(back, size - start).end()
            if j >= 0 and text[j].isalnum():
                floor = windows[-1][1] if windows else 0
                start = size - _WORD_BACK_RE.match(back, size - 1 - j, size - floor).end() if j >= floor else j + 1
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return _tokens_in(text, windows)


def _possessive_gap(text: str, left: Token, right: Token) -> bool:
    """A possessive inside a name: "Cox's Bazar", "King’s Lynn" (the index also knows them without it)."""
    return text[left.end : right.start] in ("'s ", "’s ")


def scan(text: str, tokens: list[Token], gaz: Gazetteer, most: int | None = None) -> list[tuple[int, int, str]]:
    """Longest-match scan: (first token index, token count, key) for every gazetteer name found
    (the first ``most`` of them when given)."""
    found: list[tuple[int, int, str]] = []
    n = len(tokens)
    max_len = min(gaz.max_tokens, MAX_NAME_TOKENS)
    names, prefixes = gaz.name_keys, gaz.name_prefixes
    i = 0
    while i < n:
        tok = tokens[i]
        length = 0
        if _capitalised(tok.text):
            # The window grows from this word while its words are joinable and may still begin a longer name
            # (Gazetteer.name_prefixes); the longest name in the gazetteer that passes the case rule wins.
            key = best = tok.key
            if key in names and _case_ok(tokens[i : i + 1], key):
                length = 1
            size = 1
            while (size < max_len and key in prefixes and i + size < n
                   and (_joinable(text, tokens[i + size - 1], tokens[i + size])
                        or _possessive_gap(text, tokens[i + size - 1], tokens[i + size]))):
                key = f"{key} {tokens[i + size].key}"
                size += 1
                if key in names and _case_ok(tokens[i : i + size], key):
                    length, best = size, key
        if length:
            found.append((i, length, best))
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
    first_names = gaz.first_names
    # Only a title or a given name can start a name: the other tokens are passed over.
    for i in [i for i, tok in enumerate(tokens) if tok.key in PERSON_TITLES or tok.key in first_names]:
        if i < reached:  # a name starting here (at i or i + 1) lies inside the last walk
            continue
        tok = tokens[i]
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
        run: list[str] = []
        while j < n and (
            (_capitalised(tokens[j].text) and not _is_upper(tokens[j].text))
            or _is_initial(tokens[j].text)
            or tokens[j].text in NAME_PARTICLES
        ):
            if tokens[j].key in ORG_WORDS or tokens[j].key in BUILDING_WORDS:
                # A run of names from a given name to an organisation's word is the organisation's name, not
                # a person's ("Cavan Town Hall", "Cavan Sustainable Energy Group").
                if lower not in PERSON_TITLES:
                    run, last = [], None
                break
            if tokens[j].key in FUNCTION_WORDS:
                break
            if not _is_initial(tokens[j].text) and tokens[j].text not in NAME_PARTICLES:
                run.append(tokens[j].key)
                last = j
            if j + 1 < n and _joinable(text, tokens[j], tokens[j + 1]):
                j += 1
            else:
                break
        people.update(run)
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
    n = len(tokens)
    after = 0  # tokens before this one are part of a name already proposed
    # Only capitalised tokens outside the names found can start one (the other tokens are passed over).
    for i in [i for i, tok in enumerate(tokens) if tok.text[:1].isupper() and i not in covered]:
        tok = tokens[i]
        if (i < after or _is_upper(tok.text) or tok.key in FUNCTION_WORDS or tok.key in MONTHS_AND_DAYS
                or not _LOCATIVE_CONTEXT_RE.search(text, max(0, tok.start - 20), tok.start)):
            continue
        j = i
        while j + 1 < n and j + 1 not in covered and _joinable(text, tokens[j], tokens[j + 1]) \
                and _capitalised(tokens[j + 1].text) and j + 1 - i < 3:
            j += 1
        words = tokens[i : j + 1]
        keys = {w.key for w in words}
        if (keys.isdisjoint(people) and keys.isdisjoint(gaz.common_words) and keys.isdisjoint(ORG_WORDS)
                and keys.isdisjoint(PERSON_TITLES) and len(tok.text) > 2):
            start, end = words[0].start, words[-1].end
            out.append(RawMention(start, end, text[start:end], name_key(text[start:end]), [], proposed=True))
        after = j + 1
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
    surnames |= named_like_people(text, tokens, found, hits_of, people)
    mentions = []
    for i, length, key in found:
        words = tokens[i : i + length]
        hits = hits_of[key]
        if not _keep(text, tokens, i, length, key, hits, gaz, people, surnames, hits_of):
            continue
        start, end = words[0].start, words[-1].end
        adjectival = hits_of.facts(key).adjectival
        prefix = None if adjectival else compass_prefix(text, tokens, i)  # "Central American" is no US adjective
        if prefix is not None:  # "South Florida" is one mention of Florida, not "South" and "Florida"
            start = tokens[prefix].start
            if mentions and mentions[-1].start == start:
                mentions.pop()
            i = prefix
        # "Indian Ocean", "Gulf of Mexico": a feature's name, not India; "Eastern Ghouta": not a region "Eastern".
        unplaced = feature_span(text, tokens, i, i + length - 1 if prefix is None else i + length) \
            or direction_span(text, tokens, i, length, key)
        if unplaced is not None:
            start, end = tokens[unplaced[0]].start, tokens[unplaced[1]].end
            while mentions and mentions[-1].end > start:
                mentions.pop()
            mentions.append(RawMention(start, end, text[start:end], name_key(text[start:end]), [], unplaced=True))
            continue
        locative = i > 0 and tokens[i - 1].key in LOCATIVE_WORDS and text[tokens[i - 1].end : start] in (" ", "  ")
        mentions.append(RawMention(start, end, text[start:end], key, hits, adjectival, locative=locative))
    starts = [m.start for m in mentions]  # in text order: a feature's name may cover a proposed word ("Mount")
    for proposed in propose_unknown(text, tokens, found, gaz, people):
        k = bisect.bisect_left(starts, proposed.end)
        if not (k > 0 and mentions[k - 1].end > proposed.start):
            mentions.append(proposed)
    mentions.sort(key=lambda m: m.start)
    return mentions
