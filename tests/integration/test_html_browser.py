"""Exported pages in real headless Chromium with the network off.

No console errors, no request leaves file://, the map and legend render, every
feature is drawn, popups open with their SVG chart, hostile names stay text, the
layout holds on a 390-px phone.  Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import time

import pytest

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.html import export_all
from pollution_map_plugin.core.schema import SOURCE_LAYERS
from tests.fixtures.browser import XSS_ENTERPRISE, XSS_RIVER_CODE

READY = "document.documentElement.getAttribute('data-psm-ready') === '1'"


# each item the canvas drew has a painted pixel where it is (a canvas that drew nothing,
# or drew it elsewhere, fails)
UNPAINTED = """
var done = arguments[arguments.length - 1];
requestAnimationFrame(function () { requestAnimationFrame(function () {
  var pc = PSM_STATE.map._psmPoints, c = pc._container, r = pc._ratio, o = pc._bounds.min;
  var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = {drawn: 0,
    missing: []};
  pc._sources.forEach(function (g) { g.items().forEach(function (it) {
    if (it.x === undefined) { out.missing.push(it.key + ' not drawn'); return; }
    var x = Math.round((it.x - o.x) * r), y = Math.round((it.y - o.y) * r);
    if (x < 0 || y < 0 || x >= c.width || y >= c.height) { return; }
    out.drawn += 1;
    if (px[(y * c.width + x) * 4 + 3] === 0) { out.missing.push(it.key); }
  }); });
  done(out);
}); });
"""


def payload(path) -> dict:
    from pollution_map_plugin.core.html.page_reader import page_data

    return page_data(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages(demo_db_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("html_browser")
    with open_database(demo_db_path) as db:
        result = export_all(db, out, offline=True, basemap="osm")  # tiles offered, not loaded
        counts = {name: db.count(name) for name in (*SOURCE_LAYERS, "sections")}
    return result, counts


@pytest.fixture(scope="module")
def xss_pages(xss_db_path, tmp_path_factory):
    with open_database(xss_db_path) as db:
        return export_all(db, tmp_path_factory.mktemp("html_xss"), lang="en")


def open_page(browser, path, width=1366, height=860, mobile=False) -> float:
    browser.open(path, width, height, mobile)
    return browser.wait_for(READY, timeout=20)


def assert_clean(browser, name: str) -> None:
    assert browser.console_errors() == [], name
    assert browser.remote_requests() == [], name
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.driver.switch_to.alert.text  # noqa: B018 - raises when no alert is open


def test_the_network_is_really_off(chromium_driver, pages):
    b = chromium_driver
    open_page(b, pages[0].index.parent / "overview.html")
    b.reset_logs()
    outcome = b.driver.execute_async_script(
        "var done = arguments[0];"
        "fetch('https://tile.openstreetmap.org/1/1/1.png').then("
        "function () { done('loaded'); }, function (e) { done('failed: ' + e); });")
    assert outcome.startswith("failed")
    assert any("openstreetmap" in u for u in b.remote_requests())  # and it was recorded


def test_overview_draws_every_feature(chromium_driver, pages, artifacts_dir):
    result, counts = pages
    b = chromium_driver
    waited = open_page(b, result.overview)
    assert waited < 5
    held = b.js("var s = PSM_STATE, out = {};"
                "for (var k in s.overlays) { var g = s.overlays[k];"
                "  out[k] = g.size ? g.size() : g.getLayers().length; }"
                "return out;")
    for name in SOURCE_LAYERS:
        assert held[name] == counts[name], name
    assert held["sections"] == counts["sections"]
    # sections, clusters and lone sources are drawn on the map's canvas, each where it is;
    # only the items in use are markers (the keyboard's way into each layer, here)
    assert len(b.js("return PSM_STATE.sections.items()")) == counts["sections"]
    live = b.js("return document.querySelectorAll('.leaflet-marker-icon').length")
    assert 0 < live <= len(SOURCE_LAYERS) + 1, live
    unpainted = b.driver.execute_async_script(UNPAINTED)
    assert unpainted["drawn"] > 10 and unpainted["missing"] == [], unpainted
    # every source in view is drawn exactly once: cluster counts + lone points
    in_view = b.js(
        "var b = PSM_STATE.map.getBounds().pad(0.25), out = {};"
        "['outfalls','enterprises','sewage_plants','livestock_farms','petrol_stations']"
        ".forEach(function (k) { var g = PSM_STATE.overlays[k], t = 0;"
        "  for (var i = 0; i < g.size(); i++) { if (b.contains(g._latlng(i))) { t += 1; } }"
        "  var d = 0; g.items().forEach(function (it) { d += it.count; });"
        "  out[k] = [t, g.drawn(), d]; });"
        "return out;")
    for name, (t, drawn_n, in_items) in in_view.items():
        assert t == drawn_n == in_items and t > 0, (name, t, drawn_n, in_items)
    b.screenshot("html_overview_desktop")
    # clusters open up: a real click on one zooms in and draws more, smaller clusters
    before = b.js("return PSM_STATE.map.getZoom()")
    at = b.js("var g = PSM_STATE.overlays.livestock_farms, m = PSM_STATE.map,"
              " it = g.items().filter(function (t) { return t.count > 1 &&"
              "   m.getPixelBounds().contains(m.project(t.latlng)); })[0],"
              " p = m.latLngToContainerPoint(it.latlng), s = m.getSize();"
              "return [p.x - s.x / 2, p.y - s.y / 2, it.count];")
    from selenium.webdriver.common.action_chains import ActionChains

    box = b.driver.find_element("css selector", ".leaflet-container")
    ActionChains(b.driver).move_to_element_with_offset(box, int(at[0]), int(at[1])).pause(
        0.1).click().perform()
    assert b.js("return PSM_STATE.map.getZoom()") > before
    assert b.js("return document.querySelector('.psm-legend').offsetHeight") > 20
    assert b.js("return document.querySelectorAll('.leaflet-control-layers').length") == 1
    assert b.js("return document.querySelectorAll('.leaflet-control-scale').length") == 1
    assert b.js("return document.querySelectorAll('.leaflet-control-zoom-fullscreen, "
                ".leaflet-control-fullscreen a, .fullscreen-icon').length") >= 1
    assert b.js("return document.querySelectorAll('.leaflet-tile').length") == 0  # offline
    assert_clean(b, "overview")


def test_report_renders_with_section_popup_and_chart(chromium_driver, pages, artifacts_dir):
    result, _ = pages
    b = chromium_driver
    code = sorted(result.reports)[1]
    path = result.reports[code]
    data = payload(path)
    open_page(b, path)
    assert b.js("return PSM_STATE.overlays.sections.getLayers().length") == data["sections"]["n"]
    for p in data["points"]:
        assert b.js(f"return PSM_STATE.overlays['{p['id']}'].size()") == p["n"]
        assert b.js(f"return PSM_STATE.overlays['{p['id']}'].drawn()") == p["n"]  # all in view
    b.screenshot("html_report_desktop")
    # a section missing its target: click its row in the side panel
    q = data["sections"]["quality"]
    idx = next((i for i, m in enumerate(q["meets"]) if m == 0), 0)
    b.driver.find_element("css selector", f'[data-psm-feature="sections:{idx}"]').click()
    b.wait_for("document.querySelector('.leaflet-popup svg.psm-chart')", timeout=5)
    time.sleep(0.4)  # autopan
    dots = b.js("return document.querySelectorAll('.leaflet-popup .psm-chart-dot').length")
    assert dots == sum(1 for _, c in q["hist"][idx] if c)
    text = b.js("return document.querySelector('.leaflet-popup-content').innerText")
    assert "历年水质类别" in text and "目标" in text
    if q["fail"][idx]:
        assert "超标项目" in text
        assert b.js("return document.querySelectorAll('.leaflet-popup .psm-fail tr').length") \
            == len(q["fail"][idx])
    inside = b.js(
        "var p = document.querySelector('.leaflet-popup').getBoundingClientRect(),"
        " m = PSM_STATE.map.getContainer().getBoundingClientRect();"
        "return p.top >= m.top - 1 && p.right <= m.right + 1 && p.left >= m.left - 1;")
    assert inside, "the popup is panned into view"
    b.screenshot("html_report_section_popup")
    assert_clean(b, "report")


def test_source_popup_by_a_real_click(chromium_driver, pages):
    result, _ = pages
    b = chromium_driver
    code = sorted(result.reports)[1]
    open_page(b, result.reports[code])
    icon = b.js("var m = PSM_STATE.overlays.enterprises.showPoint(0); return m._icon;")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", icon)
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(b.driver).move_to_element(icon).click().perform()
    b.wait_for("document.querySelector('.leaflet-popup-content .psm-fields')", timeout=5)
    text = b.js("return document.querySelector('.leaflet-popup-content').innerText")
    for label in ("统一社会信用代码", "行业", "化学需氧量", "排污口"):
        assert label in text, label
    time.sleep(0.4)  # the popup's fade-in
    b.screenshot("html_report_source_popup")
    assert_clean(b, "source popup")


def test_hostile_names_stay_text(chromium_driver, xss_pages):
    b = chromium_driver
    open_page(b, xss_pages.overview)
    i = b.js("return PSM.values('enterprises', 'name').indexOf(arguments[0]);", XSS_ENTERPRISE)
    assert i >= 0
    b.js("var m = PSM_STATE.overlays.enterprises.showPoint(arguments[0]);"
         "m.fire('click', {latlng: m.getLatLng()}, true);", i)
    content = b.js("return document.querySelector('.leaflet-popup-content h3').textContent")
    assert content == XSS_ENTERPRISE
    assert b.js("return document.querySelectorAll('img[src=\"x\"], .leaflet-popup img').length") \
        == 0
    assert b.js("return document.querySelector('.leaflet-popup-content').innerHTML") \
        .count("&lt;img") >= 1
    time.sleep(0.4)
    b.screenshot("html_xss_overview_popup")
    assert_clean(b, "xss overview")
    open_page(b, xss_pages.reports[XSS_RIVER_CODE])
    assert "<script>alert('river')</script>" in b.js("return document.title")
    assert b.js("return document.querySelectorAll('h1 script, header script, aside script, "
                "header i, header b:not(:only-child) svg').length") == 0
    assert "<i>chief</i>" in b.js("return document.querySelector('.psm-header').innerText")
    assert "<svg onload=alert(2)>" in b.js("return document.querySelector('.psm-panel').innerText")
    b.screenshot("html_xss_report")
    assert_clean(b, "xss report")


def test_phone_layout_390(chromium_driver, pages):
    result, _ = pages
    b = chromium_driver
    code = sorted(result.reports)[1]
    open_page(b, result.reports[code], 390, 844, mobile=True)
    geo = b.js(
        "var h = document.querySelector('.psm-header').getBoundingClientRect(),"
        " m = PSM_STATE.map.getContainer().getBoundingClientRect(),"
        " p = document.querySelector('.psm-panel').getBoundingClientRect();"
        "return {vw: window.innerWidth, sw: document.documentElement.scrollWidth,"
        " hb: h.bottom, mt: m.top, mb: m.bottom, mw: m.width, mh: m.height, pt: p.top,"
        " pw: p.width, legendOpen: document.querySelector('.psm-legend details').open};")
    assert geo["vw"] == 390 and geo["sw"] <= 390, geo  # no horizontal scrolling
    assert geo["mt"] >= geo["hb"] - 1 and geo["pt"] >= geo["mb"] - 1, geo  # stacked
    assert geo["mw"] >= 388 and geo["mh"] >= 300 and geo["pw"] >= 380, geo
    assert geo["legendOpen"] is False  # the legend starts folded on a phone
    b.screenshot("html_report_phone_390")
    b.driver.find_element("css selector", '[data-psm-feature="sections:0"]').click()
    b.wait_for("document.querySelector('.leaflet-popup svg.psm-chart')", timeout=5)
    time.sleep(0.4)
    width = b.js("return document.querySelector('.leaflet-popup').getBoundingClientRect().width")
    assert width <= 390
    b.driver.execute_script("window.scrollTo(0, 0)")
    b.screenshot("html_report_phone_390_popup")
    assert_clean(b, "phone")


def test_index_on_a_phone_and_english_page(chromium_driver, pages, xss_pages):
    result, _ = pages
    b = chromium_driver
    b.open(result.index, 390, 844, mobile=True)
    links = b.js("return document.querySelectorAll('a').length")
    assert links == len(result.reports) + 1
    assert b.js("return document.documentElement.scrollWidth") <= 390
    b.screenshot("html_index_phone_390")
    assert b.console_errors() == [] and b.remote_requests() == []
    en = next(p for c, p in xss_pages.reports.items() if c != XSS_RIVER_CODE)
    open_page(b, en)
    assert "Legend" in b.js("return document.querySelector('.psm-legend').innerText")
    assert "Water quality by section" in b.js(
        "return document.querySelector('.psm-panel').innerText")
    b.screenshot("html_report_english")
    assert_clean(b, "english")
