"""Article -> Document: the sample and reference articles, and the Document JSON contract (DESIGN.md)."""

from __future__ import annotations

import json
import math

import pytest
from conftest import country_contains, km_from_city, seed_articles

from geo.parse.model import BORDER_STATUSES, KINDS, SCHEMA, Document
from geo.parse.resolve import geoparse
from geo.pipeline import build_document, parse_article, parse_text
from geo.places.gazetteer import Candidate
from geo.places.names import name_key
from geo.sample import sample_article

CITIES = [("Pyongyang", "KP"), ("Wonsan", "KP"), ("Kursk", "RU"), ("Kyiv", "UA"), ("Moscow", "RU")]
COUNTRIES = [("North Korea", "KP"), ("South Korea", "KR"), ("Russia", "RU"), ("Ukraine", "UA"), ("Iran", "IR")]
PERSON_TOKENS = {"kim", "lavrov", "putin", "jong", "un"}


@pytest.fixture(scope="module")
def sample_doc(gazetteer) -> Document:
    return parse_article(sample_article(), gazetteer=gazetteer)  # with the border layer


def _places_named(doc: Document, name: str, country: str):
    """Places one of whose mentions is the name, or the name plus a region word ('Kursk region')."""
    key = name_key(name)
    return [
        p for p in doc.places
        if p.country == country and p.kind in ("city", "region")
        and any(name_key(m.text) == key or name_key(m.text).startswith(key + " ") for m in p.mentions)
    ]


def check_reference_places(doc: Document) -> None:
    for name, iso in CITIES:
        places = _places_named(doc, name, iso)
        assert places, f"{name} ({iso}) is not among the places"
        for place in places:
            assert km_from_city(place.lat, place.lon, name, iso) <= 25, f"{place.name} is off"
    for name, iso in COUNTRIES:
        countries = [p for p in doc.places if p.kind == "country" and p.country == iso]
        assert len(countries) == 1, f"{name} ({iso}) missing or split"
        assert countries[0].name == name
        assert country_contains(iso, countries[0].lat, countries[0].lon)


def check_no_person_is_a_place(doc: Document) -> None:
    for place in doc.places:
        for m in place.mentions:
            assert not set(name_key(m.text).split()) & PERSON_TOKENS, f"{m.text!r} mapped as {place.name}"
    for m in doc.unresolved:  # unresolved names may go to an online geocoder: no people there either
        assert not set(name_key(m.text).split()) & PERSON_TOKENS, m.text


def test_sample_article_places(sample_doc):
    check_reference_places(sample_doc)
    check_no_person_is_a_place(sample_doc)


def test_sample_article_mentions_people_the_parser_leaves_out(sample_doc):
    # The trap is only a trap if the names are in the text.
    words = set(name_key(sample_doc.article.text).split())
    assert {"kim", "lavrov", "putin"} <= words


@pytest.mark.skipif(not seed_articles(), reason="no reference article in ../shared/seed/")
@pytest.mark.parametrize("index", range(len(seed_articles())))
def test_reference_article_places(gazetteer, index):
    from geo.parse.article import load_article

    path = seed_articles()[index]
    doc = parse_article(load_article(str(path)), gazetteer=gazetteer, borders=False)
    check_reference_places(doc)
    check_no_person_is_a_place(doc)
    assert_offsets_round_trip(doc.to_dict())


# ------------------------------------------------------------------------------ the JSON contract


def assert_offsets_round_trip(data: dict) -> None:
    text = data["article"]["text"]
    for place in data["places"]:
        for m in place["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
    for m in data["unresolved"]:
        assert text[m["start"] : m["end"]] == m["text"]


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_contract(data: dict) -> None:
    assert data["schema"] == SCHEMA == "geo.document/1"
    assert set(data) >= {"schema", "article", "places", "unresolved", "meta"}

    article = data["article"]
    assert set(article) >= {"id", "title", "source", "url", "text", "passages"}
    assert isinstance(article["id"], str) and article["id"]
    assert isinstance(article["title"], str)
    assert article["source"] in ("text", "file", "url")
    assert article["url"] is None or isinstance(article["url"], str)
    text = article["text"]
    assert isinstance(text, str)
    passage_ids = []
    previous_end = 0
    for i, passage in enumerate(article["passages"], start=1):
        assert set(passage) >= {"id", "start", "end"}
        assert passage["id"] == f"p{i}"
        assert previous_end <= passage["start"] < passage["end"] <= len(text)
        previous_end = passage["end"]
        passage_ids.append(passage["id"])
    assert passage_ids

    place_ids = [p["id"] for p in data["places"]]
    assert len(place_ids) == len(set(place_ids)), "a place appears twice"
    for place in data["places"]:
        assert isinstance(place["id"], str) and place["id"]
        assert isinstance(place["name"], str) and place["name"]
        assert place["kind"] in KINDS
        assert _is_number(place["lat"]) and -90 <= place["lat"] <= 90
        assert _is_number(place["lon"]) and -180 <= place["lon"] <= 180
        assert place["country"] is None or (isinstance(place["country"], str) and len(place["country"]) == 2)
        assert place["admin1"] is None or isinstance(place["admin1"], str)
        assert place["geonameid"] is None or (isinstance(place["geonameid"], int) and place["geonameid"] > 0)
        if place["geonameid"] is not None and place["id"].startswith("geonames:"):
            assert place["id"] == f"geonames:{place['geonameid']}"
        assert place["population"] is None or (isinstance(place["population"], int) and place["population"] >= 0)
        assert _is_number(place["confidence"]) and 0 <= place["confidence"] <= 1
        assert isinstance(place["source"], str) and place["source"]
        assert isinstance(place["alternatives"], list)
        for alt in place["alternatives"]:
            assert set(alt) >= {"name", "lat", "lon", "country", "score"}
            assert _is_number(alt["lat"]) and _is_number(alt["lon"]) and 0 <= alt["score"] <= 1
        mentions = place["mentions"]
        assert mentions, f"{place['name']} has no mention"
        for m in mentions:
            assert set(m) >= {"start", "end", "text", "passage", "adjectival"}
            assert isinstance(m["adjectival"], bool)
            assert m["passage"] in passage_ids
            assert text[m["start"] : m["end"]] == m["text"]
    for m in data["unresolved"]:
        assert set(m) >= {"start", "end", "text", "passage"}
        assert m["passage"] is None or m["passage"] in passage_ids
        assert text[m["start"] : m["end"]] == m["text"]

    meta = data["meta"]
    assert isinstance(meta["version"], str)
    assert {"gazetteer", "borders"} <= set(meta["data"])
    assert _is_number(meta["elapsed_ms"]) and meta["elapsed_ms"] >= 0


def check_border(border: dict) -> None:
    assert set(border) >= {"country", "country_name", "status", "administered_by", "claimed_by",
                           "nearest_border", "coast_km", "notes"}
    assert border["status"] in BORDER_STATUSES
    assert isinstance(border["claimed_by"], list) and isinstance(border["notes"], list)
    nearest = border["nearest_border"]
    assert nearest is None or (set(nearest) >= {"neighbour", "km"} and _is_number(nearest["km"]))
    assert border["coast_km"] is None or _is_number(border["coast_km"])


def test_document_json_follows_the_contract(sample_doc):
    data = sample_doc.to_dict()
    check_contract(data)
    for place in data["places"]:
        assert place["border"] is not None, f"{place['name']} was not border-tagged"
        check_border(place["border"])
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert json.loads(json.dumps(data)) == data


def test_document_round_trips_through_from_dict(sample_doc):
    data = sample_doc.to_dict()
    again = Document.from_dict(json.loads(json.dumps(data)))
    assert again.to_dict() == data
    assert again.article.passage_text("p1") == sample_doc.article.passage_text("p1")


def test_from_dict_refuses_another_schema(sample_doc):
    data = sample_doc.to_dict()
    data["schema"] = "geo.document/0"
    with pytest.raises(ValueError, match="schema"):
        Document.from_dict(data)


def test_adjectival_mentions_make_their_country_a_place(gazetteer):
    doc = parse_text("North Korean ammunition reached the front. Iranian nuclear facilities were hit.",
                     gazetteer=gazetteer, borders=False)
    by_country = {p.country: p for p in doc.places}
    assert set(by_country) == {"KP", "IR"}
    assert all(p.kind == "country" and all(m.adjectival for m in p.mentions) for p in doc.places)
    check_contract(doc.to_dict())


def test_unicode_text_survives_json(gazetteer):
    text = "🙂 Wŏnsan’s port, Kraków and İstanbul.\n\ne\u0301 Russia’s army; Kyiv."
    doc = parse_text(text, gazetteer=gazetteer, borders=False)
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    check_contract(data)
    found = sorted(m["text"] for p in data["places"] for m in p["mentions"])
    assert found == sorted(["Wŏnsan", "Kraków", "İstanbul", "Russia", "Kyiv"])
    assert {m["passage"] for p in data["places"] for m in p["mentions"]} == {"p1", "p2"}


def test_repeated_mentions_group_into_one_place(gazetteer):
    doc = parse_text("Kyiv said Kiev and Kyiv’s suburbs were calm.", gazetteer=gazetteer, borders=False)
    assert [(p.name, [m.text for m in p.mentions]) for p in doc.places] == [("Kyiv", ["Kyiv", "Kiev", "Kyiv"])]
    results = geoparse(doc.article.text, gazetteer)
    expected = sum(r.confidence for r in results) / len(results)
    assert doc.places[0].confidence == pytest.approx(expected, abs=1e-4)


def test_build_document_keeps_unresolved_mentions(gazetteer):
    article = sample_article()
    results = geoparse(article.text, gazetteer)
    for res in results[:2]:
        res.chosen = None
    doc = build_document(article, results)
    assert [m.text for m in doc.unresolved] == [r.mention.text for r in results[:2]]
    total = sum(len(p.mentions) for p in doc.places) + len(doc.unresolved)
    assert total == len(results)  # nothing lost


def test_unresolved_names_go_to_the_injected_geocoder(gazetteer):
    text = "Shelling near Zzyzxville continued. Kyiv said so."
    asked: list[list[str]] = []

    def stub_geocoder(mentions):
        asked.append([m.text for m in mentions])
        cand = Candidate("stub:zzyzxville", "Zzyzxville", "city", 10.0, 20.0, "UA", None, None, 0)
        return {"Zzyzxville": (cand, "stub")}

    doc = parse_text(text, gazetteer=gazetteer, borders=False, geocode_unresolved=stub_geocoder)
    assert asked == [["Zzyzxville"]]
    assert doc.unresolved == []
    stub = [p for p in doc.places if p.id == "stub:zzyzxville"]
    assert len(stub) == 1 and stub[0].source == "stub"
    assert [m.text for m in stub[0].mentions] == ["Zzyzxville"]
    check_contract(doc.to_dict())


def test_no_geocoder_call_without_unresolved_names(gazetteer):
    def must_not_be_called(mentions):
        raise AssertionError("called with nothing to geocode")

    doc = parse_text("Kyiv and Moscow.", gazetteer=gazetteer, borders=False, geocode_unresolved=must_not_be_called)
    assert len(doc.places) == 2


def test_unresolved_geocoder_searches_the_gazetteer_it_is_given(gazetteer):
    from geo.parse.model import Mention
    from geo.pipeline import online_unresolved_geocoder
    from geo.places.gazetteer import PRIMARY, Gazetteer
    from geo.settings import Settings

    places = [("test:1", "Testtown", "city", 1.0, 2.0, "XX", None, None, 5000)]
    small = Gazetteer(places, {name_key("Testtown"): ((0, PRIMARY),)}, {})
    reports: list[str] = []
    offline = Settings(online=False)  # gazetteer only: no sockets, no cache
    found = online_unresolved_geocoder(offline, report=reports.append, gazetteer=small)(
        [Mention(0, 8, "Testtown"), Mention(13, 17, "Kyiv")])
    assert set(found) == {"Testtown"} and reports == []
    cand, _ = found["Testtown"]
    assert (cand.name, cand.lat, cand.lon, cand.country) == ("Testtown", 1.0, 2.0, "XX")
    default = online_unresolved_geocoder(offline, report=reports.append)([Mention(0, 4, "Kyiv")])
    assert default["Kyiv"][0].country == gazetteer.search("Kyiv", limit=1)[0].country == "UA"
