"""A place's identity over a word's: states over municipalities of the same name, compass words as part of a
place's name, and alternate spellings that are also English words. Articles are written for these tests."""

from __future__ import annotations

from geo.pipeline import parse_text
from tests.test_resolution import places

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


# ------------------------------------------------------------------ people named by the article's own words


def test_a_name_that_speaks_is_a_person_throughout_the_article(gazetteer):
    assert any(h.candidate.kind == "city" for h in gazetteer.hits("villanueva"))
    text = ("The bakery reopened on Monday. \"We baked through the night,\" said Villanueva. Customers queued "
            "early, and Villanueva handed out coffee while the ovens warmed.")
    assert "Villanueva" not in places(text)


def test_a_name_paired_with_a_person_is_a_person():
    text = ("The court heard from Maria Lopez Reyes and Villanueva on Friday. Later, Villanueva left the building "
            "without comment.")
    assert "Villanueva" not in places(text)


def test_a_capital_that_speaks_still_speaks_for_its_state():
    found = places("Moscow said the talks were over, and Kyiv said it would wait.")
    assert found["Moscow"].country == "RU"
    assert found["Kyiv"].country == "UA"


def test_a_speaker_name_is_still_a_place_after_a_locative_word_elsewhere_in_the_article():
    text = "\"It was cold,\" said Villanueva. The team then drove to Villanueva, Cordoba, for the match."
    found = places(text)
    assert "Villanueva" in found and found["Villanueva"].kind == "city"


# ------------------------------------------------------------------ abbreviations and acronyms


def test_an_acronym_the_article_defines_reads_as_the_place_it_names():
    text = ("Storms closed roads across New Brunswick on Tuesday. Crews in Fredericton worked overnight, and "
            "power returned to most of N.B. by the evening.")
    found = places(text)
    assert found["N.B."].name == found["New Brunswick"].name
    assert found["N.B."].country == "CA"


def test_an_acronym_of_a_place_the_article_never_names_stays_unread():
    found = places("Fredericton crews said the NB team would travel on Tuesday.")
    assert "NB" not in found


def test_a_bare_postal_code_needs_its_country_in_the_article():
    assert "NC" not in places("In Seoul, the Doosan Bears were to host the NC Dinos before rain fell.")
    found = places("Raleigh police said the storm moved across NC overnight toward Durham.")
    assert found["NC"].country == "US"


def test_a_short_abbreviation_counts_only_in_capitals():
    assert "Sc" not in places("She holds an M.Sc from the university and teaches in Lagos.")


# ------------------------------------------------------------------ generic region names and qualifiers


def test_a_region_named_by_a_direction_or_a_word_needs_its_country():
    found = places("Members of the Jewish community met with Capital FM reporters and Western partners.")
    assert not {"Jewish", "Capital", "Western"} & {k for k, p in found.items() if p.kind == "region"}


def test_the_same_region_name_is_a_place_in_its_countrys_story():
    found = places("Ghana's Western region exported more cocoa; farmers in Western said prices rose.")
    western = [p for k, p in found.items() if k.startswith("Western")]
    assert western and all(p.country == "GH" for p in western)


def test_a_region_in_an_addresss_qualifier_position_is_a_place_even_when_its_name_is_a_word(gazetteer):
    assert "kent" in gazetteer.common_words
    found = places("The British season opens at Brands Hatch Indy, Kent, and closes at Thruxton, Hampshire.")
    assert found["Kent"].country == "GB" and found["Hampshire"].country == "GB"
    assert "Kent" not in places("Clark Kent filed the story.")


def test_a_locative_word_before_a_sentence_break_is_no_locative():
    found = places("Nobody knew where the dog came in. On Wednesday the owners returned.")
    assert "On" not in found


# ------------------------------------------------------------------ names written whole


def test_names_with_lower_case_particles_are_read_whole():
    found = places("Aid flights reached Port-au-Prince, then Dar es Salaam and Santiago de los Caballeros.")
    assert found["Port-au-Prince"].country == "HT"
    assert found["Dar es Salaam"].country == "TZ"
    assert found["Santiago de los Caballeros"].country == "DO"


def test_names_with_a_possessive_inside_are_read_whole():
    found = places("Families left the camps near Cox's Bazar; trains from King’s Lynn ran late.")
    assert found["Cox's Bazar"].country == "BD"
    assert found["King’s Lynn"].country == "GB"


def test_a_possessive_after_a_name_stays_outside_it():
    found = places("Georgia's governor met Russia's envoy in Atlanta.")
    assert found["Georgia"].country == "US" and found["Russia"].kind == "country"


def test_acronyms_stay_within_the_parse_budget(gazetteer):
    from geo.parse.resolve import geoparse
    from geo.parse.toponyms import MAX_MENTIONS

    found = geoparse("Workers in South Africa voted. " + "SA " * (MAX_MENTIONS + 500), gazetteer)
    assert len(found) == MAX_MENTIONS
    assert found[1].mention.text == "SA" and found[1].chosen.country == "ZA"


# ------------------------------------------------------------------ parts of a country, adjectives of areas


def test_parts_of_a_country_named_by_their_regions_sit_inside_it_and_are_measured_as_areas():
    doc = parse_text("Wildfires spread along the West Coast while the Midwest froze.")
    found = {m.text: p for p in doc.places for m in p.mentions}
    west, midwest = found["West Coast"], found["Midwest"]
    assert (west.kind, west.country) == ("feature", "US") and (midwest.kind, midwest.country) == ("feature", "US")
    assert -125 < west.lon < -115 and -100 < midwest.lon < -85
    assert {"CA", "MX"} <= set(west.border["region_area"]["neighbours"])  # Washington and California's borders
    assert west.border["area_source"] == "grouped_regions"


def test_a_generic_region_of_another_country_no_longer_takes_the_name():
    found = places("Wildfires spread along the West Coast on Tuesday.")
    assert found["West Coast"].country == "US"


def test_area_adjectives_reach_the_area_not_a_country():
    found = places("Central American migrants and Middle Eastern oil dominated the Latin American summit.")
    assert found["Central American"].name == "Central America"
    assert found["Middle Eastern"].name == "Middle East"
    assert found["Latin American"].name == "Latin America"


def test_saint_and_its_short_form_name_the_same_place():
    found = places("Diplomats flew from St. Petersburg to Moscow, then on to Ft. Worth.")
    assert found["St. Petersburg"].country == "RU"
    assert found["Ft. Worth"].name == "Fort Worth"


def test_a_given_name_that_starts_an_organisations_name_is_no_person():
    text = ("Energy audits will cover Cavan Town Hall and the Cavan Sustainable Energy Group's offices. "
            "The plan lets Cavan upgrade its public buildings.")
    found = places(text)
    assert found["Cavan"].country == "IE"


def test_a_given_name_and_surname_still_make_a_person():
    found = places("Cavan Murphy spoke at the launch in Dublin. Murphy said the plan was sound.")
    assert "Cavan" not in found and "Murphy" not in found
    assert found["Dublin"].country == "IE"


# ------------------------------------------------------------------ physical features named after places


def test_a_feature_named_after_a_place_is_unresolved_not_pinned_on_the_place():
    doc = parse_text("Tankers crossed the Indian Ocean and the Gulf of Mexico, then sailed up the Mississippi "
                     "River past Lake Victoria and Mount Kenya.", borders=False)
    assert not doc.places  # no pin in India, Mexico, the state of Mississippi or Kenya
    assert {m.text for m in doc.unresolved} == {"Indian Ocean", "Gulf of Mexico", "Mississippi River",
                                                 "Lake Victoria", "Mount Kenya"}


def test_the_place_itself_is_still_a_place_beside_its_feature():
    found = places("Flooding on the Mississippi River reached Mississippi towns; India watched the Indian Ocean.")
    assert found["Mississippi"].country == "US" and found["India"].kind == "country"


def test_places_named_with_a_feature_word_stay_places():
    found = places("Flights from Salt Lake City and Cape Town landed at Lake Charles.")
    assert found["Salt Lake City"].country == "US"
    assert found["Cape Town"].country == "ZA"
    assert found["Lake Charles"].country == "US"


def test_a_direction_before_a_name_the_gazetteer_lacks_is_one_unplaced_name():
    doc = parse_text("Aid convoys waited outside Eastern Ghouta while officials in West Java met.", borders=False)
    assert {m.text for m in doc.unresolved} == {"Eastern Ghouta", "West Java"}
    assert not doc.places  # no region called "Eastern" or "West" somewhere else


def test_a_direction_alone_after_a_locative_is_no_place():
    doc = parse_text("Officials in Western said the talks were over.", borders=False)
    assert not doc.places and not doc.unresolved
    found = places("Officials in the Northern Territory said the talks were over.")
    assert found["Northern Territory"].country == "AU"


def test_the_fast_acronym_finder_finds_what_the_acronym_pattern_finds():
    import random

    from geo.parse.context import _ACRONYM_RE, _acronyms

    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice("AB.C D.x9 US.") for _ in range(rng.randint(0, 30)))
        limit = rng.randint(0, len(text))
        assert [m.span() for m in _acronyms(text, limit)] == [m.span() for m in _ACRONYM_RE.finditer(text, 0, limit)]
