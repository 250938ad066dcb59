"""An article with no places: the app says so with a hint instead of an empty, header-less table (issue 16)."""

from __future__ import annotations

import pytest
from test_app import cache, ok, run  # noqa: F401 - cache is the module's fixture (a seeded GEO_CACHE_DIR)

pytestmark = pytest.mark.slow

NO_PLACES = (
    "Quarterly results\n\n"
    "The board met on Tuesday and approved the budget after a short debate about costs.\n\n"
    "Shareholders will vote on the proposal next month."
)


def test_an_article_without_places_says_nothing_was_found_with_a_hint():
    at = run()
    at.text_area(key="paste_text").input(NO_PLACES)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    ok(at)
    assert len(at.dataframe) == 0  # no empty table
    infos = [i.value for i in at.info]
    assert any(text.startswith("No places found in this article") for text in infos), infos
    hint = next(text for text in infos if text.startswith("No places found"))
    assert "countries" in hint and "cities" in hint and "Add" in hint
