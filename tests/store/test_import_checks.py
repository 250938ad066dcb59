"""Issue 26, items 5 and 7: ``store import`` reads each file through the bounded checks (a hostile file is
skipped and named, the rest imported, exit 3) and never replaces a stored document silently."""

from __future__ import annotations

import json

import pytest
from test_store import make_doc

from geo.cli import main
from geo.store import documents as store
from geo.store import records


def test_an_existing_id_with_other_places_is_kept_unless_replace(store_cache, capsys):
    doc = make_doc()
    doc_id = store.save_document(doc)
    altered = make_doc()
    altered.places[0].confidence = 0.1  # same article (same id), other places
    folder = store_cache / "in"
    folder.mkdir()
    _, body = records.document_record(altered)
    (folder / f"{doc_id}.json").write_text(body, encoding="utf-8")
    assert main(["store", "import", str(folder)]) == 0
    assert "kept 1 documents already stored with other places (use --replace" in capsys.readouterr().out
    assert store.load_document(doc_id).places[0].confidence == 0.9
    assert main(["store", "import", str(folder), "--replace"]) == 0
    assert store.load_document(doc_id).places[0].confidence == 0.1


@pytest.mark.parametrize("payload", ["[" * 5000 + "]" * 5000, '{"schema": "\\ud800"}'], ids=["deep", "surrogate"])
def test_a_hostile_file_is_skipped_and_named_and_the_rest_imported(store_cache, capsys, payload):
    good_id, good = records.document_record(make_doc())
    bad_id, _ = records.document_record(make_doc(title="Other"))
    folder = store_cache / "in"
    folder.mkdir()
    (folder / f"{bad_id}.json").write_text(payload, encoding="utf-8")
    (folder / f"{good_id}.json").write_text(good, encoding="utf-8")
    assert main(["store", "import", str(folder)]) == 3
    out = capsys.readouterr()
    assert "imported into" in out.out and "skipped 1" in out.out and f"{bad_id}.json" in out.out
    assert "Traceback" not in out.err
    assert store.has_document(good_id) and not store.has_document(bad_id)
    json.loads(good)  # the good file is ordinary JSON
