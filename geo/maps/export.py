"""One self-contained HTML page (map + article panel) and a GeoJSON file, both deterministic.

The page inlines every script, stylesheet and image (see geo/maps/assets.py) and the simplified
basemap, so it opens from a file:// URL with no network. folium's random element ids are
replaced by ids derived from the document, so two exports of the same document are byte-identical.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from geo.maps import htmlsafe
from geo.maps.mapview import build_map, walk_elements
from geo.maps.popups import KIND_LABEL, LOW_CONFIDENCE, mappable_places, passage_label
from geo.parse.frames import document_geojson as export_geojson  # the one GeoJSON builder, in the core
from geo.parse.model import Document, Place, content_id
from geo.parse.spans import spans_by_passage
from geo.paths import atomic_write_text

_FOLIUM_ID = re.compile(r"(?<=_)([0-9a-f]{32})(?![0-9a-f])")
_HEX_SEED = re.compile(r"[0-9a-f]{1,8}")

PAGE_CSS = """
html,body{height:100%;margin:0}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fff}
.geo-layout{display:flex;height:100vh}
.geo-map-col{flex:1 1 60%;min-width:0;position:relative}
.geo-panel{flex:0 0 40%;max-width:560px;overflow-y:auto;box-sizing:border-box;padding:12px 18px;
 border-left:1px solid #ccc;background:#fcfcfa}
.geo-panel h1{font-size:20px;margin:4px 0 6px}
.geo-help{color:#555;font-size:13px;margin:0 0 10px}
.geo-passage{white-space:pre-wrap;margin:0 0 12px;padding:4px 6px;border-radius:4px;scroll-margin:40px}
.geo-passage:focus{outline:2px solid #3451a8}
.geo-pid{display:inline-block;min-width:1.6em;color:#666;font-size:12px;font-weight:600}
.geo-mention{background:#ffe066;color:#000;border-bottom:2px solid #b38f00;cursor:pointer;padding:0 1px}
.geo-mention--low{background:#fff3bf;border-bottom-style:dashed}
.geo-mention:hover,.geo-mention:focus{background:#ffd400;outline:2px solid #000;outline-offset:1px}
.geo-unresolved{border-bottom:1px dotted #888}
@keyframes geo-flash{0%{background:#ffd400}100%{background:transparent}}
.geo-flash{animation:geo-flash 2s ease-out}
@media (prefers-reduced-motion: reduce){.geo-flash{animation:none;background:#fff3bf}}
@media (max-width:800px){.geo-layout{flex-direction:column;height:auto}
 .geo-map-col{flex:none;height:60vh}.geo-panel{max-width:none;border-left:none;border-top:1px solid #ccc;
 overflow:visible}}
"""

PAGE_JS = """
(function(){
  var reg = window.geoMap;
  var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function showPlace(key) {
    var mk = reg && reg.markers[key]; if (!mk) return;
    var done = false;
    function open() { if (done) return; done = true; reg.show(key); }
    var zoom = Math.max(reg.map.getZoom(), 5);
    if (reduce) { reg.map.setView(mk.getLatLng(), zoom, {animate: false}); open(); return; }
    reg.map.once('moveend', open);
    reg.map.flyTo(mk.getLatLng(), zoom, {duration: 0.6});
    setTimeout(open, 900);
  }
  function goToPassage(id) {
    var el = document.getElementById(id); if (!el) return false;
    el.scrollIntoView({block: 'center', behavior: reduce ? 'auto' : 'smooth'});
    el.classList.remove('geo-flash'); void el.offsetWidth; el.classList.add('geo-flash');
    el.focus({preventScroll: true});
    return true;
  }
  document.addEventListener('click', function(ev) {
    var link = ev.target.closest && ev.target.closest('a.geo-goto');
    if (link && goToPassage(link.getAttribute('data-passage'))) { ev.preventDefault(); return; }
    var mention = ev.target.closest && ev.target.closest('.geo-mention');
    if (mention) { ev.preventDefault(); showPlace(mention.getAttribute('data-place')); }
  }, true);
  document.addEventListener('keydown', function(ev) {
    var mention = ev.target.closest && ev.target.closest('.geo-mention');
    if (mention && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault(); showPlace(mention.getAttribute('data-place'));
    }
  });
  window.geoExport = {showPlace: showPlace, goToPassage: goToPassage};
})();
"""


def stable_ids(parts: list[str], known: set[str], seed: str) -> list[str]:
    """Replace folium's random 32-hex element ids in ``parts`` (pieces of one page, in page order) with ids
    numbered in order of first appearance."""
    mapping: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        old = match.group(1)
        if old not in known:
            return match.group(0)
        if old not in mapping:
            mapping[old] = f"{seed}{len(mapping):04d}"
        return mapping[old]

    return [_FOLIUM_ID.sub(swap, part) for part in parts]


def _panel_html(doc: Document, places: list[Place]) -> str:
    """Title and passages (anchors p1…), mentions of mapped places as focusable buttons, all escaped."""
    article = doc.article
    spans: list[tuple[int, int, str, Place | None]] = []
    for index, place in enumerate(places):
        for m in place.mentions:
            spans.append((m.start, m.end, str(index), place))
    for m in doc.unresolved:
        spans.append((m.start, m.end, "", None))
    title = article.title or "Untitled article"
    out = [
        f'<h1 id="geo-title">{htmlsafe.text(title)}</h1>',
        '<p class="geo-help">Highlighted names are on the map: select one (click, or Tab then Enter) to show '
        "its pin. A pin's popup links back to the passage.</p>",
    ]
    for passage, inside in spans_by_passage(article.passages, spans):
        pos = passage.start
        parts = []
        for start, end, key, place in inside:
            parts.append(htmlsafe.text(article.text[pos:start]))
            words = htmlsafe.text(article.text[start:end])
            if place is None:
                parts.append(f'<span class="geo-unresolved" title="not found on the map">{words}</span>')
            else:
                low = " geo-mention--low" if place.confidence < LOW_CONFIDENCE else ""
                label = f"{place.label} ({KIND_LABEL.get(place.kind, 'place').lower()}): show on the map"
                parts.append(
                    f'<mark class="geo-mention{low}" role="button" tabindex="0" data-place="{key}" '
                    f'aria-label="{htmlsafe.attr(label)}">{words}</mark>'
                )
            pos = end
        parts.append(htmlsafe.text(article.text[pos : passage.end]))
        label = passage_label(passage.id)
        out.append(
            f'<p class="geo-passage" id="{htmlsafe.attr(passage.id)}" tabindex="-1">'
            f'<span class="geo-pid" aria-hidden="true">{htmlsafe.text(label)}</span>{"".join(parts)}</p>'
        )
    return "\n".join(out)


def export_html(doc: Document) -> str:
    """The whole page as a string: map (inlined assets, offline basemap) beside the article panel."""
    places = mappable_places(doc)
    m = build_map(doc, assets="inline")
    figure = m.get_root()
    for child in list(figure._children.values()):
        child.render()
    rendered = [figure.header.render(), figure.html.render(), figure.script.render()]
    known = {el._id for el in walk_elements(figure)}
    # Only the map's parts hold folium's ids (random, so no article text can hold one): the article panel,
    # as large as the article, is not searched or copied once more.
    header, map_div, script = stable_ids(rendered, known, _id_seed(doc.article.id))
    title = doc.article.title or "Untitled article"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{htmlsafe.text(title)} — map</title>\n"
        f"{header}\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        '<div class="geo-layout">\n'
        f'<main class="geo-map-col" aria-label="Map of the places in the article">{map_div}</main>\n'
        f'<aside class="geo-panel" aria-labelledby="geo-title">\n{_panel_html(doc, places)}\n</aside>\n'
        "</div>\n"
        f"<script>\n{script}\n</script>\n<script>{PAGE_JS}</script>\n</body>\n</html>\n"
    )


def _id_seed(article_id: str) -> str:
    """Up to 8 hex digits for the element ids (they become JS variable names and HTML ids): the start of the
    article id when it is a content hash, as it normally is, else a hash of whatever the id holds
    (Document.from_dict and library callers accept any string); the same id always gives the same seed."""
    head = article_id[:8]
    return head if _HEX_SEED.fullmatch(head) else content_id(article_id)[:8]


def write_export(doc: Document, path: str | Path) -> Path:
    """Write :func:`export_html` to ``path`` atomically; returns the path."""
    path = Path(path)
    atomic_write_text(path, export_html(doc))
    return path


def write_geojson(doc: Document, path: str | Path) -> Path:
    """Write :func:`export_geojson` to ``path`` atomically (UTF-8, sorted keys); returns the path."""
    import json

    path = Path(path)
    atomic_write_text(
        path, json.dumps(export_geojson(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    )
    return path


def bench_export(doc: Document, repeat: int = 5) -> dict[str, Any]:
    """Time :func:`export_html` (first call in this process, then the median of ``repeat`` warm calls)."""
    import statistics
    import time

    t0 = time.perf_counter()
    first = export_html(doc)
    first_s = time.perf_counter() - t0
    warm, identical = [], True
    for _ in range(repeat):
        t0 = time.perf_counter()
        page = export_html(doc)
        warm.append(time.perf_counter() - t0)
        identical = identical and page == first
    return {
        "places": len(mappable_places(doc)),
        "bytes": len(first.encode("utf-8")),
        "first_ms": round(first_s * 1000),
        "warm_median_ms": round(statistics.median(warm) * 1000) if warm else None,
        "byte_identical": identical,
    }
