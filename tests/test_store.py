"""The store on both back ends (SQLite file, and a real PostgreSQL started by the tests): round trip, strict
ids checked before any query, damaged/tampered records, revisions and conflicts, size limits, schema
version, the one-time import of old JSON files, export/import, and the fallbacks when a store is unusable."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from geo.errors import StoreError
from geo.parse.model import Article, Document, Mention, Passage, Place
from geo.store import backend, corrections, records
from geo.store import documents as store
from geo.store.base import StoreConflict

KYIV = "geonames:703448"


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request, tmp_path, monkeypatch):
    """Each test runs on a fresh SQLite file and on a fresh PostgreSQL database."""
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    if request.param == "postgresql":
        monkeypatch.setenv("GEO_STORE_URL", request.getfixturevalue("postgres").new_database())
    else:
        monkeypatch.delenv("GEO_STORE_URL", raising=False)
    yield request.param
    backend.close_stores()


def make_doc(text: str = "Talks in Kyiv went on.\n\nKyiv said no.", title: str = "T") -> Document:
    article = Article(text=text, passages=[Passage("p1", 0, 22), Passage("p2", 24, len(text))], title=title)
    kyiv = Place(id=KYIV, name="Kyiv", kind="city", lat=50.45, lon=30.52, country="UA",
                 confidence=0.9, mentions=[Mention(9, 13, "Kyiv", "p1"), Mention(24, 28, "Kyiv", "p2")])
    return Document(article=article, places=[kyiv], meta={"version": "t"})


def test_round_trip_under_the_content_hash(kind, tmp_path):
    doc = make_doc()
    doc_id = store.save_document(doc)
    assert doc_id == doc.article.id and len(doc_id) == store.ID_LENGTH
    assert store.load_document(doc_id).to_dict() == doc.to_dict()
    assert store.has_document(doc_id) and not store.has_document("0" * 16)
    assert store.load_corrections_revision(doc_id) == ([], 0)
    assert backend.get_store().name == kind and backend.store_problem() is None
    if kind == "sqlite":
        with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not (tmp_path / "store").exists()  # no JSON files any more


def test_hostile_article_text_round_trips_as_data(kind):
    text = "Talks in Kyiv went on.\n\nKyiv'); DROP TABLE documents; -- %s ? $1 \\x00 \u0000 ′″ 🗺"
    doc = make_doc(text, title="Robert'); DELETE FROM corrections; --")
    doc_id = store.save_document(doc)
    assert store.load_document(doc_id).article.text == text
    store.save_corrections(doc_id, [corrections.drop(KYIV, label="x'); DROP TABLE meta; --")])
    assert store.load_corrections(doc_id)[0]["label"].startswith("x');")
    assert store.load_document(doc_id).to_dict() == doc.to_dict()


def test_corrections_carry_a_revision_and_are_validated(kind):
    doc_id = store.save_document(make_doc())
    fixes = [corrections.drop(KYIV, label="Kyiv")]
    assert store.save_corrections(doc_id, fixes, revision=0) == 1
    assert store.load_corrections_revision(doc_id) == (fixes, 1)
    with pytest.raises(StoreError, match="malformed"):
        store.save_corrections(doc_id, [{"op": "drop"}], revision=1)
    assert store.load_corrections_revision(doc_id) == (fixes, 1)  # the bad save lost nothing
    assert store.save_corrections(doc_id, [], revision=1) == 2
    assert store.save_corrections(doc_id, fixes) == 3  # no revision: unconditional
    with pytest.raises(StoreError, match="map the article before"):
        store.save_corrections("0" * 16, fixes)
    with pytest.raises(StoreError, match="revision"):
        store.save_corrections(doc_id, fixes, revision=-1)
    with pytest.raises(StoreError, match="at most"):
        store.save_corrections(doc_id, fixes * (records.MAX_CORRECTIONS + 1))


def test_a_save_against_a_stale_revision_is_a_conflict_and_changes_nothing(kind):
    doc_id = store.save_document(make_doc())
    _, opened = store.load_corrections_revision(doc_id)  # two editors open the article
    store.save_corrections(doc_id, [corrections.drop(KYIV, label="first")], revision=opened)
    with pytest.raises(StoreConflict, match="changed since you opened it.*reload") as caught:
        store.save_corrections(doc_id, [corrections.drop(KYIV, label="second")], revision=opened)
    assert (caught.value.expected, caught.value.current) == (0, 1)
    assert store.load_corrections_revision(doc_id) == ([corrections.drop(KYIV, label="first")], 1)


def test_concurrent_saves_with_the_same_revision_one_wins_the_others_are_told(kind):
    doc_id = store.save_document(make_doc())
    workers = 6
    for round_no in range(4):
        _, revision = store.load_corrections_revision(doc_id)
        barrier, results = threading.Barrier(workers), [None] * workers

        def save(i: int, revision: int = revision, barrier: threading.Barrier = barrier,
                 results: list = results) -> None:
            barrier.wait()
            try:
                store.save_corrections(doc_id, [corrections.drop(KYIV, label=f"w{i}")], revision=revision)
                results[i] = "won"
            except StoreConflict:
                results[i] = "conflict"
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                results[i] = repr(exc)

        threads = [threading.Thread(target=save, args=(i,)) for i in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(results) == ["conflict"] * (workers - 1) + ["won"], results
        winner = results.index("won")
        assert store.load_corrections_revision(doc_id) == ([corrections.drop(KYIV, label=f"w{winner}")],
                                                           round_no + 1)


@pytest.mark.parametrize("bad", [
    "", "abc", "../../etc/passwd", "0123456789abcdef/..", "0123456789ABCDEF", "0123456789abcdeg",
    "0123456789abcdef0", "/tmp/x", "..\\..\\x", "0123456789abcde\n", "0' OR '1'='1", None, 12, ["0" * 16],
])
def test_ids_that_are_not_exactly_16_hex_digits_are_refused_before_any_query(bad, store_cache, monkeypatch):
    def no_store():
        raise AssertionError("the store was reached with an invalid id")

    monkeypatch.setattr("geo.store.documents.get_store", no_store)
    for call in (store.load_document, store.load_corrections, store.has_document,
                 lambda i: store.save_corrections(i, [])):
        with pytest.raises(StoreError, match="not valid"):
            call(bad)


def test_unknown_id_has_a_clear_message(kind):
    with pytest.raises(StoreError, match="no stored document 00000000000000ff"):
        store.load_document("00000000000000ff")


def _raw_put(doc_id: str, body: str) -> None:
    backend.get_store().put_document(doc_id, body)


def test_damaged_records_are_store_errors(kind):
    doc = make_doc()
    doc_id, good = records.document_record(doc)
    for body in (good[:50], "\ufffdgarbage", json.dumps({"schema": "geo.stored/1", "id": doc_id,
                                                         "document": {"schema": "x"}})):
        _raw_put(doc_id, body)
        with pytest.raises(StoreError, match="damaged"):
            store.load_document(doc_id)
    other = "f" * 16  # a sound record stored under another id
    _raw_put(other, good)
    with pytest.raises(StoreError, match="damaged"):
        store.load_document(other)


def test_tampered_article_and_wrong_offsets_are_refused(kind):
    doc_id, body = records.document_record(make_doc())
    data = json.loads(body)
    data["document"]["article"]["text"] = data["document"]["article"]["text"].replace("no", "<script>")
    _raw_put(doc_id, json.dumps(data))
    with pytest.raises(StoreError, match="altered"):
        store.load_document(doc_id)
    data = json.loads(body)
    data["document"]["places"][0]["mentions"][0]["start"] = 900
    _raw_put(doc_id, json.dumps(data))
    with pytest.raises(StoreError, match="damaged"):
        store.load_document(doc_id)


def test_damaged_corrections(kind):
    doc_id = store.save_document(make_doc())
    schema = "geo.store.corrections/1"
    for content in ("[", json.dumps({"schema": schema, "id": doc_id, "corrections": [{"op": "boom"}]}),
                    json.dumps({"schema": schema, "id": "e" * 16, "corrections": []})):
        backend.get_store().put_corrections(doc_id, content, None)
        with pytest.raises(StoreError, match="damaged"):
            store.load_corrections(doc_id)


def test_size_limits_on_save_and_on_load(kind, monkeypatch):
    doc_id = store.save_document(make_doc())
    monkeypatch.setattr("geo.store.base.MAX_STORED_BYTES", 100)
    with pytest.raises(StoreError, match="too large"):
        store.save_document(make_doc("Talks in Kyiv went on.\n\nKyiv said no, again."))
    monkeypatch.setattr(f"geo.store.{'sqlite' if kind == 'sqlite' else 'postgres'}.MAX_STORED_BYTES", 100)
    with pytest.raises(StoreError, match="too large"):
        store.load_document(doc_id)


def test_schema_version_table_and_reopening(kind):
    doc_id = store.save_document(make_doc())
    health = backend.get_store().health()
    assert health["schema"] == 1 and health["documents"] == 1 and health["backend"] == kind
    backend.close_stores()
    assert store.load_document(doc_id).article.id == doc_id  # reopened, not migrated again
    raw = backend.get_store()
    if kind == "sqlite":
        with sqlite3.connect(raw.path) as conn:
            conn.execute("UPDATE schema_version SET version = 99")
    else:
        with raw._tx() as conn:
            conn.execute("UPDATE schema_version SET version = 99")
    backend.close_stores()
    with pytest.raises(StoreError, match="newer than this program"):
        backend.open_store()


def test_old_json_files_are_imported_once(kind, tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    doc = make_doc()
    doc_id, body = records.document_record(doc)
    (folder / f"{doc_id}.json").write_text(body)
    (folder / f"{doc_id}.corrections.json").write_text(records.corrections_record(doc_id, [corrections.drop(KYIV)]))
    (folder / f"{'a' * 16}.json").write_text('{"schema": "geo.stored/1", "id": "' + "a" * 16 + '", "docu')
    (folder / "notes.txt").write_text("ignored")
    with pytest.warns(UserWarning, match="skipped 1"):
        assert store.load_document(doc_id).to_dict() == doc.to_dict()
    assert store.load_corrections_revision(doc_id) == ([corrections.drop(KYIV)], 1)
    later_id, later = records.document_record(make_doc("Talks in Kyiv went on.\n\nKyiv said no, later."))
    (folder / f"{later_id}.json").write_text(later)
    backend.close_stores()
    assert store.has_document(doc_id) and not store.has_document(later_id)  # imported once, not again


def test_export_then_import_into_another_back_end(kind, tmp_path, monkeypatch):
    from geo.cli import main

    ids = [store.save_document(make_doc(f"Talks in Kyiv went on.\n\nKyiv said no {i}.")) for i in range(3)]
    store.save_corrections(ids[0], [corrections.drop(KYIV, label="gone")])
    out = tmp_path / "backup"
    assert main(["store", "export", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{i}.json" for i in ids] + [f"{ids[0]}.corrections.json"])
    backend.close_stores()
    monkeypatch.setenv("GEO_STORE_URL", f"sqlite:///{tmp_path / 'moved.sqlite3'}")
    assert main(["store", "import", str(out)]) == 0
    assert [store.load_document(i).article.id for i in ids] == ids
    assert store.load_corrections(ids[0]) == [corrections.drop(KYIV, label="gone")]
    store.save_corrections(ids[0], [])
    assert main(["store", "import", str(out)]) == 0
    assert store.load_corrections(ids[0]) == []  # kept: import does not overwrite without --replace
    assert main(["store", "import", str(out), "--replace"]) == 0
    assert store.load_corrections(ids[0]) == [corrections.drop(KYIV, label="gone")]
    assert main(["store", "check"]) == 0


def test_cli_store_errors_are_one_line(store_cache, capsys):
    from geo.cli import main

    assert main(["store", "import", str(store_cache / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a folder" in err[0]


def test_an_unreachable_postgresql_is_one_message_and_the_app_keeps_a_memory_store(store_cache, monkeypatch):
    from geo.tools.servers import free_port

    monkeypatch.setenv("GEO_STORE_URL", f"postgresql://geo:secret@127.0.0.1:{free_port()}/nowhere")
    with pytest.warns(UserWarning, match="cannot be reached.*kept in this server's memory"):
        doc_id = store.save_document(make_doc())
    assert store.load_document(doc_id).article.id == doc_id
    assert store.save_corrections(doc_id, [corrections.drop(KYIV)], revision=0) == 1
    problem = backend.store_problem()
    assert "cannot be reached" in problem and "secret" not in problem
    with pytest.raises(StoreError, match="cannot be reached"):
        backend.open_store()


def test_a_damaged_sqlite_file_is_reported_kept_and_replaced_by_memory_then_recovered(store_cache, monkeypatch):
    db = store_cache / "store.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.warns(UserWarning, match="store database .* cannot be opened"):
        doc_id = store.save_document(make_doc())
    assert "damaged" in backend.store_problem() and db.read_bytes().startswith(b"this is not")
    store.save_corrections(doc_id, [corrections.drop(KYIV)])
    db.unlink()  # the operator moves the damaged file aside
    monkeypatch.setattr(backend, "RETRY_S", 0)
    assert backend.get_store().name == "sqlite" and backend.store_problem() is None
    assert store.load_corrections(doc_id) == [corrections.drop(KYIV)]  # what was kept in memory moved in


def test_a_cache_folder_that_cannot_be_created_keeps_the_store_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GEO_CACHE_DIR", str(blocker / "cache"))  # a folder under a file: ENOTDIR
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    doc = make_doc("Talks in Kyiv went on.\n\nKyiv said no, in memory.")
    with pytest.warns(UserWarning):
        doc_id = store.save_document(doc)
        store.save_corrections(doc_id, [corrections.drop(KYIV)])
    assert store.has_document(doc_id) and store.load_document(doc_id).to_dict() == doc.to_dict()
    assert store.load_corrections(doc_id) == [corrections.drop(KYIV)]
    assert not (blocker.parent / "cache").exists()
    backend.close_stores()


def test_a_bad_store_url_is_refused_by_the_settings():
    from geo.errors import InputError
    from geo.settings import load_settings

    assert load_settings({"GEO_STORE_URL": " postgresql://h/db "}).store_url == "postgresql://h/db"
    with pytest.raises(InputError, match="GEO_STORE_URL must be"):
        load_settings({"GEO_STORE_URL": "mysql://h/db"})


def test_sqlite_connections_do_not_pile_up_when_every_call_comes_from_a_new_thread(store_cache):
    """Streamlit runs each rerun in a new thread: the store must not keep a connection per thread."""
    import os

    doc_id = store.save_document(make_doc())

    def open_files() -> int:
        names = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                names.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass
        return sum(name.endswith("store.sqlite3") for name in names)

    for _ in range(60):
        t = threading.Thread(target=lambda: store.load_corrections(doc_id) or store.load_document(doc_id))
        t.start()
        t.join()
    assert 1 <= open_files() <= 4


@pytest.mark.slow
def test_a_postgresql_server_lost_while_running_then_back(store_cache, monkeypatch):
    """The server goes away under a running app: one message, the app carries on in memory, and when the
    server is back what was kept in memory moves into it."""
    from pg import PostgresServer

    server = PostgresServer()
    try:
        monkeypatch.setenv("GEO_STORE_URL", server.new_database())
        before = store.save_document(make_doc())
        server.crash()
        with pytest.warns(UserWarning, match="kept in this server's memory until it is back"):
            with pytest.raises(StoreError, match="PostgreSQL store .* cannot be"):
                store.load_document(before)
        assert not store.has_document(before)
        during = store.save_document(make_doc("Talks in Kyiv went on.\n\nKyiv said no, offline."))
        assert store.save_corrections(during, [corrections.drop(KYIV)], revision=0) == 1
        assert "PostgreSQL store" in backend.store_problem()
        server.start()
        monkeypatch.setattr(backend, "RETRY_S", 0)
        assert backend.get_store().name == "postgresql" and backend.store_problem() is None
        assert store.load_document(before).article.id == before
        assert store.load_corrections_revision(during) == ([corrections.drop(KYIV)], 1)
        backend.close_stores()
    finally:
        server.stop()
