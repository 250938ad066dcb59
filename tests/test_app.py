"""The Streamlit app in-process (AppTest): sample on open, paste, upload, bad input, a correction,
a pin click, share links (query parameters) and a hostile article. The map is seen as st_folium's
component arguments (``proto.json_args``)."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from geo import corrections, htmlsafe, store
from geo.article import read_article
from geo.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
AppTest = pytest.importorskip("streamlit.testing.v1").AppTest

TEXT = (
    "Ferry links restored\n\n"
    "The first ferry of the season left Helsinki on Tuesday for Tallinn, where port officials "
    "welcomed the passengers.\n\n"
    "Officials in Stockholm said a second route would open in May."
)
HOSTILE = (
    "Hostile headline <script>alert(1)</script>\n\n"
    "Talks in Paris <img src=x onerror=alert(2)> ended `${alert(3)}` and then ` backtick.\n\n"
    "Paris said </mark><script>alert(4)</script> nothing more."
)


def share_cache(tmp: Path) -> None:
    """A private cache folder reusing the project's built indexes (symlinked files, so rebuilds stay private)."""
    for item in (ROOT / "cache").iterdir():
        if item.name == "store":
            continue
        if item.is_dir():
            (tmp / item.name).mkdir()
            for sub in item.iterdir():
                (tmp / item.name / sub.name).symlink_to(sub)
        else:
            (tmp / item.name).symlink_to(item)


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("app-cache")
    share_cache(tmp)
    old = os.environ.get("GEO_CACHE_DIR")
    os.environ["GEO_CACHE_DIR"] = str(tmp)
    yield tmp
    if old is None:
        os.environ.pop("GEO_CACHE_DIR", None)
    else:
        os.environ["GEO_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def app_module():
    """app.py imported as a module: its handlers without running the page (main() runs only as __main__)."""
    spec = importlib.util.spec_from_file_location("news_map_app", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def elements(at: AppTest, kind: str) -> list:
    out, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        if getattr(node, "type", None) == kind:
            out.append(node)
        stack.extend(getattr(node, "children", {}).values())
    return out


def map_args(at: AppTest) -> dict:
    maps = elements(at, "component_instance")
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def markers(at: AppTest) -> int:
    return map_args(at)["script"].count("L.marker(")


def panel(at: AppTest) -> str:
    return "".join(h.proto.body for h in elements(at, "html"))


def current_id(at: AppTest) -> str:
    return at.session_state["doc_id"]


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_sample_is_mapped_on_open_with_one_marker_per_place():
    at = run()
    ok(at)
    assert [e.value for e in at.error] == []
    doc = store.load_document(current_id(at))
    assert len(doc.places) >= 10
    assert markers(at) == len(doc.places)
    args = map_args(at)
    assert args["returned_objects"] == ["last_object_clicked", "last_object_clicked_tooltip"]  # no rerun on pan
    assert not any(link.startswith("http") for link in args["js_links"] + args["css_links"])  # offline assets
    assert at.query_params["doc"] == current_id(at)
    assert htmlsafe.text(doc.article.title) in panel(at)
    assert len(at.dataframe[0].value) == len(doc.places)


def test_paste_maps_the_text_and_updates_the_link():
    at = run()
    at.text_area(key="paste_text").input(TEXT)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    ok(at)
    expected = read_article(TEXT).id
    assert current_id(at) == expected and at.query_params["doc"] == expected
    doc = store.load_document(expected)
    assert {"Helsinki", "Tallinn", "Stockholm"} <= {p.name for p in doc.places}
    assert markers(at) == len(doc.places)
    assert "Ferry links restored" in panel(at)


def test_upload_maps_a_markdown_file():
    at = run()
    at.file_uploader(key="upload_file").upload("story.md", b"# Harbour news\n\nBoats left Bergen for Oslo.",
                                               "text/markdown").run()
    at.button(key="upload_go").click().run()
    ok(at)
    doc = store.load_document(current_id(at))
    assert doc.article.title == "Harbour news" and doc.article.source == "file"
    assert {"Bergen", "Oslo"} <= {p.name for p in doc.places}


def test_upload_handler_refuses_binary_and_other_types(app_module):
    assert app_module.article_from_upload("a.txt", b"Rain fell on Lisbon.").text == "Rain fell on Lisbon."
    with pytest.raises(InputError, match="cannot read a .pdf file"):
        app_module.article_from_upload("a.pdf", b"%PDF-1.4")
    with pytest.raises(InputError):
        app_module.article_from_upload("a.txt", bytes(range(256)) * 64)


@pytest.mark.parametrize("text,message", [
    ("", "the article is empty"),
    ("   \n\n  ", "the article is empty"),
    ("x" * (21 * 1024 * 1024), "too large"),
])
def test_bad_input_shows_one_error_and_keeps_the_map(text, message):
    at = run()
    before = current_id(at)
    at.text_area(key="paste_text").input(text)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    ok(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and message in errors[0].replace("\\", "")
    assert current_id(at) == before and markers(at) > 0


def test_binary_upload_shows_an_error():
    at = run()
    before = current_id(at)
    at.file_uploader(key="upload_file").upload("bad.txt", b"\x00\x01\x02\xff" * 500, "text/plain").run()
    at.button(key="upload_go").click().run()
    ok(at)
    assert len(at.error) == 1 and current_id(at) == before


def test_a_pin_click_selects_the_place_and_highlights_its_passages():
    at = run()
    doc = store.load_document(current_id(at))
    moscow = next(p for p in doc.places if p.name == "Moscow")
    at.session_state[map_args(at)["key"]] = {
        "last_object_clicked": {"lat": moscow.lat, "lng": moscow.lon},
        "last_object_clicked_tooltip": "Moscow",
    }
    at.run()
    ok(at)
    assert at.session_state["selected"] == moscow.id
    assert at.query_params["place"] == moscow.id
    html = panel(at)
    passages = {m.passage for m in moscow.mentions}
    assert html.count('class="geo-passage geo-passage--selected"') == len(passages)
    assert html.count('geo-mention geo-mention--selected"') == len(moscow.mentions)


def test_choose_an_alternative_is_stored_and_applied_everywhere():
    at = run()
    doc_id = current_id(at)
    store.save_corrections(doc_id, [])
    doc = store.load_document(doc_id)
    moscow = next(p for p in doc.places if p.name == "Moscow")
    at.selectbox(key="place_select").set_value(moscow.id).run()
    assert at.session_state["focus"] == moscow.id
    alternatives = [a for a in moscow.alternatives if a["id"] != moscow.id]
    us = next(i for i, a in enumerate(alternatives) if a["country"] == "US")
    at.selectbox(key="alt_pick").set_value(us).run()
    at.button(key="alt_go").click().run()
    ok(at)
    idaho = alternatives[us]
    assert store.load_corrections(doc_id)[0]["candidate"]["id"] == idaho["id"]
    assert at.session_state["selected"] == idaho["id"] and at.query_params["place"] == idaho["id"]
    script = map_args(at)["script"]
    assert f"[{idaho['lat']}, {idaho['lon']}]" in script and f"[{moscow.lat}, {moscow.lon}]" not in script
    assert markers(at) == len(doc.places)
    rows = at.dataframe[0].value
    assert "United States" in set(rows[rows["Place"] == "Moscow"]["Country"])
    # A fresh session opened from the share link sees the same correction and selection.
    shared = run({"doc": doc_id, "place": idaho["id"]})
    ok(shared)
    assert shared.session_state["selected"] == idaho["id"] and shared.session_state["focus"] == idaho["id"]
    assert f"[{idaho['lat']}, {idaho['lon']}]" in map_args(shared)["script"]
    # Drop, then undo.
    at.button(key="drop_go").click().run()
    assert markers(at) == len(doc.places) - 1
    at.button(key="undo_go").click().run()
    assert markers(at) == len(doc.places) and len(store.load_corrections(doc_id)) == 1
    at.button(key="reset_go").click().run()
    assert store.load_corrections(doc_id) == []


def test_add_a_missed_place():
    text = "Harbour report\n\nBoats left Bergen and reached the port of wonsan after a month."
    at = run()
    at.text_area(key="paste_text").input(text)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    doc_id = current_id(at)
    before = markers(at)
    at.text_input(key="add_text").input("wonsan").run()
    at.button(key="add_go").click().run()
    ok(at)
    assert markers(at) == before + 1
    fixed = corrections.apply_corrections(store.load_document(doc_id), store.load_corrections(doc_id))
    added = next(p for p in fixed.places if p.source == "user")
    assert added.country == "KP" and [m.text for m in added.mentions] == ["wonsan"]


def test_share_link_round_trip_in_a_fresh_session():
    at = run()
    at.text_area(key="paste_text").input(TEXT)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    doc = store.load_document(current_id(at))
    place = next(p for p in doc.places if p.name == "Tallinn")
    at.selectbox(key="place_select").set_value(place.id).run()
    query = dict(at.query_params)
    assert query == {"doc": doc.article.id, "place": place.id}
    fresh = run(query)
    ok(fresh)
    assert current_id(fresh) == doc.article.id and fresh.session_state["selected"] == place.id
    assert map_args(fresh)["script"] == map_args(at)["script"].replace(map_args(at)["id"], map_args(fresh)["id"]) \
        or markers(fresh) == markers(at)
    assert '"sel"' not in map_args(fresh)["script"]
    assert "Ferry links restored" in panel(fresh)


@pytest.mark.parametrize("doc_id,message", [
    ("0123456789abcdef", "no stored document"),
    ("../../etc/passwd", "not valid"),
    ("ABCDEF", "not valid"),
])
def test_unknown_or_malformed_link_shows_an_error_and_the_sample(doc_id, message):
    at = run({"doc": doc_id, "place": "geonames:1"})
    ok(at)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and message in errors[0] and "sample" in errors[0]
    assert markers(at) > 0 and current_id(at) != doc_id


def test_damaged_stored_document_shows_an_error(cache):
    at = run()
    at.text_area(key="paste_text").input(TEXT + "\n\nA damaged copy.")
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    doc_id = current_id(at)
    (cache / "store" / f"{doc_id}.json").write_text('{"schema": "geo.stored/1", "id": "' + doc_id + '", "docu')
    fresh = run({"doc": doc_id})
    ok(fresh)
    assert "damaged" in fresh.error[0].value and markers(fresh) > 0


def test_unknown_place_in_link_is_ignored_with_a_note():
    at = run()
    fresh = run({"doc": current_id(at), "place": "geonames:0<script>"})
    ok(fresh)
    assert fresh.session_state["selected"] is None
    assert "not in this document" in fresh.error[0].value


def test_hostile_article_is_escaped_in_panel_and_map():
    at = run()
    at.text_area(key="paste_text").input(HOSTILE)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    ok(at)
    doc = store.load_document(current_id(at))
    assert "Paris" in {p.name for p in doc.places}
    html = panel(at)
    for raw in ("<script>alert", "<img src=x", "`${alert", "</mark><script>"):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and "&#36;{alert(3)}" in html
    script = map_args(at)["script"]
    assert "${alert" not in script and "<img src=x" not in script and "<script>alert" not in script
