/* Pollution Source Map: one source type clustered by supercluster (npm, ISC).
 *
 * The hierarchical index is built once when the layer is first shown, so clusters
 * are the same at every visit of a zoom level and do not jump on a pan; a move asks
 * the index for the clusters in view, which the map's PSMPoints canvas draws.  The item
 * under the pointer or the keyboard's focus is a real marker (materialise).  A cluster
 * click zooms to where it splits; a cluster whose points coincide (or that still holds
 * several points at the deepest zoom) spiders out around its place.  Clusters and
 * points are keyboard reachable: Tab enters a layer at the first item in view and moves
 * through its items in reading order, Enter opens one.
 */
var PSMSuper = L.Layer.extend({
  includes: PSMPoints.Live,
  options: {radius: 80, maxZoom: 18, padding: 0.15, spiderPx: 26, symbol: null, size: 18},

  /* n points; xy(i) -> [lat, lng]; icon: the point symbol (of its markers; options.symbol
   * the same as an image URL for the canvas); colour: the clusters'. */
  initialize: function (n, xy, icon, colour, options) {
    L.setOptions(this, options);
    this._n = n;
    this._latlng = xy;
    this._icon = icon;
    this._colour = colour;
    this._keep = null;  // indices kept by a filter (null: all)
    this._index = null;
    this._shown = new PSMFast.MarkerGroup();  // the items made markers (materialise)
    this._shown.addEventParent(this);
    this._items = [];  // what is drawn now: clusters and lone points in the padded view
    this._byKey = {};  // key ("c" + cluster id or "p" + point) -> item
    this._live = {};  // key -> marker
    this._tabKey = null;  // the item the keyboard enters the layer at
    this._spider = null;
    this._drawn = 0;
    this.lastUpdateMs = null;
    this.on('click', this._onClick, this);
    this.on('keypress', function (e) {  // Enter on a focused cluster: as a click
      if (e.originalEvent && e.originalEvent.keyCode === 13) { this._onClick(e); }
    }, this);
  },

  /* An index built elsewhere (PSMSuper.offThread) for every point. */
  adopt: function (index, ms) {
    this._index = index;
    this._count = this._n;
    this.buildMs = ms;
  },

  _build: function () {
    var t0 = performance.now(), pts = [];
    for (var i = 0; i < this._n; i++) {
      if (this._keep && !this._keep[i]) { continue; }
      var ll = this._latlng(i);
      pts.push({type: 'Feature', properties: {i: i},
        geometry: {type: 'Point', coordinates: [ll[1], ll[0]]}});
    }
    this._index = new Supercluster(PSMSuper.INDEX).load(pts);
    this._count = pts.length;
    this.buildMs = performance.now() - t0;
  },

  onAdd: function (map) {
    if (!this._index) { this._build(); }
    this._livePane(map);
    this._shown.addTo(map);
    this._canvas = PSMPoints.of(map);
    this._canvas.addSource(this);
    map.on('moveend', this._update, this);
    map.on('zoomstart', this._unspider, this);
    this._update();
  },

  onRemove: function (map) {
    map.off('moveend', this._update, this);
    map.off('zoomstart', this._unspider, this);
    this._unspider();
    this._canvas.removeSource(this);
    map.removeLayer(this._shown);
    this._shown.clearLayers();
    this._live = {};
    this._items = [];
    this._byKey = {};
  },

  /* Keep only the points with ``keep[i]`` true (null: every point); the index is rebuilt. */
  setFilter: function (keep) {
    this._keep = keep;
    this._build();
    this._unspider();
    this._shown.clearLayers();
    this._live = {};
    if (this._map) { this._update(); }
  },

  size: function () { return this._n; },
  kept: function () { return this._index ? this._count : this._n; },
  drawn: function () { return this._drawn; },
  /* The items that are markers now (under the pointer, focused, with a popup open). */
  getLayers: function () { return this._shown.getLayers(); },

  /* The marker of point i drawn alone: zoom in until it leaves its cluster, or spider
   * out its cluster when it shares its place with others. */
  showPoint: function (i) {
    var map = this._map;
    if (!map) { return null; }
    if (!this._index) { this._build(); }
    map.setView(this._latlng(i), Math.max(map.getZoom(), this.options.maxZoom),
      {animate: false});
    this._update();
    if (this._byKey['p' + i]) { return this.materialise('p' + i); }
    for (var k = 0; k < this._items.length; k++) {
      var it = this._items[k];
      if (!it.cluster) { continue; }
      var leaves = this._index.getLeaves(it.id, Infinity);
      for (var j = 0; j < leaves.length; j++) {
        if (leaves[j].properties.i === i) {
          this._spiderfy(this.materialise(it.key));
          return this._spider ? this._spider.markers[i] || null : null;
        }
      }
    }
    return null;
  },

  _update: function () {
    var map = this._map;
    if (!map || !this._index) { return; }
    var t0 = performance.now();
    var b = map.getBounds().pad(this.options.padding), z = map.getZoom();
    var west = Math.max(-180, b.getWest()), east = Math.min(180, b.getEast());
    var found = this._index.getClusters([west, Math.max(-85, b.getSouth()), east,
      Math.min(85, b.getNorth())], Math.min(Math.round(z), this.options.maxZoom));
    var items = new Array(found.length), byKey = {}, drawn = 0, size = this.options.size;
    for (var k = 0; k < found.length; k++) {
      var f = found[k], p = f.properties, c = f.geometry.coordinates, it;
      if (p.cluster) {
        var n = p.point_count;
        it = {key: 'c' + p.cluster_id, cluster: true, id: p.cluster_id, count: n,
          size: n < 100 ? 36 : (n < 1000 ? 42 : 50),  // the disc and its ring (3 px)
          text: n < 10000 ? String(n) : Math.round(n / 1000) + 'k'};
      } else {
        it = {key: 'p' + p.i, cluster: false, i: p.i, count: 1, size: size};
      }
      it.latlng = L.latLng(c[1], c[0]);
      it.alpha = 1;
      drawn += it.count;
      items[k] = byKey[it.key] = it;
    }
    this._items = items;
    this._byKey = byKey;
    this._drawn = drawn;
    if (this._spider && byKey[this._spider.cluster._psmKey]) {
      byKey[this._spider.cluster._psmKey].alpha = 0.35;
    }
    this._settle();
    this._canvas.changed();
    this.lastUpdateMs = performance.now() - t0;
  },

  _markerOf: function (it) {
    return it.cluster ? this._clusterMarker(it) : this._pointMarker(it.i);
  },

  _pointMarker: function (i, spider) {
    var Kind = spider ? L.Marker : PSMFast.Marker;  // spider markers move by themselves
    var m = new Kind(this._latlng(i), {icon: this._icon, keyboard: true,
      title: this.options.label ? this.options.label(i) : ''});
    m._psmI = i;
    return m;
  },

  _clusterMarker: function (it) {
    var disc = document.createElement('div'), span = document.createElement('span');
    disc.style.backgroundImage = PSMFast.discImage(this._colour, it.size);
    span.textContent = it.text;
    disc.appendChild(span);
    var m = new PSMFast.Marker(it.latlng, {keyboard: true,
      title: this.options.clusterLabel.replace('{n}', String(it.count)),
      icon: L.divIcon({html: disc, className: 'psm-cluster', iconSize: L.point(it.size,
        it.size)})});
    m._psmClusterId = it.id;
    m._psmCount = it.count;
    return m;
  },

  _onClick: function (e) {
    var m = e.layer;
    if (!m || m._psmClusterId === undefined) { return; }
    var map = this._map, id = m._psmClusterId;
    var zoom = this._index.getClusterExpansionZoom(id);
    if (zoom > this.options.maxZoom || this._coincident(id) ||
        map.getZoom() >= this.options.maxZoom) {
      this._spiderfy(m);
    } else {
      map.setView(m.getLatLng(), zoom, {animate: false});
    }
  },

  _coincident: function (id) {
    var leaves = this._index.getLeaves(id, 50), c0 = leaves[0].geometry.coordinates;
    for (var k = 1; k < leaves.length; k++) {
      var c = leaves[k].geometry.coordinates;
      if (Math.abs(c[0] - c0[0]) > 1e-6 || Math.abs(c[1] - c0[1]) > 1e-6) { return false; }
    }
    return true;
  },

  /* The cluster's points on a circle (a spiral past 12) around it, with legs. */
  _spiderfy: function (cluster) {
    this._unspider();
    var map = this._map, leaves = this._index.getLeaves(cluster._psmClusterId, Infinity);
    var centre = map.latLngToLayerPoint(cluster.getLatLng()), n = leaves.length;
    var group = L.featureGroup(), markers = {}, step = this.options.spiderPx;
    for (var k = 0; k < n; k++) {
      var a, r;
      if (n <= 12) {
        a = 2 * Math.PI * k / n;
        r = Math.max(step * 1.2, step * n / (2 * Math.PI));
      } else {
        a = 0.9 * Math.sqrt(k) * 2;
        r = step * (0.8 + 0.35 * Math.sqrt(k) * 2);
      }
      var at = map.layerPointToLatLng(centre.add(L.point(r * Math.cos(a), r * Math.sin(a))));
      group.addLayer(L.polyline([cluster.getLatLng(), at], {color: '#555', weight: 1,
        opacity: 0.7, interactive: false, className: 'psm-spider-leg'}));
      var i = leaves[k].properties.i, mk = this._pointMarker(i, true);
      mk.setLatLng(at);
      markers[i] = mk;
      group.addLayer(mk);
    }
    group.addEventParent(this);
    group.addTo(map);
    cluster.setOpacity(0.35);
    this._spider = {cluster: cluster, group: group, markers: markers};
    var it = this._byKey[cluster._psmKey];
    if (it) { it.alpha = 0.35; this._canvas.changed(); }  // its drawing fades with it
    var first = group.getLayers()[1];
    if (first && first._icon && first._icon.focus) { first._icon.focus(); }
  },

  _unspider: function () {
    if (!this._spider) { return; }
    var cluster = this._spider.cluster, it = this._byKey[cluster._psmKey];
    this._spider.group.removeEventParent(this);
    this._map.removeLayer(this._spider.group);
    cluster.setOpacity(1);
    this._spider = null;
    if (it) { it.alpha = 1; this._canvas.changed(); }
    this._release(cluster);
  },

  /* The markers spidered out now (point index -> marker), or null. */
  spidered: function () { return this._spider ? this._spider.markers : null; }
});

/* The index options; no levels below zoom 3 (a province fills the screen from 6): ~10 %
 * of the build.  The radius and maximum zoom are the layer's defaults above. */
PSMSuper.INDEX = {radius: 80, minZoom: 3, maxZoom: 18, minPoints: 2};

/* The index of every point of a layer built in a Web Worker, on the other core, while the
 * page draws its other layers: a promise of a Supercluster, or of null where no worker
 * can be made (then the layer builds its index itself).  The worker runs this page's own
 * supercluster (its inline script, from a blob: no file, no request) and sends back its
 * flat arrays (transferred, not copied); they become an index here again.
 * job: the layer ({x, y}: its integer coordinates, lng = ox + x * q, lat = oy + y * q);
 * they are copied into typed arrays and moved to the worker.  (A worker that unpacked the
 * layer's data itself started sooner but doubled that work: slower on two busy cores.) */
PSMSuper.offThread = (function () {
  // one worker: a second one (the farms' index alone) was slower on two busy cores
  var POOL = 1, workers = [], jobs = {}, next = 0, failed = false, url = null;

  function work() {  // the worker's code (run there, from its source text)
    self.onmessage = function (e) {
      var d = e.data;
      try {
        index(d, d.x, d.y);
      } catch (err) {
        self.postMessage({id: d.id, error: String(err)});
      }
    };
    function index(d, x, y) {
      var n = x.length, pts = new Array(n);
      for (var i = 0; i < n; i++) {
        pts[i] = {type: 'Feature', properties: null,
          geometry: {type: 'Point', coordinates: [d.ox + x[i] * d.q, d.oy + y[i] * d.q]}};
      }
      var t0 = performance.now(), idx = new Supercluster(d.options).load(pts);
      var trees = [], slabs = [], seen = [], transfer = [];
      function keep(buf) { if (transfer.indexOf(buf) < 0) { transfer.push(buf); } }
      for (var z = 0; z < idx.trees.length; z++) {
        var t = idx.trees[z], k = t ? seen.indexOf(t) : -1;
        if (t && k < 0) {
          k = seen.length;
          seen.push(t);
          slabs.push({kd: t.ids.buffer, data: t.data});
          keep(t.ids.buffer);
          keep(t.data.buffer);
        }
        trees.push(k);
      }
      keep(idx.coords.buffer);
      self.postMessage({id: d.id, trees: trees, slabs: slabs, coords: idx.coords,
        numPoints: idx.numPoints, ms: performance.now() - t0}, transfer);
    }
  }

  function start() {
    if (!url) {
      var lib = document.querySelector('script[data-asset^="supercluster/"]');
      if (!lib || typeof Worker === 'undefined' || typeof Blob === 'undefined') { return null; }
      var src = lib.textContent + '\n;(' + work.toString() + '());';
      url = URL.createObjectURL(new Blob([src], {type: 'text/javascript'}));
    }
    var w = new Worker(url);
    w.psmLoad = 0;
    w.onmessage = function (e) {
      var job = jobs[e.data.id];
      if (!job) { return; }  // given up on (the layer built its own index)
      delete jobs[e.data.id];
      job.resolve(e.data.error ? null : adopt(e.data));
    };
    w.onerror = function (e) {  // every job still waiting builds on the main thread
      if (e && e.preventDefault) { e.preventDefault(); }
      failed = true;
      Object.keys(jobs).forEach(function (id) { jobs[id].resolve(null); });
      jobs = {};
    };
    return w;
  }

  function pick(size) {  // the least loaded worker (a new one while the pool is not full)
    var best = null;
    workers.forEach(function (w) { if (!best || w.psmLoad < best.psmLoad) { best = w; } });
    if ((!best || best.psmLoad > 0) && workers.length < POOL) {
      var w = start();
      if (w) { workers.push(w); best = w; }
    }
    if (best) { best.psmLoad += size; }
    return best;
  }

  var KDBush = null;
  function adopt(m) {  // the worker's arrays as a Supercluster (as its load() leaves one)
    if (!KDBush) {  // the class supercluster bundles: the constructor of a tree of its own
      KDBush = new Supercluster({minZoom: 0, maxZoom: 0}).load([{type: 'Feature',
        properties: null, geometry: {type: 'Point', coordinates: [0, 0]}}]).trees[1].constructor;
    }
    var idx = new Supercluster(PSMSuper.INDEX), props = new Array(m.numPoints);
    for (var i = 0; i < m.numPoints; i++) { props[i] = {i: i}; }
    var made = m.slabs.map(function (s) {
      var t = KDBush.from(s.kd);
      t.data = s.data;
      return t;
    });
    idx.trees = m.trees.map(function (k) { return k < 0 ? undefined : made[k]; });
    idx.numPoints = m.numPoints;
    idx.coords = m.coords;
    idx.props = props;
    idx.ids = null;
    idx.psmMs = m.ms;
    return idx;
  }

  function offThread(job, ox, oy, q) {
    var worker = null;
    try {
      worker = failed ? null : pick(job.x.length);
    } catch (err) {  // e.g. a browser that refuses workers from blob: URLs
      failed = true;
    }
    if (!worker) { return Promise.resolve(null); }
    var id = next++, msg = {id: id, ox: ox, oy: oy, q: q, options: PSMSuper.INDEX,
      x: Int32Array.from(job.x), y: Int32Array.from(job.y)};
    var move = [msg.x.buffer, msg.y.buffer];
    return new Promise(function (resolve) {
      jobs[id] = {resolve: resolve};
      worker.postMessage(msg, move);
      setTimeout(function () {  // a worker that never answers: the layer builds its own
        if (jobs[id]) { delete jobs[id]; resolve(null); }
      }, 30000);
    });
  }

  /* Start the worker now (it loads supercluster while the page unpacks its data). */
  offThread.warm = function () {
    try {
      if (!failed && !workers.length) {
        var w = start();
        if (w) { workers.push(w); }
      }
    } catch (err) {
      failed = true;
    }
  };
  return offThread;
}());
