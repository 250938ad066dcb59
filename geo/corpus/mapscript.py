"""The corpus map's own stylesheet and script (trusted constants; the data they read is built and escaped in
geo/corpus/corpusmap.py). The script draws the pins from ``window.geoCorpusData``, filters them by the date
range, sizes them by the number of articles in range, plays the story forward and builds each popup."""

CORPUS_CSS = """
html,body{height:100%;margin:0}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fff}
.gc-layout{display:flex;flex-direction:column;height:100vh}
.gc-bar{flex:none;display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;padding:6px 12px;
 border-bottom:1px solid #ccc;background:#fcfcfa}
.gc-bar h1{font-size:16px;margin:0}
.gc-range{display:flex;align-items:center;gap:6px}
.gc-range input[type=range]{width:180px}
.gc-range output{font-variant-numeric:tabular-nums;min-width:6.5em;display:inline-block}
.gc-bar button{font:inherit;padding:2px 10px;cursor:pointer}
.gc-status{color:#444}
.gc-map{flex:1 1 auto;min-height:0;position:relative}
.gc-map .leaflet-container{background:#c9dcea;font:13px/1.4 system-ui,sans-serif}
.gc-map .leaflet-popup-content{font-size:13px;line-height:1.4}
.gc-pin-icon{background:none;border:none}
.gc-pin{display:flex;align-items:center;justify-content:center;box-sizing:border-box;border-radius:50%;
 color:#fff;font-weight:600;border:2px solid #fff;box-shadow:0 0 0 1px #333,0 1px 3px rgba(0,0,0,.5);
 width:100%;height:100%;font-size:11px}
.gc-pin--city{background:#b3202a}.gc-pin--region{background:#c25e00}.gc-pin--country{background:#3451a8}
.gc-pin--continent{background:#4b6b2f}.gc-pin--feature{background:#6a3d9a}
.gc-popup h3{margin:0 0 2px;font-size:15px}
.gc-popup .gc-meta{margin:0 0 4px;color:#444}
.gc-popup ol{margin:4px 0 0;padding-left:18px;max-height:260px;overflow:auto}
.gc-popup li{margin:0 0 6px}
.gc-popup time{color:#555;margin-left:4px;font-size:12px}
.gc-popup blockquote{margin:2px 0;padding-left:6px;border-left:3px solid #999;color:#333}
.gc-popup mark{background:#ffe066;color:#000;font-weight:600}
.gc-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
 max-width:240px;font-size:12px}
.gc-legend summary{font-weight:600;cursor:pointer}
.gc-legend ul{list-style:none;margin:0;padding:0}
.gc-legend li{display:flex;align-items:center;gap:6px;margin:2px 0}
.gc-legend .gc-pin{width:14px;height:14px;flex:none;font-size:0}
.gc-legend .gc-swatch{width:22px;height:10px;flex:none;box-sizing:border-box}
.gc-legend p{margin:4px 0 0;color:#444}
"""

CORPUS_JS = """
(function(){
  var D = window.geoCorpusData, map = window.geoCorpusMap, cluster = window.geoCorpusCluster;
  var days = D.days, lo = 0, hi = Math.max(days.length - 1, 0), timer = null;
  var from = document.getElementById('gc-from'), to = document.getElementById('gc-to');
  var fromOut = document.getElementById('gc-from-out'), toOut = document.getElementById('gc-to-out');
  var play = document.getElementById('gc-play'), status = document.getElementById('gc-status');
  var ESC = /[&<>"'`$\\\\{}]/g;
  function esc(s) { return String(s).replace(ESC, function(c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function inRange(a) { var d = D.articles[a[0]][3]; return d < 0 || (d >= lo && d <= hi); }
  function count(p) {
    var n = 0, c = p.c, j;
    for (j = 0; j < c.length; j++) { if (c[j][0] < 0 || (c[j][0] >= lo && c[j][0] <= hi)) n += c[j][1]; }
    return n;
  }
  function total(p) { var n = 0; p.c.forEach(function(e) { n += e[1]; }); return n; }
  var areaLayer = L.featureGroup();
  (D.areas || []).forEach(function(a) {
    var style = D.styles[a.s], layer = a.g ? L.geoJSON({type: 'Feature', properties: {}, geometry: a.g},
      {style: style}) : L.circle(a.c, L.extend({radius: a.r}, style));
    if (a.t) layer.bindTooltip(a.t);
    areaLayer.addLayer(layer);
  });
  areaLayer.addTo(map);
  function size(n) { return Math.min(46, Math.round(18 + 7 * Math.sqrt(n - 1))); }
  function icon(p, n) {
    var s = size(n);
    return L.divIcon({className: 'gc-pin-icon', iconSize: [s, s], iconAnchor: [s / 2, s / 2],
      html: '<div class="gc-pin gc-pin--' + p.k + '" role="img" aria-label="' + p.n + ': ' + n +
            (n === 1 ? ' article' : ' articles') + '">' + n + '</div>'});
  }
  function popup(i) {
    var p = D.places[i], rows = p.a.filter(inRange), shown = rows.slice(0, D.listMax), n = count(p);
    var items = shown.map(function(r) {
      var a = D.articles[r[0]];
      var title = a[1] ? '<a href="' + esc(a[1]) + '" target="_blank" rel="noopener noreferrer">' + esc(a[0]) +
                  '</a>' : esc(a[0]);
      return '<li>' + title + (a[2] ? '<time>' + esc(a[2]) + '</time>' : '') + '<blockquote>' + esc(r[1]) +
             '<mark>' + esc(r[2]) + '</mark>' + esc(r[3]) + '</blockquote></li>';
    }).join('');
    var more = n > shown.length ? '<p class="gc-meta">and ' + (n - shown.length) +
               ' more in this range</p>' : '';
    return '<div class="gc-popup" data-place-id="' + p.id + '"><h3>' + p.n + '</h3><p class="gc-meta">' + p.m +
           '</p><p class="gc-meta">' + n + (n === 1 ? ' article' : ' articles') +
           ' in the date range</p><ol>' + items + '</ol>' + more + '</div>';
  }
  var markers = D.places.map(function(p, i) {
    var n = total(p), mk = L.marker(p.ll, {icon: icon(p, n), title: p.t, keyboard: true});
    mk.bindPopup(function() { return popup(i); }, {maxWidth: 380});
    mk._gcCount = n;
    return mk;
  });
  function label(i) { return days.length ? days[i] : 'no dates'; }
  var shown = D.places.map(function() { return false; });  // in the cluster now
  function apply() {
    // Only the pins whose article count changed get a new icon, and only those that appear or disappear go
    // in or out of the cluster (re-clustering every pin on each slider step is what makes a big map slow).
    var visible = 0, add = [], remove = [], articles = D.undated;
    for (var d = lo; d <= hi && d < D.dayCounts.length; d++) articles += D.dayCounts[d];
    D.places.forEach(function(p, i) {
      var n = count(p), mk = markers[i];
      if (!n) { if (shown[i]) { remove.push(mk); shown[i] = false; } return; }
      if (mk._gcCount !== n) { mk.setIcon(icon(p, n)); mk._gcCount = n; }
      if (!shown[i]) { add.push(mk); shown[i] = true; }
      visible++;
    });
    map.closePopup();
    if (remove.length) cluster.removeLayers(remove);
    if (add.length) cluster.addLayers(add);
    fromOut.textContent = label(lo); toOut.textContent = label(hi);
    var text = visible + (visible === 1 ? ' place, ' : ' places, ') +
      articles + ' of ' + D.total + ' articles';
    status.textContent = text;
    var legendRange = document.getElementById('gc-legend-range');
    if (legendRange) legendRange.textContent = days.length ? label(lo) + ' \u2013 ' + label(hi) : 'no dates';
    api.visible = visible;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = '\u25b6 Play'; }
  function step() {
    if (hi >= days.length - 1) { stop(); return; }
    hi++; to.value = hi; apply();
  }
  from.max = to.max = Math.max(days.length - 1, 0);
  from.value = lo; to.value = hi;
  from.disabled = to.disabled = play.disabled = days.length < 2;
  from.addEventListener('input', function() { lo = +from.value; if (lo > hi) { hi = lo; to.value = hi; } apply(); });
  to.addEventListener('input', function() { hi = +to.value; if (hi < lo) { lo = hi; from.value = lo; } apply(); });
  play.addEventListener('click', function() {
    if (timer) { stop(); return; }
    if (hi >= days.length - 1) { hi = lo; to.value = hi; apply(); }
    play.textContent = '\u23f8 Pause';
    timer = setInterval(step, D.stepMs);
  });
  var api = window.geoCorpus = {
    map: map, cluster: cluster, markers: markers, visible: 0,
    setRange: function(a, b) { stop(); lo = Math.max(0, a); hi = Math.min(days.length - 1, b);
      from.value = lo; to.value = hi; apply(); },
    open: function(i) { var mk = markers[i]; cluster.zoomToShowLayer(mk, function() { mk.openPopup(); }); }
  };
  apply();
  if (markers.length) {
    var bounds = L.latLngBounds(D.places.map(function(p) { return p.ll; }));
    map.fitBounds(bounds, {padding: [40, 40], maxZoom: 6});
  }
})();
"""
