"""Border sentences over the whole domain: every country, every territory entry and a seeded sample of 500
regions and cities from the gazetteer. No name said twice or spelt two ways, no populated place at sea, no
stated neighbour that the border dict does not list or that is not adjacent to the place's country."""

from __future__ import annotations

import random
import re

import pytest
from facts_check import country_adjacency, country_codes_by_name, neighbour_problems
from test_sentences import slips

from geo import borders
from geo.borders import contested
from geo.parse.model import Place
from geo.places.gazetteer import load_gazetteer

SAMPLE_SEED = 21
SAMPLE_PER_KIND = 250  # regions and cities: 500 places in all


def second_spellings(sentence: str) -> list[str]:
    """Two spellings of one name in a sentence ("Zaporizhzhya region … Zaporizhzhia region")."""
    words = sorted(set(re.findall(r"[^\W\d_][\w'-]{5,}", sentence)))
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            common = next((k for k, (x, y) in enumerate(zip(a.lower(), b.lower(), strict=False)) if x != y),
                          min(len(a), len(b)))
            shorter = min(len(a), len(b))
            if common >= 7 and common >= shorter - 2 and common < shorter:  # not one word the start of the other
                found.append(f"{a!r} and {b!r}")
    return found


def not_sentence_case(sentence: str) -> bool:
    """A common word capitalised after the dash ("Middle East — A region …")."""
    body = sentence.split(" — ", 1)[-1]
    return bool(re.match(r"(?:A|An|The|In|At|On|Inside|Disputed|Occupied|Held|Land|Status) ", body))


def test_the_checks_catch_the_quoted_slips():
    assert second_spellings("Zaporizhzhya region — Ukraine (de jure); in Zaporizhzhia region, which Russia claims")
    assert not second_spellings("Donetsk — Ukraine (de jure); in Donetsk region, which Russia claims")
    assert not_sentence_case("Middle East — A region: spans 17 countries")
    assert not second_spellings("North Korea — North Korea's side of the Korean Demilitarized Zone")


@pytest.fixture(scope="module")
def index() -> borders.BorderIndex:
    return borders.load_border_index()


@pytest.fixture(scope="module")
def codes(index) -> dict[str, str]:
    return country_codes_by_name(index)


@pytest.fixture(scope="module")
def adjacency(index) -> dict[str, set[str]]:
    return country_adjacency(index)


@pytest.fixture(scope="module")
def names(index) -> list[str]:
    out = {n for n in index.unit_name if n} | {e["name"] for e in contested.TERRITORIES}
    return sorted(out)


@pytest.fixture(scope="module")
def sample() -> list[Place]:
    """A seeded random sample of the gazetteer's regions and cities, as the parser would make them."""
    gaz = load_gazetteer()
    order = list(range(len(gaz)))
    random.Random(SAMPLE_SEED).shuffle(order)
    picked: dict[str, list[Place]] = {"region": [], "city": []}
    for i in order:
        cand = gaz.candidate(i)
        chosen = picked.get(cand.kind)
        if chosen is not None and len(chosen) < SAMPLE_PER_KIND:
            chosen.append(Place(id=cand.id, name=cand.name, kind=cand.kind, lat=cand.lat, lon=cand.lon,
                                country=cand.country, admin1=cand.admin1))
        if all(len(v) == SAMPLE_PER_KIND for v in picked.values()):
            break
    places = picked["region"] + picked["city"]
    assert len(places) == 2 * SAMPLE_PER_KIND
    return places


def _check(place: Place, index, names, codes, adjacency) -> list[str]:
    place.border = place.border or borders.tag_place(place, index=index)
    sentence = borders.border_sentence(place)
    subject = sentence.split(" — ", 1)[0]
    problems = slips(sentence, [*names, subject])
    problems += second_spellings(sentence)
    problems += neighbour_problems(sentence, place.border, index, adjacency, codes)
    if not_sentence_case(sentence):
        problems.append("a capital letter after the dash (sentence case)")
    return [f"{sentence}: {p}" for p in problems]


def test_every_country_sentence(index, names, codes, adjacency):
    bad = []
    for code in sorted({c for c in index.unit_code if c}):
        place = Place(id=f"c:{code}", name=index.country_name(code), kind="country", lat=0, lon=0, country=code)
        bad += _check(place, index, names, codes, adjacency)
    assert not bad, bad


# Territories that are a country of their own (Taiwan, Kosovo, Western Sahara) or a band with no town (the DMZ)
# have no place of their own: the country test renders them.
_PLACED = [e for e in contested.TERRITORIES if e["geometry"]["method"] not in ("ne_unit", "border_buffer")]


@pytest.mark.parametrize("entry", _PLACED, ids=lambda e: e["id"])
def test_every_territory_entry_sentence(index, names, codes, adjacency, entry):
    gaz = load_gazetteer()
    cand = gaz.by_id(f"territory:{entry['id']}") or (
        gaz.by_id(f"iso3166:{entry['region_codes'][0]}") if entry["region_codes"] else None)
    assert cand is not None, f"{entry['id']} has no place in the gazetteer"
    place = Place(id=cand.id, name=cand.name, kind=cand.kind, lat=cand.lat, lon=cand.lon, country=cand.country,
                  admin1=cand.admin1)
    assert not _check(place, index, names, codes, adjacency)


@pytest.mark.slow
def test_a_sample_of_regions_and_cities(index, names, codes, adjacency, sample):
    bad = []
    for place in sample:
        bad += _check(place, index, names, codes, adjacency)
    assert not bad, f"{len(bad)} of {len(sample)}: {bad[:20]}"


@pytest.mark.slow
def test_no_populated_place_of_the_sample_is_at_sea(index, sample):
    at_sea = []
    for place in sample:
        place.border = place.border or borders.tag_place(place, index=index)
        if place.kind == "city" and ("at sea" in borders.border_sentence(place) or place.border["status"] == "at_sea"):
            at_sea.append(borders.border_sentence(place))
    assert not at_sea, at_sea
