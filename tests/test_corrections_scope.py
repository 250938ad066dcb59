"""Corrections scoped to one mention: "Atlanta, Georgia" and a Tbilisi-story "Georgia" in one article are
fixed separately; bad scopes are refused; unscoped corrections behave as before; scoped corrections travel
through the store (the share link opens the stored document with its corrections) and the exports."""

from __future__ import annotations

import re

import pytest

from geo.maps.export import export_geojson, export_html
from geo.parse.model import Article, Document, Mention, Passage, Place
from geo.store import backend, corrections
from geo.store import documents as store

TEXT = (
    "Road crews from Atlanta, Georgia, worked through the night to clear trees felled by the storm.\n\n"
    "In Tbilisi, students marched again, and Georgia's parliament put off its vote on the media bill."
)
ATLANTA = TEXT.index("Atlanta")
US_GEORGIA = TEXT.index("Georgia")
TBILISI = TEXT.index("Tbilisi")
GE_GEORGIA = TEXT.index("Georgia", TBILISI)

STATE = {"id": "iso3166:US-GA", "name": "Georgia", "kind": "region", "lat": 32.7, "lon": -83.4,
         "country": "US", "admin1": "US-GA", "geonameid": None, "population": None}
COUNTRY = {"id": "geonames:614540", "name": "Georgia", "kind": "country", "lat": 42.0, "lon": 43.5,
           "country": "GE", "admin1": None, "geonameid": 614540, "population": 3_700_000}


def no_border(place: Place) -> None:
    return None


def mention(article: Article, start: int, name: str) -> Mention:
    return Mention(start, start + len(name), name, article.passage_at(start))


def make_doc() -> Document:
    """Both "Georgia"s given to the US state, as a geoparser without context would."""
    cut = TEXT.index("\n\n")
    article = Article(TEXT, [Passage("p1", 0, cut), Passage("p2", cut + 2, len(TEXT))], title="Two Georgias")
    state = Place(**STATE, confidence=0.6, alternatives=[{**COUNTRY, "score": 0.4}],
                  mentions=[mention(article, US_GEORGIA, "Georgia"), mention(article, GE_GEORGIA, "Georgia")])
    atlanta = Place("geonames:4180439", "Atlanta", "city", 33.75, -84.39, "US", "US-GA", 4180439, 500_000,
                    0.9, mentions=[mention(article, ATLANTA, "Atlanta")])
    tbilisi = Place("geonames:611717", "Tbilisi", "city", 41.69, 44.83, "GE", None, 611717, 1_000_000,
                    0.9, mentions=[mention(article, TBILISI, "Tbilisi")])
    return Document(article, [atlanta, state, tbilisi])


def by_id(doc: Document) -> dict[str, list[int]]:
    return {p.id: [m.start for m in p.mentions] for p in doc.places}


def test_a_scoped_choose_moves_one_mention_only():
    doc = make_doc()
    corr = corrections.choose(STATE["id"], COUNTRY, label="Georgia", mention=(GE_GEORGIA, GE_GEORGIA + 7))
    assert (corr["start"], corr["end"]) == (GE_GEORGIA, GE_GEORGIA + 7)
    fixed = corrections.apply_corrections(doc, [corr], tagger=no_border)
    assert by_id(fixed) == {"geonames:4180439": [ATLANTA], STATE["id"]: [US_GEORGIA],
                            COUNTRY["id"]: [GE_GEORGIA], "geonames:611717": [TBILISI]}
    country = next(p for p in fixed.places if p.id == COUNTRY["id"])
    assert (country.kind, country.country, country.source) == ("country", "GE", "user")
    assert any(a["id"] == STATE["id"] for a in country.alternatives)  # the editor can switch back
    assert [p.id for p in fixed.places].index(COUNTRY["id"]) == 2  # beside the place it came from
    assert by_id(doc)[STATE["id"]] == [US_GEORGIA, GE_GEORGIA]  # the input is untouched
    assert fixed.meta["corrections"] == {"applied": 1, "skipped": []}
    assert "one mention" in corrections.describe(corr)


def test_a_scoped_choose_of_the_last_mention_replaces_the_place_and_can_merge():
    doc = make_doc()
    first = corrections.choose(STATE["id"], COUNTRY, mention=(GE_GEORGIA, GE_GEORGIA + 7))
    second = corrections.choose(STATE["id"], COUNTRY, mention=(US_GEORGIA, US_GEORGIA + 7))
    fixed = corrections.apply_corrections(doc, [first, second], tagger=no_border)
    assert STATE["id"] not in by_id(fixed)  # no mention left: the place is gone
    assert by_id(fixed)[COUNTRY["id"]] == [US_GEORGIA, GE_GEORGIA]  # merged, in text order


def test_a_scoped_drop_drops_one_mention():
    doc = make_doc()
    fixed = corrections.apply_corrections(
        doc, [corrections.drop(STATE["id"], mention=(GE_GEORGIA, GE_GEORGIA + 7))], tagger=no_border)
    assert by_id(fixed)[STATE["id"]] == [US_GEORGIA]
    assert "dropped" not in fixed.meta  # the place itself is still there
    both = corrections.apply_corrections(doc, [
        corrections.drop(STATE["id"], mention=(GE_GEORGIA, GE_GEORGIA + 7)),
        corrections.drop(STATE["id"], mention=(US_GEORGIA, US_GEORGIA + 7))], tagger=no_border)
    assert STATE["id"] not in by_id(both) and both.meta["dropped"] == [STATE["id"]]


def test_unscoped_corrections_still_mean_every_mention():
    doc = make_doc()
    fixed = corrections.apply_corrections(doc, [corrections.choose(STATE["id"], COUNTRY)], tagger=no_border)
    assert by_id(fixed)[COUNTRY["id"]] == [US_GEORGIA, GE_GEORGIA] and STATE["id"] not in by_id(fixed)
    dropped = corrections.apply_corrections(doc, [corrections.drop(STATE["id"])], tagger=no_border)
    assert STATE["id"] not in by_id(dropped)
    stored_before = {"op": "choose", "place": STATE["id"], "candidate": COUNTRY}  # a correction stored earlier
    assert "start" not in corrections.validate_correction(stored_before)


@pytest.mark.parametrize(("raw", "message"), [
    ({"start": "5", "end": 12}, "start must be a whole number"),
    ({"start": True, "end": 12}, "start must be a whole number"),
    ({"start": 5}, "start and end must be given together"),
    ({"start": 12, "end": 5}, "0 <= start < end"),
    ({"start": -1, "end": 5}, "0 <= start < end"),
])
def test_malformed_scopes_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        corrections.validate_correction({"op": "drop", "place": STATE["id"], **raw})
    with pytest.raises(ValueError, match="mention must be a"):
        corrections.drop(STATE["id"], mention=(1, 2, 3))


def test_a_scope_that_is_not_a_mention_of_the_place_is_refused_and_skipped():
    doc = make_doc()
    outside = corrections.drop(STATE["id"], mention=(len(TEXT) + 3, len(TEXT) + 10))
    elsewhere = corrections.choose(STATE["id"], COUNTRY, mention=(TBILISI, TBILISI + 7))  # Tbilisi's mention
    shifted = corrections.drop(STATE["id"], mention=(GE_GEORGIA, GE_GEORGIA + 5))
    with pytest.raises(ValueError, match="outside the article"):
        corrections.check_correction(doc, outside)
    with pytest.raises(ValueError, match="Georgia has no mention at .*Tbilisi"):
        corrections.check_correction(doc, elsewhere)
    with pytest.raises(ValueError, match="no mention at"):
        corrections.check_correction(doc, shifted)
    fixed = corrections.apply_corrections(doc, [outside, elsewhere, shifted], tagger=no_border)
    assert by_id(fixed) == by_id(doc)  # nothing moved
    assert fixed.meta["corrections"]["applied"] == 0 and len(fixed.meta["corrections"]["skipped"]) == 3
    good = corrections.drop(STATE["id"], mention=(US_GEORGIA, US_GEORGIA + 7))
    assert corrections.check_correction(doc, good) == good


def test_scoped_corrections_survive_the_store_and_reach_the_exports(store_cache):
    doc_id = store.save_document(make_doc())
    corr = corrections.choose(STATE["id"], COUNTRY, label="Georgia", mention=(GE_GEORGIA, GE_GEORGIA + 7))
    store.save_corrections(doc_id, [corr])
    # What a share link does: the stored document with its stored corrections applied.
    loaded = store.load_corrections(doc_id)
    assert loaded == [corr]
    fixed = corrections.apply_corrections(store.load_document(doc_id), loaded, tagger=no_border)
    features = {f["id"]: f for f in export_geojson(fixed)["features"]}
    assert [m["start"] for m in features[STATE["id"]]["properties"]["mentions"]] == [US_GEORGIA]
    assert [m["start"] for m in features[COUNTRY["id"]]["properties"]["mentions"]] == [GE_GEORGIA]
    assert features[COUNTRY["id"]]["geometry"]["coordinates"] == [43.5, 42.0]
    assert features[STATE["id"]]["properties"]["country"] == "US"
    # The HTML map's article panel ties each "Georgia" to its own marker.
    marks = re.findall(r'<mark class="geo-mention[^"]*"[^>]*data-place="(\d+)"[^>]*>Georgia</mark>', export_html(fixed))
    assert len(marks) == 2 and marks[0] != marks[1]
    unfixed = export_html(corrections.apply_corrections(store.load_document(doc_id), [], tagger=no_border))
    again = re.findall(r'<mark class="geo-mention[^"]*"[^>]*data-place="(\d+)"[^>]*>Georgia</mark>', unfixed)
    assert len(again) == 2 and again[0] == again[1]  # without the correction both point at one place


@pytest.mark.slow
def test_the_app_offers_one_mention_or_all_and_the_share_link_reproduces_it(tmp_path, monkeypatch):
    from test_app import ok, run

    from geo.tools.servers import seeded_cache

    seeded_cache(tmp_path)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    try:
        doc_id = store.save_document(make_doc())
        at = run({"doc": doc_id, "place": STATE["id"]})
        ok(at)
        scope = at.radio(key=f"scope_{STATE['id']}")
        assert scope.value == "all" and len(scope.options) == 3  # all, and each of the two mentions
        assert any("Tbilisi" in label for label in scope.options)
        scope.set_value(f"{GE_GEORGIA}:{GE_GEORGIA + 7}").run()
        at.button(key="alt_go").click().run()  # the one other candidate: the country
        ok(at)
        saved = store.load_corrections(doc_id)
        assert [(c["op"], c["start"], c["end"], c["candidate"]["id"]) for c in saved] == [
            ("choose", GE_GEORGIA, GE_GEORGIA + 7, COUNTRY["id"])]
        assert "Tbilisi" in saved[0]["label"]  # the corrections list says which mention
        # The share link, opened afresh, shows both places.
        again = run({"doc": doc_id})
        ok(again)
        picker = again.selectbox(key="place_select")
        assert picker.options[1:] == ["Atlanta (city, US)", "Georgia (region, US)", "Georgia (country, GE)",
                                      "Tbilisi (city, GE)"]
        assert any("one mention" in t.value for t in again.text)
    finally:
        backend.close_stores()
