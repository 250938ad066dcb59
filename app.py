"""Streamlit app: paste, upload or fetch an article; map and text linked both ways; corrections; share link.

UI only. Reading (geo.parse.article, geo.parse.fetch), geoparsing (geo.pipeline), storing (geo.store.documents), corrections
(geo.store.corrections), the map (geo.maps.mapview) and exports (geo.maps.export) live in the geo package; the article
panel (a small offline custom component) and the once-per-map st_folium arguments live in app_components.
Every string that came from an article reaches HTML through geo.maps.htmlsafe, and Markdown through :func:`plain`.

Linking: a pin click selects its place (its passages highlighted and scrolled to); a highlighted name in
the article, a row of the places table or the "Show a place" box selects it and the map flies to it
(in the browser: the map is not rebuilt for a selection); a popup's "Go to passage" scrolls the panel.

Run: ``streamlit run app.py`` (settings: .streamlit/config.toml and the GEO_* environment variables).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import re
import threading
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app_components.article_panel import article_panel, panel_event
from app_components.fastmap import cached_map
from app_components.panel import first_passage, occurrences, panel_html, place_by_id, selection_span
from app_components.webassets import asset_urls
from geo.borders import border_sentence
from geo.errors import GeoError, InputError, StoreError
from geo.maps.mapview import build_map
from geo.maps.popups import KIND_LABEL
from geo.parse.article import MAX_ARTICLE_BYTES, format_size, read_article
from geo.parse.model import Article, Document
from geo.places import naturalearth
from geo.settings import Settings
from geo.store import corrections as fixes
from geo.store import documents as store

UPLOAD_TYPES = ("txt", "md", "markdown", "html", "htm")
MAP_HEIGHT = 560
# Only clicks on objects reach Python: panning and zooming never rerun the app.
RETURNED_OBJECTS = ["last_object_clicked", "last_object_clicked_tooltip"]
PANEL_KEY = "article_panel"
TABLE_KEY = "places_table"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")

# ------------------------------------------------------------------------------------------- input handlers


def plain(text: object) -> str:
    """Text for Streamlit's Markdown-rendering elements (st.error, captions): every markup character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def article_from_paste(text: str) -> Article:
    """The pasted text as an article (InputError when empty, binary-looking or too large)."""
    return read_article(text or "", source="text")


def article_from_upload(name: str, data: bytes) -> Article:
    """An uploaded .txt/.md/.html file as an article; other extensions are refused."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in UPLOAD_TYPES:
        raise InputError(f"cannot read a .{extension or '(no extension)'} file: choose a "
                         + ", ".join(f".{t}" for t in UPLOAD_TYPES) + " file")
    return read_article(data, filename=name, source="file")


def place_for_click(doc: Document, clicked: dict[str, Any] | None) -> str | None:
    """The id of the place whose pin was clicked: the pin at the clicked point, else the one its tooltip names."""
    if not clicked:
        return None
    point, tooltip = clicked.get("last_object_clicked"), clicked.get("last_object_clicked_tooltip")
    if isinstance(point, dict) and isinstance(point.get("lat"), int | float) and isinstance(point.get("lng"),
                                                                                           int | float):
        for place in doc.places:
            if abs(place.lat - point["lat"]) < 1e-6 and abs(place.lon - point["lng"]) < 1e-6:
                return place.id
    if isinstance(tooltip, str):
        named = [p.id for p in doc.places if p.name == tooltip.strip()]
        if len(named) == 1:
            return named[0]
    return None


def places_rows(doc: Document) -> list[dict[str, Any]]:
    """One table row per place (plain values; Streamlit's table renders them as text)."""
    return [
        {
            "Place": p.name,
            "Kind": KIND_LABEL.get(p.kind, p.kind),
            "Country": (p.border or {}).get("country_name") or p.country or "",
            "Border context": border_sentence(p),
            "Confidence": round(p.confidence, 2),
            "Mentions": len(p.mentions),
            "Source": p.source,
        }
        for p in doc.places
    ]


def candidate_label(cand: Any) -> str:
    """How a candidate (gazetteer Candidate or alternative dict) is shown in a select box."""
    get = cand.get if isinstance(cand, dict) else lambda key, default=None: getattr(cand, key, default)
    where = ", ".join(str(x) for x in (get("admin1"), get("country")) if x)
    population = get("population")
    pop = f", pop. {population:,}" if population else ""
    return f"{get('name')} ({where}) — {get('kind')}{pop}, {get('lat'):.2f}, {get('lon'):.2f}"


def share_query(doc_id: str, place_id: str | None) -> dict[str, str]:
    """The query parameters of a permalink."""
    return {"doc": doc_id, **({"place": place_id} if place_id else {})}


def table_pick(ids: list[str], selection: Any) -> str | None:
    """The place id of the row picked in the places table (st.dataframe's selection state), if any."""
    rows = ((selection or {}).get("selection") or {}).get("rows") or []
    return ids[rows[0]] if rows and isinstance(rows[0], int) and 0 <= rows[0] < len(ids) else None


def map_key(doc_id: str, corrs: list[dict[str, Any]], focus: str | None) -> tuple[str, str, str]:
    """What the drawn map depends on: the document, its corrections and the place opened on load."""
    return doc_id, json.dumps(corrs, sort_keys=True), focus or ""


# ------------------------------------------------------------------------------------------- cached data


def out_of_gc(resource: Any) -> Any:
    """``resource`` (loaded once, kept for the server's life) moved out of the garbage collector's reach.

    Streamlit runs a full collection after every script run; walking the gazetteer's objects each time
    cost 0.1–0.4 s of every rerun, the largest single share of the server's CPU under load."""
    gc.freeze()
    return resource


@st.cache_resource(show_spinner=False)
def gazetteer():
    """The gazetteer, once per server."""
    from geo.places.gazetteer import load_gazetteer

    return out_of_gc(load_gazetteer())


@st.cache_resource(show_spinner=False)
def border_index():
    """The border layer, once per server."""
    from geo.borders import load_border_index

    index = load_border_index()
    threading.Thread(target=index.build_all_trees, name="border-trees", daemon=True).start()
    return out_of_gc(index)


def settings() -> Settings:
    """Effective settings: the environment's, with the sidebar's online switch applied."""
    from geo.settings import load_settings

    try:
        base = load_settings()
    except GeoError as err:
        st.sidebar.error(plain(err))
        base = Settings()
    return dataclasses.replace(base, online=bool(st.session_state.get("online", base.online)))


def ingest(article: Article, policy: Settings | None = None) -> str:
    """Geoparse ``article`` (unless already stored from an offline parse) and store it; returns its id.
    With ``policy.online`` names the gazetteer cannot place go to the online geocoder."""
    from geo.pipeline import online_unresolved_geocoder, parse_article

    online = bool(policy and policy.online)

    doc_id = article.id
    if store.has_document(doc_id) and not online:
        return doc_id
    with st.status("Mapping the article…", expanded=False) as status:
        status.update(label="Loading the gazetteer and border data (first time only)…")
        gaz, _ = gazetteer(), border_index()
        geocode = None
        if online:
            notes: list[str] = []
            geocode = online_unresolved_geocoder(policy, report=notes.append, gazetteer=gaz)
        status.update(label="Finding and placing the names…")
        doc = parse_article(article, gazetteer=gaz, geocode_unresolved=geocode)
        doc.meta["online"] = online
        doc_id = store.save_document(doc)
        if online and notes:
            st.warning(plain("; ".join(notes)))
        for note in doc.meta.get("notes", []):  # e.g. a very long text mapped only in part
            st.warning(plain(note))
        status.update(label=f"Mapped {len(doc.places)} places in {doc.meta.get('elapsed_ms', 0):.0f} ms",
                      state="complete")
    return doc_id


def load_current(doc_id: str) -> tuple[Document, list[dict[str, Any]]]:
    """The stored document with its corrections applied, and the corrections list."""
    base = store.load_document(doc_id)
    try:
        corrs = store.load_corrections(doc_id)
    except StoreError as err:
        st.error(plain(err))
        corrs = []
    from geo.borders import tag_place

    index = border_index()
    return fixes.apply_corrections(base, corrs, tagger=lambda place: tag_place(place, index)), corrs


# ------------------------------------------------------------------------------------------- UI pieces


def select_place(place_id: str | None, *, focus: bool) -> None:
    """Highlight ``place_id``'s passages; with ``focus`` also fly the map to it (the drawn map is kept)."""
    ss = st.session_state
    ss.selected = place_id
    ss.pending_select = place_id or ""  # the select box follows on its next render
    if focus:
        ss.fly_n = ss.get("fly_n", 0) + 1
        ss.fly = {"place": place_id, "n": ss.fly_n} if place_id else None


def open_document(doc_id: str, place_id: str | None = None) -> None:
    """Show ``doc_id``; its map is drawn with ``place_id``'s popup open."""
    st.session_state.doc_id = doc_id
    st.session_state.map_focus = place_id
    st.session_state.fly = None  # a new map is drawn: it opens on the place by itself
    select_place(place_id, focus=False)


def handle_actions(doc: Document) -> None:
    """The reader's last action in the article panel or the places table, handled once, before drawing."""
    ss = st.session_state
    event = panel_event(ss.get(PANEL_KEY), ss.get("panel_seen"))
    if event:
        ss.panel_seen = event["n"]
        if event["event"] == "place":
            if place_by_id(doc, event["place"]):
                select_place(event["place"], focus=False)  # the panel already flew the map there
        else:
            try:
                start, end = selection_span(doc.article.text, event["start"], event["end"])
            except InputError as err:
                ss.add_error = str(err)
                st.toast(plain(err))
            else:
                ss.add_text, ss.add_at, ss.add_name = doc.article.text[start:end], str(start), ""
                st.toast(plain(f"“{ss.add_text}”: choose its place under “Add a place the geoparser missed” below."))
    picked = table_pick([p.id for p in doc.places], ss.get(TABLE_KEY))
    rows = json.dumps(((ss.get(TABLE_KEY) or {}).get("selection") or {}).get("rows") or [])
    if rows != ss.get("table_seen"):
        ss.table_seen = rows
        if picked:
            select_place(picked, focus=True)


def start_session() -> None:
    """First run of a browser session: the shared document from the link, else the built-in sample."""
    ss = st.session_state
    ss.doc_id = None
    doc_id, place_id = st.query_params.get("doc"), st.query_params.get("place")
    if doc_id:
        try:
            doc = store.load_document(doc_id)
            known = {p.id for p in fixes.apply_corrections(doc, store.load_corrections(doc_id),
                                                           tagger=lambda _p: None).places}
            if place_id and place_id not in known:
                ss.notice = "The place named in the link is not in this document: showing the whole map."
                place_id = None
            open_document(doc_id, place_id)
        except StoreError as err:
            ss.notice = f"Cannot open the shared link: {err}. Showing the sample article instead."
    if ss.doc_id is None:
        from geo.sample import sample_article

        open_document(ingest(sample_article()))


def fetch_policy_text(policy: Settings) -> str:
    """What the URL fetcher accepts, in one sentence (shown beside the URL box and in the sidebar)."""
    return (f"URL fetching: http and https only, at most {format_size(policy.fetch_max_bytes)} in "
            f"{policy.fetch_timeout:g} s; private, loopback and link-local addresses are "
            + ("allowed (GEO_ALLOW_PRIVATE_URLS)." if policy.allow_private_urls
               else "refused (GEO_ALLOW_PRIVATE_URLS=1 allows them)."))


def input_panel(policy: Settings) -> None:
    """Paste, upload or fetch an article; errors stay here and the current map stays as it is."""
    with st.expander("Map another article: paste, upload or give a URL",
                     expanded=st.session_state.get("input_open", False)):
        paste, upload, link = st.tabs(["Paste text", "Upload a file", "From a URL"])
        with paste, st.form("paste_form", clear_on_submit=False, border=False):
            text = st.text_area("Article text", height=180, key="paste_text",
                                placeholder="Paste the article here (a first short line becomes the title).")
            if st.form_submit_button("Map this text", type="primary"):
                submit(lambda: article_from_paste(text), policy)
        with upload:
            file = st.file_uploader("A .txt, .md or .html file", type=list(UPLOAD_TYPES), key="upload_file",
                                    help=f"Up to {format_size(MAX_ARTICLE_BYTES)}.")
            if file is not None and st.button("Map this file", key="upload_go", type="primary"):
                submit(lambda: article_from_upload(file.name, file.getvalue()), policy)
        with link:
            with st.form("url_form", border=False):
                url = st.text_input("Article URL", key="url_text", placeholder="https://…")
                go = st.form_submit_button("Fetch and map", type="primary")
            st.caption(plain(fetch_policy_text(policy)))
            if go:
                from geo.parse.fetch import fetch_article

                submit(lambda: fetch_article(url, policy), policy)


def submit(read: Any, policy: Settings) -> None:
    """Read an article with ``read()``, map and store it, and show it; a bad input only shows an error."""
    st.session_state.input_open = True
    try:
        article = read()
        doc_id = ingest(article, policy)
    except GeoError as err:
        st.error(plain(err))
        return
    except OSError as err:  # the store could not write it (a full or read-only cache is kept in memory instead)
        st.error(plain(f"the article could not be stored ({err.strerror or err}); try again"))
        return
    open_document(doc_id)


def write_corrections(doc_id: str, corrs: list[dict[str, Any]]) -> bool:
    """Store ``corrs`` as the corrections of ``doc_id``; on failure say why and return False (nothing changes)."""
    try:
        store.save_corrections(doc_id, corrs)
    except GeoError as err:
        st.error(plain(err))
        return False
    except OSError as err:
        st.error(plain(f"the corrections could not be saved ({err.strerror or err}); nothing changed"))
        return False
    return True


def sidebar(current: Document, policy: Settings) -> None:
    with st.sidebar:
        st.header("Settings")
        st.toggle("Online geocoder for names the gazetteer cannot place", key="online",
                  help="Off by default: nothing leaves this machine. On: unresolved names go to "
                       f"{policy.geocoder} (GEO_GEOCODER), cached under cache/.")
        st.caption(plain(f"Border view: {naturalearth.BORDER_VIEW}. Contested and occupied areas are hatched."))
        st.caption(plain(fetch_policy_text(policy)))
        meta = current.meta
        st.caption(plain(f"Data: {meta.get('data', {}).get('gazetteer', '')}; borders "
                         f"{meta.get('data', {}).get('borders', '')}."))


def corrections_panel(doc_id: str, doc: Document, corrs: list[dict[str, Any]]) -> None:
    """Fix the selected place (alternative, gazetteer search, drop) or add a missed one."""
    ss = st.session_state
    place = place_by_id(doc, ss.get("selected"))

    def save(new: dict[str, Any], then_select: str | None) -> None:
        if not write_corrections(doc_id, corrs + [new]):
            return
        select_place(then_select, focus=False)
        ss.map_focus, ss.fly = then_select, None  # the corrected map is drawn anew, opened on the place
        st.rerun()

    st.subheader("Corrections")
    if place is None:
        st.caption("Choose a place (click its pin, or pick it above) to correct it.")
    else:
        st.markdown(f"**{plain(place.name)}** — {plain(KIND_LABEL.get(place.kind, 'Place'))}, "
                    f"{plain(place.country or '')}, confidence {place.confidence:.2f}")
        alt_col, search_col = st.columns(2)
        with alt_col:
            alternatives = [a for a in place.alternatives if a.get("id") != place.id]
            if alternatives:
                index = st.selectbox("Other candidates for this name", range(len(alternatives)), key="alt_pick",
                                     format_func=lambda i, c=alternatives: candidate_label(c[i]))
                if st.button("Use this candidate", key="alt_go"):
                    save(fixes.choose(place.id, alternatives[index], label=place.name), alternatives[index]["id"])
            else:
                st.caption("No other candidates for this name.")
            if st.button("Not a place: drop it", key="drop_go"):
                save(fixes.drop(place.id, label=place.name), None)
        with search_col:
            query = st.text_input("Search the gazetteer", value=place.name, key=f"search_{place.id}")
            found = gazetteer().search(query, 12) if query.strip() else []
            if found:
                pick = st.selectbox("Results", range(len(found)), key="search_pick",
                                    format_func=lambda i, c=found: candidate_label(c[i]))
                if st.button("Use search result", key="search_go"):
                    save(fixes.choose(place.id, found[pick], label=place.name), found[pick].id)
            elif query.strip():
                st.caption("No gazetteer entry has that name.")

    with st.expander("Add a place the geoparser missed", expanded=bool(ss.get("add_text"))):
        st.caption("Select the name in the article and press its “Add … as a place” button, or type it here.")
        if ss.get("add_error"):
            st.warning(plain(ss.pop("add_error")))
        needle = st.text_input("Exact text as it appears in the article", key="add_text").strip()
        found_at = occurrences(doc, needle) if needle else []
        free = [o for o in found_at if o.taken_by is None]
        options = ["all", *[str(o.start) for o in free]]
        if ss.get("add_at") not in options:
            ss.add_at = "all"
        if needle:
            taken = sorted({o.taken_by for o in found_at if o.taken_by})
            st.caption(plain(f"{len(found_at)} occurrence{'s' if len(found_at) != 1 else ''} in the article"
                             + (f"; already mapped as {', '.join(taken)}: {len(found_at) - len(free)}" if taken
                                else "") + "."))
        if free:
            contexts = {str(o.start): o.context for o in free}
            st.selectbox("Which occurrence", options, key="add_at",
                         format_func=lambda o: f"Every free occurrence ({len(free)})" if o == "all" else contexts[o])
        name = st.text_input("Gazetteer name (if different)", key="add_name")
        query = name.strip() or needle
        found = gazetteer().search(query, 12) if query else []
        if found:
            pick = st.selectbox("Candidate", range(len(found)), key="add_pick",
                                format_func=lambda i, c=found: candidate_label(c[i]))
            if st.button("Add this place", key="add_go", disabled=not free):
                at = next((o for o in free if str(o.start) == ss.add_at), None)
                corr = fixes.add(needle, found[pick], at.start, at.end) if at else fixes.add(needle, found[pick])
                ss.add_done = True
                save(corr, found[pick].id)
        elif needle:
            st.caption("No gazetteer entry has that name: type another spelling under 'Gazetteer name'.")

    if corrs:
        st.markdown("**Corrections to this article**")
        for corr in corrs:
            st.text(fixes.describe(corr))
        for note in doc.meta.get("corrections", {}).get("skipped", []):
            st.caption(plain(f"Skipped: {note}"))
        undo, reset = st.columns(2)
        if undo.button("Undo the last correction", key="undo_go") and write_corrections(doc_id, corrs[:-1]):
            st.rerun()
        if reset.button("Remove all corrections", key="reset_go") and write_corrections(doc_id, []):
            st.rerun()


def share_and_export(doc_id: str, doc: Document) -> None:
    from geo.maps.export import export_geojson, export_html

    st.subheader("Share and export")
    query = urlencode(share_query(doc_id, st.session_state.get("selected")))
    base = (st.context.url or "").split("?", 1)[0]
    st.code(f"{base}?{query}", language=None)
    st.caption("Anyone who can reach this server sees the same article, corrections and selection.")
    html_col, json_col = st.columns(2)
    html_col.download_button("Download the HTML map", data=lambda: export_html(doc), file_name=f"map-{doc_id}.html",
                             mime="text/html", key="download_html", on_click="ignore")
    json_col.download_button(
        "Download GeoJSON",
        data=lambda: json.dumps(export_geojson(doc), ensure_ascii=False, indent=1, sort_keys=True),
        file_name=f"places-{doc_id}.geojson", mime="application/geo+json", key="download_geojson",
        on_click="ignore")


# ------------------------------------------------------------------------------------------- page


def main() -> None:
    st.set_page_config(page_title="News map", page_icon="🗺️", layout="wide")
    ss = st.session_state
    st.title("News map")
    st.caption("Places mentioned in an article, on a map with their border context. Offline by default.")
    # Progress and messages always go into this one container, so the elements below keep their places
    # between reruns (a shifted component is mounted anew: the map and the panel would reload).
    notices = st.container()
    with notices:
        if "doc_id" not in ss:
            start_session()
        if ss.get("notice"):
            st.error(plain(ss.pop("notice")))

    policy = settings()  # once per run: a bad GEO_* value is reported once
    input_panel(policy)

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
    if ss.pop("add_done", False):
        for key in ("add_text", "add_at", "add_name"):
            ss.pop(key, None)
    sidebar(doc, policy)

    map_col, text_col = st.columns([3, 2], gap="medium")
    with map_col:
        chooser = st.container()
        focus = ss.map_focus
        urls = asset_urls()
        clicked = cached_map(map_key(ss.doc_id, corrs, focus),
                             lambda: build_map(doc, selected_place=focus, passage_links="parent",
                                               assets="linked" if urls else "inline", asset_urls=urls),
                             key="map", height=MAP_HEIGHT, returned_objects=RETURNED_OBJECTS)
        payload = json.dumps(clicked, sort_keys=True, default=str)
        if payload != ss.get("last_click"):
            ss.last_click = payload
            hit = place_for_click(doc, clicked)
            if hit:
                select_place(hit, focus=False)
        with chooser:
            if "pending_select" in ss:
                ss.place_select = ss.pop("pending_select")
            if ss.get("place_select") not in ids:
                ss.place_select = ""
            st.selectbox("Show a place", ["", *ids], key="place_select",
                         format_func=lambda pid: "— whole article —" if not pid else
                         (lambda p: f"{p.name} ({KIND_LABEL.get(p.kind, 'Place').lower()}, {p.country or '?'})")(
                             doc.places[ids.index(pid)]),
                         on_change=lambda: select_place(ss.place_select or None, focus=True))
        st.dataframe(places_rows(doc), hide_index=True, width="stretch", key=TABLE_KEY, on_select="rerun",
                     selection_mode="single-row")
        st.caption("Pick a row to show the place on the map.")
    with text_col:
        chosen = place_by_id(doc, ss.get("selected"))
        st.caption(plain(f"{chosen.name}: {border_sentence(chosen)}") if chosen else
                   "Click a highlighted name to show it on the map; select other words to add a missed place.")
        article_panel(panel_html(doc, ss.get("selected")), selected=ss.get("selected"),
                      scroll_to=first_passage(chosen), fly=fly, height=MAP_HEIGHT, key=PANEL_KEY)

    corrections_panel(ss.doc_id, doc, corrs)
    share_and_export(ss.doc_id, doc)

    want = share_query(ss.doc_id, ss.get("selected"))
    if dict(st.query_params.to_dict()) != want:
        st.query_params.from_dict(want)


if __name__ == "__main__":
    main()
