"""Bounded work on pathological input: only the first MAX_MENTIONS names are mapped, and the Document says so."""

from __future__ import annotations

from geo import pipeline
from geo.parse import toponyms


def test_mention_cap_is_applied_and_reported(monkeypatch):
    monkeypatch.setattr(toponyms, "MAX_MENTIONS", 50)
    doc = pipeline.parse_text("Talks in Kyiv, Moscow and Warsaw went on. " * 40, borders=False)
    assert sum(len(p.mentions) for p in doc.places) == 50
    assert "only the first 50 place names" in doc.meta["notes"][0]


def test_ordinary_articles_carry_no_truncation_note():
    doc = pipeline.parse_text("Talks in Kyiv, Moscow and Warsaw went on.", borders=False)
    assert "notes" not in doc.meta


def test_names_past_the_cap_are_not_proposed_as_unknown_places(monkeypatch):
    monkeypatch.setattr(toponyms, "MAX_MENTIONS", 3)
    doc = pipeline.parse_text("Troops in Kyiv, Moscow and Lviv. Shelling near Kharkiv and in Odesa and near "
                              "Zzyzxburg went on.", borders=False)
    assert sorted(p.name for p in doc.places) == ["Kyiv", "Lviv", "Moscow"]
    assert doc.unresolved == [] and "after character 47" in doc.meta["notes"][0]


def test_a_text_with_exactly_the_cap_of_names_is_not_said_to_be_cut(monkeypatch):
    monkeypatch.setattr(toponyms, "MAX_MENTIONS", 5)
    doc = pipeline.parse_text("Talks in Kyiv, Moscow, Lviv, Odesa and Kharkiv went on.", borders=False)
    assert len(doc.places) == 5 and "notes" not in doc.meta
