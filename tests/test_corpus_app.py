"""The app's corpus page in-process (AppTest): the sample corpus on open, an uploaded JSONL and zip, the
places table sorted by count and by date, the three downloads, and a bad upload as one clear message."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.corpus.test_corpus import XSS_TITLE, sample_rows

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "corpus.py")


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_corpus_page_shows_the_sample_with_table_and_three_downloads():
    at = open_page()
    frame = at.dataframe[0].value
    assert len(frame) >= 8 and list(frame["articles"]) == sorted(frame["articles"], reverse=True)
    assert "Pyongyang" in set(frame["name"])
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download the map (HTML)", "Download the places (GeoJSON)", "Download the mentions (Parquet)"]
    html = [e for e in at.get("iframe") + at.get("html") if "geoCorpusData" in str(e.proto)]
    assert html, "the corpus map is on the page"
    at.selectbox(key="corpus_sort").set_value("First date (earliest first)").run()
    dates = [d for d in at.dataframe[0].value["first_date"] if d]
    assert dates == sorted(dates)


def test_the_page_builds_from_an_uploaded_zip_and_jsonl():
    from app_components.corpus_page import build_corpus

    rows = sample_rows()[:5]
    rows[0]["title"] = XSS_TITLE
    jsonl = "".join(json.dumps(r) + "\n" for r in rows).encode()
    result = build_corpus("mine.jsonl", jsonl)
    assert result["articles"] == 5 and "<img src=x" not in result["html"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("part.jsonl", jsonl)
        archive.writestr("more/extra.md", "---\ndate: 2025-02-01\n---\n# Talks in Seoul\n\nDiplomats met in Seoul.\n")
        archive.writestr("__MACOSX/._junk.md", "x")
    result = build_corpus("mine.zip", buffer.getvalue())
    assert result["articles"] == 6 and result["last"] == "2025-02-01"
    assert any(r["name"] == "Seoul" for r in result["rows"]) and result["parquet"][:4] == b"PAR1"


def test_a_bad_upload_is_one_clear_message():
    from app_components.corpus_page import build_corpus
    from geo.errors import GeoError

    with pytest.raises(GeoError, match="not a readable zip"):
        build_corpus("x.zip", b"PK\x03\x04 broken")
    with pytest.raises(GeoError, match="no article could be mapped"):
        build_corpus("x.jsonl", b'{"id": 1}\n')
