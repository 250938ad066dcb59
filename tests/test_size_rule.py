"""One size rule: what the reader accepts can be stored, and what is stored can be loaded back; control
characters (vertical tab, form feed, the other C0/C1 codes) count as binary wherever they are."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InputError, StoreError
from geo.parse.article import (
    CONTROL_SHARE,
    DOCUMENT_ALLOWANCE,
    MAX_ARTICLE_BYTES,
    SNIFF_CHARS,
    read_article,
    stored_size_limit,
)
from geo.parse.model import Document
from geo.store import base
from geo.store import documents as store


@pytest.fixture(autouse=True)
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_the_issue_case_twelve_million_vertical_tabs_is_refused_as_binary():
    with pytest.raises(InputError, match="binary file, not an article"):
        read_article("\x0b" * 12_000_000)


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\x01"])
def test_controls_after_a_clean_first_64_kb_are_still_counted(control):
    prose = ("Ferries left Tallinn on time. " * (SNIFF_CHARS // 30 + 1))[:SNIFF_CHARS]
    with pytest.raises(InputError, match="control codes"):
        read_article(prose + control * (SNIFF_CHARS * 2))
    with pytest.raises(InputError, match="control codes"):
        read_article((prose + control * (SNIFF_CHARS * 2)).encode("utf-8"), filename="a.txt")


def test_a_few_form_feeds_and_vertical_tabs_are_fine():
    text = "Page one mentions Oslo.\x0c\n\nPage two mentions Bergen.\x0b\n\n" + "More from Oslo. " * 10_000
    article = read_article(text)
    assert "Bergen" in article.text and "\x0c" in article.text  # kept as given


def test_text_grown_past_the_limit_by_decoding_is_refused():
    data = "€".encode("cp1252") * 1000  # 1,000 bytes of cp1252, 3,000 bytes of text
    with pytest.raises(InputError, match="too large"):
        read_article(b"Euro\n\nPrices " + data, filename="a.txt", max_bytes=2000)


_STORED_CHARS = st.sampled_from(['"', "\\", "\x0b", "\x0c", "\x1b", "\x85", "\n", "\t", "a", "é", "€", "𝐁", "\u2028"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_STORED_CHARS, min_size=1, max_size=3000).map("".join), st.integers(200, 4000))
def test_the_stored_size_of_anything_accepted_is_within_the_bound(text, max_bytes):
    """The JSON of an accepted article's title and text never exceeds the bound the store's limit is built on."""
    try:
        article = read_article("Report\n\nFrom Oslo. " + text, max_bytes=max_bytes)
    except InputError:
        return
    stored = len(json.dumps(article.title, ensure_ascii=False).encode()) + len(
        json.dumps(article.text, ensure_ascii=False).encode())
    assert stored <= stored_size_limit(max_bytes) - DOCUMENT_ALLOWANCE


@pytest.mark.slow
def test_the_largest_worst_case_accepted_article_is_stored_and_loaded_back():
    """20 MB of quotes (two JSON bytes each) with the most control codes allowed (six bytes each)."""
    unit = '"' * (CONTROL_SHARE - 1) + "\x0b"
    text = "Worst case\n\n" + unit * (MAX_ARTICLE_BYTES // len(unit))
    text = text[:MAX_ARTICLE_BYTES]
    article = read_article(text)  # accepted: at the limit, and just inside the control share
    doc = Document(article=article, meta={"version": "t"})
    doc_id = store.save_document(doc)
    size = len(json.dumps(doc.to_dict(), ensure_ascii=False).encode())
    assert 2 * MAX_ARTICLE_BYTES < size <= base.MAX_STORED_BYTES  # the JSON is over twice the article, and fits
    loaded = store.load_document(doc_id)
    assert loaded.article.text == article.text and loaded.article.title == "Worst case"


def test_nothing_is_written_that_a_load_would_refuse(monkeypatch, tmp_cache):
    monkeypatch.setattr(base, "MAX_STORED_BYTES", 2000)
    article = read_article("Harbour log\n\n" + "Boats left Bergen. " * 200)
    doc = Document(article=article)
    with pytest.raises(StoreError, match="too large to store"):
        store.save_document(doc)
    assert not store.has_document(store.document_id(doc))
