"""Words of an article as tokens with character offsets, and the small predicates the mention rules ask of them
(capitalised, all-caps, an initial, joinable to the next word, at the start of a sentence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from geo.places.gazetteer import NameHit
from geo.places.names import (
    ABBREVIATIONS,
    CONNECTORS,
    INVISIBLE,
    TRAILING_WORDS,
    name_key,
)

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
_APOSTROPHES = "'’"  # of a possessive ('s) left out of the token


class Token(NamedTuple):
    """One word: its span, its text and its lookup key (a tuple: made by the hundred per article)."""

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
    # A place's name the gazetteer cannot place: a feature named after a place ("Indian Ocean"), a direction
    # before a name it lacks ("Eastern Ghouta"). Kept, unresolved, never pinned on the place it contains.
    unplaced: bool = False


def tokenize(text: str) -> list[Token]:
    """Word tokens with spans; a trailing possessive ('s) is left out of the token."""
    return _tokens_between(text, 0, len(text))


# name_key of every word seen, shared by the parses of this process (words recur from article to article);
# emptied when it reaches _KEYS_MAX words, so text of ever new words cannot grow it without bound.
_KEYS: dict[str, str] = {}
_KEYS_MAX = 50_000
_new_token = tuple.__new__


def _tokens_between(text: str, start: int, end: int) -> list[Token]:
    return _tokens_in(text, ((start, end),))


def _tokens_in(text: str, windows: Iterable[Sequence[int]]) -> list[Token]:
    """The tokens of every (start, end) window of ``text``, in order."""
    words = TOKEN_RE.finditer
    spans = [match.span() for start, end in windows for match in words(text, start, end)]
    tokens: list[Token] = []
    keys = _KEYS  # a word seen before is not folded again
    append = tokens.append
    for s, e in spans:
        if text[e - 1] == "s" and e - s > 2 and text[e - 2] in _APOSTROPHES:  # a possessive: "Kyiv's"
            e -= 2
        word = text[s:e]
        key = keys.get(word)
        if key is None:
            if len(keys) >= _KEYS_MAX:
                keys.clear()
            key = keys[word] = name_key(word)
        append(_new_token(Token, (s, e, word, key)))
    return tokens


_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(ch for ch in map(chr, range(0x100, 0x250)) if ch.isupper())
# A capitalised word (or an abbreviation like U.S.) followed by more such words; only these runs,
# plus one word of context on each side, are tokenised: most of an article is never looked at.
# (an abbreviation "U.S." or a word; written to start with one character class, which lets the regex
# engine skip ahead to the next capital instead of trying the pattern at every position)
_WORD = rf"[{_UPPER}](?:\.(?:[{_UPPER}]\.)+|[\w{_MARKS}'’&]*)"
_CONNECTORS = "|".join(sorted(CONNECTORS))
CAPITALISED_RUN_RE = re.compile(
    rf"{_WORD}(?:(?:[ \-]+|\. )(?:(?:{_CONNECTORS})[ \-]+){{0,3}}{_WORD})*(?: (?:{'|'.join(TRAILING_WORDS)})\b)?"
)
_WORD_AFTER_RE = re.compile(r"[^\w\n]{0,3}[\w'’]+")
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
