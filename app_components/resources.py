"""What the app loads once per server (the gazetteer, the border layer) and the settings of each run.
"""

from __future__ import annotations

import dataclasses
import gc
import threading
from typing import Any

import streamlit as st

from app_components.view import plain
from geo.errors import GeoError
from geo.settings import Settings

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
    index.areas  # noqa: B018 - the region areas too: built on the first start, under its progress bar
    threading.Thread(target=index.build_all_trees, name="border-trees", daemon=True).start()
    return out_of_gc(index)


def settings() -> Settings:
    """Effective settings: the environment's, with the sidebar's online switch and language applied."""
    from geo.settings import load_settings

    try:
        base = load_settings()
    except GeoError as err:
        st.sidebar.error(plain(err))
        base = Settings()
    return dataclasses.replace(base, online=bool(st.session_state.get("online", base.online)),
                               language=st.session_state.get("language") or base.language)
