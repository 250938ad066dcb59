"""The app's panels around the map: bring an article (paste, upload, URL), the sidebar, corrections, and
sharing and downloads.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app_components.panel import Occurrence, occurrences, place_by_id
from app_components.resources import gazetteer
from app_components.session import ingest, mark_seen, open_document, select_place, write_corrections
from app_components.view import (
    UPLOAD_TYPES,
    article_from_paste,
    article_from_upload,
    candidate_label,
    plain,
    share_query,
)
from geo.errors import GeoError
from geo.maps.popups import KIND_LABEL
from geo.parse.article import MAX_ARTICLE_BYTES, format_size
from geo.parse.language import LANGUAGE_NAMES
from geo.parse.model import Document
from geo.places import naturalearth
from geo.settings import ARTICLE_LANGUAGES, Settings
from geo.store import corrections as fixes
from geo.store.backend import store_problem


def fetch_policy_text(policy: Settings) -> str:
    """What the URL fetcher accepts, in one sentence (shown beside the URL box and in the sidebar)."""
    return (f"URL fetching: http and https only, at most {format_size(policy.fetch_max_bytes)} in "
            f"{policy.fetch_timeout:g} s; private, loopback and link-local addresses are "
            + ("allowed (GEO_ALLOW_PRIVATE_URLS)." if policy.allow_private_urls
               else "refused (GEO_ALLOW_PRIVATE_URLS=1 allows them)."))


def input_panel(policy: Settings, fields: bool = True) -> None:
    """Paste, upload or fetch an article; errors stay here and the current map stays as it is. Without
    ``fields`` only the (folded) expander is drawn, its fields in a later run."""
    with st.expander("Map another article: paste, upload or give a URL",
                     expanded=st.session_state.get("input_open", False)):
        if not fields:
            return
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


def sidebar(current: Document, policy: Settings) -> None:
    with st.sidebar:
        st.header("Settings")
        st.toggle("Online geocoder for names the gazetteer cannot place", key="online",
                  help="Off by default: nothing leaves this machine. On: unresolved names go to "
                       f"{policy.geocoder} (GEO_GEOCODER), cached under cache/.")
        st.selectbox("Article language", ("auto", *ARTICLE_LANGUAGES), key="language",
                     index=("auto", *ARTICLE_LANGUAGES).index(policy.language),
                     format_func=lambda code: "detect (auto)" if code == "auto" else LANGUAGE_NAMES[code],
                     help="Read the next article in this language; auto detects it from the text (GEO_LANGUAGE).")
        if current.article.language:
            read_as = LANGUAGE_NAMES.get(current.article.language, current.article.language)
            st.caption(plain(f"This article was read as {read_as}."))
        st.caption(plain(f"Border view: {naturalearth.BORDER_VIEW}. Contested and occupied areas are hatched."))
        st.caption(plain(fetch_policy_text(policy)))
        problem = store_problem()
        if problem:
            st.warning(plain(problem))
        meta = current.meta
        st.caption(plain(f"Data: {meta.get('data', {}).get('gazetteer', '')}; borders "
                         f"{meta.get('data', {}).get('borders', '')}."))


MAX_SCOPE_RADIO = 7  # "all" and up to six mentions as radio buttons; more go in a drop-down


def mention_contexts(doc: Document, place: Any) -> dict[str, str]:
    """``"start:end"`` of each mention of ``place`` -> the words around it (plain text, escape to show)."""
    spans = {(m.start, m.end) for m in place.mentions}
    found: list[Occurrence] = []
    for text in sorted({m.text for m in place.mentions}):
        found += [o for o in occurrences(doc, text) if (o.start, o.end) in spans]
    contexts = {(o.start, o.end): o.context for o in found}
    return {f"{m.start}:{m.end}": contexts.get((m.start, m.end), f"{m.text} at character {m.start:,}")
            for m in sorted(place.mentions, key=lambda m: (m.start, m.end))}


def mention_scope(doc: Document, place: Any) -> tuple[int, int] | None:
    """The editor's choice of which mentions a correction of ``place`` applies to: None for all of them
    (the default), or one mention's (start, end). Shown only when the place has more than one mention."""
    if len(place.mentions) < 2:
        return None
    contexts = mention_contexts(doc, place)
    options = ["all", *contexts]
    key = f"scope_{place.id}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = "all"
    every = f"All {len(place.mentions)} mentions"
    if len(options) <= MAX_SCOPE_RADIO:  # radio labels are Markdown: escaped
        pick = st.radio("Apply to", options, key=key,
                        format_func=lambda o: every if o == "all" else plain(f"Only “{contexts[o]}”"))
    else:  # many mentions: a searchable list (its labels are shown as plain text)
        pick = st.selectbox("Apply to", options, key=key,
                            format_func=lambda o: every if o == "all" else f"Only “{contexts[o]}”")
    if pick == "all":
        return None
    start, end = pick.split(":")
    return int(start), int(end)


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
        st.markdown(f"**{plain(place.shown_name)}** — {plain(KIND_LABEL.get(place.kind, 'Place'))}, "
                    f"{plain(place.country or '')}, confidence {place.confidence:.2f}")
        scope = mention_scope(doc, place)
        label = place.name if scope is None else \
            f"{place.name} in “{mention_contexts(doc, place).get(f'{scope[0]}:{scope[1]}', '')}”"[:fixes.MAX_NAME_CHARS]
        alt_col, search_col = st.columns(2)
        with alt_col:
            alternatives = [a for a in place.alternatives if a.get("id") != place.id]
            if alternatives:
                index = st.selectbox("Other candidates for this name", range(len(alternatives)), key="alt_pick",
                                     format_func=lambda i, c=alternatives: candidate_label(c[i]))
                if st.button("Use this candidate", key="alt_go"):
                    save(fixes.choose(place.id, alternatives[index], label=label, mention=scope),
                         alternatives[index]["id"])
            else:
                st.caption("No other candidates for this name.")
            if st.button("Not a place: drop it", key="drop_go"):
                save(fixes.drop(place.id, label=label, mention=scope), place.id if scope else None)
        with search_col:
            query = st.text_input("Search the gazetteer", value=place.name, key=f"search_{place.id}")
            found = gazetteer().search(query, 12) if query.strip() else []
            if found:
                pick = st.selectbox("Results", range(len(found)), key="search_pick",
                                    format_func=lambda i, c=found: candidate_label(c[i]))
                if st.button("Use search result", key="search_go"):
                    save(fixes.choose(place.id, found[pick], label=label, mention=scope), found[pick].id)
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
    mark_seen()


def share_and_export(doc_id: str, doc: Document) -> None:
    from geo.maps.export import export_geojson, export_html

    st.subheader("Share and export")
    query = urlencode(share_query(doc_id, st.session_state.get("selected")))
    base = (st.context.url or "").split("?", 1)[0]
    st.markdown(f"`{base}?{query}`")
    st.caption("Anyone who can reach this server sees the same article, corrections and selection.")
    html_col, json_col = st.columns(2)
    html_col.download_button("Download the HTML map", data=lambda: export_html(doc), file_name=f"map-{doc_id}.html",
                             mime="text/html", key="download_html", on_click="ignore")
    json_col.download_button(
        "Download GeoJSON",
        data=lambda: json.dumps(export_geojson(doc), ensure_ascii=False, indent=1, sort_keys=True),
        file_name=f"places-{doc_id}.geojson", mime="application/geo+json", key="download_geojson",
        on_click="ignore")
    png_col, svg_col = st.columns(2)  # the static figure for print and social media, corrections applied
    png_col.download_button("Download figure (PNG)", data=lambda: _figure(doc, "png"), file_name=f"map-{doc_id}.png",
                            mime="image/png", key="download_png", on_click="ignore")
    svg_col.download_button("Download figure (SVG)", data=lambda: _figure(doc, "svg"), file_name=f"map-{doc_id}.svg",
                            mime="image/svg+xml", key="download_svg", on_click="ignore")


def _figure(doc: Document, fmt: str) -> bytes:
    from geo.maps.figure import render_figure

    return render_figure(doc, fmt)
