/* Pollution Source Map: the sections and the source layers' clusters and lone symbols
 * drawn on one canvas per map, above the lines and areas.
 *
 * At the overview's scale a zoom step replaced ~550 cluster markers and moved ~420
 * section markers: made, styled, laid out and painted as DOM elements, they were most of
 * the step; drawn here they are ~1,000 blits of bitmaps made once.  The item under the
 * pointer or a finger (and the one the keyboard is on) becomes a real Leaflet marker
 * while it is used (PSMPoints.Live.materialise), so clicks, tooltips, popups and focus
 * stay Leaflet's own.  A layer (PSMSuper, PSMPoints.Fixed) gives its items and is asked
 * what lies under a point.
 */
var PSMPoints = L.Layer.extend({
  options: {padding: 0.15, pane: 'psmPoints'},

  initialize: function () {
    this._sources = [];
    this._frame = null;
    this._images = {};
    this._bitmaps = {};
    this._discs = {};
  },

  onAdd: function (map) {
    var c = this._container = L.DomUtil.create('canvas', 'psm-points leaflet-zoom-animated');
    c.setAttribute('aria-hidden', 'true');  // the keyboard reaches the items as markers
    c.style.pointerEvents = 'none';  // the lines and areas below keep their events
    this._ctx = c.getContext('2d');
    this.getPane().appendChild(c);
    this._onPointer = L.bind(this._pointer, this);
    var box = map.getContainer();
    box.addEventListener('mousemove', this._onPointer, true);
    box.addEventListener('pointerdown', this._onPointer, true);
    this._draw();
  },

  onRemove: function (map) {
    var box = map.getContainer();
    box.removeEventListener('mousemove', this._onPointer, true);
    box.removeEventListener('pointerdown', this._onPointer, true);
    if (this._frame) { L.Util.cancelAnimFrame(this._frame); this._frame = null; }
    L.DomUtil.remove(this._container);
  },

  getEvents: function () {
    var events = {zoom: this._onZoom, viewreset: this.changed};
    if (this._zoomAnimated) { events.zoomanim = this._onAnimZoom; }
    return events;
  },

  /* Draw ``layer``'s items, above the layers of a lower ``options.z`` (the sections, 1,
   * above the sources, 0) and of the same z added before it. */
  addSource: function (layer) {
    if (this._sources.indexOf(layer) < 0) {
      this._sources.push(layer);
      this._sources.sort(function (a, b) { return (a.options.z || 0) - (b.options.z || 0); });
    }
    this.changed();
  },

  removeSource: function (layer) {
    var k = this._sources.indexOf(layer);
    if (k >= 0) { this._sources.splice(k, 1); }
    this.changed();
  },

  /* Draw again before the next frame (once however many layers changed). */
  changed: function () {
    if (!this._frame && this._map) {
      this._frame = L.Util.requestAnimFrame(this._draw, this);
    }
  },

  /* Every item of every layer, in the layers' order, on a canvas over the padded view. */
  _draw: function () {
    this._frame = null;
    var map = this._map;
    if (!map || (map._animatingZoom && this._bounds)) { return; }
    var p = map.containerPointToLayerPoint(map.getSize().multiplyBy(-this.options.padding));
    var size = map.getSize().multiplyBy(1 + 2 * this.options.padding).round();
    var min = p.round(), c = this._container, ctx = this._ctx;
    var r = this._ratio = Math.min(2, window.devicePixelRatio || 1);
    this._bounds = L.bounds(min, min.add(size));
    this._center = map.getCenter();
    this._zoom = map.getZoom();
    L.DomUtil.setPosition(c, min);
    var w = Math.round(size.x * r), h = Math.round(size.y * r);
    if (c.width !== w || c.height !== h) {  // a new canvas (cleared); else cleared here
      c.width = w;
      c.height = h;
      c.style.width = size.x + 'px';
      c.style.height = size.y + 'px';
    } else {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, w, h);
    }
    ctx.setTransform(r, 0, 0, r, -min.x * r, -min.y * r);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = '600 11.5px system-ui, sans-serif';
    ctx.fillStyle = '#fff';
    for (var s = 0; s < this._sources.length; s++) { this._drawSource(this._sources[s], map); }
  },

  _drawSource: function (layer, map) {
    if (layer._prepare) { layer._prepare(); }
    var items = layer._items, ctx = this._ctx, z = map.getZoom();
    var scale = layer._scale ? layer._scale(z) : 1;
    for (var k = 0; k < items.length; k++) {
      var it = items[k], pt = map.latLngToLayerPoint(it.latlng), w = it.size * scale;
      it.x = pt.x;
      it.y = pt.y;
      it.h = w / 2;
      ctx.globalAlpha = it.alpha;
      if (it.cluster) {
        ctx.drawImage(this._disc(layer._colour, it.size), pt.x - it.h, pt.y - it.h, w, w);
        ctx.fillText(it.text, pt.x, pt.y + 0.5);
      } else {
        var bmp = this._bitmap(it.img || layer.options.symbol, w);
        if (bmp) { ctx.drawImage(bmp, pt.x - it.h, pt.y - it.h, w, w); }
      }
    }
    ctx.globalAlpha = 1;
  },

  /* A symbol (an SVG data: URI) rasterised once at width w: blitting a bitmap is cheaper
   * than drawing the SVG image again at each of hundreds of places.  Null until the SVG
   * has decoded (then everything is drawn again). */
  _bitmap: function (url, w) {
    var key = url + '|' + w + '|' + this._ratio, bmp = this._bitmaps[key];
    if (bmp === undefined) {
      var img = this._image(url);
      if (!img || !img.complete || !img.naturalWidth) { return null; }
      bmp = document.createElement('canvas');
      bmp.width = bmp.height = Math.max(1, Math.round(w * this._ratio));
      bmp.getContext('2d').drawImage(img, 0, 0, bmp.width, bmp.height);
      this._bitmaps[key] = bmp;
    }
    return bmp;
  },

  /* The layer's point symbol (its SVG as a data: URI), drawn once it has decoded. */
  _image: function (url) {
    if (!url) { return null; }
    var img = this._images[url];
    if (!img) {
      img = this._images[url] = new Image();
      img.onload = L.bind(this.changed, this);
      img.src = url;
    }
    return img;
  },

  /* A cluster disc (shadow ring, disc, white rim) drawn once per colour and size, as the
   * disc of its marker (PSMFast.discImage) is. */
  _disc: function (colour, size) {
    var key = colour + '|' + size + '|' + this._ratio;
    if (!this._discs[key]) {
      var c = document.createElement('canvas'), r = this._ratio, h = size / 2;
      c.width = c.height = Math.ceil(size * r);
      var ctx = c.getContext('2d');
      ctx.scale(r, r);
      ctx.beginPath();
      ctx.arc(h, h, h, 0, 2 * Math.PI);
      ctx.fillStyle = 'rgba(0,0,0,.18)';
      ctx.fill();
      ctx.beginPath();
      ctx.arc(h, h, h - 4, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.92;
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.globalAlpha = 0.9;
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      this._discs[key] = c;
    }
    return this._discs[key];
  },

  /* The pointer over the map (not over a marker, popup or control): the item under it,
   * topmost layer first, becomes a marker, which then takes the events. */
  _pointer: function (e) {
    var map = this._map, t = e.target;
    if (!map || map._animatingZoom || (map.dragging && map.dragging.moving())) { return; }
    if (t && t.closest && t.closest('.leaflet-marker-icon, .leaflet-popup, .leaflet-tooltip, ' +
        '.leaflet-control')) { return; }
    var p = map.containerPointToLayerPoint(map.mouseEventToContainerPoint(e));
    for (var s = this._sources.length - 1; s >= 0; s--) {
      var layer = this._sources[s], it = layer._hit(p);
      if (it) {
        layer.materialise(it.key, true);
        return;
      }
    }
  },

  _onAnimZoom: function (ev) { this._updateTransform(ev.center, ev.zoom); },

  _onZoom: function () { this._updateTransform(this._map.getCenter(), this._map.getZoom()); },

  /* The canvas scaled with the map while it zooms (as Leaflet's renderers are). */
  _updateTransform: function (center, zoom) {
    if (!this._center) { return; }
    var map = this._map, scale = map.getZoomScale(zoom, this._zoom);
    var viewHalf = map.getSize().multiplyBy(0.5 + this.options.padding);
    var offset = viewHalf.multiplyBy(-scale).add(map.project(this._center, zoom))
      .subtract(map._getNewPixelOrigin(center, zoom));
    if (L.Browser.any3d) {
      L.DomUtil.setTransform(this._container, offset, scale);
    } else {
      L.DomUtil.setPosition(this._container, offset);
    }
  }
});

/* The map's canvas of source items (made on first use, in its own pane). */
PSMPoints.of = function (map) {
  if (!map._psmPoints) {
    if (!map.getPane('psmPoints')) {
      var pane = map.createPane('psmPoints');
      pane.style.zIndex = 450;  // above the overlay pane's lines and areas, below markers
      pane.style.pointerEvents = 'none';
    }
    map._psmPoints = new PSMPoints().addTo(map);
  }
  return map._psmPoints;
};

/* What a layer drawn on the canvas does with its items (PSMSuper, PSMPoints.Fixed): the
 * one under the pointer, or the one the keyboard is on, is made a marker (``_markerOf``,
 * put on the map in ``_shown``) while it is used and dropped after.  The layer keeps
 * ``_items``, ``_byKey``, ``_live`` (key -> marker), ``_tabKey`` and ``_shown``. */
PSMPoints.Live = {
  /* The items drawn: {key, latlng, size; cluster, count, text (a cluster's); i (a point's
   * or a section's index); x, y, h: where the canvas last drew it (layer pixels, half
   * its width)}. */
  items: function () {
    if (this._prepare) { this._prepare(); }
    return this._items.slice();
  },

  /* After the items changed or the map moved: markers of items no longer drawn go, and
   * the keyboard's way in moves to the first item in view when its own left the view
   * (with the focus, when the focus was on a marker that went: Enter on a cluster). */
  _settle: function () {
    var focused = false, byKey = this._byKey, active = document.activeElement;
    for (var key in this._live) {
      if (!byKey[key]) {
        var m = this._live[key];
        focused = focused || (m._icon && m._icon === active);
        this._drop(m);
      }
    }
    var tab = this._tabKey !== null ? this._live[this._tabKey] : null;
    if (this._tabKey === null || !byKey[this._tabKey] ||
        (!(tab && tab._icon === active) && !this._inView(byKey[this._tabKey]))) {
      var first = this._order()[0];
      this._tabKey = first === undefined ? null : first;
      if (tab) { this._release(tab); }
    }
    if (this._tabKey !== null) {
      var now = this.materialise(this._tabKey);
      if (focused && now && now._icon) { now._icon.focus(); }
    }
  },

  /* The layer's own pane in the marker pane, for its markers: the layers' ways in come
   * in one Tab order (the panes'), and sections (z 1) stack over sources. */
  _livePane: function (map) {
    var name = 'psmLive' + L.stamp(this);
    if (!map.getPane(name)) {
      map.createPane(name, map.getPane('markerPane')).style.zIndex = 400 + (this.options.z || 0);
    }
    this._paneName = name;
  },

  _inView: function (it) {
    return this._map.getPixelBounds().contains(this._map.project(it.latlng).round());
  },

  /* The keys of the items in the visible view, in reading order (the Tab order). */
  _order: function () {
    var map = this._map, view = map.getPixelBounds(), out = [];
    for (var k = 0; k < this._items.length; k++) {
      var it = this._items[k], p = map.project(it.latlng).round();
      if (view.contains(p)) { out.push({key: it.key, x: p.x, y: p.y}); }
    }
    out.sort(function (a, b) { return (a.y - b.y) || (a.x - b.x); });
    return out.map(function (a) { return a.key; });
  },

  /* The drawn item under layer point p (where the canvas last drew it), topmost first. */
  _hit: function (p) {
    for (var k = this._items.length - 1; k >= 0; k--) {
      var it = this._items[k], h = it.h, dx = p.x - it.x, dy = p.y - it.y;
      if (h !== undefined && Math.abs(dx) <= h && Math.abs(dy) <= h &&
          (!it.cluster || dx * dx + dy * dy <= h * h)) {
        return it;
      }
    }
    return null;
  },

  /* The marker of drawn item ``key``, made now if it is not one yet: a real Leaflet
   * marker over its drawing, kept while it is hovered, focused, has its popup open or is
   * the keyboard's way in; ``hover``: made under the pointer. */
  materialise: function (key, hover) {
    var m = this._live[key], it = this._byKey[key];
    if (!m && it && this._map) {
      m = this._make(it);
      m._psmKey = key;
      this._live[key] = m;
      if (!m._psmLive) {  // once per marker (a section's is made again and again)
        m._psmLive = true;
        m.on('mouseover', function () { m._psmHover = true; });
        m.on('mouseout', function () { m._psmHover = false; this._release(m); }, this);
        m.on('popupclose', function () { this._release(m); }, this);
      }
      if (m._icon && !m._icon._psmKeys) {
        m._icon._psmKeys = true;
        L.DomEvent.on(m._icon, 'keydown', function (e) { this._onKey(e, m); }, this);
        L.DomEvent.on(m._icon, 'blur', function () { this._release(m); }, this);
      }
    }
    if (m && hover && !m._psmHover) {  // the pointer may go on before reaching it
      var self = this;
      setTimeout(function () { self._release(m); }, 400);
    }
    return m || null;
  },

  _make: function (it) {
    var m = this._markerOf(it);
    m.options.pane = this._paneName;
    this._shown.addLayer(m);
    return m;
  },

  _drop: function (m) {
    delete this._live[m._psmKey];
    this._shown.removeLayer(m);
  },

  /* A marker no longer in use goes (its item stays drawn). */
  _release: function (m) {
    var self = this;
    setTimeout(function () {  // after the focus or the pointer has moved on
      if (self._live[m._psmKey] !== m || m._psmHover || m._psmKey === self._tabKey ||
          (m.isPopupOpen && m.isPopupOpen()) ||
          (self._spider && self._spider.cluster === m) ||
          (m._icon && m._icon === document.activeElement)) { return; }
      self._drop(m);
    }, 0);
  },

  /* Tab and Shift+Tab move through the items in view, then on out of the layer. */
  _onKey: function (e, m) {
    if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var order = this._order(), k = order.indexOf(m._psmKey) + (e.shiftKey ? -1 : 1);
    if (k < 0 || k >= order.length) { return; }
    L.DomEvent.preventDefault(e);
    this._tabKey = order[k];
    var next = this.materialise(order[k]);
    if (next && next._icon) { next._icon.focus(); }
    this._release(m);
  }
};

/* Markers at fixed places (the sections), drawn on the canvas: a group of Leaflet
 * markers (add, remove, setIcon, popups as usual; ``psmMarkers`` all of them, by index)
 * of which only those in use are on the map.  A recolour calls ``changed()``. */
PSMPoints.Fixed = L.FeatureGroup.extend({
  includes: PSMPoints.Live,
  options: {z: 1},

  initialize: function (markers) {
    this._shown = new PSMFast.MarkerGroup();
    this._items = [];
    this._byKey = {};
    this._live = {};
    this._tabKey = null;
    this.psmMarkers = markers;
    markers.forEach(function (m, i) { m._psmKey = 's' + i; });
    L.FeatureGroup.prototype.initialize.call(this, markers);
  },

  addLayer: function (m) {
    var id = this.getLayerId(m);
    if (!this._layers[id]) {
      this._layers[id] = m;
      m.addEventParent(this);
      this.changed();
    }
    return this;
  },

  removeLayer: function (m) {
    var id = m in this._layers ? m : this.getLayerId(m), layer = this._layers[id];
    if (layer) {
      delete this._layers[id];
      layer.removeEventParent(this);
      if (this._live[layer._psmKey] === layer) { this._drop(layer); }
      this.changed();
    }
    return this;
  },

  /* The markers changed (added, removed, their icons): drawn again. */
  changed: function () {
    this._dirty = true;
    if (this._canvas) { this._canvas.changed(); }
  },

  onAdd: function (map) {
    this._livePane(map);
    this._shown.addTo(map);
    this._canvas = PSMPoints.of(map);
    this._canvas.addSource(this);
    map.on('moveend', this._moved, this);
    this._moved();
  },

  onRemove: function (map) {
    map.off('moveend', this._moved, this);
    this._canvas.removeSource(this);
    for (var k in this._live) { this._drop(this._live[k]); }
    map.removeLayer(this._shown);
  },

  /* The marker of section i (on the map), or null when a filter hides it. */
  marker: function (i) { return this.materialise('s' + i); },

  _moved: function () {
    if (this._dirty) { this._prepare(); } else { this._settle(); }  // _prepare settles
    this._canvas.changed();
  },

  /* The markers as items, north to south (the south drawn over the north, as markers
   * stack by their place). */
  _prepare: function () {
    if (!this._dirty) { return; }
    var items = [], byKey = {};
    for (var id in this._layers) {
      var m = this._layers[id], icon = m.options.icon;
      var it = {key: m._psmKey, latlng: m.getLatLng(), size: icon.options.iconSize[0],
        img: icon.url(), alpha: 1, i: m._psmI, count: 1};
      items.push(it);
      byKey[it.key] = it;
    }
    items.sort(function (a, b) { return b.latlng.lat - a.latlng.lat; });
    this._items = items;
    this._byKey = byKey;
    this._dirty = false;
    if (this._map) { this._settle(); }
  },

  /* The symbols' scale with the zoom (as page.css scales the markers': .psm-far and
   * .psm-very-far, set by map.js below zooms 9 and 7). */
  _scale: function (z) { return z < 7 ? 0.5 : (z < 9 ? 0.7 : 1); },

  _markerOf: function (it) { return this.psmMarkers[it.i]; }
});
