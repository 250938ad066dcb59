"""Region phrases give regions: "the X region", "X Oblast", "X Province", "X Krai", "X State", "X County" name the
region (or county) when one exists, whatever the city of the same name. Checked over the whole domain of such
regions (every first-level region of these types whose name a city of its country shares), plus the phrases
the issue quotes."""

from __future__ import annotations

import random

import pytest

from geo.pipeline import parse_text
from geo.places.gazetteer import load_gazetteer
from geo.places.names import name_key

# The word a reader writes after a region's name, by the region's type in countrystatecity.
PHRASE_WORD = {"province": "Province", "state": "State", "administrative territory": "Krai", "county": "County",
               "oblast": "Oblast", "region": "region", "administrative region": "region"}
SAMPLE = 120


def _regions_with_city_namesakes() -> list[tuple[str, str, str]]:
    """(phrase, region id, namesake city id): regions whose own name is also a city of their country."""
    import countrystatecity_countries as csc

    gaz = load_gazetteer()
    out = []
    for country in csc.get_countries():
        for state in csc.get_states_of_country(country.iso2):
            word = PHRASE_WORD.get((state.type or "").lower())
            region = gaz.by_id(f"iso3166:{state.iso3166_2}") if state.iso3166_2 and word else None
            if region is None or " " in state.name:
                continue
            city = next((c for c in gaz.search(state.name, limit=20)
                         if c.kind == "city" and c.country == country.iso2 and name_key(c.name) == name_key(state.name)),
                        None)
            if city is not None:
                out.append((f"{state.name} {word}", region.id, city.id))
    return out


def _places(text: str) -> dict[str, str]:
    """Mention text -> the id of the place it resolved to."""
    doc = parse_text(text)
    return {m.text: p.id for p in doc.places for m in p.mentions}


@pytest.mark.parametrize("phrase, wanted", [
    ("the Sumy region", "iso3166:UA-59"), ("the Odesa region", "iso3166:UA-51"), ("the Volyn region", "iso3166:UA-07"),
    ("Kharkiv Oblast", "iso3166:UA-63"), ("the Kursk region", "iso3166:RU-KRS")])
def test_the_quoted_phrases_give_the_region(phrase, wanted):
    found = _places(f"Drones struck {phrase} overnight, officials said.")
    text = phrase.removeprefix("the ")
    assert found.get(text) == wanted, found


@pytest.mark.slow
def test_a_region_phrase_beats_the_city_of_the_same_name():
    cases = _regions_with_city_namesakes()
    assert len(cases) >= 100, len(cases)
    sample = random.Random(21).sample(cases, min(SAMPLE, len(cases)))
    wrong = []
    for phrase, region_id, _city_id in sample:
        found = _places(f"Officials in {phrase} said the roads were closed.")
        if found.get(phrase) != region_id:
            wrong.append((phrase, region_id, found))
    assert len(wrong) <= len(sample) // 20, wrong  # at most 5%: a phrase may name a city district too


def test_the_bare_city_name_still_gives_the_city():
    found = _places("Drones struck Sumy and Odesa overnight.")
    gaz = load_gazetteer()
    assert gaz.by_id(found["Sumy"]).kind == "city" and gaz.by_id(found["Odesa"]).kind == "city", found


def test_county_phrases_name_counties_only():
    """'X County' and 'County X' give a county (a region of type county, or a US county), never a state."""
    gaz = load_gazetteer()
    found = _places("Officials in Kisumu County, County Cavan and Ohio County said the roads were closed.")
    kisumu, cavan, ohio = (gaz.by_id(found[t]) for t in ("Kisumu County", "County Cavan", "Ohio County"))
    assert (kisumu.kind, kisumu.country) == ("region", "KE") and (cavan.kind, cavan.country) == ("region", "IE")
    assert ohio.id.startswith("us-county:"), ohio  # the county, not the state of Ohio
