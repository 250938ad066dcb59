"""A newspaper's local geography in its text (issue 23): close neighbours tie a town named like a country,
and road numbers written the American way name the country. Articles are written for these tests."""

from __future__ import annotations

import pytest

from geo.parse.context import road_country
from geo.parse.resolve import NEIGHBOUR_SUPPORT, _town_over_a_lone_country
from geo.places.gazetteer import Candidate
from tests.test_resolution import places


def _place(ident: str, kind: str) -> Candidate:
    return Candidate(ident, "Samename", kind, 0.0, 0.0, "XX", None, None, 10_000)


def test_a_town_tied_by_its_neighbours_outranks_a_country_nothing_else_lies_in():
    country, town = _place("country", "country"), _place("town", "city")
    scored = [(12.5, country), (9.5, town)]
    after = {c.id: s for s, c in _town_over_a_lone_country(scored, {"town": NEIGHBOUR_SUPPORT})}
    assert after["country"] < after["town"] == 9.5


def test_a_country_the_article_supports_keeps_its_rank():
    country, town = _place("country", "country"), _place("town", "city")
    scored = [(12.5, country), (9.5, town)]
    assert _town_over_a_lone_country(scored, {"town": NEIGHBOUR_SUPPORT, "country": 3.0}) == scored


def test_a_town_without_close_neighbours_does_not_displace_the_country():
    country, town = _place("country", "country"), _place("town", "city")
    scored = [(12.5, country), (9.5, town)]
    assert _town_over_a_lone_country(scored, {"town": NEIGHBOUR_SUPPORT / 2}) == scored


def test_a_town_named_like_a_country_among_its_neighbours():
    text = ("Lebanon police said deputies from Warren County and officers in Mason and Springboro "
            "searched the creek.")
    found = places(text)
    assert (found["Lebanon"].country, found["Lebanon"].admin1) == ("US", "US-OH")


def test_the_country_stays_the_country_in_its_own_story():
    found = places("Rockets hit Beirut and southern Lebanon overnight.")
    assert found["Lebanon"].kind == "country"


def test_a_far_off_american_city_does_not_make_a_country_a_town():
    found = places("Israeli jets struck targets in Lebanon. Officials in Nashville condemned it.")
    assert found["Lebanon"].kind == "country"


@pytest.mark.parametrize(("text", "country"), [
    ("Traffic backed up on Interstate 75 for miles.", "US"),
    ("The crash closed I-95 northbound.", "US"),
    ("Crews repaved U.S. 30 east of town.", "US"),
    ("The ramp to State Route 4 reopened.", "US"),
    ("A culvert on County Road 12 washed out.", "US"),
    ("Trucks use Farm to Market Road 1960 daily.", "US"),
    ("The F-16 flew over Route 66 nostalgia fans.", None),
    ("Highway 1 hugs the coast north of Sydney.", None),
    ("COVID-19 cases rose in the region.", None),
])
def test_road_numbers_written_the_american_way(text, country):
    assert road_country(text) == country


def test_a_small_town_stands_in_a_story_of_american_roads():
    found = places("A Lancaster man died in a crash on State Route 272 near Lititz.")
    assert found["Lititz"].country == "US"
    assert found["Lancaster"].admin1 == "US-PA"


def test_without_the_road_the_small_town_is_not_sure():
    assert "Lititz" not in places("A Lancaster man died in a crash near Lititz.")


def test_the_rule_holds_when_the_towns_are_of_one_size():
    from geo.parse.resolve import PRIMARY, _choose, _city_weights, prior
    from geo.parse.tokens import RawMention

    country = Candidate("country", "Samename", "country", 0.0, 0.0, "XX", None, None, 5_000_000)
    towns = [Candidate(f"town{i}", "Samename", "city", 0.0, 0.0, "US", None, None, 20_000 + i) for i in range(2)]
    opts = {c.id: (c, PRIMARY, prior(c, PRIMARY)) for c in (country, *towns)}
    weights = _city_weights(opts)
    assert weights == {}  # the towns weigh alike: nothing for the scale rule
    group = [(country, 12.5, True), (towns[0], 9.5, True), (towns[1], 9.4, True)]
    mention = RawMention(0, 8, "Samename", "samename", [])
    chosen = _choose(mention, group, {"town1": NEIGHBOUR_SUPPORT}, frozenset(), weights).chosen
    assert chosen.id == "town1"
