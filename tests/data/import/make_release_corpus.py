"""The published-layout part of the import corpus (called by make_corpus.py).

The national automatic-monitoring release as people save it (CSV with a title line
carrying the release time; an XLSX per province without a date), and a key-polluter
list with the faults of real ones (codes with junk, codes only inside the permit
number, a wrong check character).  Station, enterprise names and codes are synthetic.
"""

from __future__ import annotations

RELEASE_HEADER = ["省份", "流域", "断面名称", "监测时间", "水质类别", "水温(℃)", "pH(无量纲)",
                  "溶解氧(mg/L)", "电导率(μS/cm)", "浊度(NTU)", "高锰酸盐指数(mg/L)",
                  "氨氮(mg/L)", "总磷(mg/L)", "总氮(mg/L)", "叶绿素α(mg/L)", "藻密度(cells/L)",
                  "站点情况"]


def _reading(province, name, time, klass, nh3n="0.15", tp="0.05", ph="7.8", codmn="2.1",
             tn="1.8", status="正常", basin="长江流域"):
    return [province, basin, name, time, klass, "12.3", ph, "9.1", "350", "12", codmn, nh3n,
            tp, tn, "0.002", "1.2e6", status]


def release(ok: str, kept: str, register, write_csv, here) -> None:
    """release_chongqing.csv (dated title line) and release_hubei.xlsx (no date)."""
    cq = "重庆市"
    rows = [
        (ok, _reading(cq, "示范江大桥", "02-04 08:00", "Ⅱ")),
        (ok, _reading(cq, "示范湖湖心", "02-04 08:00", "III", nh3n="0.3", tp="0.04",
                      codmn="3.5", tn="--") [:14] + ["*", "", "正常"]),
        (kept + "氨氮(mg/L): not a value", _reading(cq, "示范河口", "02-04 08:00", "2",
                                                     nh3n="abc")),
        (ok, _reading(cq, "示范镇", "02-04 08:00", "Ⅱ", nh3n="1.2")),          # disagrees: IV
        ("no measured value", [cq, "长江流域", "维护断面", "02-04 08:00", "--", *["--"] * 11,
                               "维护"]),
        (ok, _reading(cq, "新华", "02-04 08:00", "Ⅱ")),
        (kept + "pH(无量纲): pH 15 is outside 0–14",
         _reading(cq, "示范坝", "02-04 08:00", "Ⅱ", ph="15")),
        (kept + "水质类别 (published class): not a water class",
         _reading(cq, "示范桥", "02-04 08:00", "VII")),
        ("no such date", _reading(cq, "示范渡口", "13-40 08:00", "Ⅱ")),
        (ok, _reading(cq, "示范江大桥", "02-04 12:00", "Ⅱ", nh3n="0.25")),  # daily mean
        ("duplicate reading", _reading(cq, "示范江大桥", "02-04 08:00", "Ⅱ")),  # same time
        ("unknown province", _reading("火星省", "示范站", "02-04 08:00", "Ⅱ")),
        (ok, _reading(cq, "示范水库库区", "02-04 08:00", "劣Ⅴ", tp="0.5")),
        (ok, _reading(cq, "跨年断面", "12-31 20:00", "Ⅱ")),                     # year before
    ]
    title = "国家地表水水质自动监测实时数据 发布时间：2025-02-04 12:00（虚构示例数据）"
    write_csv("release_chongqing.csv", RELEASE_HEADER, rows, table="measurements",
              bom=True, options={"create_sections": True}, raw_lines=[(0, title)],
              first_line=3, expect={"header_line": 2, "warnings": [
                  "year from 2025-02-04 in line 1",
                  "9 section(s) created from (province, name)",
                  "water-body type guessed lake for 2 new section(s)",
                  "compared with the computed single-factor class on 9 row(s): 8 agree, "
                  "1 disagree",
                  "3 row(s) kept with value(s) lost",
                  "readings of the same day averaged: 16 readings into 8 daily mean(s)"]})
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "湖北省"
    ws.append(RELEASE_HEADER)
    hb = "湖北省"
    data = [
        (ok, _reading(hb, "新华", "02-04 08:00", "II")),
        (ok, _reading(hb, "示范水库库心", "02-04 08:00", "Ⅲ", tp="0.04", nh3n="0.3",
                      codmn="3.5")),
        (ok, _reading(hb, "示范江大桥", "02-04 08:00", "2")),  # same name, other province
    ]
    for _outcome, cells in data:
        ws.append(cells)
    book.save(here / "release_hubei.xlsx")
    register("release_hubei.xlsx", "measurements", data,
             options={"create_sections": True, "year": 2025},
             expect={"encoding": "xlsx", "warnings": ["year from --year 2025"]})


def key_polluters(ok: str, write_csv, cc, bad_cc) -> None:
    """A key-polluter list: 企业名称, 统一社会信用代码, 排污许可证编号, 市/区县, 行业, …"""
    b = "91500112MA5U0E"
    fullwidth = cc(b + "003").translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFMU"})
    rows = [
        (ok, ["重点一厂", cc(b + "001"), cc(b + "001") + "001P", "渝北区", "化工", "水、气",
              "106.55", "29.61"]),
        (ok, ["重点二厂", cc(b + "002") + "  ", "", "江北区", "造纸", "水", "106.52", "29.62"]),
        (ok, ["全角代码厂", fullwidth, "", "渝北区", "电镀", "水", "106.53", "29.63"]),
        (ok, ["已注销后缀厂", cc(b + "004") + "（已注销）", "", "渝北区", "食品", "水",
              "106.54", "29.64"]),
        (ok, ["编号后缀厂", cc(b + "005") + "-1", "", "渝北区", "食品", "水", "106.54",
              "29.64"]),
        (ok, ["许可证代码厂", "", cc(b + "006") + "001P", "南岸区", "化工", "水", "106.56",
              "29.56"]),
        (ok, ["缺位代码厂", cc(b + "007")[:17], cc(b + "007") + "002Q", "南岸区", "化工", "水",
              "106.56", "29.56"]),
        ("check character", ["校验错误厂", bad_cc(b + "008"), bad_cc(b + "008") + "001P",
                             "巴南区", "机械", "水", "106.45", "29.45"]),
        ("permit number's credit code", ["许可证也错厂", "", bad_cc(b + "009") + "001P",
                                         "巴南区", "机械", "水", "106.45", "29.45"]),
        ("missing", ["无代码厂", "", "", "巴南区", "机械", "水", "106.45", "29.45"]),
    ]
    write_csv("enterprises_key_polluters.csv",
              ["企业名称", "统一社会信用代码", "排污许可证编号", "市/区县", "行业", "污染物类别",
               "经度", "纬度"], rows, options={"crs": "gcj02"}, expect={
                  "warnings": ["credit code recovered before junk on 2 row(s) (lines 5, 6)",
                               "credit code recovered from the permit number on 2 row(s) "
                               "(lines 7, 8)"],
                  "cells": {cc(b + "003"): {"name": "全角代码厂"},
                            cc(b + "004"): {"district": "渝北区"},
                            cc(b + "006"): {"permit_no": cc(b + "006") + "001P"}}})


def sections_unlocated(ok: str, write_csv) -> None:
    """A section list where some sections have no coordinates yet."""
    write_csv("sections_unlocated.csv", ["断面编码", "断面名称", "断面级别", "水体类型", "经度",
                                         "纬度", "水质目标"], [
        (ok, ["U001", "已定位断面", "国控", "河流", "106.5", "29.6", "Ⅲ"]),
        (ok, ["U002", "未定位断面", "国控", "湖库", "", "", "II"]),
        ("纬度 (lat): missing", ["U003", "半个坐标断面", "市控", "河流", "106.5", "", "3"]),
        (ok, ["U004", "无目标未定位断面", "市控", "河流", "", "", ""]),
    ], table="sections", expect={"warnings": ["2 row(s) without coordinates stored unlocated "
                                              "(lines 3, 5)"]})
