"""The corpus map: one self-contained HTML page (offline, like the single-article export) with a pin per place
sized by how many articles mention it, a date range that filters the pins and can play the story forward,
clustering, the border layer, popups listing the articles (title, date, link, quoted passage) and a legend
stating the border view and the date range.

Leaflet, its plugins and the basemap are inlined by the same helpers as geo/maps/export.py; every string that
came from an article goes through geo.maps.htmlsafe before it reaches the page. Deterministic: the same corpus
gives the same bytes.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
from folium.plugins import MarkerCluster

from geo.borders import border_sentence
from geo.corpus.aggregate import Corpus
from geo.corpus.mapareas import STYLES, corpus_areas
from geo.corpus.mapscript import CORPUS_CSS, CORPUS_JS
from geo.maps import htmlsafe
from geo.maps.export import stable_ids
from geo.maps.labelscript import LABEL_CSS, LABEL_JS, labels_call
from geo.maps.mapview import (
    ATTRIBUTION,
    BASEMAP_NAME,
    BASEMAP_STYLE,
    CARTO_ATTR,
    CARTO_URL,
    HATCH_SVG,
    ScriptElement,
    apply_assets,
    walk_elements,
)
from geo.maps.popups import KIND_LABEL
from geo.parse.model import Place, content_id
from geo.paths import atomic_write_text
from geo.places import naturalearth

LIST_MAX = 60  # articles listed in a popup (the rest are counted)
STEP_MS = 700  # one date of the story per step when playing...
PLAY_MS = 20_000  # ...but a whole play lasts at most about this long (long corpora step faster)
KINDS = ("city", "region", "country", "continent", "feature")


_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][!#-~]*)?")  # printable ASCII, no spaces


def link_url(url: Any) -> str:
    """The URL when it is http(s), else "" (no link: javascript:, data: and the like); not escaped."""
    if not isinstance(url, str) or not url.strip():
        return ""
    if _PLAIN_HTTP.fullmatch(url):  # the common case, without urlsplit's cost (a corpus has many)
        return url
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url.strip()


def safe_url(url: Any) -> str:
    """:func:`link_url` escaped for an href."""
    return htmlsafe.attr(link_url(url))


def _place(fields: dict[str, Any]) -> Place:
    return Place(id=fields["id"], name=fields["name"], kind=fields["kind"], lat=fields["lat"], lon=fields["lon"],
                 country=fields.get("country"), admin1=fields.get("admin1"), border=fields.get("border"))


def _mappable(fields: dict[str, Any]) -> bool:
    try:
        lat, lon = float(fields["lat"]), float(fields["lon"])
    except (TypeError, ValueError, KeyError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def corpus_data(corpus: Corpus) -> dict[str, Any]:
    """What the page's script reads: dates with their article counts, the sampled articles, the places (with
    their articles per day and their quotes) and the areas. Place names and meta lines are escaped here; the
    articles' titles, links and quotes (most of the strings) are escaped by the script when a popup is built
    (the data block itself is safe JSON in the <script>: htmlsafe.script_json)."""
    days = sorted(d for d in corpus.days if d)
    day_index = {d: i for i, d in enumerate(days)}
    seqs = sorted(corpus.articles)
    article_index = {seq: i for i, seq in enumerate(seqs)}
    articles = []
    for seq in seqs:
        a = corpus.articles[seq]
        title = a.get("title") or f"Article {a['id']}"
        articles.append([title, link_url(a.get("url")), a.get("date") or "",
                         day_index.get(a.get("date") or "", -1)])
    places = []
    mapped = []
    for row in corpus.place_rows():
        place = corpus.places[row["id"]]
        if not _mappable(place.fields):
            continue
        mapped.append(_place(place.fields))
        kind = row["kind"] if row["kind"] in KINDS else "feature"
        meta = [KIND_LABEL.get(kind, "Place")]
        if row.get("country_name") and kind != "country":
            meta.append(row["country_name"])
        sentence = border_sentence(mapped[-1]) if place.fields.get("border") else ""
        meta_html = " · ".join(htmlsafe.text(x) for x in meta)
        if sentence:
            meta_html += "<br>" + htmlsafe.text(sentence)
        quotes = [[article_index[seq], q[1], q[2], q[3]]
                  for seq, q in ((s, place.articles[s]) for s in _by_date(corpus, place.articles))]
        per_day = sorted([day_index.get(d, -1), n] for d, n in place.days.items())
        places.append({"id": htmlsafe.attr(row["id"]), "n": htmlsafe.text(row["name"]), "t": row["name"],
                       "k": kind, "m": meta_html, "ll": [round(row["lat"], 5), round(row["lon"], 5)], "a": quotes,
                       "c": per_day})
    return {"days": days, "dayCounts": [corpus.days[d] for d in days], "undated": corpus.undated(),
            "total": corpus.article_total, "articles": articles, "places": places, "listMax": LIST_MAX,
            "areas": corpus_areas(mapped), "styles": STYLES,
            "stepMs": max(60, min(STEP_MS, PLAY_MS // max(len(days), 1)))}


def _by_date(corpus: Corpus, seqs: Any) -> list[int]:
    return sorted(seqs, key=lambda s: (corpus.articles[s].get("date") or "9999", s))


def _legend_html(corpus: Corpus) -> str:
    first, last = corpus.date_range()
    rows = [(f'<span class="gc-pin gc-pin--{k}" aria-hidden="true"></span>', KIND_LABEL[k])
            for k in ("city", "region", "country", "continent")]
    rows += [
        ('<span class="gc-swatch" style="border:2px solid #3451a8;background:rgba(52,81,168,.15)"></span>',
         "Country mentioned"),
        ('<span class="gc-swatch" style="border-top:4px dashed #d0021b"></span>', "Land border between them"),
        ('<span class="gc-swatch" style="border:2px dashed #a00000;background:repeating-linear-gradient('
         '45deg,#a00000 0 2px,transparent 2px 5px)"></span>', "Contested or occupied area"),
    ]
    items = "".join(f"<li>{icon}<span>{label}</span></li>" for icon, label in rows)
    undated = corpus.undated()
    span = f"{first} – {last}" if first else "no dates"
    note = f"<p>{undated} undated article{'s' if undated != 1 else ''} always shown.</p>" if undated else ""
    return (
        f"<details open><summary>Legend</summary><ul>{items}</ul>"
        "<p>Pin size and number: articles in the date range. Round coloured bubbles group nearby places "
        "(their number counts places); zoom in or click to split them.</p>"
        f'<p>Showing <span id="gc-legend-range">{htmlsafe.text(span)}</span> '
        f"(corpus {htmlsafe.text(span)}).</p>{note}"
        f"<p>Borders: {htmlsafe.text(naturalearth.BORDER_VIEW)}</p></details>"
    )


def _build_map(corpus: Corpus) -> tuple[folium.Map, MarkerCluster]:
    m = folium.Map(location=[30, 20], zoom_start=2, tiles=None, control_scale=False, world_copy_jump=False)
    m.options.update(minZoom=1, maxZoom=14)
    from geo.maps import basemap

    base = folium.GeoJson(basemap.basemap_geojson(), name=BASEMAP_NAME, overlay=False,
                          style_function=lambda _f: dict(BASEMAP_STYLE), interactive=False).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online only)", overlay=False, show=False).add_to(m)
    folium.TileLayer(CARTO_URL, attr=CARTO_ATTR, name="CartoDB Positron (online only)", overlay=False,
                     show=False).add_to(m)
    cluster = MarkerCluster(name="Places mentioned",
                            options={"maxClusterRadius": 40, "showCoverageOnHover": False,
                                     "spiderfyOnMaxZoom": True}).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    ScriptElement(LABEL_JS + f"""
(function(){{
  var map = {m.get_name()};
  {labels_call(m.get_name(), None, cluster.get_name(), base.get_name())}
  L.control.scale({{position: 'topleft'}}).addTo(map);
  map.attributionControl.addAttribution({htmlsafe.script_json(ATTRIBUTION)});
  var holder = document.createElement('div');
  holder.innerHTML = {htmlsafe.script_json(HATCH_SVG)};
  document.body.appendChild(holder.firstChild);
  var legend = L.control({{position: 'bottomright'}});
  legend.onAdd = function() {{
    var div = L.DomUtil.create('div', 'gc-legend');
    div.setAttribute('role', 'region'); div.setAttribute('aria-label', 'Map legend');
    div.innerHTML = {htmlsafe.script_json(_legend_html(corpus))};
    // small maps and small screens (a 1366x768 laptop): legend folded, the map's east kept in view
    if (map.getSize().y < 600 || window.screen.height < 800) {{ div.firstChild.open = false; }}
    return div;
  }};
  legend.addTo(map);
  window.geoCorpusMap = map;
  window.geoMap = {{map: map, cluster: {cluster.get_name()}}};
  window.geoCorpusCluster = {cluster.get_name()};
}})();
""").add_to(m)
    apply_assets(m, "inline")
    return m, cluster


def corpus_html(corpus: Corpus, title: str = "Corpus map") -> str:
    """The whole corpus map page as a string."""
    data = corpus_data(corpus)
    # raw article strings ride in the data block: no "${" either, though nothing reads it as a template
    block = htmlsafe.script_json(data).replace("${", "$\\u007b")
    m, _ = _build_map(corpus)
    figure = m.get_root()
    for child in list(figure._children.values()):
        child.render()
    header, map_div, script = figure.header.render(), figure.html.render(), figure.script.render()
    n_articles, n_failed = corpus.article_total, corpus.failure_total
    failed = f", {n_failed} could not be read" if n_failed else ""
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{htmlsafe.text(title)}</title>\n{header}\n<style>{CORPUS_CSS}{LABEL_CSS}</style>\n</head>\n<body>\n"
        '<div class="gc-layout">\n<header class="gc-bar">\n'
        f"<h1>{htmlsafe.text(title)}</h1>\n"
        f'<span class="gc-meta">{n_articles} articles, {len(data["places"])} places{failed}</span>\n'
        '<span class="gc-range"><label for="gc-from">From</label>'
        '<input type="range" id="gc-from" min="0" step="1"><output id="gc-from-out" for="gc-from"></output>'
        '<label for="gc-to">to</label>'
        '<input type="range" id="gc-to" min="0" step="1"><output id="gc-to-out" for="gc-to"></output></span>\n'
        '<button type="button" id="gc-play">\u25b6 Play</button>\n'
        '<span class="gc-status" id="gc-status" role="status" aria-live="polite"></span>\n'
        "</header>\n"
        f'<main class="gc-map" aria-label="Map of the places in the corpus">{map_div}</main>\n</div>\n'
        f"<script>\n{script}\n</script>\n"
        f"<script>window.geoCorpusData = {block};</script>\n"
        f"<script>{CORPUS_JS}</script>\n</body>\n</html>\n"
    )
    known = {el._id for el in walk_elements(figure)}
    seed = content_id(block)[:8]
    return stable_ids([page], known, seed)[0]


def write_corpus_map(corpus: Corpus, path: str | Path, title: str = "Corpus map") -> Path:
    """Write :func:`corpus_html` to ``path`` atomically; returns the path."""
    path = Path(path)
    atomic_write_text(path, corpus_html(corpus, title))
    return path
