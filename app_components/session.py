"""One reader's session: mapping and storing an article, the document on show with its corrections, the
selected place, and the reader's last action in the article panel or the places table.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from app_components.article_panel import panel_event
from app_components.panel import place_by_id, selection_span
from app_components.resources import border_index, gazetteer
from app_components.view import PANEL_KEY, TABLE_KEY, plain, table_pick
from geo.errors import GeoError, InputError, StoreError
from geo.parse.language import LANGUAGE_NAMES
from geo.parse.model import Article, Document
from geo.settings import Settings
from geo.store import corrections as fixes
from geo.store import documents as store

# At most this many parses run at once in one server: several readers pasting large texts queue instead of
# all holding a parse's memory together (the GIL runs them one at a time anyway, so nothing is slower).
MAX_CONCURRENT_PARSES = 2
_PARSE_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_PARSES)


@contextmanager
def parse_slot(waiting: Any = None) -> Iterator[None]:
    """Hold one of the server's parse slots; ``waiting(label)`` is told when the reader has to wait for one."""
    if not _PARSE_SLOTS.acquire(blocking=False):
        if waiting is not None:
            waiting("Waiting for other readers' articles to be mapped first…")
        _PARSE_SLOTS.acquire()
    try:
        yield
    finally:
        _PARSE_SLOTS.release()


# The first start builds the derived data into cache/: (step label, share of the bar, expected seconds).
BUILD_STEPS = {
    "gazetteer": ("Building the gazetteer index (first start only)", 0.55, 30.0),
    "borders": ("Building the border layer and region areas (first start only)", 0.25, 120.0),
    "basemap": ("Building the basemap (first start only)", 0.1, 6.0),
}


def elapsed_text(seconds: float) -> str:
    """A wait as a reader says it: "640 ms", "3.2 s", "41 s"."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"


def _missing_data() -> list[str]:
    """The derived data this server still has to build (first start: all of it)."""
    from geo.borders.areas import cache_path as areas_path
    from geo.borders.layer import cache_path as borders_path
    from geo.maps.basemap import cache_path as basemap_path
    from geo.places.gazetteer import index_path

    missing = [name for name, path in (("gazetteer", index_path()), ("borders", borders_path()),
                                       ("borders", areas_path()), ("basemap", basemap_path())) if not path.exists()]
    missing = list(dict.fromkeys(missing))
    return missing


def _with_ticker(bar: Any, label: str, low: float, high: float, expected: float, work: Callable[[], Any]) -> Any:
    """Run ``work()`` while the bar creeps from ``low`` towards ``high`` with the seconds spent so far
    (a step that reports no progress of its own still shows that it is alive)."""
    done = threading.Event()
    started = time.perf_counter()

    def tick() -> None:
        while not done.wait(0.5):
            spent = time.perf_counter() - started
            share = low + (high - low) * min(0.95, spent / expected)
            try:
                bar.progress(share, text=f"{label}… {spent:.0f} s")
            except Exception:  # noqa: BLE001 - the page went away: nothing to show it on
                return

    bar.progress(low, text=f"{label}…")
    ticker = threading.Thread(target=tick, name="geo-progress", daemon=True)
    add_script_run_ctx(ticker, get_script_run_ctx())
    ticker.start()
    try:
        return work()
    finally:
        done.set()
        ticker.join(1)
        bar.progress(high, text=f"{label}: done in {elapsed_text(time.perf_counter() - started)}")


def ingest(article: Article, policy: Settings | None = None) -> str:
    """Geoparse ``article`` (unless already stored from an offline parse) and store it; returns its id.
    With ``policy.online`` names the gazetteer cannot place go to the online geocoder. On the first start
    (no derived data in cache/ yet) a progress bar says what is being built; the status line gives the
    whole wait, data building included."""
    from geo.pipeline import online_unresolved_geocoder, parse_article

    online = bool(policy and policy.online)
    language = None if not policy or policy.language == "auto" else policy.language

    doc_id = article.id
    if store.has_document(doc_id) and not online and language is None:
        return doc_id
    started = time.perf_counter()
    missing = _missing_data()
    expected = sum(BUILD_STEPS[name][2] for name in missing)
    with st.status(f"Building the place and border data (first start only, about {expected:.0f} s)…" if missing
                   else "Mapping the article…", expanded=bool(missing)) as status:
        bar = st.progress(0.0, text="Starting…")
        pos = 0.0
        for name, load in (("gazetteer", gazetteer), ("borders", border_index), ("basemap", _basemap)):
            label, share, expected = BUILD_STEPS[name]
            if name in missing:
                _with_ticker(bar, label, pos, pos + share, expected, load)
            else:
                load()
            pos += share
        built = time.perf_counter() - started
        gaz = gazetteer()
        geocode = None
        if online:
            notes: list[str] = []
            geocode = online_unresolved_geocoder(policy, report=notes.append, gazetteer=gaz)
        with parse_slot(lambda label: status.update(label=label)):
            label = too_large_notice(article.text) or "Finding and placing the names…"
            status.update(label=label)
            bar.progress(pos, text=label)
            doc = parse_article(article, gazetteer=gaz, geocode_unresolved=geocode, language=language)
        doc.meta["online"] = online
        doc_id = store.save_document(doc)
        if online and notes:
            st.warning(plain("; ".join(notes)))
        # the Document's own notes (a text mapped only in part) are shown with it by load_current
        partly = " (in part: see the note)" if doc.meta.get("notes") else ""
        bar.empty()
        total = time.perf_counter() - started
        label = f"Mapped {len(doc.places)} places in {elapsed_text(total)}{partly}"
        if doc.article.language not in ("", "en"):
            label += f", read as {LANGUAGE_NAMES.get(doc.article.language, doc.article.language)}"
        if missing:
            label += f" (the first start built the place and border data: {elapsed_text(built)})"
        status.update(label=label, state="complete", expanded=False)
    return doc_id


def _basemap() -> Any:
    from geo.maps.basemap import basemap_geojson

    return basemap_geojson()


def too_large_notice(text: str) -> str | None:
    """What to tell a reader before mapping ``text`` when it is too large to map whole (None when it is not)."""
    from geo.parse.toponyms import search_limit

    limit = search_limit(text)
    if limit >= len(text):
        return None
    return (f"This text is too large to map whole ({len(text):,} characters): places are searched for in "
            f"its first {limit:,} characters only…")


def load_current(doc_id: str) -> tuple[Document, list[dict[str, Any]]]:
    """The stored document with its corrections applied, and the corrections list. The document's notes
    (a text too large to map whole, an addition cut at the mention cap) are shown on every run, also to
    readers who open it from a link."""
    base = store.load_document(doc_id)
    try:
        corrs, revision = store.load_corrections_revision(doc_id)
    except StoreError as err:
        st.error(plain(err))
        corrs, revision = [], None
    # The revision read now; the one the reader saw (last run's) is kept by the corrections panel.
    st.session_state.corr_fresh = (doc_id, revision)
    from geo.borders import tag_place

    index = border_index()
    doc = fixes.apply_corrections(base, corrs, tagger=lambda place: tag_place(place, index))
    for note in doc.meta.get("notes", []):
        st.warning(plain(f"Mapped in part: {note}."))
    return doc, corrs


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
    """Show ``doc_id``; its map flies to ``place_id`` and opens its popup. The map drawn is the document's
    own (usually cached on the server already: a share link then costs no map build, about 0.5 s saved);
    the browser does the flight."""
    st.session_state.doc_id = doc_id
    st.session_state.map_focus = None
    st.session_state.fly = None
    select_place(place_id, focus=bool(place_id))


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


def opened_revision(doc_id: str) -> int | None:
    """The revision of ``doc_id``'s corrections as the reader last saw them on the page (None: unknown)."""
    ss = st.session_state
    for seen in (ss.get("corr_seen"), ss.get("corr_fresh")):
        if seen and seen[0] == doc_id:
            return seen[1]
    return None


def mark_seen() -> None:
    """The corrections drawn in this run are the ones the reader's next change is based on."""
    st.session_state.corr_seen = st.session_state.get("corr_fresh")


def write_corrections(doc_id: str, corrs: list[dict[str, Any]]) -> bool:
    """Store ``corrs`` as the corrections of ``doc_id``, if nobody saved others since the reader saw them;
    on failure (a conflict included) say why and return False (nothing changes)."""
    try:
        revision = store.save_corrections(doc_id, corrs, revision=opened_revision(doc_id))
    except store.StoreConflict as err:
        st.error(plain(f"{err}. Their corrections are shown below now."))
        return False
    except GeoError as err:
        st.error(plain(err))
        return False
    except OSError as err:
        st.error(plain(f"the corrections could not be saved ({err.strerror or err}); nothing changed"))
        return False
    st.session_state.corr_seen = st.session_state.corr_fresh = (doc_id, revision)
    return True
