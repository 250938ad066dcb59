"""Mention spans grouped by passage: inside only, no overlaps, in order, and linear in the article."""

from __future__ import annotations

from geo.parse.model import Passage
from geo.parse.spans import spans_by_passage


def test_spans_go_to_their_passage_without_overlaps_or_crossings():
    passages = [Passage("p1", 0, 20), Passage("p2", 22, 40)]
    spans = [(5, 9, "b"), (2, 9, "a"), (10, 12, "c"), (11, 14, "overlaps c"), (18, 24, "crosses"), (30, 30, "empty"),
             (25, 29, "d")]
    got = {p.id: [s[2] for s in inside] for p, inside in spans_by_passage(passages, spans)}
    assert got == {"p1": ["a", "c"], "p2": ["d"]}


def test_every_span_is_kept_across_thousands_of_passages():
    passages = [Passage(f"p{i}", i * 100, i * 100 + 90) for i in range(4000)]
    spans = [(p.start + k * 10, p.start + k * 10 + 5, None) for p in passages for k in range(8)]
    counted = sum(len(inside) for _, inside in spans_by_passage(passages, spans))
    assert counted == len(spans)  # every span inside its passage is kept


def test_passage_order_does_not_need_spans_in_order():
    passages = [Passage("p1", 0, 10)]
    assert [s[2] for _, inside in spans_by_passage(passages, [(6, 8, "y"), (0, 3, "x")]) for s in inside] == ["x", "y"]
