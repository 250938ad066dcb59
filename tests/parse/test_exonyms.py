"""A big city's English name is as strong as its own name, whatever GeoNames field holds it (issue 23).
Articles are written for these tests."""

from __future__ import annotations

from geo.parse.resolve import WELL_KNOWN_CITY, _exonym_of
from geo.places.gazetteer import ALTERNATE, PRIMARY, Candidate, NameHit
from tests.test_resolution import places


def _city(name: str, country: str, population: int, ident: str) -> Candidate:
    return Candidate(ident, name, "city", 0.0, 0.0, country, None, None, population)


def test_the_english_name_of_a_city_of_a_million_is_its_own():
    big = _city("Grosstadt", "DE", 2 * WELL_KNOWN_CITY, "big")
    village = _city("Bigtown", "IT", 4_000, "village")
    assert _exonym_of([NameHit(village, PRIMARY), NameHit(big, ALTERNATE)], frozenset()) is big


def test_a_smaller_citys_alternate_name_stays_an_alternate():
    middling = _city("Mittelstadt", "DE", WELL_KNOWN_CITY // 3, "mid")
    village = _city("Midtown", "IT", 4_000, "village")
    assert _exonym_of([NameHit(village, PRIMARY), NameHit(middling, ALTERNATE)], frozenset()) is None


def test_a_name_that_is_a_major_places_own_stays_that_places():
    big = _city("Capital City", "MX", 9 * WELL_KNOWN_CITY, "big")
    country = Candidate("country", "Mexico", "country", 0.0, 0.0, "MX", None, None, 120_000_000)
    assert _exonym_of([NameHit(country, PRIMARY), NameHit(big, ALTERNATE)], frozenset()) is None
    town = _city("New Town", "IN", 25_000, "town")
    assert _exonym_of([NameHit(town, PRIMARY), NameHit(big, ALTERNATE)], frozenset(), frozenset({"IN"})) is None


def test_a_town_of_an_english_speaking_country_keeps_its_own_name():
    big = _city("Grossstadt", "ZW", 2 * WELL_KNOWN_CITY, "big")
    english_town = _city("Oldname", "GB", 40_000, "town")
    hits = [NameHit(english_town, PRIMARY), NameHit(big, ALTERNATE)]
    assert _exonym_of(hits, frozenset(), english_countries=frozenset({"GB"})) is None
    assert _exonym_of(hits, frozenset(), english_countries=frozenset()) is big  # elsewhere: a town 50 times smaller


def test_a_namesake_of_similar_weight_keeps_its_own_name():
    big = _city("Grossstadt", "DE", 2 * WELL_KNOWN_CITY, "big")
    similar = _city("Similar", "FR", WELL_KNOWN_CITY // 4, "similar")
    assert _exonym_of([NameHit(similar, PRIMARY), NameHit(big, ALTERNATE)], frozenset()) is None


def test_english_speaking_countries_come_from_the_data(gazetteer):
    assert {"US", "GB", "IE", "AU", "NZ", "CA"} <= gazetteer.english_countries
    assert not {"DE", "IT", "ZA", "FR"} & gazetteer.english_countries


def test_the_data_really_holds_the_english_name_as_an_alternate(gazetteer):
    hits = gazetteer.hits("cologne")
    vias = {(h.candidate.country, h.via) for h in hits}
    assert ("DE", ALTERNATE) in vias and ("IT", PRIMARY) in vias  # the case the rule is for


def test_a_german_city_by_its_english_name_among_italian_cities():
    text = ("The tour opened in Genoa and Florence before the band played in Cologne and then Hamburg. "
            "Tickets for Turin sold out.")
    found = places(text)
    assert found["Cologne"].country == "DE"
    assert found["Genoa"].country == "IT"


def test_the_english_name_alone_is_the_big_city():
    assert places("Thousands marched in Cologne on Saturday.")["Cologne"].country == "DE"


def test_a_country_keeps_its_name_from_its_capitals_alternate():
    found = places("The president of Mexico met farmers near the border.")
    assert found["Mexico"].kind == "country"


def test_the_main_name_of_a_city_keeps_it_from_a_bigger_neighbours_alternate():
    found = places("Ministers met in New Delhi on Tuesday.")
    assert found["New Delhi"].name == "New Delhi"
