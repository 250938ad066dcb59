"""The app says when a text is too large to map whole (the per-parse search budget), before mapping it and
on every view of it, also from a share link (in-process AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import seeded_cache_env

from app_components.session import too_large_notice
from geo.parse import toponyms

ROOT = Path(__file__).resolve().parent.parent
AppTest = pytest.importorskip("streamlit.testing.v1").AppTest

LONG = "Talks in Helsinki went on.\n\n" + "Then the delegation left for Tallinn by ferry. " * 12


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    with seeded_cache_env(tmp_path_factory.mktemp("app-budget-cache")) as tmp:
        yield tmp


def test_the_notice_names_the_size_and_the_budget(monkeypatch):
    monkeypatch.setattr(toponyms, "MAX_SEARCH_CHARS", 100)
    assert too_large_notice("x" * 100) is None
    assert too_large_notice("x" * 1234) == ("This text is too large to map whole (1,234 characters): places are "
                                            "searched for in its first 100 characters only…")


def test_a_text_too_large_to_map_whole_is_said_so_on_every_view(monkeypatch):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["map_drawn"] = True  # the whole page at once (no browser here to say the map is drawn)
    at.run()
    assert not at.exception
    monkeypatch.setattr(toponyms, "MAX_SEARCH_CHARS", 120)
    at.text_area(key="paste_text").input(LONG)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value.replace("\\", "") for w in at.warning]  # shown as plain text (Markdown escaped)
    assert any(w.startswith("Mapped in part: the text is too large to map whole") for w in warnings), warnings
    doc_id = at.session_state["doc_id"]

    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    fresh.query_params["doc"] = doc_id
    fresh.run()
    assert not fresh.exception
    assert any("too large to map whole (592 characters)" in w.value.replace("\\", "") for w in fresh.warning)
    assert fresh.session_state["doc_id"] == doc_id


def test_parses_beyond_the_slots_wait_their_turn():
    import threading

    from app_components import session

    told: list[str] = []
    order: list[str] = []
    held = [session.parse_slot() for _ in range(session.MAX_CONCURRENT_PARSES)]
    for slot in held:
        slot.__enter__()

    asked = threading.Event()

    def waiting(label: str) -> None:
        told.append(label)
        asked.set()

    def late_reader() -> None:
        with session.parse_slot(waiting):
            order.append("late reader parsed")

    thread = threading.Thread(target=late_reader)
    thread.start()
    assert asked.wait(60)  # every slot is taken: the late reader is told to wait, and waits
    assert told == ["Waiting for other readers' articles to be mapped first…"] and order == []
    order.append("a slot freed")
    held[0].__exit__(None, None, None)
    thread.join(timeout=10)
    assert order == ["a slot freed", "late reader parsed"]
    for slot in held[1:]:
        slot.__exit__(None, None, None)
    with session.parse_slot(told.append):  # every slot is free again
        pass
    assert len(told) == 1
