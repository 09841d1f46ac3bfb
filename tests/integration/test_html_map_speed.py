"""The overview's speed-ups in real headless Chromium, network off: the cluster indexes
built in a Web Worker (and without one), lines and areas projected from cached Web-Mercator
coordinates, sections and sources drawn on one canvas (markers only for the items in use),
the panel's later blocks laid out after the map.

Each is checked against what Leaflet or supercluster would have done on the main thread.
"""

from __future__ import annotations

import pytest

from tests.integration.test_html_reviewer_tools import open_page, tool_pages  # noqa: F401

SOURCES = ("outfalls", "enterprises", "sewage_plants", "livestock_farms", "petrol_stations")

# the worker's index and one built here from the same points, compared at several zooms
SAME_INDEX = """
var g = PSM_STATE.overlays[arguments[0]], a = g._index, pts = [];
for (var i = 0; i < g._n; i++) { var ll = g._latlng(i);
  pts.push({type: 'Feature', properties: {i: i},
            geometry: {type: 'Point', coordinates: [ll[1], ll[0]]}}); }
var b = new Supercluster(PSMSuper.INDEX).load(pts), out = {worker: a.psmMs !== undefined,
  clusters: 0, differ: []};
[3, 5, 7, 9, 11, 13, 15, 17, 18, 19].forEach(function (z) {
  var ca = a.getClusters([-180, -85, 180, 85], z), cb = b.getClusters([-180, -85, 180, 85], z);
  if (JSON.stringify(ca) !== JSON.stringify(cb)) { out.differ.push(z); }
  ca.forEach(function (f) {
    if (!f.properties.cluster) { return; }
    out.clusters += 1;
    var id = f.properties.cluster_id;
    if (a.getClusterExpansionZoom(id) !== b.getClusterExpansionZoom(id) ||
        JSON.stringify(a.getLeaves(id, Infinity)) !== JSON.stringify(b.getLeaves(id, Infinity))) {
      out.differ.push('cluster ' + id);
    }
  });
});
return out;
"""


def test_cluster_indexes_come_from_a_worker_and_match_a_main_thread_build(
        chromium_driver, tool_pages):  # noqa: F811
    b = chromium_driver
    open_page(b, tool_pages.overview)
    for name in SOURCES:
        r = b.js(SAME_INDEX, name)
        assert r["worker"], name  # built off the main thread
        assert r["clusters"] > 0, name
        assert r["differ"] == [], name
    assert b.console_errors() == []


def test_without_workers_the_page_builds_its_indexes_itself(chromium_driver, tool_pages):  # noqa: F811
    b = chromium_driver
    script = b.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                      {"source": "window.Worker = undefined;"})
    try:
        open_page(b, tool_pages.overview)
        for name in SOURCES:
            r = b.js(SAME_INDEX, name)
            assert not r["worker"], name
            assert r["differ"] == [], name
        n = b.js("var o = PSM_STATE.overlays, t = 0; for (var k in o) {"
                 " if (o[k].kept) { t += o[k].kept(); } } return t;")
        assert n == sum(b.js("return PSM_STATE.counts[arguments[0]]", s) for s in SOURCES)
        assert b.console_errors() == []
    finally:
        b.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                                 {"identifier": script["identifier"]})


# a feature's rings as the page projects them and as Leaflet's latLngToLayerPoint would
RINGS = """
var map = PSM_STATE.map, g = PSM_STATE.overlays[arguments[0]], out = [];
g.eachLayer(function (s) {
  if (out.length >= 40 || !s._psm) { return; }
  s._project();
  s._clipPoints();
  if (!s._rings) { return; }
  var lls = s._latlngs, flat = [];
  (function walk(a) {
    if (a[0] instanceof L.LatLng) { flat.push(a); } else { a.forEach(walk); }
  })(lls);
  s._rings.forEach(function (ring, r) {
    var ref = flat[r].map(function (ll) { var p = map.latLngToLayerPoint(ll); return [p.x, p.y]; });
    out.push({ours: ring.map(function (p) { return [p.x, p.y]; }), leaflet: ref});
  });
});
return out;
"""


@pytest.mark.parametrize("layer", ["rivers", "control_units"])
def test_lines_and_areas_are_projected_as_leaflet_projects_them(chromium_driver, tool_pages,  # noqa: F811
                                                                 layer):
    b = chromium_driver
    open_page(b, tool_pages.overview)
    for zoom in (8, 11, 14):
        b.js("var m = PSM_STATE.map, g = PSM_STATE.overlays[arguments[0]];"
             "m.setView(g.getBounds().getCenter(), arguments[1], {animate: false});",
             layer, zoom)
        rings = b.js(RINGS, layer)
        assert rings, (layer, zoom)
        dropped = 0
        for ring in rings:
            ours, ref = ring["ours"], ring["leaflet"]
            # a polygon's closing vertex is one Leaflet drops from its LatLngs
            closing = len(ours) > 1 and ours[-1] == ours[0] and ref[-1] != ref[0]
            if closing:
                ours = ours[:-1]
            assert ours[0] == ref[0]
            assert closing or ours[-1] == ref[-1]
            k = 0
            for x, y in ref:  # every vertex kept is Leaflet's; a vertex dropped is within
                if k < len(ours) and [x, y] == ours[k]:  # a pixel of the last one kept
                    k += 1
                    continue
                last = ours[k - 1]
                assert (x - last[0]) ** 2 + (y - last[1]) ** 2 <= 1, (layer, zoom)
                dropped += 1
            assert k == len(ours), (layer, zoom)
        if zoom == 8:
            assert dropped > 0  # at the region's scale most vertices are sub-pixel


def test_items_are_drawn_where_leaflet_puts_markers_and_few_are_markers(
        chromium_driver, tool_pages):  # noqa: F811
    """Sections and sources are drawn on one canvas; a zoom step makes no DOM marker per
    item, and every item (and every marker in use) is where Leaflet puts its marker."""
    b = chromium_driver
    open_page(b, tool_pages.overview)
    items = b.js("var n = 0, pc = PSM_STATE.map._psmPoints;"
                 "pc._sources.forEach(function (g) { n += g.items().length; }); return n;")
    listeners = b.js("var e = PSM_STATE.map._events; return (e.zoom || []).length +"
                     " (e.viewreset || []).length + (e.zoomanim || []).length;")
    assert items > 50
    assert listeners < 40, listeners  # not three per marker
    for dz in (1, 2, -1):
        b.js("PSM_STATE.map.setZoom(PSM_STATE.map.getZoom() + arguments[0], {animate: false})",
             dz)
        b.js("PSM_STATE.sections.marker(3); PSM_STATE.sections.marker(7);")  # in use
        markers = b.js("return document.querySelectorAll('.leaflet-marker-icon').length")
        assert markers <= len(SOURCES) + 3, markers
        off = b.driver.execute_async_script(PLACED)
        assert off["items"] > 50 and off["markers"] >= 2, off
        assert off["worst"] == 0, off  # drawn, and marked, where Leaflet puts the marker
    # an animated zoom (the zoom button): the canvas scales with the map, then redraws
    zoom = b.js("return PSM_STATE.map.getZoom()")
    b.js("PSM_STATE.map.once('zoomend', function () { window.__zoomed = 1; });"
         "document.querySelector('.leaflet-control-zoom-in').click()")
    b.wait_for("window.__zoomed === 1", timeout=5)
    assert b.js("return PSM_STATE.map.getZoom()") == zoom + 1
    off = b.driver.execute_async_script(PLACED)
    assert off["items"] > 0 and off["worst"] == 0, off
    scale = b.js("return PSM_STATE.map._psmPoints._container.style.transform")
    assert "scale" not in scale or "scale(1)" in scale, scale  # drawn anew, not stretched


PLACED = """
var done = arguments[arguments.length - 1];
requestAnimationFrame(function () { requestAnimationFrame(function () {
  var map = PSM_STATE.map, out = {items: 0, markers: 0, worst: 0};
  map._psmPoints._sources.forEach(function (g) {
    g.items().forEach(function (it) {
      var p = map.latLngToLayerPoint(it.latlng);
      out.items += 1;
      out.worst = Math.max(out.worst, Math.abs(p.x - it.x) + Math.abs(p.y - it.y));
    });
    g.getLayers().forEach(function (m) {
      if (!m._icon) { return; }
      var p = map.latLngToLayerPoint(m.getLatLng()).round(), q = L.DomUtil.getPosition(m._icon);
      out.markers += 1;
      out.worst = Math.max(out.worst, Math.abs(p.x - q.x) + Math.abs(p.y - q.y));
    });
  });
  done(out);
}); });
"""


def test_later_panel_blocks_wait_for_the_map_then_lay_out_when_shown(chromium_driver,
                                                                    tool_pages):  # noqa: F811
    b = chromium_driver
    open_page(b, tool_pages.overview)
    cv = b.js("return Array.prototype.map.call(document.querySelectorAll('.psm-panel .psm-block'),"
              " function (s) { return getComputedStyle(s).contentVisibility; })")
    assert len(cv) >= 3 and set(cv) == {"auto"}, cv
    b.js("document.documentElement.removeAttribute('data-psm-ready')")
    cv = b.js("return Array.prototype.map.call(document.querySelectorAll('.psm-panel .psm-block'),"
              " function (s) { return getComputedStyle(s).contentVisibility; })")
    assert cv[0] == "auto" and set(cv[1:]) == {"hidden"}, cv


SYMBOLS = """
var done = arguments[arguments.length - 1];
requestAnimationFrame(function () { requestAnimationFrame(function () {
  var pc = PSM_STATE.map._psmPoints, out = {wrong: [], urls: {}, broken: 0, pending: 0};
  PSM_STATE.sections.items().forEach(function (it) {
    var m = PSM_STATE.sections.psmMarkers[it.i], head = 'data:image/svg+xml;charset=utf-8,';
    var svg = it.img.indexOf(head) === 0 ? decodeURIComponent(it.img.slice(head.length)) : null;
    if (svg !== m.options.icon.options.html) { out.wrong.push(it.i); }
    out.urls[it.img] = 1;
    var img = pc._images[it.img];
    if (!img || !img.complete) { out.pending += 1; }
    else if (!img.naturalWidth) { out.broken += 1; }
  });
  out.urls = Object.keys(out.urls).length;
  out.bitmaps = Object.keys(pc._bitmaps).length;
  out.discs = Object.keys(pc._discs).length;
  out.clusters = 0;
  pc._sources.forEach(function (g) {
    g.items().forEach(function (it) { if (it.cluster) { out.clusters += 1; } }); });
  var d = document.querySelector('.psm-cluster > div');
  var img = document.querySelector('.psm-sec img');
  out.disc = d ? [d.style.backgroundImage.slice(0, 24), getComputedStyle(d).boxShadow,
    getComputedStyle(d).opacity] : null;
  out.secImg = img ? [img.getAttribute('src').slice(0, 19), img.complete,
    img.naturalWidth > 0] : null;
  out.inline = document.querySelectorAll('.psm-sec svg').length;
  done(out);
}); });
"""


def test_section_symbols_and_cluster_discs_are_bitmaps_made_once(chromium_driver,
                                                                 tool_pages):  # noqa: F811
    """Each symbol is rasterised once per size and blitted at every place; a section or
    cluster in use as a marker shows the same symbol as an image, not inline SVG or CSS
    shadows (which were laid out and painted again at each zoom step)."""
    b = chromium_driver
    open_page(b, tool_pages.overview)
    b.wait_for("Object.values(PSM_STATE.map._psmPoints._images).every("
               "function (i) { return i.complete; })", timeout=10)
    b.js("var g = PSM_STATE.overlays.enterprises, c = g.items().filter("
         "function (t) { return t.cluster; })[0]; g.materialise(c.key);"
         "PSM_STATE.sections.marker(0);")
    r = b.driver.execute_async_script(SYMBOLS)
    n = b.js("return PSM_STATE.sections.psmMarkers.length")
    assert n > 0 and r["wrong"] == [] and r["inline"] == 0, r
    assert r["broken"] == 0 and r["pending"] == 0, r  # every image decodes
    assert 1 <= r["urls"] < n, r  # one image per symbol, shared by its sections
    assert r["urls"] <= r["bitmaps"] <= r["urls"] + len(SOURCES) + 8, r  # once per size
    assert r["clusters"] > 0 and 1 <= r["discs"] <= 3 * len(SOURCES), r
    assert r["disc"] is not None and r["disc"][0].startswith('url("data:image/svg+xml'), r
    assert r["disc"][1:] == ["none", "1"], r
    assert r["secImg"] == ["data:image/svg+xml;", True, True], r
    # the far-zoom scaling: the canvas draws sections at half size, as the marker shows it
    b.js("PSM_STATE.map.setZoom(6, {animate: false})")
    b.js("PSM_STATE.sections.marker(0)")
    half = b.driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "requestAnimationFrame(function () { requestAnimationFrame(function () {"
        " var it = PSM_STATE.sections.items()[0]; done([it.h, it.size]); }); });")
    assert half[0] == half[1] / 4, half
    scale = b.js("return getComputedStyle(document.querySelector('.psm-sec img')).transform")
    assert scale.startswith("matrix(0.5"), scale
    assert b.console_errors() == []
