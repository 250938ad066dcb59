"""The app's pure helpers: article input, clicks and table picks to place ids, table rows, share queries and
map keys, and text made safe for Streamlit's Markdown. No Streamlit calls here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from geo.borders import border_sentence
from geo.errors import InputError
from geo.maps.popups import KIND_LABEL
from geo.parse.article import read_article
from geo.parse.model import Article, Document

UPLOAD_TYPES = ("txt", "md", "markdown", "html", "htm")
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
        named = [p.id for p in doc.places if p.label == tooltip.strip()]
        if len(named) == 1:
            return named[0]
    return None


def places_rows(doc: Document) -> list[dict[str, Any]]:
    """One table row per place (plain values; Streamlit's table renders them as text)."""
    return [
        {
            "Place": p.shown_name,
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
