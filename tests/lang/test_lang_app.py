"""The app with an article in another language (AppTest, in-process): the language is detected and shown, the
sidebar's choice overrides it, and the map gets the places."""

from __future__ import annotations

import pytest
from conftest import seeded_cache_env

from geo.parse.article import read_article
from geo.store import documents as store

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
UKRAINIAN = "Вночі російські дрони атакували Харків та Одесу, повідомили у Києві."


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    with seeded_cache_env(tmp_path_factory.mktemp("lang-app-cache")) as tmp:
        yield tmp


def paste(at, text: str):
    at.text_area(key="paste_text").input(text)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return store.load_document(read_article(text).id)


def test_a_ukrainian_paste_is_read_as_ukrainian_and_says_so():
    from pathlib import Path

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=120)
    at.session_state["map_drawn"] = True
    at.run()
    doc = paste(at, UKRAINIAN)
    assert doc.article.language == "uk"
    assert {"Kharkiv", "Odesa", "Kyiv"} <= {p.name for p in doc.places}
    assert any("read as Ukrainian" in c.value for c in at.caption)
    # the sidebar's language wins over detection for the next article
    at.selectbox(key="language").select("ru").run()
    doc = paste(at, "Вночі дрони атакували Харків, повідомили у Києві зранку.")
    assert doc.article.language == "ru"
