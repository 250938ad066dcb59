"""The per-place border memo (geo/borders/memo.py) gives every place what tagging gives it: the same border
object and the same pin (a first-level region's pin moves into its real area), however often it is seen."""

from __future__ import annotations

from geo.borders.memo import memo, tag_documents_once, tag_place_once
from geo.borders.tagging import tag_documents
from geo.pipeline import parse_text

TEXT = ("Shelling hit the Kharkiv region and Queensland braced for a storm.\n\n"
        "Officials in Kharkiv Oblast said more shelling came at night; Queensland reopened its roads.")


def _pins(doc):
    return {p.id: (p.lat, p.lon, p.border) for p in doc.places}


def test_memo_hits_give_the_same_border_and_the_moved_pin():
    plain = parse_text(TEXT, borders=False)
    tag_documents([plain])
    expected = _pins(plain)
    assert any(b.get("point_source", "").startswith("area") for _, _, b in expected.values())

    memo().clear()
    first, second = parse_text(TEXT, borders=False), parse_text(TEXT, borders=False)
    tag_documents_once([first, second])  # one batch: the second document's places are copies
    third = parse_text(TEXT, borders=False)
    hits = memo().hits
    tag_documents_once([third])  # a later batch: every place from the memo
    assert memo().hits > hits
    for doc in (first, second, third):
        assert _pins(doc) == expected
    assert third.places[0].border is not first.places[0].border  # each Document owns its copy


def test_tag_place_once_moves_the_pin_on_a_hit_too():
    memo().clear()
    region = next(p for p in parse_text(TEXT, borders=False).places if p.kind == "region")
    again = next(p for p in parse_text(TEXT, borders=False).places if p.id == region.id)
    border = tag_place_once(region)
    assert tag_place_once(again) == border and (again.lat, again.lon) == (region.lat, region.lon)
