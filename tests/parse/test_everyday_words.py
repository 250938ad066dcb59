"""Everyday words and people are not places: a word written without the place's own letters, a given
name with a surname and an age or a verb of speech, a place inside the name of a movement named by its
cause (issue 23). Articles are written for these tests."""

from __future__ import annotations

import pytest

from geo.parse.mention_rules import _named_for_a_cause, _person_with_surname, _written_as_named
from geo.parse.toponyms import context_tokens
from geo.places.gazetteer import ALTERNATE, PRIMARY, Candidate, NameHit
from tests.test_resolution import places


def _hit(name: str, via: str = PRIMARY) -> NameHit:
    return NameHit(Candidate("x", name, "city", 0.0, 0.0, "HU", None, None, 15_000), via)


# ------------------------------------------------------------------ a word is not a place by dropped accents


def test_a_word_is_written_as_its_place_only_with_the_places_own_letters():
    assert _written_as_named("Nice", [_hit("Nice")])
    assert not _written_as_named("God", [_hit("Göd")])
    assert not _written_as_named("Oceanic", [_hit("Oceanic", ALTERNATE)])  # another spelling is not its name


def test_faith_in_god_is_no_hungarian_town():
    assert "God" not in places("She said her faith in God kept her going through the winter.")


def test_an_everyday_word_spelt_as_its_town_still_counts_after_a_locative():
    assert places("The delegates met in Nice on Friday.")["Nice"].country == "FR"


# ------------------------------------------------------------------ people


@pytest.mark.parametrize("text", [
    "Kingston Moore, 9, was taken to hospital after the fall.",
    "Neighbours said Kingston Moore (9) had been playing outside.",
    "Kingston Moore said the boat capsized near the pier.",
])
def test_a_place_name_with_a_surname_and_an_age_or_speech_is_a_person(text):
    assert "Kingston" not in places(text)


def test_the_place_keeps_its_name_without_a_persons_marks():
    found = places("Flights to Kingston resumed on Monday after the storm.")
    assert found["Kingston"].country == "JM"


def test_a_state_speaking_through_an_institution_is_not_a_person(gazetteer):
    text = "Ohio Lawmakers said the budget would pass."
    tokens = context_tokens(text)
    assert not _person_with_surname(text, tokens, 1, gazetteer, gazetteer.hits("ohio"))
    assert _person_with_surname(text, tokens, 1, gazetteer, [_hit("Ohio")])  # a town only: a person


def test_a_region_word_is_no_surname(gazetteer):
    text = "Lanark Province, 12 km away, sent help."
    assert not _person_with_surname(text, context_tokens(text), 1, gazetteer, [_hit("Lanark")])


# ------------------------------------------------------------------ organisations named by a cause


@pytest.mark.parametrize(("text", "expected"), [
    ("the Kurdistan Workers Party said", True),
    ("the Kurdistan Workers' Party said", True),
    ("the Oromo Liberation Front said", True),
    ("the Kurdistan Region voted", False),
    ("the Texas Party said", False),  # the party of a place, named by it alone
    ("the Ohio State Police said", False),
])
def test_a_movement_named_by_its_cause(text, expected):
    tokens = context_tokens(text)
    assert _named_for_a_cause(text, tokens, 2) is expected


def test_a_homeland_in_a_movements_name_is_no_pin():
    found = places("Fighters of the Kurdistan Workers' Party clashed with troops near Van.")
    assert "Kurdistan" not in found


def test_the_region_itself_is_a_place():
    assert "Kurdistan Region" in places("Voters in the Kurdistan Region backed the plan.")


# ------------------------------------------------------------------ a compass word before a region


def test_central_anatolia_is_not_a_town_in_louisiana():
    found = places("Wheat fields in Central Anatolia dried out in July.")
    assert all(place.country != "US" for place in found.values())
    assert "Central" not in found


# ------------------------------------------------------------------ a thing named after a town


@pytest.mark.parametrize(("text", "name"), [
    ("He drove the Cadillac to the lake every summer.", "Cadillac"),
    ("The Lincoln was parked outside the bank.", "Lincoln"),
    ("Buyers liked the Arona, a small car.", "Arona"),
])
def test_a_towns_name_after_an_article_and_before_a_verb_or_the_end_is_a_thing(text, name):
    assert name not in places(text)


@pytest.mark.parametrize(("text", "name"), [
    ("Storms hit the Phoenix area overnight.", "Phoenix"),
    ("A Chicago man was charged on Monday.", "Chicago"),
    ("The Pittsburgh, Pennsylvania-based firm hired staff.", "Pittsburgh"),
    ("Aid reached the Gambia and the Congo.", "Gambia"),
])
def test_a_place_before_its_noun_or_a_country_with_its_article_stays_a_place(text, name):
    assert name in places(text)
