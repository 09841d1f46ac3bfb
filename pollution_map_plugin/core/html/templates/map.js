/* Pollution Source Map: draws an exported page's layers from its embedded data.
 *
 * The data (one JSON element, column-oriented) comes from core/html/page.py.
 * Every value from the database reaches the DOM through textContent or SVG
 * attributes set with setAttribute, never through innerHTML.  Sources are
 * clustered on a grid in view only (templates/cluster.js); popups and tooltips
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

  /* Columns arrive as lists, dictionary-coded {k, i}, numbered codes {p, w, n, pi}
   * or stems with common endings {s, x, xi} (core/html/textcodec.py). */
  function decodeColumn(c) {
    var out, i, k;
    if (c.n) {
      out = new Array(c.n.length);
      var v = 0;
      for (i = 0; i < c.n.length; i++) {
        k = c.pi ? c.pi[i] : 0;
        if (k < 0) { out[i] = null; continue; }
        v += c.n[i];
        var digits = String(v);
        while (digits.length < c.w[k]) { digits = '0' + digits; }
        out[i] = c.p[k] + digits;
      }
      return out;
    }
    out = new Array(c.s.length);
    for (i = 0; i < c.s.length; i++) {
      k = c.xi[i];
      out[i] = c.s[i] === null ? null : (k < 0 ? c.s[i] : c.s[i] + c.x[k]);
    }
    return out;
  }

  function val(layer, col, i) {
    var c = layer.props[col];
    if (!c) { return null; }
    if (Array.isArray(c)) { return c[i]; }
    if (c.k) {
      var k = c.i[i];
      return k < 0 ? null : c.k[k];
    }
    layer.props[col] = decodeColumn(c);  // once, on first use
    return layer.props[col][i];
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

  /* A part [x0, y0, dx1, dy1, …] (first vertex from the origin, then differences). */
  function latlngs(flat) {
    var out = new Array(flat.length / 2), x = 0, y = 0;
    for (var j = 0; j < flat.length; j += 2) {
      x += flat[j];
      y += flat[j + 1];
      out[j / 2] = [OY + y * Q, OX + x * Q];
    }
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

  function qualityBlock(box, q, i) {
    var c = q.cls[i], tg = q.target[i], m = q.meets[i];
    var line = el('div', 'psm-q');
    line.appendChild(badge(c));
    var meets = m === 1 ? T.yes : (m === 0 ? T.no : (!c ? T.no_data : (!tg ? T.no_target : '\u2014')));
    line.appendChild(el('span', 'psm-q-target' + (m === 0 ? ' psm-miss' : ''),
      T.target + ' ' + (tg ? classInfo(tg).roman : '\u2014') + ' \u00b7 ' + T.meets + ': ' + meets));
    box.appendChild(line);
    if (q.main[i]) { box.appendChild(el('div', 'psm-main', T.main_pollutants + ': ' + q.main[i])); }
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
  }

  function popupFor(layer, i) {
    var box = el('div', 'psm-popup');
    box.appendChild(el('div', 'psm-popup-kind', layer.label));
    box.appendChild(el('h3', null, fmt(val(layer, 'name', i)) || fmt(val(layer, 'code', i))));
    if (layer.quality) { qualityBlock(box, layer.quality, i); }
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

  /* A source layer: clustered on a grid (templates/cluster.js), popups on click. */
  function pointLayer(layer) {
    var icon = L.divIcon({className: 'psm-sym psm-sym-' + layer.id,
      iconSize: [layer.size, layer.size]});
    var group = new PSMCluster(layer.n, function (i) { return pointAt(layer, i); }, icon,
      layer.colour, {detailZoom: layer.cluster ? 15 : 0});
    group.on('click', function (e) {
      var m = e.layer, map = group._map;
      if (!m || !m._psmCluster || !map) { return; }
      var before = map.getZoom();
      map.fitBounds(m._psmCluster, {padding: [40, 40], animate: false});
      if (map.getZoom() <= before) {  // points on one spot: show them one by one
        map.setView(m.getLatLng(), Math.max(before + 2, 15), {animate: false});
      }
    });
    lazy(group, layer);
    return group;
  }

  function sectionLayer(layer, icons, sizes) {
    var cache = {};
    var group = L.featureGroup();
    var q = layer.quality;
    var markers = new Array(layer.n);
    for (var i = 0; i < layer.n; i++) {
      var level = val(layer, 'level', i) || 'control';
      var meets = q.meets[i] === 1 ? '1' : (q.meets[i] === 0 ? '0' : '-');
      var key = level + '|' + (q.cls[i] || 0) + '|' + meets;
      if (!icons[key]) { key = 'control|' + (q.cls[i] || 0) + '|' + meets; }
      if (!cache[key]) {
        var s = sizes[level] || 15;
        cache[key] = L.divIcon({html: icons[key], className: 'psm-sec', iconSize: [s, s]});
      }
      var m = L.marker(pointAt(layer, i), {icon: cache[key], zIndexOffset: 1000,
        keyboard: false});
      m._psmI = i;
      markers[i] = m;
      group.addLayer(m);
    }
    lazy(group, layer);
    group.psmMarkers = markers;
    return group;
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
    for (var f = 0; f < v.geom.length; f++) {
      var parts = v.geom[f];
      if (!parts.length) { continue; }
      var shape;
      if (v.kind === 'line') {
        shape = L.polyline(parts.map(latlngs), style);
      } else {
        shape = L.polygon(parts.map(function (poly) { return poly.map(latlngs); }), style);
      }
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

  function build(map, dataId) {
    var t0 = performance.now();
    var data = JSON.parse(document.getElementById(dataId).textContent);
    var t1 = performance.now();
    T = data.t;
    OX = data.origin[0];
    OY = data.origin[1];
    Q = 1 / data.scale;
    NO_DATA = data.noDataColour;
    data.classes.forEach(function (c) {
      CLASSES[c[0]] = {roman: c[1], colour: c[2], label: c[3], dark: c[4]};
    });
    var state = {map: map, overlays: {}, counts: {}, specs: {}, ready: false, readyMs: null,
      sections: null};
    window.PSM_STATE = state;
    state.buildStart = t0;
    map.setMaxZoom(19);  // clusters need a maximum zoom even without tiles
    // the view first: layers are then drawn once, for it
    if (data.bounds) { map.fitBounds(data.bounds, {padding: [12, 12], animate: false}); }
    var renderer = L.canvas({padding: 0.3});
    var bases = {}, overlays = {};
    var background = L.layerGroup();
    data.background.forEach(function (v) {
      if (v.geomFrom) {  // the same shapes as an overlay, drawn once more as background
        v.geom = data.vectors.filter(function (o) { return o.id === v.geomFrom; })[0].geom;
      }
      background.addLayer(vectorLayer(v, renderer));
    });
    data.bases.forEach(function (b) {
      var lyr = b.id === 'background' ? background : tiles(b.tiles);
      bases[b.labelHtml] = lyr;
      if (b.show) { lyr.addTo(map); }
    });
    function overlay(spec, layer) {
      overlays[spec.labelHtml] = layer;
      state.overlays[spec.id] = layer;
      state.specs[spec.id] = spec;
      state.counts[spec.id] = spec.n !== undefined ? spec.n : spec.geom.length;
      if (spec.show) { layer.addTo(map); }
    }
    state.marks = {start: t0, parsed: t1};
    data.vectors.forEach(function (v) { overlay(v, vectorLayer(v, renderer)); });
    state.marks.vectors = performance.now();
    data.points.forEach(function (p) { overlay(p, pointLayer(p)); });
    state.marks.points = performance.now();
    if (data.sections) {
      var sl = sectionLayer(data.sections, data.secIcons, data.secSizes);
      overlay(data.sections, sl);
      state.sections = sl;
    }
    state.marks.sections = performance.now();
    L.control.layers(bases, overlays,
      {collapsed: true, position: 'topright'}).addTo(map);
    L.control.scale({imperial: false, position: 'bottomleft'}).addTo(map);
    legend(map);
    document.addEventListener('click', function (e) {
      var row = e.target.closest ? e.target.closest('[data-psm-section]') : null;
      if (!row || !state.sections) { return; }
      var m = state.sections.psmMarkers[Number(row.getAttribute('data-psm-section'))];
      if (!m) { return; }
      if (!map.hasLayer(state.sections)) { state.sections.addTo(map); }
      map.setView(m.getLatLng(), Math.max(map.getZoom(), 12), {animate: false});
      openPopup(state.sections.psmLayer, m);
      var box = map.getContainer();
      if (box.scrollIntoView) { box.scrollIntoView({block: 'nearest'}); }
    });
    window.addEventListener('resize', function () { map.invalidateSize(); });
    function zoomClass() {  // smaller section symbols when the whole region is in view
      var c = map.getContainer(), z = map.getZoom();
      L.DomUtil[z < 9 ? 'addClass' : 'removeClass'](c, 'psm-far');
      L.DomUtil[z < 7 ? 'addClass' : 'removeClass'](c, 'psm-very-far');
    }
    map.on('zoomend', zoomClass);
    zoomClass();
    state.buildEnd = performance.now();
    state.ready = true;  // every layer is drawn for the view: the page is usable
    state.readyMs = state.buildEnd;
    document.documentElement.setAttribute('data-psm-ready', '1');
    return state;
  }

  /* Every value of column ``col`` of overlay ``id`` (decoded), e.g. for tests. */
  function values(id, col) {
    var spec = window.PSM_STATE.specs[id], n = spec.n !== undefined ? spec.n : spec.geom.length;
    var out = new Array(n);
    for (var i = 0; i < n; i++) { out[i] = val(spec, col, i); }
    return out;
  }

  return {build: build, values: values};
}());
