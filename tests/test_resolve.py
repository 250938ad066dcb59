"""Resolution: one place per mention from the whole document, with confidence and alternatives."""

from __future__ import annotations

import pytest
from conftest import km_from_city

from geo.parse.resolve import geoparse, resolve
from geo.parse.toponyms import find_mentions
from geo.places.gazetteer import PRIMARY, Gazetteer
from geo.places.names import name_key


def resolved(text: str, gaz) -> dict[str, object]:
    """Mention text -> chosen candidate (the last one when a name repeats)."""
    return {r.mention.text: r.chosen for r in geoparse(text, gaz)}


def only(text: str, gaz, surface: str):
    results = [r for r in geoparse(text, gaz) if r.mention.text == surface]
    assert len(results) == 1, [r.mention.text for r in geoparse(text, gaz)]
    assert results[0].chosen is not None, f"{surface} was not resolved"
    return results[0]


# ------------------------------------------------------------------------------ regions vs cities


@pytest.mark.parametrize(("text", "surface", "iso"), [
    ("Shelling hit the Kursk region overnight.", "Kursk region", "RU"),
    ("Fighting went on in Kherson oblast.", "Kherson oblast", "UA"),
    ("Villages in Donetsk province were emptied.", "Donetsk province", "UA"),
])
def test_region_phrases_resolve_to_the_region(gazetteer, text, surface, iso):
    place = only(text, gazetteer, surface).chosen
    assert place.kind == "region"
    assert place.country == iso
    assert place.admin1.startswith(f"{iso}-")


def test_bare_kursk_is_the_city(gazetteer):
    place = only("Drones struck Kursk on Friday, Russia said.", gazetteer, "Kursk").chosen
    assert place.kind == "city" and place.country == "RU"
    assert km_from_city(place.lat, place.lon, "Kursk", "RU") < 25


def test_region_and_city_in_one_text_stay_distinct(gazetteer):
    results = geoparse("Drones struck Kursk, the capital of the Kursk region.", gazetteer)
    kinds = {r.mention.text: r.chosen.kind for r in results}
    assert kinds == {"Kursk": "city", "Kursk region": "region"}


# ------------------------------------------------------------------------------ document context


def test_moscow_in_a_russian_article_is_moscow_russia(gazetteer):
    place = only("Russia said Moscow would respond to the strikes.", gazetteer, "Moscow").chosen
    assert place.kind == "city" and place.country == "RU"
    assert km_from_city(place.lat, place.lon, "Moscow", "RU") < 25


def test_moscow_idaho_follows_its_qualifier(gazetteer):
    res = only("Moscow, Idaho is a college town.", gazetteer, "Moscow")
    place = res.chosen
    assert (place.kind, place.country, place.admin1) == ("city", "US", "ID")
    assert km_from_city(place.lat, place.lon, "Moscow", "US") < 25
    # The Russian capital is kept as an alternative for a disambiguation UI.
    assert any(c.country == "RU" for c, _ in res.alternatives)


def test_qualifier_by_country(gazetteer):
    first = geoparse("Paris, Texas is small.", gazetteer)[0].chosen
    assert (first.country, first.admin1) == ("US", "TX")
    assert geoparse("They met in Paris, France.", gazetteer)[0].chosen.country == "FR"


def test_adjectives_resolve_to_their_country(gazetteer):
    results = geoparse("North Korean ammunition and Iranian nuclear facilities.", gazetteer)
    assert [(r.mention.text, r.mention.adjectival) for r in results] == [
        ("North Korean", True), ("Iranian", True)]
    assert [(r.chosen.kind, r.chosen.country) for r in results] == [("country", "KP"), ("country", "IR")]


def test_countries_beat_namesake_cities(gazetteer):
    place = only("Protests spread across Georgia and Armenia.", gazetteer, "Georgia").chosen
    assert (place.kind, place.country) == ("country", "GE")
    place = only("Talks were held in Jordan.", gazetteer, "Jordan").chosen
    assert (place.kind, place.country) == ("country", "JO")


# ------------------------------------------------------------------------------ confidence and alternatives


def test_confidence_and_alternatives_are_consistent(gazetteer):
    text = "Moscow, Idaho and Moscow in Russia; Springfield and Kursk."
    for res in geoparse(text, gazetteer):
        if res.chosen is None:
            assert res.confidence == 0.0 and res.alternatives == []
            continue
        assert 0.0 < res.confidence <= 1.0
        shares = [share for _, share in res.alternatives]
        assert shares == sorted(shares, reverse=True)
        assert all(0.0 <= s <= res.confidence for s in shares)
        assert res.confidence + sum(shares) <= 1.0 + 1e-9
        assert res.chosen.id not in {c.id for c, _ in res.alternatives}
        assert len(res.alternatives) <= 5


def test_ambiguous_names_have_lower_confidence_than_unique_ones(gazetteer):
    springfield = only("Officials in Springfield said so.", gazetteer, "Springfield")
    pyongyang = only("Officials in Pyongyang said so.", gazetteer, "Pyongyang")
    assert springfield.alternatives
    assert springfield.confidence < pyongyang.confidence


def test_every_mention_gets_a_resolution_in_order(gazetteer):
    text = "From Kyiv to Moscow via Minsk, then Wonsan."
    mentions = find_mentions(text, gazetteer)
    results = resolve(text, mentions)
    assert [r.mention for r in results] == mentions


# ------------------------------------------------------------------------------ rules on built data


def _built_gazetteer() -> Gazetteer:
    """Two towns called Testville in two countries, and those countries (coordinates irrelevant)."""
    places = [
        ("t:1", "Testville", "city", 0.0, 0.0, "AA", None, None, 400_000),
        ("t:2", "Testville", "city", 0.0, 0.0, "BB", None, None, 50_000),
        ("t:3", "Bbland", "country", 0.0, 0.0, "BB", None, None, 5_000_000),
    ]
    names = {"testville": ((0, PRIMARY), (1, PRIMARY)), "bbland": ((2, PRIMARY),)}
    return Gazetteer(places, names, {"max_tokens": 1})


def test_population_prior_without_context():
    gaz = _built_gazetteer()
    assert geoparse("Rain fell on Testville.", gaz)[0].chosen.id == "t:1"


def test_country_context_overrides_the_population_prior():
    gaz = _built_gazetteer()
    results = geoparse("Rain fell on Testville, far from the coast of Bbland.", gaz)
    assert results[0].chosen.id == "t:2"


def test_qualifier_overrides_the_population_prior():
    gaz = _built_gazetteer()
    results = geoparse("Testville, Bbland is small.", gaz)
    assert [r.chosen.id for r in results] == ["t:2", "t:3"]
    assert name_key(results[0].mention.text) == "testville"


def test_the_index_names_each_place_once_per_name(gazetteer):
    """The resolver takes one option per hit; the index must therefore keep one entry per place per name."""
    duplicated = [key for key in gazetteer._names
                  if len({i for i, _ in gazetteer.entries(key)}) != len(gazetteer.entries(key))]
    assert duplicated == []


def test_options_keep_only_adjectival_hits_for_an_adjective(gazetteer):
    from geo.parse.resolve import _options
    from geo.places.gazetteer import ADJECTIVE

    russian = next(m for m in find_mentions("Russian troops left.", gazetteer) if m.text == "Russian")
    assert russian.adjectival
    opts = _options(russian)
    assert opts and all(via == ADJECTIVE for _, via, _ in opts.values())
    assert {cand.country for cand, _, _ in opts.values()} == {"RU"}
