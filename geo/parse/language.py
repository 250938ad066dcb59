"""Which language an article is written in: the script of its letters, then its commonest function words.

Hangul is Korean; Cyrillic is Ukrainian when the letters only Ukrainian writes (і ї є ґ) or its function words
outnumber Russian's, else Russian; Latin text is English unless the function words of French, German or
Spanish clearly outnumber English ones. Only the first ``SAMPLE_CHARS`` characters are read (about 0.1 ms),
so English articles pay next to nothing. Languages the project maps: :data:`LANGUAGES`.
"""

from __future__ import annotations

import re
from collections import Counter

from geo.settings import ARTICLE_LANGUAGES as LANGUAGES

ENGLISH = "en"
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "fr": "French", "de": "German",
                  "es": "Spanish", "ko": "Korean"}
SAMPLE_CHARS = 2000

# Words that are frequent in one language and rare as words of the others (a word shared by two, like
# "de" in French and Spanish, counts for neither).
_FUNCTION_WORDS = {
    "en": "the and of to is was that with for from by are were has have this which said".split(),
    "fr": "le la les des du et est une dans pour sur au aux avec qui que ont été selon cette ces".split(),
    "de": "der die das und ist nicht mit von den dem ein eine auf für sich auch wurde nach bei sind".split(),
    "es": "el los las del y en una por con para que se su fue según han sus este esta".split(),
    "ru": "и в на что не по с из как это был была были для от года также после".split(),
    "uk": "і та що на не у з від це був була були для як також після року".split(),
}
_SHARED = {w for lang, words in _FUNCTION_WORDS.items() for w in words
           if sum(w in other for other in _FUNCTION_WORDS.values()) > 1}
_WORD_LANG: dict[str, str] = {w: lang for lang, words in _FUNCTION_WORDS.items() for w in words if w not in _SHARED}
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")
_RUSSIAN_LETTERS = frozenset("ыэъёЫЭЪЁ")
# A foreign language must outnumber English by this factor (English stays the default on a tie).
_MARGIN = 1.5


_HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_WORD_RE = re.compile(r"\w+")
_ENGLISH_MARKS = (" the ", " The ", " and ", " of ")
ENGLISH_SURE = 6  # that many of _ENGLISH_MARKS in the sample: English, whatever else it quotes
WORDS_SAMPLE_CHARS = 1200


def detect_language(text: str) -> str:
    """The language code of ``text`` (one of :data:`LANGUAGES`); English when nothing says otherwise."""
    sample = text[:SAMPLE_CHARS]
    if sample.isascii():
        hangul = cyrillic = 0
        latin = 1
    else:
        hangul, cyrillic = len(_HANGUL_RE.findall(sample)), len(_CYRILLIC_RE.findall(sample))
        latin = len(sample) - hangul - cyrillic  # Latin letters, digits, spaces, punctuation: not those two
    if hangul and hangul >= max(cyrillic, latin) / 2:
        return "ko"
    if cyrillic <= latin and sum(sample.count(w) for w in _ENGLISH_MARKS) >= ENGLISH_SURE:
        return ENGLISH  # the common case, settled without reading words: " the ", " and ", " of "
    seen = Counter(_WORD_RE.findall(sample[:WORDS_SAMPLE_CHARS].lower()))
    counts = {lang: sum(seen[w] for w in words if w in _WORD_LANG) for lang, words in _FUNCTION_WORDS.items()}
    if cyrillic > latin:
        ukrainian = sum(sample.count(ch) for ch in _UKRAINIAN_LETTERS)
        russian = sum(sample.count(ch) for ch in _RUSSIAN_LETTERS)
        uk_score, ru_score = counts["uk"] + 2 * ukrainian, counts["ru"] + 2 * russian
        return "uk" if uk_score > ru_score else "ru"
    best = max(("fr", "de", "es"), key=lambda lang: counts[lang])
    if counts[best] >= 2 and counts[best] > _MARGIN * counts["en"]:
        return best
    return ENGLISH


def normalise_language(value: str | None) -> str | None:
    """A language setting as given ("auto", "", "de", "German") -> a code, or None for automatic detection;
    raises ValueError naming the choices for anything else."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("", "auto"):
        return None
    if lowered in LANGUAGES:
        return lowered
    for code, name in LANGUAGE_NAMES.items():
        if lowered == name.lower():
            return code
    raise ValueError(f"unknown language {value!r}: use auto or one of {', '.join(LANGUAGES)}")
