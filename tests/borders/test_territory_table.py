"""Every entry of the territory table: its sentence agrees with its own fields (de jure country named first,
status and holders consistent, every stated neighbour a real neighbour of the de jure country)."""

from __future__ import annotations

import re

import pytest
from facts_check import country_adjacency, country_codes_by_name, first_country, neighbour_problems

from geo import borders
from geo.borders import contested
from geo.parse.model import Place
from geo.places.gazetteer import load_gazetteer
from geo.places.naturalearth import country_name

_ISO = re.compile(r"[A-Z]{2}")


@pytest.fixture(scope="module")
def index() -> borders.BorderIndex:
    return borders.load_border_index()


@pytest.fixture(scope="module")
def codes(index) -> dict[str, str]:
    return country_codes_by_name(index)


def _gazetteer_place(entry: dict) -> Place | None:
    """The place a reader gets for the entry's name: the gazetteer's own entry (territory or region)."""
    gaz = load_gazetteer()
    cand = gaz.by_id(f"territory:{entry['id']}")
    if cand is None and entry["region_codes"]:
        cand = gaz.by_id(f"iso3166:{entry['region_codes'][0]}")
    if cand is None:
        return None
    return Place(id=cand.id, name=cand.name, kind=cand.kind, lat=cand.lat, lon=cand.lon, country=cand.country,
                 admin1=cand.admin1)


@pytest.mark.parametrize("entry", contested.TERRITORIES, ids=lambda e: e["id"])
def test_the_table_entry_is_consistent_with_its_status(entry):
    status, admin, de_jure = entry["status"], entry["administered_by"], entry["de_jure"]
    assert status in contested.TABLE_STATUSES
    for code in [de_jure, admin, *entry["claimants"]]:
        if code and _ISO.fullmatch(code):
            assert country_name(code) != code, f"{code} is no country code"
    if status == "occupied":
        assert de_jure and admin and admin != de_jure, "occupied: held by someone other than the de jure state"
        assert de_jure not in entry["claimants"]
    elif status == "annexation_claimed":
        assert de_jure and admin is None and entry["claimants"], "a claimed annexation: de jure state and claimant"
        assert de_jure not in entry["claimants"]
    else:  # disputed: sovereignty itself unsettled, or held by authorities no state recognises
        assert de_jure is None or not _ISO.fullmatch(admin or ""), entry["id"]
        assert entry["claimants"] or entry.get("administered_by_position")
    assert entry["source"] and entry["source"] in entry["source_detail"] or entry["source_detail"], entry["id"]
    assert entry["since"] and entry["note"]


@pytest.mark.parametrize("entry", contested.TERRITORIES, ids=lambda e: e["id"])
def test_every_entry_sentence_agrees_with_its_fields(index, codes, entry):
    place = _gazetteer_place(entry)
    if place is None:
        assert entry["geometry"]["method"] in ("ne_unit", "border_buffer"), f"{entry['id']} has no place"
        return  # a country of its own (Taiwan, Kosovo) or a band with no town (the DMZ): covered per country
    place.border = borders.tag_place(place, index=index)
    border = place.border
    sentence = borders.border_sentence(place)
    assert border.get("territory", {}).get("id") == entry["id"], (sentence, border.get("territory"))
    assert border["status"] == contested.DOCUMENT_STATUS[entry["status"]], sentence
    if entry["de_jure"]:
        assert border["country"] == entry["de_jure"], sentence
        assert place.country == entry["de_jure"], (place.country, sentence)
        assert first_country(sentence, codes) == entry["de_jure"], sentence
        assert "(de jure)" in sentence
    if not entry.get("administered_by_position"):
        assert border["administered_by"] == entry["administered_by"], sentence
    assert set(border["claimed_by"]) == set(entry["claimants"]) - {border["administered_by"]}, sentence
    holder = entry["administered_by"]
    if holder:
        the_name = borders.sentences.the(country_name(holder) if _ISO.fullmatch(holder) else holder)
        assert the_name in sentence, (the_name, sentence)
    assert entry["source"] in sentence, sentence
    assert not neighbour_problems(sentence, border, index, country_adjacency(index), codes), (
        sentence, neighbour_problems(sentence, border, index, country_adjacency(index), codes))
    assert len(re.findall(rf"(?<!\w){re.escape(entry['name'])}(?!\w)", sentence)) <= 1, sentence


def _sentence_of(name: str) -> tuple[str, dict]:
    gaz = load_gazetteer()
    cand = gaz.search(name)[0]
    place = Place(id=cand.id, name=cand.name, kind=cand.kind, lat=cand.lat, lon=cand.lon, country=cand.country,
                  admin1=cand.admin1)
    place.border = borders.tag_place(place)
    return borders.border_sentence(place), place.border


def test_gaza_strip_is_palestine_bordering_israel_and_egypt_only():
    sentence, border = _sentence_of("Gaza Strip")
    assert border["country"] == "PS" and border["status"] == "occupied"
    assert set(border["region_area"]["neighbours"]) == {"EG", "IL"}, border["region_area"]
    assert sentence.startswith("Gaza Strip — the Palestinian Territory (de jure); occupied by neighbouring Israel")
    assert "Jordan" not in sentence and "Egypt" in sentence


def test_west_bank_is_occupied_like_the_golan():
    sentence, border = _sentence_of("West Bank")
    golan, golan_border = _sentence_of("Golan Heights")
    assert border["status"] == golan_border["status"] == "occupied"
    assert border["territory"]["source"] in sentence and golan_border["territory"]["source"] in golan
    assert "occupied by" in sentence and "occupied by" in golan


def test_donbas_spans_donetsk_and_luhansk():
    entry = contested.by_id("donbas")
    assert set(entry["geometry"]["geonames"]) == {contested.by_id("donetsk")["geometry"]["geonames"][0],
                                                   contested.by_id("luhansk")["geometry"]["geonames"][0]}
    sentence, border = _sentence_of("Donbas")
    assert border["territory"]["id"] == "donbas", sentence
    area = borders.load_border_index().territory_geoms["donbas"]
    for part in ("donetsk", "luhansk"):
        assert area.contains(borders.load_border_index().territory_geoms[part].representative_point())
