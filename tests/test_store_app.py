"""The app and the store together: two editors correcting one article at once (the later save is told
and changes nothing), and a store that cannot be opened shown as one message while the app keeps working."""

from __future__ import annotations

import pytest
from test_app import ok, run

from geo.store import backend, corrections
from geo.store import documents as store
from geo.tools.servers import seeded_cache

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    seeded_cache(tmp_path)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    yield tmp_path
    backend.close_stores()


def test_a_correction_saved_over_another_editors_is_refused_with_a_reload_message():
    at = run()
    ok(at)
    doc_id = at.session_state["doc_id"]
    doc = store.load_document(doc_id)
    first, second = doc.places[0], doc.places[1]
    at.selectbox(key="place_select").set_value(first.id).run()
    # Another editor (another server) drops the second place while this page is open.
    other, revision = store.load_corrections_revision(doc_id)
    store.save_corrections(doc_id, other + [corrections.drop(second.id, label=second.name)], revision=revision)
    at.button(key="drop_go").click().run()
    ok(at)
    assert any("changed since you opened it" in e.value and "reload" in e.value for e in at.error)
    assert store.load_corrections(doc_id) == [corrections.drop(second.id, label=second.name)]  # theirs kept
    # The page now shows theirs; the same change made again is saved on top of them.
    at.selectbox(key="place_select").set_value(first.id).run()
    at.button(key="drop_go").click().run()
    ok(at)
    assert [c["place"] for c in store.load_corrections(doc_id)] == [second.id, first.id]
    assert not any("changed since" in e.value for e in at.error)
    at.button(key="undo_go").click().run()
    assert [c["place"] for c in store.load_corrections(doc_id)] == [second.id]


def test_an_unusable_store_is_one_message_and_the_app_still_maps(cache):
    (cache / "store.sqlite3").write_bytes(b"not a database at all" * 50)
    with pytest.warns(UserWarning, match="cannot be opened"):
        at = run()
    ok(at)
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1 and "store database" in warnings[0] and "memory" in warnings[0]
    assert at.session_state["doc_id"] and store.has_document(at.session_state["doc_id"])
