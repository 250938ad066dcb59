"""Streamlit app: paste, upload or fetch an article; map and text linked both ways; corrections; share link.

Wiring only. Reading (geo.parse), geoparsing (geo.pipeline), storing and corrections (geo.store), the map
and exports (geo.maps) live in the geo package; the page's pieces live in app_components: view (pure
helpers), resources (loaded once per server), session (the reader's document and selection), panels
(input, sidebar, corrections, share and downloads), the map's frame and files (webassets, fastmap) and the
article-panel component. Every string that
came from an article reaches HTML through geo.maps.htmlsafe, and Markdown through ``view.plain``.

Linking: a pin click selects its place (its passages highlighted and scrolled to); a highlighted name in
the article, a row of the places table or the "Show a place" box selects it and the map flies to it
(in the browser: the map is not rebuilt for a selection); a popup's "Go to passage" scrolls the panel.

Loading: a new page first gets the map and the article only; once the map frame reports its map drawn
(a rerun), the table, the paste box, the corrections and the downloads follow (see ``main``). A share link's
place is opened by the map frame itself, in the task that draws the map, so its popup shows with the map.

Run: ``streamlit run app.py`` (settings: .streamlit/config.toml and the GEO_* environment variables).
"""

from __future__ import annotations

import json

import streamlit as st

from app_components.article_panel import article_panel
from app_components.fastmap import cached_map
from app_components.panel import first_passage, panel_html, place_by_id
from app_components.panels import corrections_panel, input_panel, share_and_export, sidebar
from app_components.resources import settings
from app_components.session import (
    handle_actions,
    ingest,
    load_current,
    open_document,
    select_place,
    start_session,
)
from app_components.view import (
    PANEL_KEY,
    TABLE_KEY,
    map_key,
    place_for_click,
    places_rows,
    plain,
    share_query,
)
from app_components.webassets import map_frame
from geo.borders import border_sentence
from geo.errors import StoreError
from geo.maps.mapview import build_map
from geo.maps.popups import KIND_LABEL
from geo.parse.model import Document

# The biggest thing on a 1440x900 screen. (Taller maps once lost pin clicks: Leaflet focuses the map on a
# press and Chromium scrolled the app page under the pointer; geo.maps.mapview now focuses without scrolling.)
MAP_HEIGHT = 600
TOP_MARGIN = "<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}</style>"
CHOOSER_HEIGHT = 76  # the "Show a place" box above the article (and 90 px for the place's sentence)
TABLE_MAX_HEIGHT = 320  # about eight rows, then it scrolls: the map stays the biggest thing on the page
MAP_TEXT_COLUMNS = [2, 1]
NOTHING_FOUND = (
    "No places found in this article. The map looks for the names of countries, first-level regions "
    "(\"Kursk region\"), cities and towns, continents and well-known areas such as \"the Middle East\", "
    "and for adjectives like \"Ukrainian\". If a place was missed, select its words in the article and "
    "press \"Add … as a place\", or add it under Corrections."
)
# Only clicks on objects reach Python: panning and zooming never rerun the app.
RETURNED_OBJECTS = ["last_object_clicked", "last_object_clicked_tooltip"]
# ------------------------------------------------------------------------------------------- page


def main() -> None:
    # Sidebar folded at first: the map and the article get the screen (settings are one click away).
    st.set_page_config(page_title="News map", page_icon="🗺️", layout="wide", initial_sidebar_state="collapsed")
    ss = st.session_state
    frame, urls = map_frame() or (None, None)
    if frame is None:  # streamlit-folium's frame does not say when its map is drawn: everything at once
        ss.map_drawn = True
    # A new page first shows the map and the article only; the rest follows once the map is drawn (its frame
    # says so, which reruns the app). Each other kind of element costs the browser its code (the places table
    # alone 1.3 MB), and Streamlit shows no element of the page before it has the code of them all.
    first_paint = not ss.get("map_drawn")
    st.title("News map")
    # Less of Streamlit's top margin: the map then fits a 1440x900 screen whole. The fixed rule rides in the
    # caption's Markdown (its code is in Streamlit's first bundle; st.html would cost one more wave of loads
    # before the first paint). No article text is ever shown with unsafe_allow_html.
    st.caption("Places mentioned in an article, on a map with their border context. Offline by default." + TOP_MARGIN,
               unsafe_allow_html=True)
    # Progress and messages always go into this one container, so the elements below keep their places
    # between reruns (a shifted component is mounted anew: the map and the panel would reload).
    notices = st.container()
    with notices:
        if "doc_id" not in ss:
            start_session()
        if ss.get("notice"):
            st.error(plain(ss.pop("notice")))

    policy = settings()  # once per run: a bad GEO_* value is reported once
    input_panel(policy, fields=not first_paint)

    with notices:
        try:
            doc, corrs = load_current(ss.doc_id)
        except StoreError as err:
            st.error(plain(f"{err}. Showing the sample article instead."))
            from geo.sample import sample_article

            open_document(ingest(sample_article()))
            doc, corrs = load_current(ss.doc_id)
    ids = [p.id for p in doc.places]
    handle_actions(doc)
    if ss.get("selected") not in ids:
        ss.selected = None
    if ss.get("map_focus") not in ids:
        ss.map_focus = None
    fly = ss.get("fly") if (ss.get("fly") or {}).get("place") in ids else None
    if fly and first_paint and frame is not None:
        # A share link's place: the map frame opens it as soon as its map is drawn, before the rest of the
        # page arrives (the panel would wait for the map, and then for the browser busy with that rest).
        ss.map_show, ss.fly, fly = fly["place"], None, None
    if ss.pop("add_done", False):
        for key in ("add_text", "add_at", "add_name"):
            ss.pop(key, None)
    if not first_paint:
        sidebar(doc, policy)

    map_col, text_col = st.columns(MAP_TEXT_COLUMNS, gap="medium")  # the map is the biggest thing on the page
    with text_col:
        chooser = st.container()
    with map_col:
        focus = ss.map_focus
        clicked = cached_map(map_key(ss.doc_id, corrs, focus),
                             lambda: build_map(doc, selected_place=focus, passage_links="parent",
                                               assets="linked" if urls else "inline", asset_urls=urls),
                             key="map", height=MAP_HEIGHT, returned_objects=RETURNED_OBJECTS, frame=frame,
                             report_drawn=first_paint, show=ss.get("map_show") if first_paint else None,
                             on_change=map_drawn)
        payload = json.dumps(clicked, sort_keys=True, default=str)
        if payload != ss.get("last_click"):
            ss.last_click = payload
            hit = place_for_click(doc, clicked)
            if hit:
                select_place(hit, focus=False)
        if not first_paint:
            with chooser:
                place_chooser(doc, ids)
    with text_col:
        chosen = place_by_id(doc, ss.get("selected"))
        st.caption(plain(border_sentence(chosen) or chosen.name) if chosen else
                   "Click a highlighted name to show it on the map; select other words to add a missed place.")
        article_panel(panel_html(doc, ss.get("selected")), selected=ss.get("selected"),
                      scroll_to=first_passage(chosen), fly=fly, height=MAP_HEIGHT - CHOOSER_HEIGHT - 90,
                      key=PANEL_KEY)

    if not first_paint:
        lower_panels(doc, corrs)
    share_link_in_address(ss.doc_id)


def lower_panels(doc: Document, corrs: list[dict]) -> None:
    """The places table, the corrections, sharing and downloads, below the map and the article."""
    ss = st.session_state
    # The places table below map and text, the page's full width.
    if doc.places:
        st.dataframe(places_rows(doc), hide_index=True, width="stretch", key=TABLE_KEY, on_select="rerun",
                     selection_mode="single-row", height=min(TABLE_MAX_HEIGHT, 38 + 35 * len(doc.places)))
        st.caption("Pick a row to show the place on the map.")
    else:
        st.info(NOTHING_FOUND)

    corrections_panel(ss.doc_id, doc, corrs)
    share_and_export(ss.doc_id, doc)


def share_link_in_address(doc_id: str) -> None:
    """The page's address is the share link of what is on show."""
    want = share_query(doc_id, st.session_state.get("selected"))
    if dict(st.query_params.to_dict()) != want:
        st.query_params.from_dict(want)


def map_drawn() -> None:
    """The map frame answered (its map is drawn, or a pin was clicked): the whole page from now on."""
    st.session_state.map_drawn = True


def place_chooser(doc: Document, ids: list[str]) -> None:
    """The "Show a place" box above the article."""
    ss = st.session_state
    if "pending_select" in ss:
        ss.place_select = ss.pop("pending_select")
    if ss.get("place_select") not in ids:
        ss.place_select = ""
    st.selectbox("Show a place", ["", *ids], key="place_select",
                 format_func=lambda pid: "— whole article —" if not pid else
                 (lambda p: f"{p.shown_name} ({KIND_LABEL.get(p.kind, 'Place').lower()}, {p.country or '?'})")(
                     doc.places[ids.index(pid)]),
                 on_change=lambda: select_place(ss.place_select or None, focus=True))


if __name__ == "__main__":
    main()
