"""The web map's basemap names: the script that places them and their (quiet) style.

The names are plain DOM text in a Leaflet pane of their own (above the areas, below the pins), so a screen
reader, a page search and a test read them. After every move the script places them greedily by rank (the
order of :func:`geo.maps.labels.basemap_labels`): a name shows when its zoom has come, it lies wholly inside
the view and its box overlaps neither a name already placed nor a pin or cluster (the same rule as
:func:`geo.maps.labels.greedy_place`, which the figure uses).
"""

from __future__ import annotations

import functools

from geo.maps import htmlsafe, labels

LABEL_CSS = """
.geo-labels{pointer-events:none}
.geo-label{position:absolute;white-space:nowrap;line-height:1;color:#5f5a52;
 text-shadow:0 0 2px #f4f1e8,0 0 2px #f4f1e8,0 0 3px #f4f1e8;font-family:system-ui,sans-serif}
.geo-label--country{font-size:12px;font-weight:600;letter-spacing:.08em;text-transform:uppercase;color:#7a7263}
.geo-label--capital,.geo-label--city{font-size:11px;padding-left:8px}
.geo-label--capital{font-weight:600;color:#4d4840}
.geo-label--capital:before,.geo-label--city:before{content:"";position:absolute;left:0;top:3px;width:4px;
 height:4px;border:1px solid #6d675d;background:#fff}
.geo-label--capital:before{background:#6d675d}
.geo-label--region{font-size:10px;font-style:italic;color:#8f826b;letter-spacing:.04em}
.geo-labels--moving{visibility:hidden}
"""

# geoBasemapLabels(map, data, cluster, basemap): data is the label list (or a URL to fetch it from, for a linked
# map); the names are placed again when the pins' cluster layer (if any) has finished moving its pins; the
# basemap layer's polygons (as Leaflet has clipped them to the view) say where a country partly in view lies.
LABEL_JS = """
window.geoBasemapLabels = function(map, source, cluster, basemap) {
  var pane = map.createPane('geoLabels');
  pane.classList.add('geo-labels'); pane.style.zIndex = 450;
  pane.setAttribute('role', 'group'); pane.setAttribute('aria-label', 'Place names on the basemap');
  var SIZE = {country: 12, capital: 11, city: 11, region: 10};
  var WIDTH = {country: 0.78, capital: 0.6, city: 0.56, region: 0.56};
  var data = [], queued = false;
  // The boxes of the pins and clusters where they are going (Leaflet's own position of each icon), not where
  // a zoom animation has them now; and of the map's controls.
  function pinBoxes() {
    var out = [], els = map.getPane('markerPane').children;
    for (var i = 0; i < els.length; i++) {
      var el = els[i], at = el._leaflet_pos;
      if (!at || !el.offsetWidth) continue;
      var p = map.layerPointToContainerPoint(at);
      var x = p.x + (parseFloat(el.style.marginLeft) || 0), y = p.y + (parseFloat(el.style.marginTop) || 0);
      out.push([x - 3, y - 3, x + el.offsetWidth + 3, y + el.offsetHeight + 3]);
    }
    var box = map.getContainer().getBoundingClientRect();  // no name under the controls (zoom, legend, credits)
    var controls = map.getContainer().querySelectorAll('.leaflet-control');
    for (var k = 0; k < controls.length; k++) {
      var r = controls[k].getBoundingClientRect();
      if (r.width) { out.push([r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]); }
    }
    return out;
  }
  // Polygon `ring` (container points) clipped to the view (Sutherland-Hodgman), one edge of the view at a time.
  function clip(ring, size) {
    var edges = [[0, 0, 1], [0, size.x, -1], [1, 0, 1], [1, size.y, -1]];
    for (var e = 0; e < edges.length && ring.length; e++) {
      var axis = edges[e][0], at = edges[e][1], sign = edges[e][2], out = [];
      for (var i = 0; i < ring.length; i++) {
        var a = ring[i], b = ring[(i + 1) % ring.length];
        var ain = sign * (a[axis] - at) >= 0, bin = sign * (b[axis] - at) >= 0;
        if (ain) { out.push(a); }
        if (ain !== bin) {
          var t = (at - a[axis]) / (b[axis] - a[axis]);
          out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
        }
      }
      ring = out;
    }
    return ring;
  }
  // Where to name a country whose label point is out of view: at the height of the centroid of its largest
  // part in view, in the middle of the widest stretch of its land along that line.
  function inlandPoint(layer, size) {
    var best = null, bestArea = 0;
    (layer._parts || []).forEach(function(part) {
      var ring = clip(part.map(function(p) { var c = map.layerPointToContainerPoint(p); return [c.x, c.y]; }), size);
      var area = 0, cy = 0;
      for (var i = 0; i < ring.length; i++) {
        var a = ring[i], b = ring[(i + 1) % ring.length], cross = a[0] * b[1] - b[0] * a[1];
        area += cross; cy += (a[1] + b[1]) * cross;
      }
      if (Math.abs(area) > bestArea) { bestArea = Math.abs(area); best = {ring: ring, y: cy / (3 * area)}; }
    });
    if (!best || bestArea / 2 < 0.005 * size.x * size.y) return null;
    var xs = [], ring = best.ring, y = best.y;
    for (var i = 0; i < ring.length; i++) {
      var a = ring[i], b = ring[(i + 1) % ring.length];
      if ((a[1] <= y) !== (b[1] <= y)) { xs.push(a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0])); }
    }
    xs.sort(function(p, q) { return p - q; });
    var mid = null, widest = 0;
    for (var k = 0; k + 1 < xs.length; k += 2) {
      if (xs[k + 1] - xs[k] > widest) { widest = xs[k + 1] - xs[k]; mid = (xs[k] + xs[k + 1]) / 2; }
    }
    return mid === null ? null : L.point(mid, y);
  }
  function draw() {
    queued = false;
    var z = map.getZoom(), size = map.getSize(), placed = pinBoxes();
    var frag = document.createDocumentFragment(), named = {}, codes = {};
    function put(name, kind, p) {
      var fs = SIZE[kind], h = fs + 4, w = name.length * fs * WIDTH[kind] + 4;
      var dot = kind === 'city' || kind === 'capital';
      var box = dot ? [p.x - 3, p.y - h / 2, p.x + 6 + w, p.y + h / 2] : [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
      if (box[0] < 2 || box[1] < 2 || box[2] > size.x - 2 || box[3] > size.y - 2) return false;
      for (var j = 0; j < placed.length; j++) {
        var o = placed[j];
        if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return false;
      }
      placed.push(box);
      var el = document.createElement('div');
      el.className = 'geo-label geo-label--' + kind; el.textContent = name;
      L.DomUtil.setPosition(el, map.containerPointToLayerPoint([dot ? p.x - 3 : box[0], p.y - fs / 2]));
      frag.appendChild(el);
      return true;
    }
    for (var i = 0; i <= data.length; i++) {
      var d = data[i];
      if (!d || d[3] !== 'country') {
        if (!codes.done && basemap && z < 9) {  // after the label points: the countries only partly in view
          codes.done = true;
          basemap.eachLayer(function(layer) {
            var code = layer.feature && layer.feature.properties.iso_a2, row = code && codes[code];
            if (!row || named[row[0]] || row[4] > z) return;
            var p = inlandPoint(layer, size);
            if (p && put(row[0], 'country', p)) { named[row[0]] = true; }
          });
        }
        if (!d) break;
      } else if (d[5]) { codes[d[5]] = d; }
      var kind = d[3];
      if (d[4] > z || (kind === 'country' && (z >= 9 || named[d[0]]))) continue;
      var p = map.latLngToContainerPoint([d[1], d[2]]);
      if (p.x < -300 || p.y < -20 || p.x > size.x + 300 || p.y > size.y + 20) continue;
      if (put(d[0], kind, p) && kind === 'country') { named[d[0]] = true; }
    }
    pane.textContent = ''; pane.appendChild(frag);
    pane.classList.remove('geo-labels--moving');
  }
  function later() { if (!queued) { queued = true; window.requestAnimationFrame(draw); } }
  map.on('zoomstart', function() { pane.classList.add('geo-labels--moving'); });
  map.on('moveend zoomend resize layeradd', later);
  map.on('moveend', function() { setTimeout(later, 400); });  // after the clusters have settled
  if (cluster) { cluster.on('animationend spiderfied unspiderfied', later); }
  map.getPane('markerPane').addEventListener('transitionend', later);
  function start(rows) { data = rows || []; later(); setTimeout(later, 700); }
  if (typeof source === 'string') {
    fetch(source).then(function(r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(start).catch(function(err) { console.warn('basemap labels not loaded: ' + err); });
  } else { start(source); }
  return {draw: draw};
};
"""


@functools.lru_cache(maxsize=1)
def inline_labels() -> str:
    """The label list as a script literal (escaped for a <script> element)."""
    return htmlsafe.script_json([list(row) for row in labels.basemap_labels()])


def labels_call(map_name: str, url: str | None = None, cluster_name: str = "null", basemap_name: str = "null") -> str:
    """The script line that labels ``map_name`` (whose pins are in ``cluster_name``, its basemap the GeoJSON
    layer ``basemap_name``): from ``url`` (a linked map) or with the list inlined."""
    source = htmlsafe.script_json(url) if url is not None else inline_labels()
    return f"window.geoLabelLayer = geoBasemapLabels({map_name}, {source}, {cluster_name}, {basemap_name});"
