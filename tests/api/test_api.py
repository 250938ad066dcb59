"""The Python API as a notebook user calls it: ``import geo``, then geo.parse / geo.map / geo.corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = ("Shelling hit Kharkiv and Sumy overnight, officials in Kyiv said.\n\n"
        "Later, the Russian defence ministry in Moscow said its troops had advanced near Pokrovsk.")


def test_import_geo_loads_no_data_and_no_ui_library():
    code = ("import sys, geo; print(json.dumps([m for m in ('folium', 'pandas', 'streamlit', 'geo.pipeline') "
            "if m in sys.modules])); print(json.dumps(sorted(geo.__all__)))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.splitlines()
    assert json.loads(out[0]) == []
    assert {"parse", "map", "corpus", "Document", "Corpus"} <= set(json.loads(out[1]))


def test_parse_text_file_and_document_frames(tmp_path):
    import geo
    from geo.parse.model import Document

    doc = geo.parse(TEXT)
    assert isinstance(doc, Document)
    names = {p.name for p in doc.places}
    assert {"Kharkiv", "Sumy", "Kyiv", "Moscow"} <= names
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    from_file = geo.parse(str(path))
    assert [p.id for p in from_file.places] == [p.id for p in doc.places]
    assert geo.parse(path).article.source == "file"

    frame = doc.to_dataframe()
    assert len(frame) == sum(len(p.mentions) for p in doc.places)
    assert {"place", "kind", "country", "lat", "lon", "border_status", "passage"} <= set(frame.columns)
    for row in frame.itertuples():
        assert row.passage and row.mention in row.passage  # the passage holds the words as written
        place = next(p for p in doc.places if p.id == row.place_id)
        assert (row.lat, row.lon, row.country, row.border_status) == (place.lat, place.lon, place.country,
                                                                     place.border["status"])
    assert list(frame["start"]) == sorted(frame["start"])


def test_a_one_line_article_longer_than_a_file_name_is_read_as_text():
    """A paragraph with no line break (over the 255 bytes a file name may have) is an article, not a path the
    system refuses (ENAMETOOLONG)."""
    import geo

    text = "Talks resumed in Geneva on Monday while shelling continued near Kharkiv and Sumy, officials said. " * 4
    assert "\n" not in text and len(text.encode()) > 255
    assert {"Geneva", "Kharkiv", "Sumy"} <= {p.name for p in geo.parse(text).places}


def test_to_geojson_equals_the_map_commands_geojson():
    import geo
    from geo.maps.export import export_geojson

    doc = geo.parse(TEXT)
    data = doc.to_geojson()
    assert data == export_geojson(doc)
    assert json.loads(json.dumps(data)) == data
    kyiv = next(f for f in data["features"] if f["properties"]["name"] == "Kyiv")
    lon, lat = kyiv["geometry"]["coordinates"]
    assert (lat, lon) == (pytest.approx(50.45, abs=0.1), pytest.approx(30.52, abs=0.1))


def test_map_is_a_folium_map_that_renders_in_a_notebook():
    import folium

    import geo

    m = geo.map(geo.parse(TEXT))
    assert isinstance(m, folium.Map)
    html = m._repr_html_()  # what Jupyter shows
    assert "Kharkiv" in html


def test_bad_input_is_one_clear_error(tmp_path):
    import geo
    from geo.errors import InputError

    with pytest.raises(InputError):
        geo.parse("   ")
    with pytest.raises(TypeError, match="text, a file path or a URL"):
        geo.parse(42)


def test_corpus_of_texts_matches_parsing_one_by_one(tmp_path):
    import geo
    from geo.corpus.aggregate import counts_of_documents

    texts = [TEXT, "Floods hit Wonsan and Pyongyang.", "Talks in Geneva and Vienna resumed."]
    corpus = geo.corpus(texts, scheduler="inline")
    assert corpus.articles == 3
    expected = counts_of_documents([geo.parse(t) for t in texts])
    places = corpus.places
    assert dict(zip(places["id"], zip(places["articles"], places["mentions"], strict=True), strict=True)) == expected
    mentions = corpus.mentions
    assert len(mentions) == sum(m for _, m in expected.values())
    assert set(mentions["place_id"]) == set(expected)
    out = corpus.to_html(tmp_path / "c.html")
    assert "geoCorpusData" in out.read_text(encoding="utf-8")


def test_corpus_of_a_jsonl_file_on_the_local_cluster(tmp_path):
    import geo
    from geo.corpus.reading import SAMPLE_CORPUS

    inline = geo.corpus(SAMPLE_CORPUS, scheduler="inline")
    cluster = geo.corpus(str(SAMPLE_CORPUS), workers=2)
    assert inline.aggregate.counts() == cluster.aggregate.counts()
    assert inline.places.equals(cluster.places)
    assert len(inline.mentions) == len(cluster.mentions) > 0
