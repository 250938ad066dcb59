"""A place's identity over a word's: states over municipalities of the same name, compass words as part of a
place's name, and alternate spellings that are also English words. Articles are written for these tests."""

from __future__ import annotations

from geo.pipeline import parse_text


def places(text: str) -> dict[str, object]:
    """Mention text -> the Document place it belongs to."""
    doc = parse_text(text, borders=False)
    return {m.text: p for p in doc.places for m in p.mentions}


# ------------------------------------------------------------------ a state over a municipality


def test_a_state_outranks_a_municipality_of_the_same_name(gazetteer):
    regions = {c.country for c in gazetteer.search("Florida") if c.kind == "region"}
    assert {"US", "PR"} <= regions  # the name is truly shared: a Puerto Rican municipality is called so too
    found = places("Heavy rain flooded roads across Florida on Monday.")
    assert (found["Florida"].country, found["Florida"].kind) == ("US", "region")


def test_the_municipality_still_wins_with_its_own_qualifier():
    found = places("The festival moved to Florida, Puerto Rico, this year.")
    assert found["Florida"].country == "PR"


def test_minor_regions_are_listed_by_type(gazetteer):
    florida = {c.country: c for c in gazetteer.search("Florida") if c.kind == "region"}
    assert florida["PR"].id in gazetteer.minor_regions
    assert florida["US"].id not in gazetteer.minor_regions


# ------------------------------------------------------------------ compass words


def test_a_compass_word_before_a_place_is_part_of_its_name():
    text = "Flights were cancelled in South Florida while storms crossed West Wales."
    doc = parse_text(text, borders=False)
    spans = {m.text: p for p in doc.places for m in p.mentions}
    assert set(spans) == {"South Florida", "West Wales"}
    assert spans["South Florida"].country == "US"
    assert spans["West Wales"].name == "Wales"


def test_compass_names_the_gazetteer_knows_whole_stay_whole():
    found = places("Talks between South Africa and North Korea stalled; West Virginia sent a letter.")
    assert {"South Africa", "North Korea", "West Virginia"} <= set(found)
    assert found["South Africa"].kind == "country"
    assert found["West Virginia"].country == "US"


def test_a_lower_case_compass_word_is_left_outside_the_name():
    found = places("Shelling continued in eastern Ukraine.")
    assert "Ukraine" in found


# ------------------------------------------------------------------ weak alternate spellings


def test_weak_alternates_are_english_words_naming_only_small_places_by_another_name(gazetteer):
    assert "oceanic" in gazetteer.weak_alternates
    assert all(h.via == "alt" for h in gazetteer.hits("oceanic"))
    assert "paris" not in gazetteer.weak_alternates  # a primary name
    assert "kiev" not in gazetteer.weak_alternates  # an alternate, but of a big city


def test_an_english_word_that_is_only_another_name_of_a_small_town_is_no_place_alone():
    found = places("The Oceanic survey team published its report, and Dixie played on the radio.")
    assert "Oceanic" not in found
    assert "Dixie" not in found


def test_a_weak_alternate_with_a_qualifier_is_a_place(gazetteer):
    town = next(h.candidate for h in gazetteer.hits("oceanic") if h.candidate.country == "US")
    state = next(c.name for c in gazetteer.search(town.admin1 or "") if c.kind == "region" and c.country == "US")
    found = places(f"The survey team stayed overnight in Oceanic, {state}, before driving home.")
    assert found["Oceanic"].id == town.id
