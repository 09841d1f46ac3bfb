"""The reviewer's tools in real headless Chromium, network off: the time slider, search
and filters, table sorting and filtering, a CSV download, the print stylesheet, a
spiderfied cluster, keyboard access, and the documented folium extension example.

The pages come from a copy of the demo database with six more farms on one farm's spot
and a section named like a spreadsheet formula with markup in it.  Screenshots land in
tests/artifacts/ (desktop and phone widths).
"""

from __future__ import annotations

import base64
import shutil
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.html import export_all
from pollution_map_plugin.core.html.page_reader import page_data
from tests.core.test_html_folium_api import run_example

READY = "document.documentElement.getAttribute('data-psm-ready') === '1'"
HOSTILE_SECTION = "=1+2<img src=x onerror=alert(5)>"
RIVER = "R00002"


@pytest.fixture(scope="module")
def tool_pages(demo_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("tools_db") / "tools.gpkg"
    shutil.copy(demo_db_path, path)
    with open_database(path) as db:
        farms = db.read_layer("livestock_farms")
        same = farms.iloc[[0] * 6].copy()  # six more farms on farm 0's spot
        same["code"] = [f"XQ99{k:02d}" for k in range(6)]
        same["name"] = [f"同址养殖场{k}" for k in range(6)]
        secs = db.read_layer("sections")
        bad = secs.loc[secs["code"] == "S0003"].copy()
        bad["code"] = "S9999"
        bad["name"] = HOSTILE_SECTION
        meas = db.read_table("measurements")
        meas = meas.loc[meas["section_code"] == "S0003"].copy()
        meas["section_code"] = "S9999"  # the hostile section has data: charts, warnings
        meas = meas.drop(columns=[c for c in ("id", "fid") if c in meas.columns])
        with db.transaction():
            db.write("livestock_farms", same)
            db.write("sections", bad)
            db.write("measurements", meas)
        result = export_all(db, tmp_path_factory.mktemp("tools_out"), rivers=[RIVER])
    return result


def open_page(b, path, width=1366, height=860, mobile=False):
    b.open(path, width, height, mobile)
    try:
        b.wait_for(READY, timeout=20)
    except TimeoutError as exc:
        raise AssertionError(f"{path.name} not ready: {b.console()[:5]}") from exc


def assert_clean(b, name):
    assert b.console_errors() == [], name
    assert b.remote_requests() == [], name


def visible_rows(b, table):
    return b.js("return Array.prototype.filter.call(document.querySelectorAll("
                "'table[data-psm-table=\"' + arguments[0] + '\"] tbody tr'),"
                " function (r) { return r.offsetParent !== null; }).length", table)


def test_time_slider_recolours_sections_and_the_tables_follow(chromium_driver, tool_pages):
    b = chromium_driver
    path = tool_pages.reports[RIVER]
    data = page_data(path.read_text(encoding="utf-8"))
    tl = data["sections"]["timeline"]["year"]
    n, years = data["sections"]["n"], tl["labels"]
    assert len(years) >= 2
    open_page(b, path)
    assert b.js("return document.querySelector('.psm-time-label').textContent") == years[-1]
    warn_dates = b.js("return Array.prototype.map.call(document.querySelectorAll("
                      "'tr[data-psm-date]'), function (r) { return r.getAttribute("
                      "'data-psm-date'); })")
    # drive the slider with the keyboard: Home goes to the first year
    slider = b.driver.find_element(By.CSS_SELECTOR, ".psm-time-slider")
    slider.send_keys(Keys.HOME)
    assert b.js("return document.querySelector('.psm-time-label').textContent") == years[0]
    first = [tl["cls"][i * len(years)] for i in range(n)]
    assert b.js("return PSM_STATE.period.cls") == first
    # every marker shows its class of that year (its icon's fill colour)
    colours = b.js("return PSM_STATE.sections.psmMarkers.map(function (m) {"
                   " return m.options.icon.options.html.match(/fill=\"(#[0-9a-fA-F]+)\"/)[1]; })")
    classes = {c[0]: c[2].lower() for c in data["classes"]}
    nodata = data["noDataColour"].lower()
    assert [c.lower() for c in colours] == [classes.get(c, nodata) if c else nodata
                                            for c in first]
    # the section table's class cells follow
    cells = b.js("return Array.prototype.map.call(document.querySelectorAll("
                 "'tr[data-psm-feature^=\"sections:\"] .psm-cls-cell'), function (td) {"
                 " return td.getAttribute('data-sort'); })")
    assert cells == [str(c or 99) for c in first]
    # only that year's warnings are shown
    start, end = tl["starts"][0], tl["ends"][0]
    expected = sum(1 for d in warn_dates if start <= d <= end)
    assert visible_rows(b, "warnings") == expected
    # a popup tells the period it shows
    b.js("PSM.showFeature('sections', 0)")
    b.wait_for("document.querySelector('.leaflet-popup .psm-popup-period')", timeout=5)
    assert years[0] in b.js("return document.querySelector('.psm-popup-period').textContent")
    # play runs through the years to the last
    b.js("document.querySelector('.psm-time-play').click()")
    b.wait_for(f"document.querySelector('.psm-time-label').textContent === '{years[-1]}'",
               timeout=3 + len(years))
    # quarters: the same slider over every quarter
    b.js("var s = document.querySelector('.psm-time-freq'); s.value = 'quarter';"
         "s.dispatchEvent(new Event('change'));")
    assert b.js("return Number(document.querySelector('.psm-time-slider').max) + 1") == len(
        data["sections"]["timeline"]["quarter"]["labels"])
    b.screenshot("html_tools_time_slider_quarter")
    assert_clean(b, "time slider")


def test_search_by_name_and_code_flies_to_the_feature(chromium_driver, tool_pages):
    b = chromium_driver
    open_page(b, tool_pages.overview)
    ents = b.js("return PSM.values('enterprises', 'name')")
    target = ents[3]
    box = b.driver.find_element(By.CSS_SELECTOR, ".psm-search-input")
    box.send_keys(target[2:5])  # a Chinese substring from the middle of the name
    names = b.js("return Array.prototype.map.call(document.querySelectorAll("
                 "'.psm-search-name'), function (e) { return e.textContent; })")
    assert target in names
    hit = next(e for e in b.driver.find_elements(By.CSS_SELECTOR, ".psm-search-hit")
               if e.find_element(By.CSS_SELECTOR, ".psm-search-name").text == target)
    hit.click()
    b.wait_for("document.querySelector('.leaflet-popup-content h3')", timeout=5)
    assert b.js("return document.querySelector('.leaflet-popup-content h3').textContent") \
        == target
    # a code prefix finds sections; a code's middle does not
    box.clear()
    box.send_keys("s000")
    kinds = b.js("return PSM.find('s000', 100).map(function (h) { return h.code; })")
    assert kinds and all(c.startswith("S000") for c in kinds)
    assert b.js("return PSM.find('0003', 100).filter(function (h) {"
                " return h.code === 'S0003'; }).length") == 0
    # the hostile section name is a result as text, never markup
    box.clear()
    box.send_keys("alert(5)")
    shown = b.js("return Array.prototype.map.call(document.querySelectorAll("
                 "'.psm-search-name'), function (e) { return e.textContent; })")
    assert HOSTILE_SECTION in shown
    assert b.js("return document.querySelectorAll('.psm-search img, img[src=\"x\"]').length") \
        == 0
    b.screenshot("html_tools_search")
    assert_clean(b, "search")


def test_filters_by_class_miss_and_load(chromium_driver, tool_pages):
    b = chromium_driver
    path = tool_pages.overview
    data = page_data(path.read_text(encoding="utf-8"))
    q = data["sections"]["quality"]
    open_page(b, path)
    b.js("document.querySelector('.psm-filters').open = true")
    top = max(set(c for c in q["cls"] if c), key=q["cls"].count)
    b.js("var s = document.querySelector('[data-psm-filter=cls]'); s.value = arguments[0];"
         "s.dispatchEvent(new Event('change'));", str(top))
    assert b.js("return PSM_STATE.sections.getLayers().length") == q["cls"].count(top)
    b.js("var s = document.querySelector('[data-psm-filter=cls]'); s.value = '';"
         "s.dispatchEvent(new Event('change'));")
    b.driver.find_element(By.CSS_SELECTOR, "[data-psm-filter=miss]").click()
    misses = sum(1 for c, t in zip(q["cls"], q["target"]) if c and t and c > t)
    assert b.js("return PSM_STATE.sections.getLayers().length") == misses
    b.driver.find_element(By.CSS_SELECTOR, "[data-psm-filter=miss]").click()
    loads = [v for v in b.js("return PSM.values('enterprises', 'cod_t_a')") if v is not None]
    cut = sorted(loads)[len(loads) // 2]
    num = b.driver.find_element(By.CSS_SELECTOR, "[data-psm-filter=load]")
    num.send_keys(str(cut), Keys.TAB)
    kept = b.js("return PSM_STATE.overlays.enterprises.kept()")
    assert kept == sum(1 for v in loads if v >= cut) and kept < len(loads)
    assert_clean(b, "filters")


def test_table_sort_filter_and_row_to_map(chromium_driver, tool_pages):
    b = chromium_driver
    open_page(b, tool_pages.reports[RIVER])
    rows = "table[data-psm-table=sources] tbody tr"
    n = b.js(f"return document.querySelectorAll('{rows}').length")
    assert n > 3
    col = 4  # COD load
    b.driver.find_elements(By.CSS_SELECTOR, "table[data-psm-table=sources] .psm-sort")[col].click()
    vals = b.js(f"return Array.prototype.map.call(document.querySelectorAll('{rows}'),"
                f" function (r) {{ return r.cells[{col}].getAttribute('data-sort'); }})")
    nums = [float(v) for v in vals if v not in ("", None)]
    assert nums == sorted(nums)
    b.driver.find_elements(By.CSS_SELECTOR, "table[data-psm-table=sources] .psm-sort")[col].click()
    vals = b.js(f"return Array.prototype.map.call(document.querySelectorAll('{rows}'),"
                f" function (r) {{ return r.cells[{col}].getAttribute('data-sort'); }})")
    nums = [float(v) for v in vals if v not in ("", None)]
    assert nums == sorted(nums, reverse=True)
    assert b.js("return document.querySelectorAll('table[data-psm-table=sources] th')[4]"
                ".getAttribute('aria-sort')") == "descending"
    # type to filter
    first = b.js(f"return document.querySelector('{rows}').cells[1].textContent")
    flt = b.driver.find_elements(By.CSS_SELECTOR, ".psm-block-sources .psm-table-filter")[0]
    flt.send_keys(first)
    assert 1 <= visible_rows(b, "sources") < n
    # a row shows its feature on the map (keyboard: Enter on the focused row)
    row = b.driver.find_element(By.CSS_SELECTOR, rows + ":not([data-psm-out])")
    b.driver.execute_script("arguments[0].focus()", row)
    row.send_keys(Keys.ENTER)
    b.wait_for("document.querySelector('.leaflet-popup-content h3')", timeout=5)
    assert b.js("return document.querySelector('.leaflet-popup-content h3').textContent") \
        == first
    b.screenshot("html_tools_table_sorted")
    assert_clean(b, "tables")


def test_csv_download_is_excel_ready_and_neutralised(chromium_driver, tool_pages, tmp_path):
    b = chromium_driver
    open_page(b, tool_pages.reports[RIVER])
    b.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                             {"behavior": "allow", "downloadPath": str(tmp_path)})
    b.driver.find_element(By.CSS_SELECTOR, ".psm-block-quality .psm-csv").click()
    deadline = time.time() + 10
    while time.time() < deadline and not list(tmp_path.glob("*.csv")):
        time.sleep(0.1)
    files = list(tmp_path.glob("*.csv"))
    assert len(files) == 1 and files[0].name == f"{RIVER}_sections.csv"
    raw = files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith('"断面","水质类别"')
    assert len([ln for ln in lines[1:] if ln]) == visible_rows(b, "quality")
    hostile = next(ln for ln in lines if "alert(5)" in ln)
    assert hostile.startswith("\"'" + HOSTILE_SECTION.replace('"', '""'))  # no formula
    # the page's own rule, for every formula lead character
    for lead in ("=", "+", "-", "@", "\t", "\r"):
        assert b.js("return PSM.csvCell(arguments[0])", lead + "1") == f"\"'{lead}1\""
    assert b.js("return PSM.csvCell('a\"b')") == '"a""b"'
    assert_clean(b, "csv")


def test_print_media_gives_an_a4_dossier(chromium_driver, tool_pages, artifacts_dir):
    b = chromium_driver
    open_page(b, tool_pages.reports[RIVER])
    b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        b.js("window.dispatchEvent(new Event('beforeprint'))")
        geo = b.js(
            "var m = PSM_STATE.map.getContainer(), p = document.querySelector('.psm-panel');"
            "return {mw: m.getBoundingClientRect().width, brk: getComputedStyle(p).breakBefore,"
            " search: getComputedStyle(document.querySelector('.psm-search')).display,"
            " legend: getComputedStyle(document.querySelector('.psm-legend')).display,"
            " tools: getComputedStyle(document.querySelector('.psm-table-tools')).display,"
            " head: document.querySelector('.psm-header').getBoundingClientRect().bottom,"
            " top: m.getBoundingClientRect().top, pt: p.getBoundingClientRect().top,"
            " mb: m.getBoundingClientRect().bottom};")
        assert geo["head"] <= geo["top"] + 1 and geo["mb"] <= geo["pt"] + 1, geo  # in order
        assert abs(geo["mw"] - 190 / 25.4 * 96) < 3, geo  # 190 mm
        assert geo["brk"] == "page" and geo["search"] == "none" and geo["tools"] == "none"
        assert geo["legend"] != "none"
        b.screenshot("html_tools_print_media")
        pdf = base64.b64decode(b.driver.execute_cdp_cmd("Page.printToPDF", {
            "paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True,
            "printBackground": True})["data"])
        (artifacts_dir / "html_tools_print.pdf").write_bytes(pdf)
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert pages >= 2  # the map page, then the tables
    finally:
        b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert_clean(b, "print")


def test_coincident_points_spider_out_by_keyboard(chromium_driver, tool_pages):
    b = chromium_driver
    open_page(b, tool_pages.overview)
    codes = b.js("return PSM.values('livestock_farms', 'code')")
    i = codes.index("XQ9902")
    b.js("var g = PSM_STATE.overlays.livestock_farms, ll = g._latlng(arguments[0]);"
         "PSM_STATE.map.setView(ll, 18, {animate: false});", i)
    cluster = b.js("var g = PSM_STATE.overlays.livestock_farms;"
                   "return g.getLayers().filter(function (m) { return m._psmCount >= 7; })"
                   ".map(function (m) { return m._icon; })[0];")
    assert cluster is not None  # seven farms on one spot stay a cluster at the deepest zoom
    b.driver.execute_script("arguments[0].focus()", cluster)
    cluster.send_keys(Keys.ENTER)
    spider = b.js("var s = PSM_STATE.overlays.livestock_farms.spidered();"
                  "return s ? Object.keys(s).map(Number) : null;")
    assert spider is not None and len(spider) == 7 and i in spider
    legs = b.js("return PSM_STATE.overlays.livestock_farms._spider.group.getLayers().filter("
                "function (l) { return l instanceof L.Polyline; }).length")
    assert legs == 7
    # each spidered farm is its own marker at its own place, and opens its popup
    spots = b.js("var s = PSM_STATE.overlays.livestock_farms.spidered(), out = [];"
                 "for (var k in s) { var p = s[k].getLatLng(); out.push(p.lat + ',' + p.lng); }"
                 "return out;")
    assert len(set(spots)) == 7
    # drawn with the farm symbol (the stylesheet's SVG data URI is valid CSS)
    bg = b.js("var s = PSM_STATE.overlays.livestock_farms.spidered();"
              "return getComputedStyle(s[arguments[0]]._icon).backgroundImage;", i)
    assert bg.startswith('url("data:image/svg+xml,'), bg
    b.screenshot("html_tools_spiderfied")
    b.js("PSM_STATE.overlays.livestock_farms.spidered()[arguments[0]]._icon.click()", i)
    b.wait_for("document.querySelector('.leaflet-popup-content h3')", timeout=5)
    assert b.js("return document.querySelector('.leaflet-popup-content h3').textContent") == \
        b.js("return PSM.values('livestock_farms', 'name')[arguments[0]]", i)
    time.sleep(0.4)  # the popup's fade-in
    b.screenshot("html_tools_spiderfied_popup")
    assert b.js("return PSM_STATE.overlays.livestock_farms.lastUpdateMs") is not None
    assert_clean(b, "spider")


def test_phone_width_keeps_the_tools_usable(chromium_driver, tool_pages):
    b = chromium_driver
    open_page(b, tool_pages.reports[RIVER], 390, 844, mobile=True)
    geo = b.js("var s = document.querySelector('.psm-search').getBoundingClientRect(),"
               " t = document.querySelector('.psm-time').getBoundingClientRect();"
               "return {sw: document.documentElement.scrollWidth, sr: s.right, tr: t.right};")
    assert geo["sw"] <= 390 and geo["sr"] <= 390 and geo["tr"] <= 390, geo
    b.screenshot("html_tools_phone_390")
    b.js("document.querySelector('.psm-block-share').scrollIntoView()")
    b.screenshot("html_tools_phone_390_panel")
    assert_clean(b, "phone")


def test_documented_folium_example_opens_offline(chromium_driver, demo_db_path, tmp_path):
    b = chromium_driver
    page = run_example(demo_db_path, tmp_path / "example")
    open_page(b, page)
    b.wait_for("document.querySelector('.leaflet-control-layers')", timeout=5)
    labels = b.js("return document.querySelector('.leaflet-control-layers').textContent")
    assert "Site visits 2026" in labels and "Planned interceptor sewer" in labels
    icons = b.js("return Array.prototype.map.call(document.querySelectorAll("
                 "'img.leaflet-marker-icon'), function (i) { return i.src.slice(0, 15); })")
    assert icons and all(s.startswith("data:image/png") for s in icons)  # Leaflet's marker
    assert b.js("return document.querySelectorAll('img[alt=float_image]').length") == 1
    # the planner's popup (folium parses it with $(html): the page's stand-in, no jQuery)
    b.js("var ms = document.querySelectorAll('img.leaflet-marker-icon');"
         "ms[ms.length - 1].click();")
    b.wait_for("document.querySelector('.leaflet-popup-content')", timeout=5)
    assert "Outfall sampled" in b.js(
        "return document.querySelector('.leaflet-popup-content').textContent")
    b.screenshot("html_folium_example")
    assert_clean(b, "folium example")


def test_hostile_section_in_tables_popups_and_charts_stays_text(chromium_driver, tool_pages):
    b = chromium_driver
    open_page(b, tool_pages.reports[RIVER])
    cell = b.js("return Array.prototype.filter.call(document.querySelectorAll("
                "'table[data-psm-table=quality] td .psm-link'), function (e) {"
                " return e.textContent.indexOf('alert(5)') >= 0; })[0].textContent")
    assert cell == HOSTILE_SECTION
    i = b.js("return PSM.values('sections', 'name').indexOf(arguments[0])", HOSTILE_SECTION)
    b.js("PSM.showFeature('sections', arguments[0])", i)
    b.wait_for("document.querySelector('.leaflet-popup .psm-chart-item')", timeout=5)
    assert b.js("return document.querySelector('.leaflet-popup-content h3').textContent") \
        == HOSTILE_SECTION
    # chart labels and titles are text nodes only
    assert b.js("return Array.prototype.every.call(document.querySelectorAll("
                "'.leaflet-popup svg title, .leaflet-popup svg text'), function (e) {"
                " return e.children.length === 0; })")
    assert b.js("return document.querySelectorAll('img[src=\"x\"], svg img').length") == 0
    # an item with non-detects: hollow "ND" dots, the class bands, the target limit, the trend
    k = b.js("var q = PSM_STATE.specs.sections.quality.series[arguments[0]];"
             "for (var j = 0; j < q.length; j++) { if (q[j].nd.indexOf(true) >= 0) return j; }"
             "return -1;", i)
    assert k >= 0
    b.js("var s = document.querySelector('.leaflet-popup .psm-item-select');"
         "s.value = String(arguments[0]); s.dispatchEvent(new Event('change'));", k)
    chart = b.js("var c = document.querySelector('.leaflet-popup .psm-items');"
                 "return {nd: c.querySelectorAll('.psm-item-nd').length,"
                 " labels: c.querySelectorAll('.psm-nd-label').length,"
                 " bands: c.querySelectorAll('.psm-band').length,"
                 " target: c.querySelectorAll('.psm-chart-target').length,"
                 " trend: c.querySelector('.psm-trend').textContent};")
    assert chart["nd"] >= 1 and chart["labels"] == chart["nd"], chart
    assert chart["bands"] >= 1 and chart["target"] == 1, chart
    assert chart["trend"].startswith("变化趋势") and "r_s" in chart["trend"], chart
    assert_clean(b, "hostile section")


def test_the_page_unpacks_its_layer_data_as_python_packed_it(chromium_driver, tool_pages):
    """The one decoder is the browser's: every gzipped layer element, unpacked by the page
    (``DecompressionStream``), equals what Python packed — Chinese text, the hostile
    section name and numbers included."""
    from pollution_map_plugin.core.html.page_reader import page_specs

    b = chromium_driver
    path = tool_pages.reports[RIVER]
    expected = page_specs(path.read_text(encoding="utf-8"))
    open_page(b, path)
    ids = [k for k in expected if k != "psm-config"]
    got = b.driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "Promise.all(arguments[0].map(function (id) { return PSM.unpack(id); }))"
        ".then(function (all) { done(JSON.stringify(all)); }, function (e) { done('ERR ' + e); });",
        ids)
    assert not got.startswith("ERR"), got
    import json

    assert json.loads(got) == [expected[k] for k in ids]
    assert any(HOSTILE_SECTION in json.dumps(expected[k], ensure_ascii=False) for k in ids)
    assert_clean(b, "unpack")
