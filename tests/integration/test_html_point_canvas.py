"""Sections, clusters and lone sources drawn on the map's canvas (point_canvas.js), in real
headless Chromium: a real pointer, the keyboard and a finger reach every item as a Leaflet
marker, made while it is used and dropped after.
"""

from __future__ import annotations

import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.integration.test_html_reviewer_tools import (  # noqa: F401
    assert_clean,
    open_page,
    tool_pages,
)

# an item of layer ``arguments[0]`` in the visible view (a cluster when arguments[1]),
# away from the map's controls: its key and place (from the map's centre, CSS pixels)
ITEM = """
var g = PSM_STATE.overlays[arguments[0]], want = arguments[1], map = PSM_STATE.map;
var s = map.getSize(), it = g.items().filter(function (t) {
  var p = map.latLngToContainerPoint(t.latlng);
  return (want === null || t.cluster === want) && p.x > 330 && p.y > 40 &&
    p.x < s.x - 280 && p.y < s.y - 40;
})[0];
if (!it) { return null; }
var p = map.latLngToContainerPoint(it.latlng);
return {key: it.key, x: p.x - s.x / 2, y: p.y - s.y / 2, count: it.count};
"""

FRAME = ("var done = arguments[arguments.length - 1];"
         "requestAnimationFrame(function () { requestAnimationFrame(function () { done(1); });"
         " });")


def item_of(b, layer, cluster=None):
    b.driver.execute_async_script(FRAME)  # the canvas has drawn (items know their place)
    return b.js(ITEM, layer, cluster)


def test_the_pointer_makes_a_marker_of_the_item_under_it_then_drops_it(chromium_driver,
                                                                      tool_pages):  # noqa: F811
    b = chromium_driver
    open_page(b, tool_pages.reports["R00002"])
    it = item_of(b, "sections")
    assert it is not None
    box = b.driver.find_element(By.CSS_SELECTOR, ".leaflet-container")
    live = "return Object.keys(PSM_STATE.sections._live)"
    before = b.js(live)
    ActionChains(b.driver).move_to_element_with_offset(box, int(it["x"]), int(it["y"])).pause(
        0.05).move_by_offset(1, 0).pause(0.2).perform()
    assert it["key"] in b.js(live)
    b.wait_for("document.querySelector('.leaflet-tooltip')", timeout=3)  # Leaflet's tooltip
    name = b.js("return PSM.values('sections', 'name')[arguments[0]]", int(it["key"][1:]))
    assert b.js("return document.querySelector('.leaflet-tooltip').textContent").startswith(name)
    b.screenshot("html_canvas_hover_section")
    ActionChains(b.driver).move_by_offset(0, 120).pause(0.6).perform()  # away from it
    after = b.js(live)
    assert it["key"] not in after or it["key"] in before, after  # dropped (unless the way in)
    tips = b.js("return Array.prototype.map.call(document.querySelectorAll('.leaflet-tooltip'),"
                " function (t) { return t.textContent; })")
    assert not any(t.startswith(name) for t in tips), tips  # its tooltip went with it
    # a real click on a drawn source opens its popup, through the marker made for it
    pt = item_of(b, "enterprises", cluster=False) or item_of(b, "outfalls", cluster=False)
    assert pt is not None
    ActionChains(b.driver).move_to_element_with_offset(box, int(pt["x"]), int(pt["y"])).pause(
        0.1).click().perform()
    b.wait_for("document.querySelector('.leaflet-popup-content h3')", timeout=5)
    assert_clean(b, "pointer")


def test_tab_walks_a_layer_in_reading_order_and_enter_opens(chromium_driver,
                                                           tool_pages):  # noqa: F811
    b = chromium_driver
    open_page(b, tool_pages.overview)
    order = b.js("return PSM_STATE.overlays.enterprises._order()")
    assert len(order) >= 3
    way_in = b.js("var g = PSM_STATE.overlays.enterprises; return g._live[g._tabKey]._icon")
    assert b.js("return PSM_STATE.overlays.enterprises._tabKey") == order[0]
    assert way_in.get_attribute("tabindex") == "0"
    b.driver.execute_script("arguments[0].focus()", way_in)
    focused = ("var a = document.activeElement, g = PSM_STATE.overlays.enterprises;"
               "for (var k in g._live) { if (g._live[k]._icon === a) { return k; } } return null;")
    way_in.send_keys(Keys.TAB)
    assert b.js(focused) == order[1]
    b.driver.switch_to.active_element.send_keys(Keys.TAB)
    assert b.js(focused) == order[2]
    b.driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    assert b.js(focused) == order[1]
    # the markers the keyboard left are gone; the one it is on is the way in now
    time.sleep(0.05)
    live = b.js("return Object.keys(PSM_STATE.overlays.enterprises._live)")
    assert order[1] in live and order[2] not in live, (order[:3], live)
    assert b.js("return PSM_STATE.overlays.enterprises._tabKey") == order[1]
    # past a layer's last item, Tab goes on to the next layer's way in (its pane's)
    expected = b.js(
        "var g = PSM_STATE.overlays.enterprises, o = g._order(), last = o[o.length - 1];"
        "g._tabKey = last; g.materialise(last)._icon.focus();"
        "var panes = Array.prototype.filter.call(PSM_STATE.map.getPane('markerPane').children,"
        " function (p) { return /psmLive/.test(p.className); }),"
        " k = panes.indexOf(g._live[last]._icon.parentNode);"
        "for (var j = k + 1; j < panes.length; j++) {"
        " var f = panes[j].querySelector('[tabindex=\"0\"]'); if (f) { return f; } }"
        "return null;")
    assert expected is not None
    b.driver.switch_to.active_element.send_keys(Keys.TAB)
    assert b.driver.switch_to.active_element == expected
    # Enter on a cluster zooms in, and the focus goes on at the first item in view there
    key = next(k for k in order if k.startswith("c"))
    b.js("var g = PSM_STATE.overlays.enterprises; g._tabKey = arguments[0];"
         "g.materialise(arguments[0])._icon.focus();", key)
    zoom = b.js("return PSM_STATE.map.getZoom()")
    b.driver.switch_to.active_element.send_keys(Keys.ENTER)
    assert b.js("return PSM_STATE.map.getZoom()") > zoom
    now = b.js(focused)
    assert now is not None and now == b.js("return PSM_STATE.overlays.enterprises._order()[0]")
    b.screenshot("html_canvas_keyboard_focus")
    # the sections too: Tab moves on, Enter opens the popup of the one it is on
    sec = b.js("var g = PSM_STATE.sections; return g._live[g._tabKey]._icon")
    b.driver.execute_script("arguments[0].focus()", sec)
    sec.send_keys(Keys.TAB)
    i = int(b.js("var a = document.activeElement, g = PSM_STATE.sections;"
                 "for (var k in g._live) { if (g._live[k]._icon === a) { return k; } }")[1:])
    b.driver.switch_to.active_element.send_keys(Keys.ENTER)
    b.wait_for("document.querySelector('.leaflet-popup-content h3')", timeout=5)
    assert b.js("return document.querySelector('.leaflet-popup-content h3').textContent") == \
        b.js("return PSM.values('sections', 'name')[arguments[0]]", i)
    assert_clean(b, "keyboard")


def test_a_finger_on_a_phone_opens_a_drawn_section(chromium_driver, tool_pages):  # noqa: F811
    b = chromium_driver
    open_page(b, tool_pages.reports["R00002"], 390, 844, mobile=True)
    b.js("PSM_STATE.map.getContainer().scrollIntoView({block: 'start'})")
    time.sleep(0.2)
    b.driver.execute_async_script(FRAME)
    at = b.js("var map = PSM_STATE.map, s = map.getSize(), r = map.getContainer()"
              ".getBoundingClientRect(), best = null;"
              "PSM_STATE.sections.items().forEach(function (it) {"
              " var p = map.latLngToContainerPoint(it.latlng);"
              " if (!best && p.x > 80 && p.y > 200 && p.x < s.x - 80 && p.y < s.y - 120 &&"
              "   p.y + r.top < innerHeight - 20) { best = [p.x + r.left, p.y + r.top, it.i]; }"
              "}); return best;")
    assert at is not None
    for kind in ("touchStart", "touchEnd"):
        b.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {
            "type": kind, "touchPoints": [{"x": at[0], "y": at[1]}] if kind == "touchStart"
            else []})
    b.wait_for("document.querySelector('.leaflet-popup-content h3')", timeout=5)
    assert b.js("return document.querySelector('.leaflet-popup-content h3').textContent") == \
        b.js("return PSM.values('sections', 'name')[arguments[0]]", at[2])
    time.sleep(0.4)
    bars = ("return ['.psm-search', '.psm-time'].map(function (s) {"
            " return getComputedStyle(document.querySelector(s)).visibility; })")
    assert b.js(bars) == ["hidden", "hidden"]  # the popup is not under the search bar
    b.screenshot("html_canvas_phone_tap")
    b.js("PSM_STATE.map.closePopup()")
    assert b.js(bars) == ["visible", "visible"]
    assert_clean(b, "tap")


def test_a_spidered_cluster_fades_on_the_canvas_too(chromium_driver, tool_pages):  # noqa: F811
    b = chromium_driver
    open_page(b, tool_pages.overview)
    codes = b.js("return PSM.values('livestock_farms', 'code')")
    i = codes.index("XQ9902")
    b.js("PSM_STATE.overlays.livestock_farms.showPoint(arguments[0])", i)
    b.driver.execute_async_script(FRAME)
    faded = b.js("var g = PSM_STATE.overlays.livestock_farms, c = g._spider.cluster;"
                 "return [g._byKey[c._psmKey].alpha, c.options.opacity];")
    assert faded == [0.35, 0.35]
    b.js("PSM_STATE.map.setZoom(PSM_STATE.map.getZoom() - 1, {animate: false})")
    assert b.js("return PSM_STATE.overlays.livestock_farms.spidered()") is None
    assert all(t["alpha"] == 1 for t in b.js("return PSM_STATE.overlays.livestock_farms.items()"))
    assert_clean(b, "spider fade")
