"""The Streamlit app in-process (AppTest): sample on open, paste, upload, bad input, a correction,
a pin click, a click on a name in the article, a row of the places table, adding a selected name,
share links (query parameters) and a hostile article; plus the panel's pure helpers. The map and the
article panel are seen as component arguments (``proto.json_args``); a reader's action in a component
is simulated by setting its key in session_state."""

from __future__ import annotations

import html as htmllib
import itertools
import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import seeded_cache_env

from app_components import article_panel as panel_component
from app_components import fastmap, view
from app_components import webassets as served_files
from app_components.panel import first_passage, occurrences, panel_html, selection_span
from geo.errors import InputError
from geo.maps import htmlsafe, webassets
from geo.maps.mapview import build_map
from geo.parse.article import read_article
from geo.parse.model import Article, Document, Mention, Passage, Place
from geo.store import corrections
from geo.store import documents as store

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


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    with seeded_cache_env(tmp_path_factory.mktemp("app-cache")) as tmp:
        yield tmp


def run(query: dict[str, str] | None = None, drawn: bool = True) -> AppTest:
    """The app's first run. AppTest has no browser, so no map frame reports its map drawn: unless ``drawn``
    is False the session starts as if it had (the whole page at once)."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if drawn:
        at.session_state["map_drawn"] = True
    return at.run()


def elements(at: AppTest, kind: str) -> list:
    out, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        if getattr(node, "type", None) == kind:
            out.append(node)
        stack.extend(getattr(node, "children", {}).values())
    return out


def component_args(at: AppTest, name: str) -> dict:
    found = [c for c in elements(at, "component_instance") if c.proto.component_name.endswith(name)]
    assert len(found) == 1
    return json.loads(found[0].proto.json_args)


def map_component(at: AppTest) -> str:
    """The name of the map's component: the app's own frame, or streamlit-folium's (no served files)."""
    found = [c.proto.component_name for c in elements(at, "component_instance")
             if c.proto.component_name.endswith(("webassets.geo_map", "st_folium"))]
    assert len(found) == 1
    return found[0]


def map_args(at: AppTest) -> dict:
    return component_args(at, map_component(at))


def panel_args(at: AppTest) -> dict:
    return component_args(at, "geo_article_panel")


def markers(at: AppTest) -> int:
    return map_args(at)["script"].count("L.marker(")


def panel(at: AppTest) -> str:
    return panel_args(at)["html"]


_ACTIONS = itertools.count(1)


def reader_action(at: AppTest, action: dict) -> AppTest:
    """What the article panel reports when a reader clicks a name or adds a selection (a fresh ``n``)."""
    at.session_state["article_panel"] = {**action, "n": next(_ACTIONS)}
    return at.run()


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


def test_a_new_page_shows_the_map_and_the_article_first_and_the_rest_once_the_map_is_drawn():
    at = run(drawn=False)
    ok(at)
    doc = store.load_document(current_id(at))
    first = map_args(at)
    assert first["report_drawn"] is True and markers(at) == len(doc.places)
    assert htmlsafe.text(doc.article.title) in panel(at)
    assert at.query_params["doc"] == current_id(at)
    # Not yet: the places table, the paste box, the place chooser, the corrections, the downloads.
    assert (len(at.dataframe), len(at.text_area), len(at.selectbox), len(at.get("download_button"))) == (0, 0, 0, 0)
    assert [e.value for e in at.subheader] == []

    at.session_state["map_drawn"] = True  # what the frame's report does (the component's on_change)
    at.run()
    ok(at)
    again = map_args(at)
    assert "report_drawn" not in again and again["script"] == first["script"]  # the same map, kept
    assert len(at.dataframe[0].value) == len(doc.places)
    assert at.text_area(key="paste_text").value in ("", None)
    assert [e.value for e in at.subheader] == ["Corrections", "Share and export"]


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


def test_upload_handler_refuses_binary_and_other_types():
    assert view.article_from_upload("a.txt", b"Rain fell on Lisbon.").text == "Rain fell on Lisbon."
    with pytest.raises(InputError, match="cannot read a .pdf file"):
        view.article_from_upload("a.pdf", b"%PDF-1.4")
    with pytest.raises(InputError):
        view.article_from_upload("a.txt", bytes(range(256)) * 64)


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
    assert at.session_state["fly"]["place"] == moscow.id and panel_args(at)["fly"]["place"] == moscow.id
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
    assert shared.session_state["selected"] == idaho["id"] and shared.session_state["fly"]["place"] == idaho["id"]
    assert f"[{idaho['lat']}, {idaho['lon']}]" in map_args(shared)["script"]
    assert panel_args(shared)["fly"]["place"] == idaho["id"]  # the browser flies the map there
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
    # Same pins, the same (cached) map as the first session's; the browser flies it to the linked place.
    assert markers(fresh) == markers(at)
    assert map_args(fresh)["script"] == map_args(at)["script"]
    assert panel_args(fresh)["fly"]["place"] == place.id
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
    with sqlite3.connect(cache / "store.sqlite3") as db:  # damage the stored record itself
        db.execute("UPDATE documents SET body = ? WHERE id = ?",
                   ('{"schema": "geo.stored/1", "id": "' + doc_id + '", "docu', doc_id))
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
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and htmlsafe.text("`${alert(3)}`") in html
    assert "`${alert(3)}` and then ` backtick." in htmllib.unescape(html)  # shown as the article wrote it
    script = map_args(at)["script"]
    assert "${alert" not in script and "<img src=x" not in script and "<script>alert" not in script


# ------------------------------------------------------------------------------------------- linking


def test_a_click_on_a_name_selects_the_place_without_redrawing_the_map():
    at = run()
    doc = store.load_document(current_id(at))
    place = next(p for p in doc.places if len(p.mentions) >= 1 and p.name == "Moscow")
    before = map_args(at)
    reader_action(at, {"event": "place", "place": place.id})
    ok(at)
    assert at.session_state["selected"] == place.id and at.query_params["place"] == place.id
    html = panel(at)
    assert html.count('geo-mention geo-mention--selected"') == len(place.mentions)
    assert html.count('class="geo-passage geo-passage--selected"') == len({m.passage for m in place.mentions})
    args = panel_args(at)
    assert args["selected"] == place.id and args["scroll_to"] == first_passage(place)
    # The browser keeps its map: same component key, same script (the panel flies the map itself).
    assert map_args(at)["key"] == before["key"] and map_args(at)["script"] == before["script"]
    # The same action seen again (a plain rerun) changes nothing; an unknown id is ignored.
    at.session_state["selected"] = None
    at.run()
    assert at.session_state["selected"] is None
    reader_action(at, {"event": "place", "place": "geonames:0"})
    ok(at)
    assert at.session_state["selected"] is None


def test_a_row_of_the_places_table_selects_the_place_and_flies_the_map_there():
    at = run()
    doc = store.load_document(current_id(at))
    row = len(doc.places) - 1
    at.session_state["places_table"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    ok(at)
    place = doc.places[row]
    assert at.session_state["selected"] == place.id and at.query_params["place"] == place.id
    fly = panel_args(at)["fly"]
    assert fly["place"] == place.id
    at.run()  # the same selection again: no new flight
    assert panel_args(at)["fly"] == fly
    at.session_state["places_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert at.session_state["selected"] == doc.places[0].id and panel_args(at)["fly"]["n"] > fly["n"]


def test_a_selected_name_is_added_at_that_occurrence_only():
    text = ("Harbour report\n\nBoats left Bergen for wonsan in May.\n\n"
            "A second wonsan, a trawler named after the port, stayed in Bergen.")
    at = run()
    at.text_area(key="paste_text").input(text)
    at.button[[b.label for b in at.button].index("Map this text")].click().run()
    doc_id = current_id(at)
    first = store.load_document(doc_id).article.text.index("wonsan")
    before = markers(at)
    reader_action(at, {"event": "selection", "start": first + 1, "end": first + 4})  # "ons": the word is taken
    ok(at)
    assert at.text_input(key="add_text").value == "wonsan"
    assert at.selectbox(key="add_at").value == str(first)
    assert len(at.selectbox(key="add_at").options) == 3  # every occurrence, or one of the two
    at.button(key="add_go").click().run()
    ok(at)
    assert markers(at) == before + 1
    saved = store.load_corrections(doc_id)[-1]
    assert (saved["start"], saved["end"], saved["text"]) == (first, first + 6, "wonsan")
    fixed = corrections.apply_corrections(store.load_document(doc_id), store.load_corrections(doc_id))
    added = next(p for p in fixed.places if p.source == "user")
    assert [(m.start, m.end) for m in added.mentions] == [(first, first + 6)]
    assert at.session_state["selected"] == added.id
    assert at.text_input(key="add_text").value == ""  # the form is cleared for the next one


def test_a_selection_across_paragraphs_is_refused_with_a_message():
    at = run()
    doc = store.load_document(current_id(at))
    second = doc.article.passages[1]
    reader_action(at, {"event": "selection", "start": second.start - 5, "end": second.start + 5})
    ok(at)
    assert any("paragraph" in w.value for w in at.warning)
    assert at.text_input(key="add_text").value == ""


def test_map_links_the_served_files_and_is_self_contained_when_they_cannot_be_written(monkeypatch, tmp_path):
    def fresh_run() -> AppTest:
        served_files.map_frame.clear()
        fastmap._cached_args.clear()
        return run()

    at = fresh_run()
    ok(at)
    args = map_args(at)
    assert map_component(at) == "app_components.webassets.geo_map"  # the app's frame, in the files' folder
    links = args["js_links"] + args["css_links"]
    assert len(links) == 6 and all(re.fullmatch(r"[a-z_]+-[0-9a-f]{16}\.(js|css)", link) for link in links)
    assert "data:" not in args["script"] and '"basemap-' in args["script"]
    # The frame's own page names the same files, so the browser fetches them while the map's script comes.
    frame_page = (webassets.folder() / "index.html").read_text(encoding="utf-8")
    assert all(f'"{link}"' in frame_page for link in links)
    linked_size = len(json.dumps(args))

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    try:
        monkeypatch.setattr(webassets, "folder", lambda: blocker / "web")
        with pytest.warns(UserWarning, match="web"):
            at = fresh_run()
        ok(at)
        args = map_args(at)
        assert map_component(at) == "streamlit_folium.st_folium"
        assert all(link.startswith("data:") for link in args["js_links"] + args["css_links"])
        assert markers(at) == len(store.load_document(current_id(at)).places)
        assert len(json.dumps(args)) > 3 * linked_size  # the sample: 0.9 MB inline, 0.23 MB linked
    finally:  # later tests get linked maps again
        monkeypatch.undo()
        served_files.map_frame.clear()
        fastmap._cached_args.clear()


def test_with_a_cache_folder_that_cannot_be_created_the_sample_and_a_paste_still_map(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GEO_CACHE_DIR", str(blocker / "cache"))
    at = run()
    ok(at)
    assert [e.value for e in at.error] == [] and markers(at) == len(store.load_document(current_id(at)).places)
    at.text_area(key="paste_text").input("Ministers met in Warsaw and then flew to Vilnius.")
    at = at.button[[b.label for b in at.button].index("Map this text")].click().run()
    ok(at)
    assert [e.value for e in at.error] == [] and markers(at) == 2


def test_map_is_built_for_the_app_with_popup_links_to_the_panel():
    at = run()
    assert "geo:goto-passage" in map_args(at)["script"]
    doc = store.load_document(current_id(at))
    with pytest.raises(InputError, match="passage_links"):
        build_map(doc, passage_links="nowhere")


# ------------------------------------------------------------------------------------------- pure helpers


def tiny_doc(text: str, names: list[tuple[str, str]]) -> Document:
    """A document over ``text`` with one place per (id, name) at every occurrence of the name."""
    passages, pos = [], 0
    for i, part in enumerate(text.split("\n\n")):
        start = text.index(part, pos)
        passages.append(Passage(f"p{i + 1}", start, start + len(part)))
        pos = start + len(part)
    article = Article(id="0" * 16, title="T", source="text", url=None, text=text, passages=passages)
    places = []
    for pid, name in names:
        spans = corrections.find_occurrences(text, name)
        places.append(Place(id=pid, name=name, kind="city", lat=1.0, lon=2.0, country="FR", confidence=0.9,
                            mentions=[Mention(s, e, name, article.passage_at(s), False) for s, e in spans]))
    return Document(article=article, places=places)


def test_panel_offsets_point_back_into_the_article_text():
    text = "Café in Paris 😀 near <b>Lyon</b>.\n\nThen `${x}` & Paris again."
    doc = tiny_doc(text, [("a:1", "Paris"), ("a:2", "Lyon")])
    html = panel_html(doc, "a:1")
    for start, body in re.findall(r'data-s="(\d+)"[^>]*>([^<]*)<', html):
        shown = htmllib.unescape(body)
        assert text[int(start):int(start) + len(shown)] == shown
    assert html.count("<button") == 3 and html.count('aria-pressed="true"') == 2
    assert "<b>" not in html and "${x}" not in html and "&lt;b&gt;Lyon" not in html  # Lyon is a button
    assert 'data-place="a:2"' in html


@pytest.mark.parametrize("pick,expected", [
    ("Paris", "Paris"), ("ari", "Paris"), (" Paris,", "Paris"), ("(New York)", "New York"),
    ("in Paris", "in Paris"),
])
def test_selection_is_widened_to_words_and_trimmed(pick, expected):
    text = "We met in Paris, then (New York) twice."
    start = text.index(pick)
    s, e = selection_span(text, start, start + len(pick))
    assert text[s:e] == expected


@pytest.mark.parametrize("start,end,message", [
    (5, 3, "not inside"), (-1, 2, "not inside"), (0, 999, "not inside"), ("0", 2, "not inside"),
    (True, 2, "not inside"), (6, 9, "no word"), (0, 17, "paragraph"),
])
def test_bad_selections_get_one_line_messages(start, end, message):
    text = "Paris  ,,,  x\n\nLyon " + "y" * 300
    with pytest.raises(InputError, match=message):
        selection_span(text, start, end)
    with pytest.raises(InputError, match="longer than"):
        selection_span(text, text.index("Lyon"), len(text))


def test_occurrences_list_context_and_names_already_mapped():
    text = "Boats from Nice.\n\nNice weather in " + "many words " * 10 + "Nice harbour."
    doc = tiny_doc(text, [("a:1", "Nice")])
    doc.places[0].mentions = doc.places[0].mentions[:1]
    found = occurrences(doc, "Nice")
    assert [o.start for o in found] == [s for s, _ in corrections.find_occurrences(text, "Nice")]
    assert found[0].taken_by == "Nice" and found[1].taken_by is None
    assert found[1].context.startswith("[Nice] weather") and found[2].context.startswith("…")
    assert found[2].context.endswith("[Nice] harbour.")
    assert occurrences(doc, "Nic") == []


@pytest.mark.parametrize("value,seen,ok", [
    ({"event": "place", "place": "g:1", "n": 3}, 2, True),
    ({"event": "place", "place": "g:1", "n": 3}, 3, False),
    ({"event": "place", "place": "", "n": 4}, 3, False),
    ({"event": "selection", "start": 1, "end": 4, "n": 4}, None, True),
    ({"event": "selection", "start": "1", "end": 4, "n": 4}, None, False),
    ({"event": "script", "n": 5}, None, False),
    ({"event": "place", "place": "g:1", "n": True}, None, False),
    (None, None, False), ("place", None, False),
])
def test_panel_events_are_checked_and_handled_once(value, seen, ok):
    assert (panel_component.panel_event(value, seen) is not None) is ok


def test_table_pick_and_map_key():
    ids = ["a", "b"]
    assert view.table_pick(ids, {"selection": {"rows": [1]}}) == "b"
    assert view.table_pick(ids, {"selection": {"rows": [5]}}) is None
    assert view.table_pick(ids, None) is None
    key = view.map_key("0" * 16, [{"op": "drop", "place": "a"}], None)
    assert key != view.map_key("0" * 16, [], None) and hash(key) is not None


def test_map_arguments_are_captured_without_session_callbacks():
    from geo.pipeline import parse_article

    doc = parse_article(read_article(TEXT))
    returned = ["last_object_clicked", "last_object_clicked_tooltip"]
    args = fastmap._capture(build_map(doc), {"key": "map", "height": 300, "returned_objects": returned})
    assert "on_change" not in args and set(args["default"]) == set(returned)
    script = args["script"]
    assert script.count("L.marker(") == len(doc.places) and script.count(".setIcon(") >= len(doc.places)
    assert not any(link.startswith("http") for link in args["js_links"] + args["css_links"])
