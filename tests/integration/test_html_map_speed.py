"""The overview's speed-ups in real headless Chromium, network off: the cluster indexes
built in a Web Worker (and without one), lines and areas projected from cached Web-Mercator
coordinates, markers moved by their group, the panel's later blocks laid out after the map.

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


def test_markers_are_moved_by_their_groups(chromium_driver, tool_pages):  # noqa: F811
    b = chromium_driver
    open_page(b, tool_pages.overview)
    markers = b.js("return document.querySelectorAll('.leaflet-marker-icon').length")
    listeners = b.js("var e = PSM_STATE.map._events; return (e.zoom || []).length +"
                     " (e.viewreset || []).length + (e.zoomanim || []).length;")
    assert markers > 50
    assert listeners < 40, listeners  # not three per marker
    for dz in (1, 2, -1):
        b.js("PSM_STATE.map.setZoom(PSM_STATE.map.getZoom() + arguments[0], {animate: false})",
             dz)
        off = b.js("var map = PSM_STATE.map, worst = 0;"
                   "PSM_STATE.sections.eachLayer(function (m) {"
                   " var p = map.latLngToLayerPoint(m.getLatLng()).round(),"
                   "     q = L.DomUtil.getPosition(m._icon);"
                   " worst = Math.max(worst, Math.abs(p.x - q.x) + Math.abs(p.y - q.y)); });"
                   "return worst;")
        assert off == 0  # every section symbol is where Leaflet puts its marker


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
var out = {inline: document.querySelectorAll('.psm-sec svg').length, urls: {}, wrong: [],
  discs: {}, plain: 0, broken: 0, pending: 0};
PSM_STATE.sections.psmMarkers.forEach(function (m, i) {
  var img = m._icon && m._icon.querySelector('img');
  if (!img) { out.wrong.push(i); return; }
  var src = img.getAttribute('src'), head = 'data:image/svg+xml;charset=utf-8,';
  var svg = src.indexOf(head) === 0 ? decodeURIComponent(src.slice(head.length)) : null;
  if (svg !== m.options.icon.options.html) { out.wrong.push(i); }
  out.urls[img.getAttribute('src')] = 1;
  if (!img.complete) { out.pending += 1; } else if (!img.naturalWidth) { out.broken += 1; }
});
document.querySelectorAll('.psm-cluster > div').forEach(function (d) {
  var bg = d.style.backgroundImage;
  if (!/^url\\("data:image\\/svg\\+xml/.test(bg)) { out.plain += 1; } else { out.discs[bg] = 1; }
});
out.urls = Object.keys(out.urls).length;
out.discs = Object.keys(out.discs).length;
out.clusters = document.querySelectorAll('.psm-cluster').length;
return out;
"""


def test_section_symbols_and_cluster_discs_are_images_made_once(chromium_driver,
                                                                tool_pages):  # noqa: F811
    """Inline SVG in every section marker, and box-shadow on every cluster disc, were laid
    out and painted again at each zoom step; each is now an image of the same SVG, made
    once per symbol (and per colour and size) and only blitted."""
    b = chromium_driver
    open_page(b, tool_pages.overview)
    b.wait_for("Array.prototype.every.call(document.querySelectorAll('.psm-sec img'),"
               " function (i) { return i.complete; })", timeout=10)
    r = b.js(SYMBOLS)
    n = b.js("return PSM_STATE.sections.psmMarkers.length")
    assert n > 0 and r["wrong"] == [] and r["inline"] == 0, r
    assert r["broken"] == 0 and r["pending"] == 0, r  # every image decodes
    assert 1 <= r["urls"] < n, r  # one image per symbol, shared by its sections
    assert r["clusters"] > 0 and r["plain"] == 0, r
    assert 1 <= r["discs"] <= 3 * len(SOURCES), r
    shadow = b.js("var d = document.querySelector('.psm-cluster > div');"
                  " return getComputedStyle(d).boxShadow + '|' + getComputedStyle(d).opacity;")
    assert shadow == "none|1", shadow
    # the far-zoom scaling still applies to the symbol inside each marker's box
    b.js("PSM_STATE.map.setZoom(6, {animate: false})")
    scale = b.js("return getComputedStyle(document.querySelector('.psm-sec img')).transform")
    assert scale.startswith("matrix(0.5"), scale
    assert b.console_errors() == []
