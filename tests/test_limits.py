"""Bounded work on pathological input: only the first MAX_MENTIONS names are mapped, and the Document says so."""

from __future__ import annotations

from geo import pipeline, toponyms


def test_mention_cap_is_applied_and_reported(monkeypatch):
    monkeypatch.setattr(toponyms, "MAX_MENTIONS", 50)
    monkeypatch.setattr(pipeline, "MAX_MENTIONS", 50)
    doc = pipeline.parse_text("Talks in Kyiv, Moscow and Warsaw went on. " * 40, borders=False)
    assert sum(len(p.mentions) for p in doc.places) == 50
    assert "only the first 50 place names" in doc.meta["notes"][0]


def test_ordinary_articles_carry_no_truncation_note():
    doc = pipeline.parse_text("Talks in Kyiv, Moscow and Warsaw went on.", borders=False)
    assert "notes" not in doc.meta
