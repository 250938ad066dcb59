"""Stored documents and corrections: round trip, strict ids, unknown/damaged/tampered files, atomic writes."""

from __future__ import annotations

import json
import os

import pytest

from geo.errors import StoreError
from geo.parse.model import Article, Document, Mention, Passage, Place
from geo.store import corrections
from geo.store import documents as store


@pytest.fixture(autouse=True)
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    return tmp_path


def make_doc(text: str = "Talks in Kyiv went on.\n\nKyiv said no.") -> Document:
    article = Article(text=text, passages=[Passage("p1", 0, 22), Passage("p2", 24, len(text))], title="T")
    kyiv = Place(id="geonames:703448", name="Kyiv", kind="city", lat=50.45, lon=30.52, country="UA",
                 confidence=0.9, mentions=[Mention(9, 13, "Kyiv", "p1"), Mention(24, 28, "Kyiv", "p2")])
    return Document(article=article, places=[kyiv], meta={"version": "t"})


def test_round_trip_under_the_content_hash(tmp_cache):
    doc = make_doc()
    doc_id = store.save_document(doc)
    assert doc_id == doc.article.id and len(doc_id) == store.ID_LENGTH
    assert (tmp_cache / "store" / f"{doc_id}.json").is_file()
    assert store.load_document(doc_id).to_dict() == doc.to_dict()
    assert store.has_document(doc_id)
    assert store.load_corrections(doc_id) == []


def test_corrections_round_trip_and_validation(tmp_cache):
    doc = make_doc()
    doc_id = store.save_document(doc)
    fixes = [corrections.drop("geonames:703448", label="Kyiv")]
    store.save_corrections(doc_id, fixes)
    assert store.load_corrections(doc_id) == fixes
    with pytest.raises(StoreError, match="malformed"):
        store.save_corrections(doc_id, [{"op": "drop"}])
    assert store.load_corrections(doc_id) == fixes  # the bad save lost nothing
    with pytest.raises(StoreError, match="map the article before"):
        store.save_corrections("0" * 16, fixes)


@pytest.mark.parametrize("bad", [
    "", "abc", "../../etc/passwd", "0123456789abcdef/..", "0123456789ABCDEF", "0123456789abcdeg",
    "0123456789abcdef0", "/tmp/x", "..\\..\\x", "0123456789abcde\n", None, 12, ["0" * 16],
])
def test_ids_that_are_not_exactly_16_hex_digits_are_refused(bad, tmp_cache):
    with pytest.raises(StoreError, match="not valid"):
        store.load_document(bad)
    with pytest.raises(StoreError, match="not valid"):
        store.load_corrections(bad)
    assert list(tmp_cache.iterdir()) in ([], [tmp_cache / "store"])


def test_unknown_id_has_a_clear_message():
    with pytest.raises(StoreError, match="no stored document 00000000000000ff"):
        store.load_document("00000000000000ff")


def test_damaged_json_is_a_store_error(tmp_cache):
    doc_id = store.save_document(make_doc())
    path = tmp_cache / "store" / f"{doc_id}.json"
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(StoreError, match="damaged"):
        store.load_document(doc_id)
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(StoreError, match="cannot be read|damaged"):
        store.load_document(doc_id)
    path.write_text(json.dumps({"schema": "geo.stored/1", "id": doc_id, "document": {"schema": "x"}}))
    with pytest.raises(StoreError, match="damaged"):
        store.load_document(doc_id)


def test_tampered_article_does_not_match_its_id(tmp_cache):
    doc_id = store.save_document(make_doc())
    path = tmp_cache / "store" / f"{doc_id}.json"
    data = json.loads(path.read_text())
    data["document"]["article"]["text"] = data["document"]["article"]["text"].replace("no", "<script>")
    path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="altered"):
        store.load_document(doc_id)


def test_stored_under_another_id_is_refused(tmp_cache):
    doc_id = store.save_document(make_doc())
    other = "f" * 16
    os.rename(tmp_cache / "store" / f"{doc_id}.json", tmp_cache / "store" / f"{other}.json")
    with pytest.raises(StoreError, match="damaged"):
        store.load_document(other)


def test_mention_offsets_that_do_not_match_the_text_are_refused(tmp_cache):
    doc_id = store.save_document(make_doc())
    path = tmp_cache / "store" / f"{doc_id}.json"
    data = json.loads(path.read_text())
    data["document"]["places"][0]["mentions"][0]["start"] = 900
    path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="damaged"):
        store.load_document(doc_id)


def test_damaged_corrections_file(tmp_cache):
    doc_id = store.save_document(make_doc())
    path = tmp_cache / "store" / f"{doc_id}.corrections.json"
    schema = "geo.store.corrections/1"
    for content in ("[", json.dumps({"schema": schema, "id": doc_id, "corrections": [{"op": "boom"}]}),
                    json.dumps({"schema": schema, "id": "e" * 16, "corrections": []})):
        path.write_text(content)
        with pytest.raises(StoreError, match="damaged"):
            store.load_corrections(doc_id)


def test_writes_are_atomic_a_failed_write_keeps_the_old_file(tmp_cache, monkeypatch):
    doc_id = store.save_document(make_doc())
    store.save_corrections(doc_id, [corrections.drop("a")])

    def boom(*_a, **_k):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", boom)
        with pytest.raises(OSError):
            store.save_corrections(doc_id, [corrections.drop("b")])
    assert store.load_corrections(doc_id) == [corrections.drop("a")]
    assert [p.name for p in (tmp_cache / "store").iterdir() if p.name.endswith(".tmp")] == []


def test_a_cache_folder_that_cannot_be_created_keeps_the_store_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GEO_CACHE_DIR", str(blocker / "cache"))  # a folder under a file: ENOTDIR
    doc = make_doc("Talks in Kyiv went on.\n\nKyiv said no, in memory.")
    with pytest.warns(UserWarning, match="could not write"):
        doc_id = store.save_document(doc)
        store.save_corrections(doc_id, [corrections.drop("geonames:703448")])
    assert store.has_document(doc_id) and store.load_document(doc_id).to_dict() == doc.to_dict()
    assert store.load_corrections(doc_id) == [corrections.drop("geonames:703448")]
    assert not (blocker.parent / "cache").exists()
