"""Streamlit app: paste, upload or fetch an article; map and text linked both ways; corrections; share link.

UI only. Reading (geo.article, geo.fetch), geoparsing (geo.pipeline), storing (geo.store), corrections
(geo.corrections), the map (geo.mapview) and exports (geo.export) live in the geo package. Every string
that came from an article reaches HTML through geo.htmlsafe, and Markdown through :func:`plain`.

Run: ``streamlit run app.py`` (settings: .streamlit/config.toml and the GEO_* environment variables).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit_folium import st_folium

from geo import corrections as fixes
from geo import htmlsafe, naturalearth, store
from geo.article import MAX_ARTICLE_BYTES, format_size, read_article
from geo.errors import GeoError, InputError, StoreError
from geo.mapview import KIND_LABEL, border_sentence, build_map
from geo.model import Article, Document, Place

UPLOAD_TYPES = ("txt", "md", "markdown", "html", "htm")
MAP_HEIGHT = 560
# Only clicks on objects reach Python: panning and zooming never rerun the app.
RETURNED_OBJECTS = ["last_object_clicked", "last_object_clicked_tooltip"]
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")

PANEL_CSS = """
<style>
.geo-article{font:15px/1.55 system-ui,sans-serif}
.geo-article h3{margin:.2em 0 .6em}
.geo-passage{margin:0 0 .8em;padding:.25em .5em;border-radius:4px;border-left:3px solid transparent;
 scroll-margin:60px}
.geo-passage--selected{background:#fff8d6;border-left-color:#d9a400}
.geo-mention{background:#ffe9a3;border-bottom:2px solid #b38f00;padding:0 1px;color:inherit}
.geo-mention--selected{background:#ffd400;outline:2px solid #000;font-weight:600}
.geo-unresolved{border-bottom:1px dotted #888}
.geo-pid{color:#777;font-size:12px;font-weight:600;margin-right:.4em}
</style>
"""


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


def article_html(doc: Document, selected: str | None) -> str:
    """The article with every mention highlighted (the selected place's strongest); all text escaped."""
    spans: list[tuple[int, int, Place | None]] = [(m.start, m.end, p) for p in doc.places for m in p.mentions]
    spans += [(m.start, m.end, None) for m in doc.unresolved]
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    chosen = next((p for p in doc.places if p.id == selected), None)
    chosen_passages = {m.passage for m in chosen.mentions} if chosen else set()
    title = doc.article.title or "Untitled article"
    out = [f'<div class="geo-article"><h3>{htmlsafe.text(title)}</h3>']
    text = doc.article.text
    for passage in doc.article.passages:
        pos, parts = passage.start, []
        for start, end, place in spans:
            if start < pos or start < passage.start or end > passage.end:
                continue
            parts.append(htmlsafe.text(text[pos:start]))
            words = htmlsafe.text(text[start:end])
            if place is None:
                parts.append(f'<span class="geo-unresolved" title="not placed on the map">{words}</span>')
            else:
                cls = "geo-mention" + (" geo-mention--selected" if place is chosen else "")
                label = f"{place.name}, {KIND_LABEL.get(place.kind, 'Place').lower()}"
                parts.append(f'<mark class="{cls}" title="{htmlsafe.attr(label)}">{words}</mark>')
            pos = end
        parts.append(htmlsafe.text(text[pos:passage.end]))
        cls = "geo-passage" + (" geo-passage--selected" if passage.id in chosen_passages else "")
        out.append(f'<p class="{cls}" id="geo-{htmlsafe.attr(passage.id)}" data-passage="{htmlsafe.attr(passage.id)}">'
                   f'<span class="geo-pid">{htmlsafe.text(passage.id)}</span>{"".join(parts)}</p>')
    out.append("</div>")
    return PANEL_CSS + "".join(out)


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


# ------------------------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner=False)
def gazetteer():
    """The gazetteer, once per server."""
    from geo.gazetteer import load_gazetteer

    return load_gazetteer()


@st.cache_resource(show_spinner=False)
def border_index():
    """The border layer, once per server."""
    from geo.borders import load_border_index

    return load_border_index()


def settings():
    """Effective settings: the environment's, with the sidebar's online switch applied."""
    from geo.settings import Settings, load_settings

    try:
        base = load_settings()
    except GeoError as err:
        st.sidebar.error(plain(err))
        base = Settings()
    return dataclasses.replace(base, online=bool(st.session_state.get("online", base.online)))


def ingest(article: Article, online: bool) -> str:
    """Geoparse ``article`` (unless already stored from an offline parse) and store it; returns its id."""
    from geo.pipeline import online_unresolved_geocoder, parse_article

    doc_id = article.id
    if store.has_document(doc_id) and not online:
        return doc_id
    with st.status("Mapping the article…", expanded=False) as status:
        status.update(label="Loading the gazetteer and border data (first time only)…")
        gaz, _ = gazetteer(), border_index()
        geocode = None
        if online:
            notes: list[str] = []
            geocode = online_unresolved_geocoder(settings(), report=notes.append)
        status.update(label="Finding and placing the names…")
        doc = parse_article(article, gazetteer=gaz, geocode_unresolved=geocode)
        doc.meta["online"] = online
        doc_id = store.save_document(doc)
        if online and notes:
            st.warning(plain("; ".join(notes)))
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
    """Highlight ``place_id``'s passages; with ``focus`` also open the map on it (a new map is drawn)."""
    st.session_state.selected = place_id
    st.session_state.pending_select = place_id or ""  # the select box follows on its next render
    if focus:
        st.session_state.focus = place_id


def open_document(doc_id: str, place_id: str | None = None) -> None:
    st.session_state.doc_id = doc_id
    select_place(place_id, focus=True)


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

        open_document(ingest(sample_article(), online=False))


def input_panel(online: bool) -> None:
    """Paste, upload or fetch an article; errors stay here and the current map stays as it is."""
    with st.expander("Map another article: paste, upload or give a URL",
                     expanded=st.session_state.get("input_open", False)):
        paste, upload, link = st.tabs(["Paste text", "Upload a file", "From a URL"])
        with paste, st.form("paste_form", clear_on_submit=False, border=False):
            text = st.text_area("Article text", height=180, key="paste_text",
                                placeholder="Paste the article here (a first short line becomes the title).")
            if st.form_submit_button("Map this text", type="primary"):
                submit(lambda: article_from_paste(text), online)
        with upload:
            file = st.file_uploader("A .txt, .md or .html file", type=list(UPLOAD_TYPES), key="upload_file",
                                    help=f"Up to {format_size(MAX_ARTICLE_BYTES)}.")
            if file is not None and st.button("Map this file", key="upload_go", type="primary"):
                submit(lambda: article_from_upload(file.name, file.getvalue()), online)
        with link:
            with st.form("url_form", border=False):
                url = st.text_input("Article URL", key="url_text", placeholder="https://…")
                go = st.form_submit_button("Fetch and map", type="primary")
            policy = settings()
            st.caption(plain(
                f"Only http and https; at most {format_size(policy.fetch_max_bytes)} in "
                f"{policy.fetch_timeout:g} s; private, loopback and link-local addresses are "
                + ("allowed (GEO_ALLOW_PRIVATE_URLS)." if policy.allow_private_urls else "refused.")))
            if go:
                from geo.fetch import fetch_article

                submit(lambda: fetch_article(url, policy), online)


def submit(read: Any, online: bool) -> None:
    """Read an article with ``read()``, map and store it, and show it; a bad input only shows an error."""
    st.session_state.input_open = True
    try:
        article = read()
        doc_id = ingest(article, online)
    except GeoError as err:
        st.error(plain(err))
        return
    open_document(doc_id)


def sidebar(current: Document) -> None:
    policy = settings()
    with st.sidebar:
        st.header("Settings")
        st.toggle("Online geocoder for names the gazetteer cannot place", key="online",
                  help="Off by default: nothing leaves this machine. On: unresolved names go to "
                       f"{policy.geocoder} (GEO_GEOCODER), cached under cache/.")
        st.caption(plain(f"Border view: {naturalearth.BORDER_VIEW}. Contested and occupied areas are hatched."))
        st.caption(plain(
            f"URL fetching: http/https only, {format_size(policy.fetch_max_bytes)} and "
            f"{policy.fetch_timeout:g} s at most; private addresses "
            + ("allowed." if policy.allow_private_urls else "refused (GEO_ALLOW_PRIVATE_URLS=1 allows them).")))
        meta = current.meta
        st.caption(plain(f"Data: {meta.get('data', {}).get('gazetteer', '')}; borders "
                         f"{meta.get('data', {}).get('borders', '')}."))


def corrections_panel(doc_id: str, doc: Document, corrs: list[dict[str, Any]]) -> None:
    """Fix the selected place (alternative, gazetteer search, drop) or add a missed one."""
    ss = st.session_state
    place = next((p for p in doc.places if p.id == ss.get("selected")), None)

    def save(new: dict[str, Any], then_select: str | None) -> None:
        try:
            store.save_corrections(doc_id, corrs + [new])
        except GeoError as err:
            st.error(plain(err))
            return
        select_place(then_select, focus=True)
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
        text = st.text_input("Exact text as it appears in the article", key="add_text")
        spans = fixes.find_occurrences(doc.article.text, text.strip()) if text.strip() else []
        if text.strip():
            st.caption(f"{len(spans)} occurrence{'s' if len(spans) != 1 else ''} in the article.")
        name = st.text_input("Gazetteer name (if different)", key="add_name")
        found = gazetteer().search(name.strip() or text.strip(), 12) if (name.strip() or text.strip()) else []
        if found:
            pick = st.selectbox("Candidate", range(len(found)), key="add_pick",
                                format_func=lambda i, c=found: candidate_label(c[i]))
            if st.button("Add this place", key="add_go", disabled=not spans):
                save(fixes.add(text.strip(), found[pick]), found[pick].id)
        elif text.strip():
            st.caption("No gazetteer entry has that name: type another spelling under 'Gazetteer name'.")

    if corrs:
        st.markdown("**Corrections to this article**")
        for corr in corrs:
            st.text(fixes.describe(corr))
        for note in doc.meta.get("corrections", {}).get("skipped", []):
            st.caption(plain(f"Skipped: {note}"))
        undo, reset = st.columns(2)
        if undo.button("Undo the last correction", key="undo_go"):
            store.save_corrections(doc_id, corrs[:-1])
            st.rerun()
        if reset.button("Remove all corrections", key="reset_go"):
            store.save_corrections(doc_id, [])
            st.rerun()


def share_and_export(doc_id: str, doc: Document) -> None:
    from geo.export import export_geojson, export_html

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
    if "doc_id" not in ss:
        start_session()
    if ss.get("notice"):
        st.error(plain(ss.pop("notice")))

    online = bool(ss.get("online", False))
    input_panel(online)

    try:
        doc, corrs = load_current(ss.doc_id)
    except StoreError as err:
        st.error(plain(f"{err}. Showing the sample article instead."))
        from geo.sample import sample_article

        open_document(ingest(sample_article(), online=False))
        doc, corrs = load_current(ss.doc_id)
    ids = [p.id for p in doc.places]
    for key in ("selected", "focus"):
        if ss.get(key) not in ids:
            ss[key] = None
    sidebar(doc)

    map_col, text_col = st.columns([3, 2], gap="medium")
    with map_col:
        chooser = st.container()
        clicked = st_folium(build_map(doc, selected_place=ss.get("focus")), key="map", height=MAP_HEIGHT,
                            use_container_width=True, returned_objects=RETURNED_OBJECTS)
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
        st.dataframe(places_rows(doc), hide_index=True, width="stretch", key="places_table")
    with text_col:
        chosen = next((p for p in doc.places if p.id == ss.get("selected")), None)
        if chosen:
            st.caption(plain(f"{chosen.name}: {border_sentence(chosen)}"))
        with st.container(height=MAP_HEIGHT + 40, key="article_panel"):
            st.html(article_html(doc, ss.get("selected")))
        if chosen:
            first = next((m.passage for m in sorted(chosen.mentions, key=lambda m: m.start) if m.passage), None)
            if first:
                st.html(f"<script>(function(){{var el=parent.document.getElementById({htmlsafe.script_json('geo-' + first)})"
                        "||document.getElementById("
                        f"{htmlsafe.script_json('geo-' + first)});if(el)el.scrollIntoView({{block:'center'}});}})();"
                        "</script>", unsafe_allow_javascript=True)

    corrections_panel(ss.doc_id, doc, corrs)
    share_and_export(ss.doc_id, doc)

    want = share_query(ss.doc_id, ss.get("selected"))
    if dict(st.query_params.to_dict()) != want:
        st.query_params.from_dict(want)


if __name__ == "__main__":
    main()
