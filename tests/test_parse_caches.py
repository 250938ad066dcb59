"""The per-process memos of the parse (words folded once, a name's hits made once): bounded, and never a
change to what a parse returns. Data built in code."""

from __future__ import annotations

from geo.parse import tokens
from geo.parse.tokens import Token, tokenize
from geo.places import gazetteer as gz
from geo.places.gazetteer import ALTERNATE, PRIMARY, Gazetteer
from geo.places.names import name_key


def test_words_are_folded_once_and_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(tokens, "_KEYS", {})
    monkeypatch.setattr(tokens, "_KEYS_MAX", 3)
    text = "Wŏnsan, Kyiv’s mayor and KYIV. Kraków-Nowa Huta"
    first = tokenize(text)
    assert [t.text for t in first] == ["Wŏnsan", "Kyiv", "mayor", "and", "KYIV", "Kraków", "Nowa", "Huta"]
    assert all(t.key == name_key(t.text) for t in first)
    assert len(tokens._KEYS) <= 3  # emptied whenever it was full
    assert tokenize(text) == first
    assert first[1] == Token(8, 12, "Kyiv", "kyiv") and isinstance(first[1], tuple)


def test_a_possessive_is_left_out_of_the_token():
    assert [t.text for t in tokenize("Kyiv's and Odesa’s ports, O's, 's")] == [
        "Kyiv", "and", "Odesa", "ports", "O", "s"]


def test_hits_are_new_lists_of_hits_made_once(monkeypatch):
    monkeypatch.setattr(gz, "HITS_KEPT", 2)
    places = [(f"test:{i}", n, "city", 0.0, 0.0, "XX", None, None, 1000) for i, n in enumerate("ABC")]
    names = {"a": ((0, PRIMARY),), "b": ((1, PRIMARY), (2, ALTERNATE)), "c": ((2, PRIMARY),)}
    gaz = Gazetteer(places, names, {})
    first = gaz.hits("b")
    assert [(h.candidate.id, h.via) for h in first] == [("test:1", PRIMARY), ("test:2", ALTERNATE)]
    first.clear()  # a caller's list is its own
    again = gaz.hits("b")
    assert len(again) == 2 and again is not first
    for key in ("a", "c", "nowhere", "b"):
        assert [h.candidate.id for h in gaz.hits(key)] == [places[i][0] for i, _ in names.get(key, ())]
        assert len(gaz._hits) <= 2
