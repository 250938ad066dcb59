"""The article's loose geography picks between namesakes of similar weight, never a town over a city many
times its size unless the article ties the town to the mention (issue 23). Articles are written for these tests."""

from __future__ import annotations

from geo.parse.resolve import OUTSCALED_MARGIN, PRIMARY, SCALE, _city_weights, _with_scale, prior
from geo.places.gazetteer import Candidate
from tests.test_resolution import places


def _city(ident: str, population: int) -> Candidate:
    return Candidate(ident, "Samename", "city", 0.0, 0.0, "XX", None, None, population)


def _scored(*cities: tuple[Candidate, float]) -> tuple[list, dict]:
    opts = {c.id: (c, PRIMARY, prior(c, PRIMARY)) for c, _ in cities}
    return [(score, c) for c, score in cities], _city_weights(opts)


def test_a_town_lifted_by_loose_context_stays_below_a_city_scale_times_bigger():
    city, town = _city("city", 900_000), _city("town", 900_000 // (SCALE * 2))
    scored, opts = _scored((town, 12.0), (city, 9.0))
    after = dict((c.id, s) for s, c in _with_scale(scored, frozenset(), opts))
    assert after["town"] == 9.0 - OUTSCALED_MARGIN and after["city"] == 9.0


def test_a_town_the_article_ties_to_the_name_keeps_its_score():
    city, town = _city("city", 900_000), _city("town", 900_000 // (SCALE * 2))
    scored, opts = _scored((town, 12.0), (city, 9.0))
    assert dict((c.id, s) for s, c in _with_scale(scored, {"town"}, opts))["town"] == 12.0


def test_namesakes_of_similar_weight_are_left_to_the_article():
    big, other = _city("big", 200_000), _city("other", 200_000 // (SCALE // 2))
    scored, opts = _scored((other, 12.0), (big, 9.0))
    assert _with_scale(scored, frozenset(), opts) == scored


def test_a_us_state_elsewhere_in_the_story_does_not_make_a_world_city_a_small_namesake():
    text = "Wheat farmers across Kansas are worried. Their union's leader flew to Naples to meet buyers."
    assert places(text)["Naples"].country == "IT"


def test_a_qualifier_ties_the_town():
    text = "Wheat farmers across Kansas are worried. Their union's leader retired to Naples, Florida."
    assert places(text)["Naples"].country == "US"


def test_a_neighbour_close_by_ties_the_town():
    text = "Storm surge flooded Bonita Springs, and streets in Naples were under water."
    assert places(text)["Naples"].country == "US"


def test_a_german_city_among_italian_ones_by_its_english_name():
    text = "The orchestra played Milan and Genoa in May, then Cologne and Hamburg in June."
    found = places(text)
    assert found["Cologne"].country == "DE" and found["Milan"].country == "IT"


def test_a_city_known_by_an_old_name_does_not_outweigh_the_towns_own_name():
    text = "British detectives said the poison used in Salisbury came from a laboratory."
    assert places(text)["Salisbury"].country == "GB"
