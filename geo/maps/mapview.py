"""The folium map of a Document: one pin per place, popups that quote their passages, border layers.

Every string that came from the article goes through :mod:`geo.maps.htmlsafe` before it reaches HTML
(folium 0.20 wraps popups and tooltips in a JavaScript template string). With ``assets="inline"``
the map loads Leaflet, jQuery and MarkerCluster from the xstatic packages, so it works offline
(in the static export and inside streamlit-folium, which both read ``default_js`` / ``default_css``).
"""

from __future__ import annotations

from typing import Any

import folium
from folium.elements import JSCSSMixin
from folium.map import FitBounds
from folium.plugins import MarkerCluster
from folium.template import Template

from geo.coords import to_latlon
from geo.errors import InputError
from geo.maps import assets as geo_assets
from geo.maps import basemap, htmlsafe
from geo.maps.areas import add_areas
from geo.maps.frame import frame_points, story_frame
from geo.maps.labelscript import LABEL_CSS, LABEL_JS, labels_call
from geo.maps.popups import (
    KIND_LABEL,
    LOW_CONFIDENCE,
    PIN_GLYPH,
    PassageIndex,
    mappable_places,
    pin_html,
    popup_html,
)
from geo.parse.model import Document
from geo.places import naturalearth

ASSET_MODES = ("inline", "cdn", "linked")
LINKED_ASSETS = ("leaflet", "jquery", "markerclusterjs", "leaflet_css", "markerclustercss",
                 "markerclusterdefaultcss", "basemap", "labels")
BASEMAP_NAME = "Basemap: Natural Earth (offline)"
BASEMAP_STYLE = {"color": "#8a8a8a", "weight": 0.6, "fillColor": "#f4f1e8", "fillOpacity": 1}
PASSAGE_LINK_MODES = ("anchor", "parent")
CARTO_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
CARTO_ATTR = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)

ATTRIBUTION = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0), '
    '<a href="https://github.com/dr5hn/countries-states-cities-database">countrystatecity</a> (ODbL); '
    'borders: <a href="https://www.naturalearthdata.com/">Natural Earth</a> (public domain), '
    + htmlsafe.text(naturalearth.BORDER_VIEW)
)

MAP_CSS = """
.geo-map.leaflet-container{background:#c9dcea;font:13px/1.4 system-ui,sans-serif}
.geo-pin-icon{background:none;border:none}
.geo-pin{display:flex;align-items:center;justify-content:center;box-sizing:border-box;width:22px;height:22px;
 color:#fff;font-size:11px;line-height:1;border:2px solid #fff;box-shadow:0 0 0 1px #333,0 1px 3px rgba(0,0,0,.5)}
.geo-pin--city{background:#b3202a;border-radius:50%}
.geo-pin--region{background:#c25e00;border-radius:4px}
.geo-pin--country{background:#3451a8;transform:rotate(45deg);border-radius:2px}
.geo-pin--country .geo-pin__glyph{transform:rotate(-45deg)}
.geo-pin--continent{background:#4b6b2f;border-radius:50% 50% 4px 4px}
.geo-pin--feature{background:#6a3d9a;border-radius:50%}
.geo-pin--low{opacity:.7;border-style:dashed;border-color:#222;background-image:repeating-linear-gradient(
 45deg,rgba(255,255,255,.35) 0 3px,transparent 3px 6px)}
.geo-pin--selected{box-shadow:0 0 0 3px #ffd400,0 1px 3px rgba(0,0,0,.5)}
.geo-pin-icon:focus{outline:none}
.geo-pin-icon:focus .geo-pin{box-shadow:0 0 0 3px #000,0 0 0 5px #ffd400}
.geo-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.geo-popup h3{margin:0 0 2px;font-size:15px}
.geo-popup .geo-meta{margin:0 0 4px;color:#444}
.geo-popup .geo-border{margin:0 0 6px}
.geo-popup ol{margin:4px 0 0;padding-left:18px;max-height:220px;overflow:auto}
.geo-popup blockquote{margin:2px 0;padding-left:6px;border-left:3px solid #999}
.geo-popup mark{background:#ffe066;color:#000;font-weight:600}
.leaflet-popup.geo-card{position:absolute;top:10px;right:10px;left:auto!important;bottom:auto!important;
 transform:none!important;margin:0;z-index:1000;width:min(300px,42%)}
.geo-card .leaflet-popup-tip-container{display:none}
.geo-card .leaflet-popup-content-wrapper{border-radius:6px;overflow:auto;max-height:var(--geo-card-h,400px)}
.geo-card .leaflet-popup-content{width:auto!important;margin:10px 12px}
.geo-card .geo-popup ol{max-height:none}
.geo-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
 max-width:230px;font-size:12px}
.geo-legend summary{font-weight:600;cursor:pointer}
.geo-legend ul{list-style:none;margin:0;padding:0}
.geo-legend li{display:flex;align-items:center;gap:6px;margin:2px 0}
.geo-legend .geo-pin{width:16px;height:16px;font-size:8px;flex:none}
.geo-legend .geo-swatch{width:22px;height:10px;flex:none;box-sizing:border-box}
.geo-legend .geo-view{margin:4px 0 0;color:#444}
.geo-far{background:rgba(255,255,255,.92);padding:4px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
 font-size:12px;max-width:320px}
.geo-far__go{font:inherit;border:1px solid #3451a8;color:#3451a8;background:#fff;border-radius:3px;margin:1px 2px;
 padding:0 5px;cursor:pointer}
.geo-far__go:hover,.geo-far__go:focus{background:#3451a8;color:#fff}
""" + LABEL_CSS

HATCH_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="geo-hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">'
    '<rect width="8" height="8" fill="rgba(160,0,0,0.08)"/><line x1="0" y1="0" x2="0" y2="8" '
    'stroke="#a00000" stroke-width="3"/></pattern></defs></svg>'
)


def _legend_html() -> str:
    rows = [
        (
            f'<span class="geo-pin geo-pin--{kind}" aria-hidden="true"><span class="geo-pin__glyph">'
            f"{PIN_GLYPH[kind]}</span></span>",
            KIND_LABEL[kind],
        )
        for kind in ("city", "region", "country", "continent")
    ]
    rows.append(
        (
            '<span class="geo-pin geo-pin--city geo-pin--low" aria-hidden="true">?</span>',
            f"Uncertain match (confidence &lt; {LOW_CONFIDENCE:.1f})",
        )
    )
    rows.append(
        (
            '<span class="geo-swatch" style="border:2px solid #3451a8;background:rgba(52,81,168,.15)"></span>',
            "Country mentioned (region: its approximate area)",
        )
    )
    rows.append(
        (
            '<span class="geo-swatch" style="border-top:4px dashed #d0021b"></span>',
            "Land border between mentioned countries",
        )
    )
    rows.append(
        (
            '<span class="geo-swatch" style="border:2px dashed #a00000;background:repeating-linear-gradient('
            '45deg,#a00000 0 2px,transparent 2px 5px)"></span>',
            "Contested or occupied area",
        )
    )
    items = "".join(f"<li>{icon}<span>{label}</span></li>" for icon, label in rows)
    return (
        f'<details open><summary>Legend</summary><ul>{items}</ul><p class="geo-view">Borders: '
        f"{htmlsafe.text(naturalearth.BORDER_VIEW)}</p></details>"
    )


class ScriptElement(folium.MacroElement):
    """A piece of trusted JavaScript added to the map's script (never built from article text directly)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

    def __init__(self, js: str) -> None:
        super().__init__()
        self._name = "GeoScript"
        self.js = js


class _LinkedGeoJson(folium.map.Layer):
    """A non-interactive GeoJSON layer whose data is fetched from ``url`` when the map loads, instead of
    being written into the page (the app's maps share one cached basemap file this way)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(null, {interactive: false,
    style: function() { return {{ this.style|tojson }}; }});
fetch({{ this.url|tojson }}).then(function(r) {
    if (!r.ok) { throw new Error('HTTP ' + r.status); }
    return r.json();
}).then(function(data) {
    {{ this.get_name() }}.addData(data);
    {{ this.get_name() }}.bringToBack();
}).catch(function(err) { console.warn('basemap not loaded: ' + err); });
{% endmacro %}"""
    )

    def __init__(self, url: str, style: dict[str, Any], name: str, overlay: bool = False) -> None:
        super().__init__(name=name, overlay=overlay)
        self._name = "LinkedGeoJson"
        self.url, self.style = url, style




def apply_assets(m: folium.Map, mode: str, urls: dict[str, str] | None = None) -> None:
    """Point every element's JS/CSS at inlined copies, at ``urls`` (``linked``) or at folium's CDNs
    (``cdn``), per instance."""
    if mode == "linked":
        js = css = urls or {}
    else:
        js, css = dict(geo_assets.inline_js()), dict(geo_assets.inline_css())
    for element in walk_elements(m):
        if not isinstance(element, JSCSSMixin):
            continue
        if mode == "cdn":
            if isinstance(element, folium.Map):
                element.default_js = [p for p in element.default_js if p[0] in ("leaflet", "jquery")]
                element.default_css = [p for p in element.default_css if p[0] == "leaflet_css"]
            continue
        if isinstance(element, folium.Map):
            element.default_js = [("leaflet", js["leaflet"]), ("jquery", js["jquery"])]
            element.default_css = [("leaflet_css", css["leaflet_css"])]
        elif isinstance(element, MarkerCluster):
            element.default_js = [("markerclusterjs", js["markerclusterjs"])]
            element.default_css = [(n, css[n]) for n in ("markerclustercss", "markerclusterdefaultcss")]
        elif element.default_js or element.default_css:
            raise InputError(f"{type(element).__name__} needs assets that are not available offline")


FRAME_MAX_ZOOM = 7
FLY_MIN_ZOOM = 5  # a place flown to is shown at this zoom (about a country) or closer
SMALL_MAP = (900, 700)  # px: a map narrower or lower than this opens its popups as a card at the right edge
POPUP_CLEAR_TOP_LEFT = (130, 110)  # px kept free at the top left, where the zoom buttons and the scale bar sit
FRAME_PADDING_BOTTOM_RIGHT = (40, 60)  # the folded legend and the attribution sit at the bottom right
FRAME_PADDING_TOP_LEFT = (50, 110)  # no pin opens under the zoom buttons or the scale bar


def story_bounds(places: list[Any]) -> list[list[float]] | None:
    """The opening frame [[south, west], [north, east]] of mapped places (geo.maps.frame.story_frame)."""
    frame = story_frame(frame_points(places))
    return None if frame is None else frame.bounds


def _far_control(map_name: str, places: list[Any], far: list[str]) -> str:
    """Script of the "Also mentioned: Washington" control: one button per place outside the opening frame,
    which flies to it (the map says the place is there although the frame leaves it out)."""
    if not far:
        return ""
    buttons = "".join(
        f'<button type="button" class="geo-far__go" data-key="{htmlsafe.attr(k)}">'
        f"{htmlsafe.text(places[int(k)].label)}</button>" for k in far)
    body = htmlsafe.script_json(f'<span class="geo-far__lead">Also mentioned:</span> {buttons}')
    return f"""
(function() {{
  var map = {map_name}, far = L.control({{position: 'topright'}});
  far.onAdd = function() {{
    var div = L.DomUtil.create('div', 'geo-far');
    div.setAttribute('role', 'region'); div.setAttribute('aria-label', 'Places outside this view');
    div.innerHTML = {body};
    L.DomEvent.disableClickPropagation(div);
    div.addEventListener('click', function(ev) {{
      var b = ev.target.closest && ev.target.closest('.geo-far__go');
      if (b && window.geoMap) {{ window.geoMap.fly(b.getAttribute('data-key'), 0.8); }}
    }});
    return div;
  }};
  far.addTo(map);
}})();
"""


def walk_elements(element: Any) -> list[Any]:
    """Every branca element under ``element`` (children and Element-valued attributes), depth first."""
    from branca.element import Element

    seen: set[int] = set()
    out: list[Any] = []
    stack = [element]
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        out.append(el)
        extra = [v for k, v in sorted(vars(el).items()) if k != "_parent" and isinstance(v, Element)]
        stack.extend(reversed(list(el._children.values()) + extra))
    return out



# In an iframe (the Streamlit app) a "Go to passage" link asks the embedding page to show the passage.
_PARENT_LINKS_JS = """
(function() {
  var reg = window.geoMap; if (!reg || window.parent === window) return;
  // A pin click tells the embedding page at once (its article panel highlights the passages), before
  // the app's own round trip.
  Object.keys(reg.markers).forEach(function(key) {
    reg.markers[key].on('click', function() {
      window.parent.postMessage({type: 'geo:select-place', place: reg.placeIds[key]}, window.location.origin);
    });
  });
})();
// A press focuses the map: Leaflet's keyboard handler calls the container's focus() and then restores
// this frame's scroll only; Chromium has meanwhile scrolled the app page to show as much of the focused
// map as it can. When the map reaches below the window the page moves under the pointer between press
// and release, and the click is lost (no popup, no selection). Focus never scrolls here.
(function() {
  var reg = window.geoMap; if (!reg || window.parent === window) return;
  var box = reg.map.getContainer();
  box.focus = function(options) {
    HTMLElement.prototype.focus.call(box, Object.assign({}, options || {}, {preventScroll: true}));
  };
})();
document.addEventListener('mousedown', function(ev) {
  if (ev.button !== 0 || window.parent === window) return;
  var target = ev.target.closest && ev.target.closest('.leaflet-marker-icon[tabindex]');
  if (!target) return;
  ev.preventDefault();  // the pin's own focus, without scrolling
  target.focus({preventScroll: true});
}, true);
document.addEventListener('click', function(ev) {
  var link = ev.target.closest && ev.target.closest('a.geo-goto');
  if (!link || window.parent === window) return;
  ev.preventDefault();
  var popup = link.closest('.geo-popup');
  window.parent.postMessage({type: 'geo:goto-passage', passage: link.getAttribute('data-passage'),
                             place: popup ? popup.getAttribute('data-place-id') : null}, window.location.origin);
}, true);
"""


def build_map(doc: Document, *, selected_place: str | None = None, assets: str = "inline",
              passage_links: str = "anchor", asset_urls: dict[str, str] | None = None) -> folium.Map:
    """A folium Map of ``doc``: pins, popups quoting passages, area and border layers, legend, offline assets.

    ``selected_place`` (a place id) opens that place's popup on load. ``assets`` is ``"inline"``
    (offline copies from the xstatic packages, and the basemap, written into the page), ``"linked"``
    (the same files loaded from ``asset_urls``, {name: URL} for every name in LINKED_ASSETS, as a server
    publishes them with geo.maps.webassets) or ``"cdn"`` (folium's online defaults).
    ``passage_links`` says what a popup's "Go to passage" link does: ``"anchor"`` follows ``#<passage id>``
    in the same page (the static export); ``"parent"`` (a map inside an iframe, as in the Streamlit app)
    posts ``{type: "geo:goto-passage", passage, place}`` to the embedding page, same origin only.
    """
    if assets not in ASSET_MODES:
        raise InputError(f"unknown assets mode {assets!r}; choose one of {', '.join(ASSET_MODES)}")
    if assets == "linked" and not set(LINKED_ASSETS) <= set(asset_urls or {}):
        raise InputError("linked assets need a URL for each of " + ", ".join(LINKED_ASSETS))
    if passage_links not in PASSAGE_LINK_MODES:
        raise InputError(f"unknown passage_links mode {passage_links!r}; choose one of {', '.join(PASSAGE_LINK_MODES)}")
    places = mappable_places(doc)
    m = folium.Map(location=[30, 20], zoom_start=2, tiles=None, control_scale=False, world_copy_jump=False)
    m.options.update(minZoom=1, maxZoom=14)  # MarkerCluster needs a maxZoom; there is no tile layer to set it
    m.options.update(zoomSnap=0.25)  # quarter zooms: a story spanning two continents still opens closer than the world
    if assets == "linked":
        base = _LinkedGeoJson(asset_urls["basemap"], BASEMAP_STYLE, name=BASEMAP_NAME).add_to(m)
    else:
        base = folium.GeoJson(basemap.basemap_geojson(), name=BASEMAP_NAME, overlay=False,
                              style_function=lambda _f: dict(BASEMAP_STYLE), interactive=False).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online only)", overlay=False, show=False).add_to(m)
    folium.TileLayer(
        CARTO_URL, attr=CARTO_ATTR, name="CartoDB Positron (online only)", overlay=False, show=False
    ).add_to(m)

    add_areas(m, places)

    cluster = MarkerCluster(
        name="Places mentioned",
        options={"maxClusterRadius": 36, "showCoverageOnHover": False, "spiderfyOnMaxZoom": True},
    ).add_to(m)
    markers: dict[str, str] = {}
    passages = PassageIndex(doc.article)  # once: every popup quotes its passages through it
    for index, place in enumerate(places):
        selected = place.id == selected_place
        marker = folium.Marker(
            location=to_latlon(place.lon, place.lat),
            icon=folium.DivIcon(
                html=pin_html(place, selected),
                icon_size=(22, 22),
                icon_anchor=(11, 11),
                class_name="geo-pin-icon",
            ),
            tooltip=folium.Tooltip(htmlsafe.text(place.label), sticky=False),
            popup=folium.Popup(folium.Html(popup_html(doc, place, passages), script=True), max_width=380,
                               auto_pan_padding_top_left=POPUP_CLEAR_TOP_LEFT),
        )
        marker.add_to(cluster)
        markers[str(index)] = marker.get_name()

    frame = story_frame(frame_points(places))
    if frame is not None:
        fit = FitBounds(frame.bounds, padding_top_left=FRAME_PADDING_TOP_LEFT,
                        padding_bottom_right=FRAME_PADDING_BOTTOM_RIGHT, max_zoom=FRAME_MAX_ZOOM)
        # The map opens on its frame: not a zoom animation from folium's starting view (while it runs the pins
        # are re-clustered, and a popup opened meanwhile, as a share link's, was closed when it ended).
        fit.options["animate"] = False
        fit.add_to(m)

    folium.LayerControl(collapsed=True, position="topright").add_to(m)

    registry = ",".join(f"{htmlsafe.script_json(k)}:{v}" for k, v in markers.items())
    ids = htmlsafe.script_json({str(i): p.id for i, p in enumerate(places)})
    selected_index = next((str(i) for i, p in enumerate(places) if p.id == selected_place), None)
    map_name = m.get_name()
    ScriptElement(
        LABEL_JS + f"""
(function(){{
  var map = {map_name};
  map.getContainer().classList.add('geo-map');
  if (!document.getElementById('geo-map-style')) {{
    var st = document.createElement('style'); st.id = 'geo-map-style';
    st.textContent = {htmlsafe.script_json(MAP_CSS)};
    document.head.appendChild(st);
    var holder = document.createElement('div');
    holder.innerHTML = {htmlsafe.script_json(HATCH_SVG)};
    document.body.appendChild(holder.firstChild);
  }}
  L.control.scale({{position: 'topleft'}}).addTo(map);  // top: the long attribution would cover it
  map.attributionControl.addAttribution({htmlsafe.script_json(ATTRIBUTION)});
  var legend = L.control({{position: 'bottomright'}});
  legend.onAdd = function() {{
    var div = L.DomUtil.create('div', 'geo-legend');
    div.setAttribute('role', 'region'); div.setAttribute('aria-label', 'Map legend');
    div.innerHTML = {htmlsafe.script_json(_legend_html())};
    var size = map.getSize();  // small maps: legend folded, so that it covers no pin
    if (size.y < 700 || size.x < 900) {{ div.firstChild.open = false; }}
    return div;
  }};
  legend.addTo(map);
  var SMALL_W = {SMALL_MAP[0]}, SMALL_H = {SMALL_MAP[1]};
  var reg = window.geoMap = {{map: map, cluster: {cluster.get_name()}, markers: {{{registry}}}, placeIds: {ids}}};
  reg.show = function(key, tries) {{
    var mk = reg.markers[key]; if (!mk) return false;
    tries = tries || 0;
    if (!tries) {{ map.closePopup(); reg.pending = key; }}
    reg.cluster.zoomToShowLayer(mk, function() {{ if (reg.pending === key) {{ mk.openPopup(); }} }});
    // Leaflet.markercluster can drop that callback when a zoom or pan is already under way (as while
    // the page is still loading): check, and open the popup or try again, unless another place was asked for.
    setTimeout(function() {{
      if (reg.pending !== key || mk.isPopupOpen()) return;
      if (map.hasLayer(mk) && map.getBounds().contains(mk.getLatLng())) {{ mk.openPopup(); }}
      else if (tries < 5) {{ reg.show(key, tries + 1); }}
    }}, 900);
    return true;
  }};
  map.on('popupopen', function(e) {{  // the reader opened another popup: stop trying to open ours
    var mk = reg.markers[reg.pending];
    if (mk && e.popup !== mk.getPopup()) {{ reg.pending = null; }}
  }});
  // On a small map a popup would cover half of it: it opens as a card along the right edge instead
  // (not panned to, out of the map's moving panes), and the map moves its pin out from under the card.
  var small = function() {{ var s = map.getSize(); return s.x < SMALL_W || s.y < SMALL_H; }};
  var adjustPan = L.Popup.prototype._adjustPan;
  L.Popup.prototype._adjustPan = function() {{
    if (this._map === map && small()) {{ return; }}
    return adjustPan.apply(this, arguments);
  }};
  map.on('popupopen', function(e) {{
    var box = e.popup.getElement();
    if (!box) {{ return; }}
    box.classList.toggle('geo-card', small());
    if (!small()) {{ return; }}
    map.getContainer().style.setProperty('--geo-card-h', (map.getSize().y - 60) + 'px');
    map.getContainer().appendChild(box);
    var at = e.popup.getLatLng(); if (!at) {{ return; }}
    var p = map.latLngToContainerPoint(at), free = map.getSize().x - box.offsetWidth - 30;
    if (p.x > free) {{ map.panBy([p.x - free / 2, 0], {{animate: false}}); }}
  }});
  // Place `key` shown with its popup open in one move of `duration` seconds (0: at once): straight to the
  // zoom at which its pin stands alone (out of its cluster), the pin left of the card on a small map and
  // below the middle on a big one (its popup opens above it). No second zoom, no pan after the popup.
  reg.fly = function(key, duration) {{
    var mk = reg.markers[key]; if (!mk) return false;
    map.closePopup(); reg.pending = key;
    if (map.hasLayer(mk) && map.getBounds().pad(-0.05).contains(mk.getLatLng())) {{ mk.openPopup(); return true; }}
    var zoom = Math.max(map.getZoom(), {FLY_MIN_ZOOM});
    if (mk.__parent && mk.__parent._zoom !== undefined) {{ zoom = Math.max(zoom, mk.__parent._zoom + 1); }}
    if (zoom > map.getMaxZoom()) {{ return reg.show(key); }}  // clustered to the last zoom: spiderfied
    var size = map.getSize();
    var at = small() ? L.point((size.x - Math.min(300, 0.42 * size.x) - 30) / 2, size.y / 2)
                     : L.point(size.x / 2, size.y * 0.7);
    var center = map.unproject(map.project(mk.getLatLng(), zoom).subtract(at).add(size.divideBy(2)), zoom);
    var open = function() {{
      if (reg.pending !== key || mk.isPopupOpen()) return;
      if (map.hasLayer(mk)) {{ mk.openPopup(); }} else {{ reg.show(key); }}
    }};
    if (!duration) {{ map.setView(center, zoom, {{animate: false}}); open(); return true; }}
    map.flyTo(center, zoom, {{duration: duration}});
    map.once('moveend', open);  // after flyTo: the end of a move it stopped is not the flight's end
    setTimeout(open, duration * 1000 + 400);  // the flight was cut short (a drag): open it anyway
    return true;
  }};
  {labels_call(map_name, asset_urls["labels"] if assets == "linked" else None, cluster.get_name(), base.get_name())}
  var sel = {htmlsafe.script_json(selected_index)};
  if (sel !== null) {{ map.whenReady(function() {{ reg.show(sel); }}); }}
}})();
"""
        + _far_control(map_name, places, frame.far if frame is not None else [])
        + (_PARENT_LINKS_JS if passage_links == "parent" else "")
    ).add_to(m)
    apply_assets(m, assets, asset_urls)
    return m
