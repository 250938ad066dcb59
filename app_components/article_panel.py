"""The article panel as a Streamlit custom component: highlighted names are buttons that select their
place, a text selection can be added as a missed place, and the map's popups can scroll to a passage.

The frontend is one static file (article_panel_frontend/index.html, no build step, no network) that
speaks Streamlit's component message protocol by hand. Its value is the reader's last action:
``{"event": "place", "place": <place id>, "n": <int>}`` or ``{"event": "selection", "start": <int>,
"end": <int>, "n": <int>}``; ``n`` is fresh for every action, so the app handles each one once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

FRONTEND = Path(__file__).resolve().parent / "article_panel_frontend"
EVENTS = ("place", "selection")

_component = components.declare_component("geo_article_panel", path=str(FRONTEND))


def article_panel(html: str, *, selected: str | None, scroll_to: str | None, fly: dict[str, Any] | None,
                  height: int, key: str) -> dict[str, Any] | None:
    """Show the escaped panel ``html``; scroll to passage ``scroll_to`` when ``selected`` changes, and make
    the map fly to ``fly["place"]`` whenever ``fly["n"]`` changes. Returns the reader's last action."""
    return _component(html=html, selected=selected, scroll_to=scroll_to, fly=fly, height=height, key=key,
                      default=None)


def panel_event(value: Any, seen: Any) -> dict[str, Any] | None:
    """The reader's action in ``value`` if it is well formed and not the one already handled (``seen``)."""
    if not isinstance(value, dict) or value.get("event") not in EVENTS:
        return None
    n = value.get("n")
    if isinstance(n, bool) or not isinstance(n, int | float) or n == seen:
        return None
    if value["event"] == "place":
        return value if isinstance(value.get("place"), str) and value["place"] else None
    ok = all(isinstance(value.get(k), int) and not isinstance(value.get(k), bool) for k in ("start", "end"))
    return value if ok else None
