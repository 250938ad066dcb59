"""Name normalisation (fold, name_key) and the word lists the gazetteer and mention finder share."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.places.names import (
    ABBREVIATIONS,
    CONNECTORS,
    COUNTRY_ALIASES,
    MONTHS_AND_DAYS,
    PERSON_TITLES,
    REGION_WORDS,
    fold,
    name_key,
)


def test_fold_strips_diacritics_and_lowercases():
    assert fold("Wŏnsan") == "wonsan"
    assert fold("Kraków") == "krakow"
    assert fold("ZÜRICH") == "zurich"
    assert fold("São Paulo") == "sao paulo"


def test_fold_unifies_apostrophes_and_dashes():
    assert fold("Kyiv’s") == "kyiv's"
    assert fold("Kyiv‘s") == "kyiv's"
    assert fold("Ras al–Khaimah") == "ras al-khaimah"
    assert fold("a—b") == "a-b"


def test_fold_handles_combining_marks_already_decomposed():
    decomposed = "Krako\u0301w"  # 'o' + COMBINING ACUTE ACCENT
    assert fold(decomposed) == "krakow"
    assert fold(decomposed) == fold("Kraków")


def test_name_key_hyphens_dots_and_spaces():
    assert name_key("Rostov-on-Don") == "rostov on don"
    assert name_key("U.S.") == "us"
    assert name_key("  New   York\tCity ") == "new york city"
    assert name_key("Wŏnsan") == name_key("Wonsan") == "wonsan"
    assert name_key("Moscow") == "moscow"


def test_name_key_is_idempotent_on_examples():
    for name in ("Rostov-on-Don", "U.S.A.", "Wŏnsan", "Kyiv’s", "Bosnia and Herzegovina", "Île-de-France"):
        key = name_key(name)
        assert name_key(key) == key


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_name_key_is_idempotent_and_normalised(text):
    key = name_key(text)
    assert name_key(key) == key
    assert key == key.strip()
    assert "  " not in key
    assert "-" not in key and "." not in key


def test_word_lists_are_lower_case_keys():
    for words in (CONNECTORS, PERSON_TITLES, MONTHS_AND_DAYS, ABBREVIATIONS):
        assert all(w == name_key(w) for w in words)
    assert {"march", "may", "monday"} <= MONTHS_AND_DAYS
    assert {"president", "minister"} <= PERSON_TITLES
    assert {"oblast", "region", "province"} <= set(REGION_WORDS)


def test_abbreviations_are_country_aliases_in_capitals_never_iata_codes():
    assert {"us", "uk", "dprk", "eu"} <= ABBREVIATIONS
    assert "mow" not in ABBREVIATIONS and "iev" not in ABBREVIATIONS
    upper_aliases = {name_key(a) for aliases in COUNTRY_ALIASES.values() for a in aliases
                     if a.replace(".", "").isupper()}
    assert upper_aliases <= ABBREVIATIONS
