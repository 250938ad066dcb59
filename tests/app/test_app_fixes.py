"""Issue 22's app fixes in-process (AppTest): a damaged share link's message stays until dismissed, the input
panel folds after mapping and then stays as the reader leaves it, candidate lines are distinct, the places
table wraps its border column, the corpus page puts its map first through the supported st.iframe."""

from __future__ import annotations

import pytest
from conftest import seeded_cache_env
from test_app import TEXT, current_id, markers, ok, run

from app_components.view import candidate_label, candidate_labels, population_text

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    with seeded_cache_env(tmp_path_factory.mktemp("app-fixes-cache")) as tmp:
        yield tmp


def errors(at) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def test_a_damaged_share_link_keeps_its_message_until_dismissed():
    at = run({"doc": "0123456789abcdef"})
    ok(at)
    assert any("Cannot open the shared link" in e for e in errors(at)) and markers(at) > 0
    for _ in range(2):  # the map reports itself drawn, the reader clicks around: the message stays
        at.run()
        ok(at)
        assert any("Cannot open the shared link" in e for e in errors(at))
    at.button(key="notice_dismiss").click().run()
    ok(at)
    assert not any("Cannot open the shared link" in e for e in errors(at))
    at.run()
    assert not any("Cannot open the shared link" in e for e in errors(at))


def test_the_input_panel_folds_after_mapping_and_stays_as_the_reader_left_it():
    at = run()
    at.session_state["input_panel"] = True  # the reader opened it
    at.run()
    at.text_area(key="paste_text").input(TEXT)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    ok(at)
    assert at.session_state["input_panel"] is False  # folded: the new map in view
    assert current_id(at) != "" and markers(at) >= 3
    at.run()
    assert at.session_state["input_panel"] is False  # no reopening on a later run
    at.session_state["input_panel"] = True  # opened again by the reader: stays open across runs
    at.run().run()
    assert at.session_state["input_panel"] is True


def test_a_bad_paste_keeps_the_panel_open_with_its_message():
    at = run()
    at.session_state["input_panel"] = True
    at.run()
    at.text_area(key="paste_text").input("   ")
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    ok(at)
    assert at.session_state["input_panel"] is True and any("empty" in e for e in errors(at))


def test_candidate_lines_say_kind_area_country_and_population(gazetteer):
    labels = candidate_labels(gazetteer.search("Moscow", 12))
    assert "Moscow — city, Russia, pop. 10.4 M" in labels
    assert "Moscow — city, Idaho, United States, pop. 25,060" in labels or any(
        lab.startswith("Moscow — city, Idaho, United States") for lab in labels)
    regions = [lab for lab in labels if "region" in lab or "autonomous city" in lab]
    assert len(regions) == 2 and len(set(regions)) == 2, labels
    assert population_text(10_381_222) == "10.4 M" and population_text(25_060) == "25,060"
    assert population_text(0) == ""


COMMON_NAMES = ["Moscow", "Georgia", "Paris", "Springfield", "Washington", "Victoria", "San Jose", "Cordoba",
                "Alexandria", "Kingston", "Santa Cruz", "Hyderabad", "Punjab", "Mexico", "Luxembourg", "Birmingham",
                "Tripoli", "Valencia", "Newport", "Jackson", "Columbus", "Richmond", "Portland", "Kharkiv",
                "Donetsk", "Lagos", "Santiago", "Guadalajara", "Frankfurt", "London"]


def test_candidate_lines_are_distinct_for_names_many_places_share(gazetteer):
    for name in COMMON_NAMES:
        cands = gazetteer.search(name, 12)
        labels = candidate_labels(cands)
        assert len(set(labels)) == len(labels), (name, labels)
        assert all(lab.startswith(c.name + " — ") for lab, c in zip(labels, cands, strict=True))


def test_alternatives_stored_as_dicts_get_the_same_lines(gazetteer):
    cand = next(c for c in gazetteer.search("Moscow", 5) if c.kind == "city" and c.country == "RU")
    as_dict = {k: getattr(cand, k) for k in ("id", "name", "kind", "lat", "lon", "country", "admin1", "population")}
    assert candidate_label(as_dict) == candidate_label(cand)
    twins = [dict(as_dict), dict(as_dict, id="geonames:1", lat=1.0)]
    assert len(set(candidate_labels(twins))) == 2


def test_the_places_table_wraps_its_border_column():
    at = run()
    ok(at)
    table = at.dataframe[0].proto
    # Streamlit's grid wraps cell text only in rows taller than 4rem (64 px)
    assert table.row_height > 64
    assert '"Border context"' in table.columns and '"large"' in table.columns


def test_the_corpus_page_puts_its_map_first_in_a_supported_iframe():
    from pathlib import Path

    page = str(Path(__file__).resolve().parents[2] / "pages" / "corpus.py")
    at = AppTest.from_file(page, default_timeout=120).run()
    ok(at)
    nodes = list(at.main.children.values())
    kinds = [node.type for node in nodes]
    frames = at.get("iframe")
    assert frames and "geoCorpusData" in str(frames[0].proto)  # st.iframe, not components.v1.html
    assert at.get("component_instance") == []
    assert kinds[0] == "title" and [c.type for c in nodes[1].children.values()][0] == "iframe"
    assert kinds.index("file_uploader") > 1  # the upload below the map
