/* Pollution Source Map: a grid clusterer for tens of thousands of points.
 *
 * The points stay in two typed arrays (Web-Mercator x and y in 0..1); on every
 * move the points in view are binned into square cells of CELL pixels and only
 * one marker per cell is made: a cluster (count, per-type colour) or, for a lone
 * point, the point's own symbol.  From DETAIL_ZOOM on every point is drawn.
 * Nothing is built for points out of view, so 40,000 points cost a few
 * milliseconds per move instead of a cluster tree over every zoom level.
 */
var PSMCluster = L.Layer.extend({
  options: {cell: 64, detailZoom: 15, padding: 0.25},

  /* xy: function (i) -> [lat, lng]; n: the number of points; icon: the point symbol;
   * colour: cluster colour; makeMarker(i, latlng) may decorate each point marker. */
  initialize: function (n, xy, icon, colour, options) {
    L.setOptions(this, options);
    this._n = n;
    this._icon = icon;
    this._colour = colour;
    this._latlng = xy;
    this._mx = new Float64Array(n);
    this._my = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var ll = xy(i), s = Math.sin(Math.max(Math.min(ll[0], 85.05), -85.05) * Math.PI / 180);
      this._mx[i] = 0.5 + ll[1] / 360;
      this._my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    this._group = L.featureGroup();
    this._group.addEventParent(this);
    this._markers = {};  // point index -> its marker while drawn
    this._drawn = 0;
  },

  onAdd: function (map) {
    this._group.addTo(map);
    map.on('moveend', this._update, this);
    this._update();
  },

  onRemove: function (map) {
    map.off('moveend', this._update, this);
    map.removeLayer(this._group);
  },

  /* The number of points the layer holds. */
  size: function () { return this._n; },

  /* The number of points drawn (in clusters or alone) in the current view. */
  drawn: function () { return this._drawn; },

  /* Every marker and cluster on the map now. */
  getLayers: function () { return this._group.getLayers(); },

  /* The marker of point i once it is drawn alone (zooms in as needed). */
  showPoint: function (i, done) {
    var map = this._map, self = this;
    map.setView(this._latlng(i), Math.max(map.getZoom(), this.options.detailZoom),
      {animate: false});
    this._update();
    if (done) { done(self._markers[i]); }
    return self._markers[i];
  },

  _update: function () {
    var map = this._map;
    if (!map) { return; }
    var z = map.getZoom(), scale = 256 * Math.pow(2, z), cell = this.options.cell;
    var b = map.getPixelBounds(), pad = this.options.padding;
    var w = b.max.x - b.min.x, h = b.max.y - b.min.y;
    var x0 = b.min.x - w * pad, x1 = b.max.x + w * pad, y0 = b.min.y - h * pad,
      y1 = b.max.y + h * pad;
    var detail = z >= this.options.detailZoom, cells = new Map(), lone = [];
    var mx = this._mx, my = this._my, drawn = 0;
    for (var i = 0; i < this._n; i++) {
      var px = mx[i] * scale, py = my[i] * scale;
      if (px < x0 || px > x1 || py < y0 || py > y1) { continue; }
      drawn += 1;
      if (detail) { lone.push(i); continue; }
      var key = Math.floor(px / cell) * 4194304 + Math.floor(py / cell);
      var c = cells.get(key);
      if (c === undefined) {
        cells.set(key, {n: 1, sx: px, sy: py, first: i, x0: px, x1: px, y0: py, y1: py});
      } else {
        c.n += 1;
        c.sx += px;
        c.sy += py;
        if (px < c.x0) { c.x0 = px; } else if (px > c.x1) { c.x1 = px; }
        if (py < c.y0) { c.y0 = py; } else if (py > c.y1) { c.y1 = py; }
      }
    }
    this._drawn = drawn;
    this._group.clearLayers();
    this._markers = {};
    var self = this;
    cells.forEach(function (c) {
      if (c.n === 1) { lone.push(c.first); return; }
      var at = map.unproject([c.sx / c.n, c.sy / c.n], z);
      var m = L.marker(at, {icon: self._clusterIcon(c.n), keyboard: false});
      m._psmCluster = L.latLngBounds(map.unproject([c.x0, c.y1], z),
        map.unproject([c.x1, c.y0], z));
      m._psmCount = c.n;
      self._group.addLayer(m);
    });
    for (var k = 0; k < lone.length; k++) {
      var j = lone[k], mk = L.marker(this._latlng(j), {icon: this._icon, keyboard: false});
      mk._psmI = j;
      this._markers[j] = mk;
      this._group.addLayer(mk);
    }
  },

  _clusterIcon: function (n) {
    var size = n < 100 ? 30 : (n < 1000 ? 36 : 44);
    var text = n < 10000 ? String(n) : Math.round(n / 1000) + 'k';
    return L.divIcon({
      html: '<div style="background:' + this._colour + '"><span>' + text + '</span></div>',
      className: 'psm-cluster', iconSize: L.point(size, size)
    });
  }
});
