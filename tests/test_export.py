"""Unit tests for the static HTML export and the GeoJSON export."""

from __future__ import annotations

import json
import re

from test_mapview import HOSTILE, make_doc

from geo.maps import export
from geo.parse.model import Document

BAD = " " + " ".join(HOSTILE)


def test_no_network_reference_in_any_script_or_stylesheet():
    page = export.export_html(make_doc())
    tags = re.findall(r"<(?:script|link)\b[^>]*>", page)
    assert tags
    for tag in tags:
        ref = re.search(r"\b(?:src|href)=\"([^\"]*)\"", tag)
        assert ref is None or ref.group(1).startswith("data:"), tag[:120]
    assert not re.search(r"<(?:script|link)\b[^>]*(?:src|href)=\"?(?:https?:)?//", page)


def test_two_exports_are_byte_identical_and_carry_no_random_ids():
    doc = make_doc()
    first = export.export_html(doc)
    assert first == export.export_html(make_doc())
    assert not re.search(r"[0-9a-f]{32}", first)
    assert doc.article.id[:8] in first  # element ids derive from the document


def test_panel_has_anchored_passages_and_focusable_mentions():
    doc = make_doc()
    page = export.export_html(doc)
    for passage in doc.article.passages:
        assert f'id="{passage.id}"' in page
    mentions = re.findall(
        r"<mark class=\"geo-mention[^\"]*\" role=\"button\" tabindex=\"0\" data-place=\"(\d)\""
        r" aria-label=\"([^\"]+)\">([^<]+)</mark>",
        page,
    )
    assert len(mentions) == sum(len(p.mentions) for p in doc.places)
    for key, label, words in mentions:
        assert doc.places[int(key)].name == words and words in label


def test_hostile_article_injects_nothing_into_the_page():
    clean = export.export_html(make_doc())
    page = export.export_html(make_doc(extra=BAD, title="Kyiv" + BAD))
    assert page.count("<script") == clean.count("<script")
    assert page.count("<img") == clean.count("<img") == 0
    assert "<script>alert(1)" not in page and "${alert(1)}" not in page and "onerror=alert(1)>" not in page
    assert "<title>Kyiv &lt;script&gt;" in page


def test_geojson_is_an_rfc7946_feature_collection_in_lon_lat_order():
    doc = make_doc()
    data = json.loads(json.dumps(export.export_geojson(doc)))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == len(doc.places)
    for feature, place in zip(data["features"], doc.places, strict=True):
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (place.lon, place.lat)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert props["name"] == place.label and props["mention_count"] == len(place.mentions)
        assert props["gazetteer_name"] == place.name
        for m in props["mentions"]:
            assert doc.article.text[m["start"] : m["end"]] == m["text"]
    pyongyang = data["features"][0]
    assert pyongyang["geometry"]["coordinates"][0] > 90  # longitude first: 125.75 E is no latitude
    assert pyongyang["properties"]["passages"] == ["p1", "p3"]


def test_write_helpers_write_what_the_functions_return(tmp_path):
    doc = make_doc()
    page = export.write_export(doc, tmp_path / "out" / "map.html")
    assert page.read_text(encoding="utf-8") == export.export_html(doc)
    geo = export.write_geojson(doc, tmp_path / "map.geojson")
    assert json.loads(geo.read_text(encoding="utf-8")) == json.loads(json.dumps(export.export_geojson(doc)))


def test_bench_export_reports_the_real_size_and_determinism():
    doc = make_doc()
    report = export.bench_export(doc, repeat=1)
    assert report["bytes"] == len(export.export_html(doc).encode("utf-8"))
    assert report["places"] == 3 and report["byte_identical"] is True
    assert report["first_ms"] >= 0 and report["warm_median_ms"] >= 0


def test_hostile_article_id_cannot_reach_element_ids_or_scripts():
    """Document.from_dict accepts any article id; the ids and JS names folium's elements get stay hex."""
    data = make_doc().to_dict()
    hostile = '"x;alert(1)//</script><script>alert(2)</script>'
    data["article"]["id"] = hostile
    doc = Document.from_dict(data)
    page = export.export_html(doc)
    assert page == export.export_html(Document.from_dict(data))  # still byte-identical
    assert "alert(1)" not in page and "alert(2)" not in page and hostile[:8] not in page
    names = re.findall(r"\bvar\s+([^\s=]+)\s*=", page)
    assert any(n.startswith("map_") for n in names)
    for name in names:
        assert re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name), name
    for element_id in re.findall(r'\bid="([^"]*)"', page):
        assert re.fullmatch(r"[A-Za-z0-9_:.-]+", element_id), element_id
    other = dict(data, article=dict(data["article"], id="another id"))
    assert export.export_html(Document.from_dict(other)) != page  # the seed still follows the id


def test_low_confidence_mentions_use_the_map_threshold(monkeypatch):
    """The panel marks a mention uncertain below the same threshold as the map's pins (one constant)."""
    doc = make_doc()
    for place in doc.places:
        place.confidence = 0.5
    assert 'class="geo-mention geo-mention--low"' in export.export_html(doc)
    monkeypatch.setattr(export, "LOW_CONFIDENCE", 0.4)
    assert 'class="geo-mention geo-mention--low"' not in export.export_html(doc)
