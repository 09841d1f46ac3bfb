/* Pollution Source Map: Leaflet's lines, areas and markers made cheaper at the overview's
 * scale (tens of thousands of vertices, hundreds of markers), used by map.js and
 * supercluster_layer.js.  Each keeps Leaflet's behaviour (events, popups, keyboard,
 * hit tests); tests/integration/test_html_map_speed.py checks them against Leaflet's own.
 */
var PSMFast = (function () {
  'use strict';

  /* Rings in layer pixels at scale ``s`` (256·2^zoom) less the pixel origin ``o``, as
   * Leaflet's latLngToLayerPoint rounds them; a vertex within a pixel of the last one
   * kept is dropped, as Leaflet's own simplification (smoothFactor 1) would drop it. */
  function projectRings(rings, s, o) {
    var out = new Array(rings.length);
    for (var r = 0; r < rings.length; r++) {
      var m = rings[r], n = m.length, ring = [], lx = 0, ly = 0;
      for (var j = 0; j < n; j += 2) {
        var x = Math.round(m[j] * s) - o.x, y = Math.round(m[j + 1] * s) - o.y;
        if (j > 0 && j < n - 2 && (x - lx) * (x - lx) + (y - ly) * (y - ly) <= 1) { continue; }
        ring.push(new L.Point(x, y));
        lx = x;
        ly = y;
      }
      out[r] = ring;
    }
    return out;
  }

  /* Lines and areas projected from Web-Mercator coordinates in [0, 1]² computed once
   * (EPSG:3857 at zoom 0, over one 256 px tile): at each zoom only the bounding box is
   * scaled, and a feature's rings are scaled when it is first drawn in view at that
   * zoom, with sub-pixel vertices dropped.  Leaflet's own _project ran the projection
   * for every vertex of every feature at every zoom step (most of a zoom step's work). */
  var FastPath = {
    // a view reset updated every feature twice: in its own _reset, then in the canvas's
    // _updatePaths that follows it (Leaflet 1.9, Canvas._reset); now only in the latter
    _reset: function () {
      this._project();
      if (!(this._renderer && this._renderer._postponeUpdatePaths)) { this._update(); }
    },
    _project: function () {
      var map = this._map, m = this._psm;
      if (!m || map.options.crs !== L.CRS.EPSG3857) {
        this._psmS = null;
        return L.Polyline.prototype._project.call(this);
      }
      var s = 256 * Math.pow(2, map.getZoom()), o = map.getPixelOrigin(), b = m.box;
      if (this._rings && s === this._psmS && o.equals(this._psmO)) { return; }  // zoomend
      this._psmS = s;
      this._psmO = o;
      this._rings = null;
      this._rawPxBounds = new L.Bounds(
        [Math.round(b[0] * s) - o.x, Math.round(b[1] * s) - o.y],
        [Math.round(b[2] * s) - o.x, Math.round(b[3] * s) - o.y]);
      this._updateBounds();
    },
    _clipPoints: function () {
      if (this._psmS && !this._rings) {
        if (!this._pxBounds || !this._pxBounds.intersects(this._renderer._bounds)) {
          this._parts = [];
          return;
        }
        this._rings = projectRings(this._psm.rings, this._psmS, this._psmO);
      }
      var view = this._renderer._bounds;
      if (this._psmS && this._pxBounds && view.contains(this._pxBounds)) {
        this._parts = this._rings.slice();  // wholly in view: nothing to clip
        return;
      }
      this._psmClip();
    }
  };
  var Line = L.Polyline.extend(L.extend({_psmClip: L.Polyline.prototype._clipPoints},
    FastPath));
  var Area = L.Polygon.extend(L.extend({_psmClip: L.Polygon.prototype._clipPoints},
    FastPath));

  /* Markers moved by their group: Leaflet registers three map listeners per marker
   * (zoom, viewreset, zoomanim) and finds each in a list of every marker's to remove it,
   * which made removing a zoom level's clusters quadratic in the markers on the map; a
   * MarkerGroup listens once and moves its markers (and animates them) itself. */
  var Marker = L.Marker.extend({
    getEvents: function () { return {}; },
    onAdd: function (map) {
      this._zoomAnimated = this._zoomAnimated && map.options.markerZoomAnimation;
      this._initIcon();
      this.update();
    },
    onRemove: function () {
      this._removeIcon();
      this._removeShadow();
    },
    // a 2D translate: Leaflet's translate3d made each of some 600 markers its own
    // compositing layer, rasterised and composited apart at every zoom step
    _setPos: function (pos) {
      if (this._icon) {
        this._icon._leaflet_pos = pos;
        this._icon.style.transform = 'translate(' + pos.x + 'px,' + pos.y + 'px)';
      }
      this._zIndex = pos.y + this.options.zIndexOffset;
      this._resetZIndex();
    }
  });
  var MarkerGroup = L.FeatureGroup.extend({
    getEvents: function () {
      return {zoom: this._psmMove, viewreset: this._psmMove, zoomanim: this._psmAnimate};
    },
    _psmMove: function () {
      for (var k in this._layers) { this._layers[k].update(); }
    },
    _psmAnimate: function (e) {
      for (var k in this._layers) {
        var m = this._layers[k];
        if (m._zoomAnimated && m._animateZoom) { m._animateZoom(e); }
      }
    }
  });

  /* A section symbol (the page's own SVG, ``options.html``) as an <img> of it in the
   * marker's box: the browser rasterises each symbol once and blits it, where the same
   * SVG inline in ~420 markers was laid out and painted node by node at every zoom step
   * (a quarter of the step).  The box keeps the far-zoom scaling (page.css). */
  var ImageIcon = L.DivIcon.extend({
    /* The symbol as a data: URI (also what the canvas draws: PSMPoints.Fixed). */
    url: function () {
      if (!this._psmUrl) {
        this._psmUrl = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(this.options.html);
      }
      return this._psmUrl;
    },
    createIcon: function (old) {
      this.url();
      var div = (old && old.tagName === 'DIV') ? old : document.createElement('div');
      var img = div.firstChild;
      if (!img || img.tagName !== 'IMG') {
        div.textContent = '';
        img = document.createElement('img');
        img.alt = '';
        img.draggable = false;
        div.appendChild(img);
      }
      img.src = this._psmUrl;
      this._setIconStyles(div, 'icon');
      return div;
    }
  });

  /* A cluster disc's background (ring, disc, white rim) as a cached SVG image per colour
   * and size, for the same reason: box-shadow and opacity on ~150 discs were repainted at
   * every zoom step. */
  var DISCS = {};
  function discImage(colour, size) {
    var key = colour + '|' + size;
    if (!DISCS[key]) {
      var r = size / 2;
      var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + size + '" height="' + size +
        '" viewBox="0 0 ' + size + ' ' + size + '"><circle cx="' + r + '" cy="' + r + '" r="' +
        r + '" fill="#000" fill-opacity=".18"/><circle cx="' + r + '" cy="' + r + '" r="' +
        (r - 4) + '" fill="' + colour + '" fill-opacity=".92" stroke="#fff" stroke-opacity=".9"' +
        ' stroke-width="2"/></svg>';
      DISCS[key] = 'url("data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg) + '")';
    }
    return DISCS[key];
  }

  return {Line: Line, Area: Area, Marker: Marker, MarkerGroup: MarkerGroup,
    ImageIcon: ImageIcon, discImage: discImage};
}());
