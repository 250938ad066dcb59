"""The other languages' names index: keys in their own script, every CLDR country name of every language, a
damaged file set aside, the index pointing into the gazetteer it was built over."""

from __future__ import annotations

import pickle
import warnings

import pytest
from babel import Locale

from geo.places.gazetteer import load_gazetteer
from geo.places.lang_index import (
    OTHER_LANGUAGES,
    _read,
    fingerprint,
    load_lang_index,
    script_key,
)


def test_keys_are_folded_in_their_own_script() -> None:
    assert script_key("Москва\u0301") == script_key("москва") == "москва"
    assert script_key("Ки\u200bев") == "киев"
    assert script_key("Ростов-на-Дону") == "ростов на дону"
    assert script_key("평양") == "평양"  # Hangul stays Hangul (no decomposition into jamo)
    assert script_key("München") == "munchen"  # Latin: as the gazetteer keys it


def test_every_country_is_found_by_its_cldr_name_in_every_language() -> None:
    gaz = load_gazetteer()
    names = load_lang_index(gaz)
    checked = 0
    for language in OTHER_LANGUAGES:
        territories = Locale(language).territories
        for index, place in enumerate(gaz._places):
            if place[2] != "country" or place[5] not in territories or len(territories[place[5]]) < 2:
                continue  # one-syllable names (Korean 괌) are below the index's shortest key
            assert index in names.places(script_key(territories[place[5]]), language), (language, place[1])
            checked += 1
    assert checked > 6 * 190


def test_cyrillic_and_hangul_names_point_at_the_gazetteers_cities_and_regions() -> None:
    gaz = load_gazetteer()
    names = load_lang_index(gaz)
    assert names.meta["fingerprint"] == fingerprint(gaz)
    for script in ("cyrillic", "hangul"):
        keys = sorted(names.by_script[script])[::500]
        assert keys
        for key in keys:
            assert all(gaz._places[i][2] in ("city", "region") for i in names.by_script[script][key])
    crimea = names.by_script["cyrillic"]["крим"]  # a region by its native name, without its kind words
    assert [gaz._places[i][0] for i in crimea] == ["iso3166:UA-43"]


def test_a_damaged_index_file_is_set_aside(tmp_path) -> None:
    path = tmp_path / "names-lang-f1000-l1.pickle"
    path.write_bytes(b"not a pickle at all")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert _read(path, "x") is None
    assert not path.exists() and list(tmp_path.glob("*.corrupt-*"))


def test_an_index_of_another_gazetteer_is_not_used(tmp_path) -> None:
    path = tmp_path / "names-lang-f1000-l1.pickle"
    payload = {"by_script": {}, "by_language": {}, "common": {}, "city_region": {}, "meta": {"fingerprint": "old"}}
    path.write_bytes(pickle.dumps(payload))
    assert _read(path, "new") is None
    assert _read(path, "old") is not None


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_each_language_keeps_its_own_everyday_words(language: str) -> None:
    names = load_lang_index()
    assert names.common[language]
    # a word of one language is no word of another: the sets differ
    others = [names.common[o] for o in OTHER_LANGUAGES if o != language and o not in ("ru", "uk")]
    assert all(names.common[language] != other for other in others)
