"""Issue 26, items 4 and 7: the store never drops an acknowledged correction. A correction saved in memory
while PostgreSQL is away is merged into what the server holds when it is back (real server stopped and
restarted); pending documents are not evicted from memory; a deleted SQLite file or a full disk is
detected at the next save, said once with its cause, and the server carries on in memory."""

from __future__ import annotations

import warnings

import pytest
from test_store import KYIV, make_doc

from geo.store import backend, corrections
from geo.store import documents as store
from geo.store.base import MemoryStore
from geo.store.sqlite import SqliteStore

LVIV = "geonames:702550"


@pytest.mark.slow
@pytest.mark.server
def test_a_correction_saved_during_a_postgresql_outage_is_merged_on_recovery(store_cache, monkeypatch):
    """The finding: the document had corrections before the outage; the one saved in memory (at revision 0,
    all memory knew) met a conflict on recovery and was discarded."""
    from pg import PostgresServer

    server = PostgresServer()
    try:
        monkeypatch.setenv("GEO_STORE_URL", server.new_database())
        doc_id = store.save_document(make_doc())
        assert store.save_corrections(doc_id, [corrections.drop(KYIV)], revision=0) == 1
        server.halt()  # a clean shutdown, data kept (restarted below)
        with pytest.warns(UserWarning, match="kept in this server's memory"):
            assert not store.has_document(doc_id)
        store.save_document(make_doc())  # the editor maps the article again: into memory
        assert store.load_corrections_revision(doc_id) == ([], 0)
        added = corrections.drop(LVIV)
        assert store.save_corrections(doc_id, [added], revision=0) == 1  # acknowledged
        server.start()
        monkeypatch.setattr(backend, "RETRY_S", 0)
        assert backend.get_store().name == "postgresql" and backend.store_problem() is None
        assert store.load_corrections_revision(doc_id) == ([corrections.drop(KYIV), added], 2)
        backend.close_stores()
    finally:
        server.stop()


def test_pending_documents_are_not_evicted_from_memory():
    memory = MemoryStore(max_documents=3)
    memory.put_document("0" * 16, "{}")
    memory.put_corrections("0" * 16, "[]", 0)  # acknowledged in memory: pending
    for i in range(1, 10):
        memory.put_document(f"{i:016d}", "{}")
    assert memory.has_document("0" * 16) and memory.get_corrections("0" * 16) == ("[]", 1)
    assert len(list(memory.document_ids())) == 3  # the others still make room
    assert memory.has_document(f"{9:016d}") and not memory.has_document(f"{1:016d}")


def test_a_deleted_sqlite_file_is_detected_at_the_next_save(store_cache, monkeypatch):
    doc_id = store.save_document(make_doc())
    store.load_document(doc_id)  # pooled connections open on the file
    (store_cache / backend.SQLITE_NAME).unlink()
    with pytest.warns(UserWarning, match="deleted or replaced") as said:
        later = store.save_document(make_doc(title="Later"))
    assert len(said) == 1 and "kept in this server's memory" in str(said[0].message)
    assert backend.get_store().name == "memory" and "deleted" in backend.store_problem()
    store.save_corrections(later, [corrections.drop(KYIV)], revision=0)
    monkeypatch.setattr(backend, "RETRY_S", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reported once: the recovery is silent
        assert backend.get_store().name == "sqlite"
    assert (store_cache / backend.SQLITE_NAME).exists()
    assert store.load_corrections(later) == [corrections.drop(KYIV)]


def test_a_full_disk_is_reported_once_as_full_and_work_goes_on_in_memory(store_cache, monkeypatch):
    store.save_document(make_doc())
    backend.close_stores()
    real_open = SqliteStore._open

    def small(self):  # SQLite's own size limit: its real "database or disk is full" error (SQLITE_FULL)
        conn = real_open(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(SqliteStore, "_open", small)
    big = make_doc("Talks in Kyiv went on.\n\n" + "Kyiv said no. " * 20_000)
    with pytest.warns(UserWarning) as said:
        doc_id = store.save_document(big)
        store.save_document(make_doc(title="Another"))
    messages = [str(w.message) for w in said]
    assert len(messages) == 1 and "disk is full" in messages[0] and "damaged" not in messages[0]
    assert store.load_document(doc_id).article.id == doc_id  # kept in memory, readable
    assert isinstance(backend.get_store(), MemoryStore)
