/* Pollution Source Map: draws an exported page's layers from its embedded data.
 *
 * The data (the page's configuration, then one gzipped JSON element per layer,
 * column-oriented) comes from core/html/folium_elements.py.
 * Every value from the database reaches the DOM through textContent or SVG
 * attributes set with setAttribute, never through innerHTML.  Sources are
 * clustered by supercluster (templates/supercluster_layer.js); popups and tooltips
 * are built lazily, on the first click or hover.
 */
var PSM = (function () {
  'use strict';
  var T = {};
  var CLASSES = {};
  var NO_DATA = '#9e9e9e';
  var OX = 0, OY = 0, Q = 1e-5;  // coordinates: integer steps of Q degrees from (OX, OY)

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  /* Columns arrive as lists or dictionary-coded {k: values, i: indices}. */
  function val(layer, col, i) {
    var c = layer.props[col];
    if (!c) { return null; }
    if (Array.isArray(c)) { return c[i]; }
    var k = c.i[i];
    return k < 0 ? null : c.k[k];
  }

  function fmt(v) {
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'boolean') { return v ? T.yes : T.no; }
    if (typeof v === 'number') {
      if (Math.abs(v) >= 100) { return v.toFixed(0); }
      return String(Math.round(v * 100) / 100);
    }
    return String(v);
  }

  /* A part [x0, y0, dx1, dy1, …] (first vertex from the origin, then differences) as
   * LatLngs; its Web-Mercator coordinates (see fast_layers.js) pushed to ``merc.rings``. */
  function latlngs(flat, merc) {
    var n = flat.length / 2, out = new Array(n), m = new Float64Array(flat.length);
    var x = 0, y = 0, b = merc.box;
    for (var j = 0; j < flat.length; j += 2) {
      x += flat[j];
      y += flat[j + 1];
      var lat = OY + y * Q, lng = OX + x * Q, s = Math.sin(lat * Math.PI / 180);
      var u = lng / 360 + 0.5, v = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      out[j / 2] = new L.LatLng(lat, lng);
      m[j] = u;
      m[j + 1] = v;
      if (u < b[0]) { b[0] = u; }
      if (v < b[1]) { b[1] = v; }
      if (u > b[2]) { b[2] = u; }
      if (v > b[3]) { b[3] = v; }
    }
    merc.rings.push(m);
    return out;
  }

  function pointAt(layer, i) { return [OY + layer.y[i] * Q, OX + layer.x[i] * Q]; }

  function classInfo(v) {
    return CLASSES[v] || {roman: '\u2014', colour: NO_DATA, label: T.no_data, dark: false};
  }

  function badge(v) {
    var c = classInfo(v);
    var b = el('span', 'psm-badge' + (c.dark ? ' psm-badge-dark' : ''),
      v ? c.roman + ' \u00b7 ' + c.label : T.no_data);
    b.style.background = c.colour;
    return b;
  }

  function fieldTable(layer, i) {
    var tbl = el('table', 'psm-fields');
    for (var f = 0; f < layer.fields.length; f++) {
      var fd = layer.fields[f], v = val(layer, fd[0], i);
      if (v === null || v === undefined || v === '') { continue; }
      var tr = el('tr');
      tr.appendChild(el('th', null, fd[1]));
      tr.appendChild(el('td', null, fmt(v) + (fd[2] ? ' ' + fd[2] : '')));
      tbl.appendChild(tr);
    }
    return tbl;
  }

  function qualityBlock(box, q, i, layer) {
    var c = q.cls[i], tg = q.target[i], m = q.meets[i];
    if (layer && layer.periodCls) {  // the time slider's period
      c = layer.periodCls[i];
      m = (!c || !tg) ? null : (c <= tg ? 1 : 0);
      box.appendChild(el('div', 'psm-popup-period', T.period + ': ' + layer.periodLabel));
    }
    var line = el('div', 'psm-q');
    line.appendChild(badge(c));
    var meets = m === 1 ? T.yes : (m === 0 ? T.no : (!c ? T.no_data : (!tg ? T.no_target : '\u2014')));
    line.appendChild(el('span', 'psm-q-target' + (m === 0 ? ' psm-miss' : ''),
      T.target + ' ' + (tg ? classInfo(tg).roman : '\u2014') + ' \u00b7 ' + T.meets + ': ' + meets));
    box.appendChild(line);
    if (q.main[i]) { box.appendChild(el('div', 'psm-main', T.main_pollutants + ': ' + q.main[i])); }
    if (q.ph && q.ph[i]) { box.appendChild(el('div', 'psm-ph', q.ph[i])); }
    var fails = q.fail[i];
    if (fails && fails.length) {
      box.appendChild(el('h4', null, T.failing));
      var tbl = el('table', 'psm-fail');
      for (var k = 0; k < fails.length; k++) {
        var fr = fails[k], tr = el('tr');
        tr.appendChild(el('th', null, fr[0]));
        tr.appendChild(el('td', null, fmt(fr[1]) + (fr[2] ? ' ' + fr[2] : '')));
        tr.appendChild(el('td', 'psm-limit', fr[3] || ''));
        tr.appendChild(el('td', 'psm-mult', fr[4] === null ? '' : '(' + fmt(fr[4]) + ')'));
        tbl.appendChild(tr);
      }
      box.appendChild(tbl);
    }
    var hist = q.hist[i];
    if (hist && hist.length) {
      box.appendChild(el('h4', null, T.history));
      box.appendChild(PSMChart.history(hist, tg, classInfo, T.history, T.target));
    }
    var series = q.series ? q.series[i] : null;
    if (series && series.length) {
      box.appendChild(el('h4', null, T.items_chart));
      box.appendChild(PSMChart.items(series, classInfo, T));
    }
  }

  function popupFor(layer, i) {
    var box = el('div', 'psm-popup');
    box.appendChild(el('div', 'psm-popup-kind', layer.label));
    box.appendChild(el('h3', null, fmt(val(layer, 'name', i)) || fmt(val(layer, 'code', i))));
    if (layer.quality) { qualityBlock(box, layer.quality, i, layer); }
    box.appendChild(fieldTable(layer, i));
    return box;
  }

  function tooltipFor(layer, i) {
    var t = el('span', null, fmt(val(layer, 'name', i)) || fmt(val(layer, 'code', i)));
    if (layer.quality) {
      var q = layer.quality, tg = q.target[i];
      t.appendChild(document.createTextNode(' \u00b7 ' + classInfo(q.cls[i]).roman +
        (tg ? ' (' + T.target + ' ' + classInfo(tg).roman + ')' : '')));
    }
    return t;
  }

  function openPopup(layer, m, latlng) {
    if (!m.getPopup()) {
      m.bindPopup(popupFor(layer, m._psmI),
        {maxWidth: 300, minWidth: 220, autoPanPadding: [16, 16]});
    }
    m.openPopup(m.getLatLng ? undefined : latlng);
  }

  function lazy(group, layer) {
    group.psmLayer = layer;
    group.on('keypress', function (e) {  // Enter on a focused marker opens its popup
      var m = e.layer, k = e.originalEvent ? e.originalEvent.keyCode : 0;
      if (k !== 13 || !m || m._psmI === undefined || m.getPopup()) { return; }
      openPopup(layer, m, e.latlng);
    });
    group.on('click', function (e) {
      var m = e.layer;
      if (!m || m._psmI === undefined || m.getPopup()) { return; }
      openPopup(layer, m, e.latlng);
    });
    group.on('mouseover', function (e) {
      var m = e.layer;
      if (!m || m._psmI === undefined || m.getTooltip()) { return; }
      m.bindTooltip(tooltipFor(layer, m._psmI), {direction: 'top', sticky: !m.getLatLng});
      m.openTooltip(m.getLatLng ? undefined : e.latlng);
    });
  }

  /* A source layer: clustered by supercluster (templates/supercluster_layer.js). */
  function pointLayer(layer, index) {
    var icon = L.divIcon({className: 'psm-sym psm-sym-' + layer.id,
      iconSize: [layer.size, layer.size]});
    var group = new PSMSuper(layer.n, function (i) { return pointAt(layer, i); }, icon,
      layer.colour, {label: function (i) { return fmt(val(layer, 'name', i)); },
        clusterLabel: T.cluster_of || '{n}', symbol: layer.symbol, size: layer.size});
    if (index) { group.adopt(index, index.psmMs); }
    lazy(group, layer);
    return group;
  }

  function sectionIcon(layer, i, cls) {
    var q = layer.quality, level = val(layer, 'level', i) || 'control';
    var tg = q.target[i], meets;
    if (cls === undefined && layer.periodCls) { cls = layer.periodCls[i]; }
    if (cls === undefined) {
      cls = q.cls[i];
      meets = q.meets[i] === 1 ? '1' : (q.meets[i] === 0 ? '0' : '-');
    } else {
      meets = (!cls || !tg) ? '-' : (cls <= tg ? '1' : '0');
    }
    var key = level + '|' + (cls || 0) + '|' + meets;
    if (!STATE.icons[key]) { key = 'control|' + (cls || 0) + '|' + meets; }
    if (!STATE.iconCache[key]) {
      var s = STATE.secSizes[level] || 15;
      STATE.iconCache[key] = new PSMFast.ImageIcon({html: STATE.icons[key], className: 'psm-sec',
        iconSize: [s, s]});
    }
    return STATE.iconCache[key];
  }

  /* The sections: drawn on the map's canvas, a marker each while in use (point_canvas.js). */
  function sectionLayer(layer) {
    var markers = new Array(layer.n);
    for (var i = 0; i < layer.n; i++) {
      var m = new PSMFast.Marker(pointAt(layer, i), {icon: sectionIcon(layer, i),
        zIndexOffset: 1000,
        keyboard: true, title: fmt(val(layer, 'name', i))});
      m._psmI = i;
      markers[i] = m;
    }
    var group = new PSMPoints.Fixed(markers);
    lazy(group, layer);
    STATE.sections = group;
    return group;
  }

  /* Recolour the sections for the class list ``cls`` (one per section; null: the
   * export's own period) and forget their popups (rebuilt for the period). */
  function recolourSections(cls, periodLabel) {
    var g = STATE.sections;
    if (!g) { return; }
    var layer = g.psmLayer;
    layer.periodCls = cls;
    layer.periodLabel = periodLabel || null;
    for (var i = 0; i < g.psmMarkers.length; i++) {
      var m = g.psmMarkers[i];
      m.setIcon(sectionIcon(layer, i, cls ? cls[i] : undefined));
      if (m.getPopup()) { m.closePopup(); m.unbindPopup(); }
      if (m.getTooltip()) { m.unbindTooltip(); }
    }
    g.changed();
  }

  /* Lines or areas; a layer hidden at start is filled when first shown. */
  function vectorLayer(v, renderer) {
    var g = L.featureGroup();
    if (v.interactive !== false) { lazy(g, v); }
    if (v.show === false) {
      g.once('add', function () { fillVectors(g, v, renderer); });
      return g;
    }
    fillVectors(g, v, renderer);
    return g;
  }

  function fillVectors(g, v, renderer) {
    var style = L.extend({renderer: renderer, interactive: v.interactive !== false}, v.style);
    var geom = v.geom || spec('psm-vector-' + v.geomFrom).geom;
    for (var f = 0; f < geom.length; f++) {
      var parts = geom[f];
      if (!parts.length) { continue; }
      var shape, merc = {rings: [], box: [Infinity, Infinity, -Infinity, -Infinity]};
      var part = function (flat) { return latlngs(flat, merc); };
      if (v.kind === 'line') {
        shape = new PSMFast.Line(parts.map(part), style);
      } else {
        shape = new PSMFast.Area(parts.map(function (poly) { return poly.map(part); }), style);
      }
      shape._psm = merc;
      shape._psmI = f;
      g.addLayer(shape);
    }
  }

  function tiles(specs) {
    var g = L.layerGroup();
    specs.forEach(function (s) {
      g.addLayer(L.tileLayer(s.url, {attribution: s.attribution, subdomains: s.subdomains || 'abc',
        maxZoom: s.maxZoom || 18}));
    });
    return g;
  }

  /* The legend (PsmLegend): its <template> in a map control. */
  function legend(map) {
    var tpl = document.getElementById('psm-legend-tpl');
    if (!tpl) { return; }
    var ctl = L.control({position: 'bottomright'});
    ctl.onAdd = function () {
      var div = L.DomUtil.create('div', 'psm-legend leaflet-bar');
      div.appendChild(document.importNode(tpl.content, true));
      var det = div.querySelector('details');
      if (det && window.innerWidth < 700) { det.removeAttribute('open'); }
      map.on('popupopen', function () { if (det) { det.removeAttribute('open'); } });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    ctl.addTo(map);
  }

  var SPECS = {};
  var STATE = null;
  var LOADED = [];
  var PENDING = [];
  var CHAIN = Promise.resolve();  // the layers drawn in the order of the page (but sources)
  var INDEXES = {};  // data element id -> promise of its cluster index (built off thread)
  var GZIP = 'application/x-psm-json-gzip-base64';

  /* The data element ``id`` unpacked, as a promise: JSON, or gzipped JSON in base64
   * unpacked by the browser's DecompressionStream (``spec``: once, shared). */
  function unpack(id) {
    var node = document.getElementById(id);
    if (node.type !== GZIP) { return Promise.resolve(JSON.parse(node.textContent)); }
    return fetch('data:application/gzip;base64,' + node.textContent.trim())
      .then(function (r) {
        return new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).text();
      }).then(JSON.parse);
  }

  function spec(id) {
    if (!SPECS[id]) { SPECS[id] = unpack(id); }
    return SPECS[id];
  }

  /* Page set-up (PsmPage): strings, classes, origin; the view first, so that the layers
   * are drawn once, for it. */
  function init(map, configId) {
    var t0 = performance.now();
    var data = JSON.parse(document.getElementById(configId).textContent);
    T = data.t;
    OX = data.origin[0];
    OY = data.origin[1];
    Q = 1 / data.scale;
    NO_DATA = data.noDataColour;
    data.classes.forEach(function (c) {
      CLASSES[c[0]] = {roman: c[1], colour: c[2], label: c[3], dark: c[4]};
    });
    STATE = {map: map, config: data, overlays: {}, holders: {}, counts: {}, specs: {},
      ready: false, readyMs: null, sections: null, icons: data.secIcons,
      secSizes: data.secSizes, iconCache: {}, renderer: L.canvas({padding: 0.3}),
      buildStart: t0, marks: {start: t0}};
    window.PSM_STATE = STATE;
    // the sources' data unpacked first, and their cluster indexes built in a worker while
    // the other layers are unpacked and drawn
    var sources = document.querySelectorAll('script[id^="psm-points-"]');
    if (sources.length) { PSMSuper.offThread.warm(); }
    sources.forEach(function (node) {
      INDEXES[node.id] = spec(node.id).then(function (s) {
        return s.n ? PSMSuper.offThread(s, OX, OY, Q) : null;
      });
    });
    map.setMaxZoom(19);  // clusters need a maximum zoom even without tiles
    if (data.bounds) { map.fitBounds(data.bounds, {padding: [12, 12], animate: false}); }
    if (typeof DecompressionStream === 'undefined') {
      var warn = el('p', 'psm-old-browser', T.browser_too_old);
      warn.setAttribute('role', 'alert');
      document.body.insertBefore(warn, document.body.firstChild);
    }
    return STATE;
  }

  function build(s, holder, index) {
    var lyr;
    if (s.layerKind === 'tiles') {
      lyr = tiles(s.tiles);
    } else if (s.layerKind === 'background') {
      lyr = L.layerGroup();
      s.layers.forEach(function (v) { lyr.addLayer(vectorLayer(v, STATE.renderer)); });
    } else if (s.layerKind === 'points') {
      lyr = pointLayer(s, index);
    } else if (s.layerKind === 'sections') {
      lyr = sectionLayer(s);
    } else {
      lyr = vectorLayer(s, STATE.renderer);
    }
    if (s.layerKind !== 'tiles' && s.layerKind !== 'background') {
      STATE.overlays[s.id] = lyr;
      STATE.holders[s.id] = holder;
      STATE.specs[s.id] = s;
      STATE.counts[s.id] = s.n !== undefined ? s.n : s.geom.length;
    }
    holder.addLayer(lyr);
    STATE.marks[s.id || s.layerKind] = performance.now();
  }

  /* One layer (a folium PsmTiles / PsmBackground / PsmVectorLayer / PsmPointLayer /
   * PsmSectionLayer): a group, on the map when ``show``, that receives the layer once
   * its data is unpacked, in the order of the page; a source layer (markers, whose order
   * does not show) once its cluster index is built too, without holding up the layers
   * after it. */
  function layer(map, id, show) {
    var holder = L.layerGroup();
    if (show) { holder.addTo(map); }
    var before = CHAIN, sources = id.indexOf('psm-points-') === 0;
    var data = spec(id);
    // a source layer's cluster index is built off the main thread as soon as its data
    // is unpacked, while the layers before it are drawn
    var index = data.then(function (s) {
      STATE.marks['data:' + id] = performance.now();
      if (s.layerKind !== 'points' || !s.n) { return null; }
      return (INDEXES[id] || PSMSuper.offThread(s, OX, OY, Q)).then(function (idx) {
        STATE.marks['index:' + id] = performance.now();
        return idx;
      });
    });
    var done = Promise.all([before, data, index]).then(function (r) {
      var s = r[1], needs = (s.layers || []).filter(function (v) { return v.geomFrom; });
      return Promise.all(needs.map(function (v) {
        return spec('psm-vector-' + v.geomFrom).then(function (o) { v.geom = o.geom; });
      })).then(function () { build(s, holder, r[2]); });
    });
    if (!sources) { CHAIN = done; }
    PENDING.push(done);
    return holder;
  }

  /* Run ``fn`` once the document is parsed (every folium element's script has run) and
   * every layer is built. */
  function onLoad(fn) {
    LOADED.push(fn);
    if (document.readyState !== 'loading') { setTimeout(runLoaded, 0); }
  }
  function runLoaded() {
    Promise.all(PENDING).then(function () {
      var todo = LOADED;
      LOADED = [];
      STATE.marks.layers = performance.now();
      todo.forEach(function (fn, k) {
        fn();
        STATE.marks['control' + k] = performance.now();
      });
    }).catch(function (err) {
      console.error('Pollution Source Map: the page data could not be read: ' + err);
    });
  }
  document.addEventListener('DOMContentLoaded', runLoaded);

  /* Show layer ``id``'s feature ``i`` on the map with its popup. */
  function showFeature(id, i) {
    var map = STATE.map, g = STATE.overlays[id], sp = STATE.specs[id];
    if (!g || !sp) { return null; }
    if (!map.hasLayer(STATE.holders[id])) { STATE.holders[id].addTo(map); }
    var m = null;
    if (sp.layerKind === 'sections') {
      map.setView(g.psmMarkers[i].getLatLng(), Math.max(map.getZoom(), 12), {animate: false});
      m = g.marker(i);  // null: hidden by a filter
      if (m) { openPopup(sp, m); }
    } else if (sp.layerKind === 'points') {
      m = g.showPoint(i);
      if (m) { openPopup(sp, m); }
    } else {
      g.eachLayer(function (s) { if (s._psmI === i) { m = s; } });
      if (m) {
        map.fitBounds(m.getBounds(), {maxZoom: 14, animate: false});
        openPopup(sp, m, m.getBounds().getCenter());
      }
    }
    var box = map.getContainer();
    if (box.scrollIntoView) { box.scrollIntoView({block: 'nearest'}); }
    return m;
  }

  function featureOf(target) {
    var row = target && target.closest ? target.closest('[data-psm-feature]') : null;
    return row ? row.getAttribute('data-psm-feature').split(':') : null;
  }

  /* The scale, the row → feature links; then the page is ready (PsmReady, last). */
  function ready(map) {
    L.control.scale({imperial: false, position: 'bottomleft'}).addTo(map);
    document.addEventListener('click', function (e) {
      var f = featureOf(e.target);
      if (f && !e.target.closest('a, button, input, select')) { showFeature(f[0], Number(f[1])); }
    });
    document.addEventListener('keydown', function (e) {
      var f = e.key === 'Enter' ? featureOf(e.target) : null;
      if (f && !e.target.closest('a, button, input, select')) { showFeature(f[0], Number(f[1])); }
    });
    window.addEventListener('resize', function () { map.invalidateSize(); });
    map.on('popupopen popupclose', function (e) {  // page.css: phones hide the bars then
      L.DomUtil[e.type === 'popupopen' ? 'addClass' : 'removeClass'](map.getContainer(),
        'psm-popup-open');
    });
    function zoomClass() {  // smaller section symbols when the whole region is in view
      var c = map.getContainer(), z = map.getZoom();
      L.DomUtil[z < 9 ? 'addClass' : 'removeClass'](c, 'psm-far');
      L.DomUtil[z < 7 ? 'addClass' : 'removeClass'](c, 'psm-very-far');
    }
    map.on('zoomend', zoomClass);
    zoomClass();
    STATE.buildEnd = performance.now();
    STATE.ready = true;  // every layer is drawn for the view: the page is usable
    STATE.readyMs = STATE.buildEnd;
    document.documentElement.setAttribute('data-psm-ready', '1');
  }

  /* Every value of column ``col`` of overlay ``id`` (decoded), e.g. for tests. */
  function values(id, col) {
    var spec = window.PSM_STATE.specs[id], n = spec.n !== undefined ? spec.n : spec.geom.length;
    var out = new Array(n);
    for (var i = 0; i < n; i++) { out[i] = val(spec, col, i); }
    return out;
  }

  return {init: init, layer: layer, onLoad: onLoad, legend: legend, ready: ready,
    values: values, val: val, fmt: fmt, el: el, badge: badge, classInfo: classInfo,
    showFeature: showFeature, recolourSections: recolourSections, spec: spec, unpack: unpack,
    openPopup: openPopup,
    strings: function () { return T; }, state: function () { return STATE; }};
}());
