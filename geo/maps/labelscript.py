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

# geoBasemapLabels(map, data, cluster): data is the label list (or a URL to fetch it from, for a linked map);
# the names are placed again when the pins' cluster layer (if any) has finished moving its pins.
LABEL_JS = """
window.geoBasemapLabels = function(map, source, cluster) {
  var pane = map.createPane('geoLabels');
  pane.classList.add('geo-labels'); pane.style.zIndex = 450;
  pane.setAttribute('role', 'group'); pane.setAttribute('aria-label', 'Place names on the basemap');
  var SIZE = {country: 12, capital: 11, city: 11, region: 10};
  var WIDTH = {country: 0.78, capital: 0.6, city: 0.56, region: 0.56};
  var data = [], queued = false;
  function pinBoxes() {
    var out = [], origin = map.getContainer().getBoundingClientRect();
    var els = map.getPane('markerPane').children;
    for (var i = 0; i < els.length; i++) {
      var r = els[i].getBoundingClientRect();
      if (r.width) { out.push([r.left - origin.left - 3, r.top - origin.top - 3, r.right - origin.left + 3,
                               r.bottom - origin.top + 3]); }
    }
    return out;
  }
  function draw() {
    queued = false;
    var z = map.getZoom(), size = map.getSize(), placed = pinBoxes();
    var frag = document.createDocumentFragment();
    for (var i = 0; i < data.length; i++) {
      var d = data[i], kind = d[3];
      if (d[4] > z || (kind === 'country' && z >= 9) || (kind === 'region' && z < 6)) continue;
      var p = map.latLngToContainerPoint([d[1], d[2]]);
      if (p.x < -300 || p.y < -20 || p.x > size.x + 300 || p.y > size.y + 20) continue;
      var fs = SIZE[kind], h = fs + 4, w = d[0].length * fs * WIDTH[kind] + 4;
      var dot = kind === 'city' || kind === 'capital';
      var box = dot ? [p.x - 3, p.y - h / 2, p.x + 6 + w, p.y + h / 2] : [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
      if (box[0] < 2 || box[1] < 2 || box[2] > size.x - 2 || box[3] > size.y - 2) continue;
      var hit = false;
      for (var j = 0; j < placed.length && !hit; j++) {
        var o = placed[j];
        hit = box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3];
      }
      if (hit) continue;
      placed.push(box);
      var el = document.createElement('div');
      el.className = 'geo-label geo-label--' + kind; el.textContent = d[0];
      L.DomUtil.setPosition(el, map.containerPointToLayerPoint([dot ? p.x - 3 : box[0], p.y - fs / 2]));
      frag.appendChild(el);
    }
    pane.textContent = ''; pane.appendChild(frag);
    pane.classList.remove('geo-labels--moving');
  }
  function later() { if (!queued) { queued = true; window.requestAnimationFrame(draw); } }
  map.on('zoomstart', function() { pane.classList.add('geo-labels--moving'); });
  map.on('moveend zoomend resize layeradd', later);
  map.on('moveend', function() { setTimeout(later, 400); });  // after the clusters have settled
  if (cluster) { cluster.on('animationend spiderfied unspiderfied', later); }
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


def labels_call(map_name: str, url: str | None = None, cluster_name: str = "null") -> str:
    """The script line that labels ``map_name`` (whose pins are in ``cluster_name``): from ``url`` (a linked
    map) or with the list inlined."""
    source = htmlsafe.script_json(url) if url is not None else inline_labels()
    return f"window.geoLabelLayer = geoBasemapLabels({map_name}, {source}, {cluster_name});"
