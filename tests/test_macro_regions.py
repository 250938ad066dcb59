"""Macro-regions ("Middle East", "Korean Peninsula"): derived from member countries, tagged as areas."""

from __future__ import annotations

import pytest

from geo.parse.resolve import geoparse
from geo.pipeline import parse_text
from geo.places.gazetteer_build import macro_region_members
from tests.conftest import country_contains


def _chosen(text: str, gazetteer) -> dict[str, object]:
    return {r.mention.text: r.chosen for r in geoparse(text, gazetteer)}


def test_members_come_from_lists_and_natural_earth_subregions():
    members = macro_region_members()
    assert {"SY", "IQ", "IL", "SA"} <= set(members["Middle East"])
    assert set(members["Korean Peninsula"]) == {"KP", "KR"}
    assert {"MX", "BR", "CU"} <= set(members["Latin America"])  # from three NE subregions
    assert {"VN", "TH", "ID"} <= set(members["Southeast Asia"])


@pytest.mark.parametrize("name, inside_one_of", [
    ("Middle East", ("SA", "IQ", "JO", "SY")),
    ("Korean Peninsula", ("KP", "KR")),
    ("Baltic states", ("EE", "LV", "LT")),
])
def test_macro_region_point_lies_among_its_members(gazetteer, name, inside_one_of):
    chosen = _chosen(f"Diplomats from the {name} met.", gazetteer)[name]
    assert chosen.kind == "feature"
    assert any(country_contains(code, chosen.lat, chosen.lon) for code in inside_one_of)


def test_a_macro_region_beats_a_town_of_the_same_name(gazetteer):
    chosen = _chosen("Oil prices in the Middle East rose.", gazetteer)["Middle East"]
    assert chosen.id.startswith("macro:")


def test_macro_region_is_tagged_as_an_area_not_a_point():
    doc = parse_text("Talks on the Korean Peninsula continued.")
    place = next(p for p in doc.places if p.name == "Korean Peninsula")
    assert place.border["area"] is True
    assert place.border["countries"] == ["KP", "KR"]
    assert place.border["country"] is None


def test_map_draws_a_macro_region_as_its_member_countries():
    from geo.maps.mapview import build_map

    doc = parse_text("Talks on the Korean Peninsula continued.")
    page = build_map(doc).get_root().render()
    assert "Korean Peninsula: North Korea" in page and "Korean Peninsula: South Korea" in page
    assert page.count("Korean Peninsula: ") == 2
