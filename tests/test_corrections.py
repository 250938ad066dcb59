"""Corrections applied to real geoparses: choose an alternative or a search result, drop, add a missed place."""

from __future__ import annotations

import json

import pytest

from geo.parse.model import Document
from geo.pipeline import parse_text
from geo.places.gazetteer import load_gazetteer
from geo.store import corrections

TEXT = (
    "Officials met in Moscow on Monday before flying to Springfield.\n\n"
    "Later the delegation reached the port of wonsan, where the talks in Moscow were discussed again."
)


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def doc(gaz):
    return parse_text(TEXT, gazetteer=gaz)


def place_named(doc: Document, name: str):
    return next(p for p in doc.places if p.name == name)


def test_choose_an_alternative_moves_every_mention_and_keeps_the_input(doc):
    moscow = place_named(doc, "Moscow")
    assert moscow.country == "RU"
    idaho = next(a for a in moscow.alternatives if a["country"] == "US")
    before = json.dumps(doc.to_dict(), sort_keys=True)
    fixed = corrections.apply_corrections(doc, [corrections.choose(moscow.id, idaho, label="Moscow")])
    assert json.dumps(doc.to_dict(), sort_keys=True) == before  # input untouched
    new = next(p for p in fixed.places if p.id == idaho["id"])
    assert new.country == "US" and new.source == "user" and new.confidence == 1.0
    assert [m.start for m in new.mentions] == [m.start for m in moscow.mentions]
    assert all(fixed.article.text[m.start:m.end] == m.text for m in new.mentions)
    assert moscow.id not in {p.id for p in fixed.places}
    assert any(a["id"] == moscow.id for a in new.alternatives)  # the reader can switch back
    assert new.border and new.border["country"] == "US"  # border context recomputed
    assert fixed.meta["corrections"] == {"applied": 1, "skipped": []}


def test_choose_a_gazetteer_search_result(doc, gaz):
    spring = place_named(doc, "Springfield")
    illinois = next(c for c in gaz.search("Springfield", 10) if c.admin1 == "IL")
    fixed = corrections.apply_corrections(doc, [corrections.choose(spring.id, illinois)])
    new = next(p for p in fixed.places if p.name == "Springfield")
    assert (new.id, new.admin1) == (illinois.id, "US-IL")  # the Document's admin1 form (README)
    assert abs(new.lat - illinois.lat) < 1e-9 and abs(new.lon - illinois.lon) < 1e-9


def test_choosing_a_place_already_in_the_document_merges_mentions(doc):
    moscow, spring = place_named(doc, "Moscow"), place_named(doc, "Springfield")
    fixed = corrections.apply_corrections(doc, [corrections.choose(spring.id, moscow)])
    merged = [p for p in fixed.places if p.id == moscow.id]
    assert len(merged) == 1
    assert len(merged[0].mentions) == len(moscow.mentions) + len(spring.mentions)
    assert [m.start for m in merged[0].mentions] == sorted(m.start for m in merged[0].mentions)


def test_drop_a_false_positive(doc):
    spring = place_named(doc, "Springfield")
    fixed = corrections.apply_corrections(doc, [corrections.drop(spring.id)])
    assert spring.id not in {p.id for p in fixed.places}
    assert len(fixed.places) == len(doc.places) - 1
    assert fixed.meta["dropped"] == [spring.id]


def test_add_a_missed_place_from_its_exact_text(doc, gaz):
    assert "wonsan" not in {m.text for p in doc.places for m in p.mentions}
    wonsan = gaz.search("Wonsan", 1)[0]
    fixed = corrections.apply_corrections(doc, [corrections.add("wonsan", wonsan)])
    new = next(p for p in fixed.places if p.id == wonsan.id)
    assert [m.text for m in new.mentions] == ["wonsan"]
    m = new.mentions[0]
    assert fixed.article.text[m.start:m.end] == "wonsan" and m.passage == "p2"
    assert new.border and new.border["country"] == "KP"


def test_add_one_span_only_and_reject_a_wrong_span(doc, gaz):
    moscow_city = place_named(doc, "Moscow")
    dropped = corrections.drop(moscow_city.id)
    second = corrections.find_occurrences(doc.article.text, "Moscow")[1]
    one = corrections.add("Moscow", moscow_city, start=second[0], end=second[1])
    fixed = corrections.apply_corrections(doc, [dropped, one])
    assert [(m.start, m.end) for m in place_named(fixed, "Moscow").mentions] == [second]
    wrong = corrections.add("Moscow", moscow_city, start=0, end=6)
    skipped = corrections.apply_corrections(doc, [dropped, wrong])
    assert "Moscow" not in {p.name for p in skipped.places}
    assert skipped.meta["corrections"]["applied"] == 1 and len(skipped.meta["corrections"]["skipped"]) == 1


def test_add_skips_text_already_mapped_or_absent(doc, gaz):
    paris = gaz.search("Paris", 1)[0]
    fixed = corrections.apply_corrections(doc, [corrections.add("Moscow", paris), corrections.add("Atlantis", paris)])
    assert paris.id not in {p.id for p in fixed.places}
    assert fixed.meta["corrections"] == {"applied": 0, "skipped": [
        "“Moscow” does not occur in the article outside places already found",
        "“Atlantis” does not occur in the article outside places already found"]}


def test_stale_corrections_are_skipped_not_fatal(doc):
    fixed = corrections.apply_corrections(doc, [corrections.drop("geonames:1"), {"op": "choose", "place": "x",
                                                 "candidate": corrections.candidate_dict(doc.places[0])}])
    assert len(fixed.places) == len(doc.places)
    assert len(fixed.meta["corrections"]["skipped"]) == 2


def test_find_occurrences_is_whole_word_and_case_sensitive():
    assert corrections.find_occurrences("Oman, Romania and oman; Oman.", "Oman") == [(0, 4), (24, 28)]
    assert corrections.find_occurrences("anything", "") == []


@pytest.mark.parametrize("bad", [
    None, [], {"op": "explode"}, {"op": "drop"}, {"op": "drop", "place": ""},
    {"op": "choose", "place": "a", "candidate": {"id": "x", "name": "X", "kind": "city", "lat": 91, "lon": 0}},
    {"op": "choose", "place": "a", "candidate": {"id": "x", "name": "X", "kind": "city", "lat": float("nan"),
                                                 "lon": 0}},
    {"op": "choose", "place": "a", "candidate": {"id": "x", "name": "X", "kind": "planet", "lat": 0, "lon": 0}},
    {"op": "add", "text": "x" * 500, "candidate": {"id": "x", "name": "X", "kind": "city", "lat": 0, "lon": 0}},
    {"op": "add", "text": "X", "start": 5, "end": 2,
     "candidate": {"id": "x", "name": "X", "kind": "city", "lat": 0, "lon": 0}},
])
def test_malformed_corrections_are_refused(bad):
    with pytest.raises(ValueError):
        corrections.validate_correction(bad)


def test_validate_drops_unknown_keys():
    corr = corrections.validate_correction({"op": "drop", "place": "p", "evil": "<script>"})
    assert corr == {"op": "drop", "place": "p"}


def test_describe_is_plain_text(doc):
    moscow = place_named(doc, "Moscow")
    us = next(a for a in moscow.alternatives if a["country"] == "US")
    assert corrections.describe(corrections.choose(moscow.id, us, label="Moscow")) == "Moscow → Moscow, US (city)"
    assert corrections.describe(corrections.drop(moscow.id, label="Moscow")) == "Dropped Moscow (not a place)"
