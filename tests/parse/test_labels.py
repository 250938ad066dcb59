"""The reader's names: a place's label is the name as the article wrote it; the gazetteer's name and id stay in
the Document, and what a reader is shown gives both when they differ ("Wonsan (Wŏnsan)"). Regions named by an
adjective or after their main town read "X region" everywhere (table, popup, GeoJSON)."""

from __future__ import annotations

import json

import pytest

from geo.borders import border_sentence
from geo.maps.export import export_geojson
from geo.maps.popups import popup_html
from geo.parse.labels import label_with_name, reader_label, written_form
from geo.parse.model import Document, Mention, Place
from geo.pipeline import parse_text


def _place(name: str, texts: list[str], kind: str = "city", region_name: str | None = None,
           adjectival: tuple[bool, ...] = ()) -> Place:
    place = Place(id="g:1", name=name, kind=kind, lat=0.0, lon=0.0)
    place.mentions = [Mention(i * 10, i * 10 + len(t), t, adjectival=(adjectival[i] if adjectival else False))
                      for i, t in enumerate(texts)]
    if region_name:
        place.border = {"region_area": {"name": region_name}}
    return place


@pytest.mark.parametrize("text, form", [
    ("the Sumy region", "Sumy region"), ("Wonsan's", "Wonsan"), ("Kyiv’s", "Kyiv"), ("WONSAN", "Wonsan"),
    ("the  Gaza   Strip", "Gaza Strip"), ("Texas'", "Texas"), ("US", "US")])
def test_written_form_normalises_case_possessive_and_article(text, form):
    assert written_form(text) == form


def test_the_most_frequent_mention_is_the_label():
    place = _place("Khān Yūnis", ["Khan Yunis", "Khan Younis", "Khan Younis"])
    assert reader_label(place) == "Khan Younis"
    assert label_with_name(place) == "Khan Younis (Khān Yūnis)"
    tie = _place("Wŏnsan", ["Wonsan", "WONSAN"])  # a tie: the first written form, case undone
    assert reader_label(tie) == "Wonsan" and label_with_name(tie) == "Wonsan (Wŏnsan)"


def test_an_adjective_never_becomes_the_label():
    place = _place("Ukraine", ["Ukrainian", "Ukrainian"], kind="country", adjectival=(True, True))
    assert reader_label(place) == "Ukraine" and label_with_name(place) == "Ukraine"


def test_regions_read_in_their_english_form():
    oblast = _place("Kharkivska", ["Kharkiv Oblast"], kind="region", region_name="Kharkiv region")
    assert reader_label(oblast) == "Kharkiv Oblast" and label_with_name(oblast) == "Kharkiv Oblast"
    adjective = _place("Kharkivska", ["Kharkivska"], kind="region", region_name="Kharkiv region")
    assert reader_label(adjective) == "Kharkiv region"
    bare = _place("Kharkivska", ["Kharkiv"], kind="region", region_name="Kharkiv region")
    assert reader_label(bare) == "Kharkiv region"
    cavan = _place("Cavan", ["County Cavan"], kind="region", region_name="Cavan")
    assert label_with_name(cavan) == "County Cavan"
    texas = _place("Texas", ["Texas"], kind="region", region_name="Texas")
    assert label_with_name(texas) == "Texas"


def test_the_document_keeps_the_gazetteer_name_and_adds_the_label():
    doc = parse_text("Missiles landed near Wonsan. Officials in the Sumy region and in Kharkiv Oblast said "
                     "Rafah in Gaza was shelled; Wonsan's port was closed.")
    by_label = {p.label: p for p in doc.places}
    assert {"Wonsan", "Sumy region", "Kharkiv Oblast", "Rafah"} <= set(by_label), sorted(by_label)
    wonsan = by_label["Wonsan"]
    assert wonsan.name == "Wŏnsan" and wonsan.id.startswith("geonames:")
    data = doc.to_dict()
    row = next(p for p in data["places"] if p["id"] == wonsan.id)
    assert row["label"] == "Wonsan" and row["name"] == "Wŏnsan"
    again = Document.from_dict(json.loads(json.dumps(data)))  # the label is derived again, not stored
    assert {p.label for p in again.places} == {p.label for p in doc.places}
    assert "<h3>Wonsan (Wŏnsan)</h3>" in popup_html(doc, wonsan)
    assert border_sentence(wonsan).startswith("Wonsan — North Korea")
    sumy = by_label["Sumy region"]
    assert sumy.name == "Sumska" and "Sumska" not in popup_html(doc, sumy)
    features = {f["id"]: f["properties"] for f in export_geojson(doc)["features"]}
    assert features[sumy.id]["name"] == "Sumy region" and features[sumy.id]["gazetteer_name"] == "Sumska"
    assert features[wonsan.id]["name"] == "Wonsan"
    assert by_label["Rafah"].shown_name == f"Rafah ({by_label['Rafah'].name})" != "Rafah (Rafah)"


@pytest.mark.slow
def test_no_region_of_ukraine_russia_or_belarus_shows_an_adjective_form():
    """Every first-level region of these countries, named by the gazetteer's own name, reads in English."""
    import countrystatecity_countries as csc

    from geo.borders import tag_place
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    bad = []
    for country in ("UA", "RU", "BY"):
        for state in csc.get_states_of_country(country):
            cand = gaz.by_id(f"iso3166:{state.iso3166_2}")
            if cand is None or cand.id.startswith("territory:"):
                continue
            place = _place(cand.name, [cand.name], kind="region")
            place.id, place.lat, place.lon, place.country, place.admin1 = cand.id, cand.lat, cand.lon, cand.country, cand.admin1
            place.border = tag_place(place)
            shown = label_with_name(place) + " " + border_sentence(place)
            if country == "UA" and state.name.endswith("ka") and state.name in shown:  # "Kharkivska"
                bad.append(shown)
            if (state.type or "").lower() in ("oblast", "administrative region") and " region" not in shown:
                bad.append(shown)  # an oblast reads "Kursk region", "Gomel region"
    assert not bad, bad
