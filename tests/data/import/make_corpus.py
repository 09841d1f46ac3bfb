"""Write the import test corpus: small good and bad files, and expected.json.

Run from the repository root: ``.venv/bin/python tests/data/import/make_corpus.py``.
The output is committed (the GBK/GB18030 files are real GBK/GB18030 bytes).
Every row is annotated here with its expected outcome: ``ok`` or a substring of
the reason it must be rejected with.  All names and codes are synthetic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE))

from pollution_map_plugin.core.coords import wgs84_to_bd09, wgs84_to_gcj02  # noqa: E402
from pollution_map_plugin.core.identifiers import credit_code_check_char  # noqa: E402

OK = "ok"
KEPT = "row kept, value(s) lost: "  # accepted, listed in the rejects file with the lost values
EXPECTED: dict = {"files": {}, "fatal": {}}


def cc(body: str) -> str:
    """A valid credit code from a 17-character body."""
    return body + credit_code_check_char(body)


def bad_cc(body: str) -> str:
    """The same code with a wrong check character."""
    good = credit_code_check_char(body)
    return body + ("1" if good != "1" else "2")


def csv_line(cells) -> str:
    out = []
    for c in cells:
        c = "" if c is None else str(c)
        if any(ch in c for ch in ',"\n'):
            c = '"' + c.replace('"', '""') + '"'
        out.append(c)
    return ",".join(out)


def write_csv(name: str, header: list, rows: list[tuple[object, list]], *, encoding="utf-8",
              bom=False, table="enterprises", expect=None, options=None, raw_lines=None,
              first_line=2) -> None:
    """rows: (expected outcome, cells); the header is line 1, rows follow."""
    lines = [csv_line(header)] + [csv_line(cells) for _, cells in rows]
    if raw_lines:  # (index, text): insert literal lines (blank, broken) at positions
        for index, text in raw_lines:
            lines.insert(index, text)
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    (HERE / name).write_bytes(data)
    register(name, table, rows, expect, options, first_line=first_line)


def register(name, table, rows, expect=None, options=None, first_line=2, lines=None) -> None:
    outcomes = {}
    for i, (outcome, _cells) in enumerate(rows):
        line = lines[i] if lines else first_line + i
        outcomes[str(line)] = outcome
    rejects = {k: v for k, v in outcomes.items() if v != OK}
    refused = [v for v in rejects.values() if not v.startswith(KEPT)]
    entry = {
        "table": table, "options": options or {},
        "rows_read": len(rows), "accepted": len(rows) - len(refused),
        "rejected": len(refused), "rejects": rejects,
    }
    entry.update(expect or {})
    EXPECTED["files"][name] = entry


ENT_HEADER = ["企业名称", "统一社会信用代码", "行业", "经度", "纬度", "类别", "状态",
              "化学需氧量排放量(t/a)", "氨氮排放量", "区县"]


def enterprises() -> None:
    b = "91500112MA5U0B"  # 14 characters; 3 more make a body
    write_csv("enterprises_utf8.csv", ENT_HEADER, [
        (OK, ["示范化工有限公司", cc(b + "001"), "化学原料", "106.5512", "29.6011", "重点排污单位",
              "在产", "12.5", "1.2", "渝北区"]),
        (OK, ["样例造纸厂", cc(b + "002"), "造纸", "106.4801", "29.5322", "一般", "正常", "3",
              "0.4", "江北区"]),
        (OK, ["虚构电镀厂", cc(b + "003"), "电镀", "106.6012", "29.6599", "散乱污", "整改",
              "", "", "渝北区"]),
        (OK, ["<script>alert('x')</script>示例厂", cc(b + "004"), "食品", "106.5", "29.5",
              "key", "closed", "0", "0", "南岸区"]),
        (OK, ["测试搬迁厂", cc(b + "005").lower(), "机械", "106.45", "29.45", "一般企业", "已搬迁",
              "1,234.5", "0", "巴南区"]),
    ], expect={"encoding": "utf-8", "stored": {cc(b + "004"): "<script>alert('x')</script>示例厂"}})

    write_csv("enterprises_utf8_bom.csv",
              ["name", "code", "lon", "lat", "category", "status", "COD", "district"], [
        (OK, ["Demo Chemicals", cc(b + "011"), "106.51", "29.61", "key", "operating", "5",
              "Yubei"]),
        (OK, ["Sample Paper", cc(b + "012"), "106.52", "29.62", "general", "rectifying", "2",
              "Jiangbei"]),
        (OK, ["Fictional Plating", cc(b + "013"), "106.53", "29.63", "scattered", "relocated",
              "", "Nan'an"]),
        ("category", ["Wrong Category", cc(b + "014"), "106.54", "29.64", "huge", "operating",
                      "1", "Yubei"]),
    ], bom=True, expect={"encoding": "utf-8-sig"})

    write_csv("enterprises_gbk.csv", ENT_HEADER, [
        (OK, ["示范化工有限公司", cc(b + "021"), "化学原料", "106.55", "29.60", "重点排污单位",
              "在产", "12.5", "1.2", "渝北区"]),
        ("check character", ["校验位错误厂", bad_cc(b + "022"), "造纸", "106.48", "29.53",
                             "一般", "正常", "3", "0.4", "江北区"]),
        ("18 characters", ["长度错误厂", cc(b + "023")[:-2], "造纸", "106.48", "29.53", "一般",
                           "正常", "3", "0.4", "江北区"]),
        ("invalid character", ["非法字符厂", "91500112MA5U0BO024", "造纸", "106.48", "29.53",
                               "一般", "正常", "3", "0.4", "江北区"]),
        (OK, ["样例造纸厂", cc(b + "025"), "造纸", "106.48", "29.53", "一般", "正常", "3",
              "0.4", "江北区"]),
        ("duplicate key", ["重复代码厂", cc(b + "025"), "造纸", "106.49", "29.54", "一般",
                           "正常", "3", "0.4", "江北区"]),
        ("must not be below 0", ["负排放厂", cc(b + "026"), "电镀", "106.6", "29.66", "一般",
                                 "在产", "-5", "0.1", "渝北区"]),
        ("is not one of", ["类别错误厂", cc(b + "027"), "电镀", "106.6", "29.66", "特大",
                           "在产", "5", "0.1", "渝北区"]),
        ("名称 (name): missing", ["", cc(b + "028"), "电镀", "106.6", "29.66", "一般", "在产",
                                "5", "0.1", "渝北区"]),
        ("统一社会信用代码 (code): missing", ["无代码厂", "", "电镀", "106.6", "29.66", "一般",
                                            "在产", "5", "0.1", "渝北区"]),
        (OK, ["虚构电镀厂", cc(b + "029"), "电镀", "106.60", "29.66", "散乱污", "关停", "",
              "", "渝北区"]),
    ], encoding="gbk", expect={"encoding": "gbk"})

    write_csv("enterprises_gb18030.csv", ENT_HEADER, [
        (OK, ["𠮷祥示范厂", cc(b + "031"), "食品", "106.55", "29.60", "一般", "在产", "1", "0.1",
              "渝北区"]),
        (OK, ["䶮字样例厂", cc(b + "032"), "食品", "106.56", "29.61", "一般", "在产", "1", "0.1",
              "渝北区"]),
        (OK, ["普通样例厂", cc(b + "033"), "食品", "106.57", "29.62", "一般", "在产", "1", "0.1",
              "渝北区"]),
    ], encoding="gb18030", expect={"encoding": "gb18030",
                                   "stored": {cc(b + "031"): "𠮷祥示范厂"}})

    write_csv("enterprises_dms.csv", ENT_HEADER, [
        (OK, ["度分秒一厂", cc(b + "041"), "", "106°33'12.5\"", "29°35'30\"", "一般", "在产",
              "", "", ""]),
        (OK, ["度分秒二厂", cc(b + "042"), "", "106度33分12.5秒", "29度35分30秒", "一般",
              "在产", "", "", ""]),
        (OK, ["度分秒三厂", cc(b + "043"), "", "E106°33′12.5″", "N29°35′30″", "一般", "在产",
              "", "", ""]),
        (OK, ["度分四厂", cc(b + "044"), "", "106°33.2083'", "29°35.5'", "一般", "在产", "",
              "", ""]),
        (OK, ["空格分隔厂", cc(b + "045"), "", "106 33 12.5", "29 35 30", "一般", "在产", "",
              "", ""]),
        ("below 60", ["分超限厂", cc(b + "046"), "", "106°61'12\"", "29°35'30\"", "一般",
                      "在产", "", "", ""]),
        ("not a coordinate", ["乱码坐标厂", cc(b + "047"), "", "东边一点", "29.5", "一般",
                              "在产", "", "", ""]),
    ], expect={"points": {cc(b + "041"): [106.553472, 29.591667],
                          cc(b + "044"): [106.553472, 29.591667]}})

    write_csv("enterprises_swapped.csv", ENT_HEADER, [
        (OK, ["正常坐标厂", cc(b + "051"), "", "106.55", "29.60", "一般", "在产", "", "", ""]),
        (OK, ["经纬颠倒一厂", cc(b + "052"), "", "29.61", "106.56", "一般", "在产", "", "", ""]),
        (OK, ["经纬颠倒二厂", cc(b + "053"), "", "N29°35'30\"", "E106°33'12.5\"", "一般", "在产",
              "", "", ""]),
        (OK, ["经纬颠倒三厂", cc(b + "054"), "", "29.62", "106.57", "一般", "在产", "", "", ""]),
        ("outside China", ["境外坐标厂", cc(b + "055"), "", "2.3522", "48.8566", "一般", "在产",
                           "", "", ""]),
        ("outside China", ["零点坐标厂", cc(b + "056"), "", "0", "0", "一般", "在产", "", "", ""]),
        ("both coordinates are latitudes", ["两个纬度厂", cc(b + "057"), "", "N29.5", "N30.1",
                                            "一般", "在产", "", "", ""]),
        ("missing", ["缺坐标厂", cc(b + "058"), "", "", "29.6", "一般", "在产", "", "", ""]),
    ], expect={"warnings": ["exchanged on 3 row(s)"],
               "points": {cc(b + "052"): [106.56, 29.61], cc(b + "053"): [106.553472, 29.591667]}})

    # one byte that is not UTF-8 inside an otherwise UTF-8 file: that row only is rejected
    lines = [csv_line(ENT_HEADER)]
    rows = [
        (OK, ["好行一厂", cc(b + "061"), "", "106.5", "29.6", "一般", "在产", "", "", ""]),
        ("not valid utf-8", ["坏字节厂", cc(b + "062"), "", "106.5", "29.6", "一般", "在产", "",
                             "", ""]),
        (OK, ["好行二厂", cc(b + "063"), "", "106.5", "29.6", "一般", "在产", "", "", ""]),
    ]
    # mostly UTF-8 text so that UTF-8 wins over GBK, then one stray byte
    for _ in range(12):
        rows.append((OK, [f"填充样例厂{len(rows)}", cc(b + f"{len(rows) + 70:03d}"), "", "106.5",
                          "29.6", "一般", "在产", "", "", ""]))
    data = "\r\n".join(lines + [csv_line(c) for _, c in rows]).encode("utf-8") + b"\r\n"
    data = data.replace("坏字节厂".encode(), "坏字节厂".encode() + b"\xff")
    (HERE / "enterprises_bad_byte.csv").write_bytes(data)
    register("enterprises_bad_byte.csv", "enterprises", rows, {"encoding": "utf-8"})

    write_csv("enterprises_mapping.csv",
              ["公司", "证照号码", "东经度", "北纬度", "备注"], [
        (OK, ["映射一厂", cc(b + "081"), "106.5", "29.6", "无"]),
        (OK, ["映射二厂", cc(b + "082"), "106.6", "29.7", "无"]),
    ], options={"mapping": {"公司": "name", "证照号码": "code", "东经度": "lon", "北纬度": "lat",
                            "备注": ""}})


def outfalls() -> None:
    points = [(106.5512, 29.6011), (106.4801, 29.5322), (107.1234, 30.0567), (105.9, 29.3)]
    for crs, convert in (("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)):
        rows = []
        truth = {}
        for i, (lon, lat) in enumerate(points, start=1):
            x, y = convert(lon, lat)
            code = f"PWK{crs.upper()}{i:03d}"
            truth[code] = [lon, lat]
            kind = ["工业", "污水处理厂", "农业", "其他"][i - 1]
            approval = ["已审批", "待审批", "未审批", ""][i - 1]
            rows.append((OK, [code, f"示范排污口{i}", kind, f"{x:.7f}", f"{y:.7f}", "1200",
                              approval]))
        rows.append(("is not one of", [f"PWK{crs.upper()}099", "类型错误排口", "地下", "106.5",
                                       "29.6", "10", "已审批"]))
        rows.append(("must not be below 0", [f"PWK{crs.upper()}098", "负排放排口", "工业", "106.5",
                                             "29.6", "-10", "已审批"]))
        write_csv(f"outfalls_{crs}.csv",
                  ["排污口编码", "排污口名称", "排污口类型", "经度", "纬度", "排放量(m3/d)",
                   "审批状态"],
                  rows, table="outfalls", options={"crs": crs},
                  expect={"points": truth, "point_tolerance_m": 0.5})


def sections_broken() -> None:
    header = ["断面编码", "断面名称", "断面级别", "水体类型", "水质目标", "经度", "纬度"]
    rows = [
        (OK, ["S001", "示范断面一", "国控", "河流", "Ⅲ", "106.50", "29.60"]),
        (OK, ["S002", "示范断面二", "市控", "湖库", "II类", "106.52", "29.62"]),
        ("fields", ["S003", "多字段断面", "国控", "河流", "3", "106.5", "29.6", "多余"]),
        ("fields", ["S004", "少字段断面", "国控", "河流"]),
        (OK, ["S005", "示范断面五", "control", "river", "劣V", "106.54", "29.64"]),
        ("not a water class", ["S006", "目标错误断面", "国控", "河流", "VII", "106.5", "29.6"]),
        ("is not one of", ["S007", "级别错误断面", "省界", "河流", "3", "106.5", "29.6"]),
        ("unbalanced quote", ["S008", "引号\"未闭合断面", "国控", "河流", "3", "106.5", "29.6"]),
    ]
    title = "示范区监测断面名录（虚构数据）"
    lines = [title, csv_line(header)]
    numbers = []
    for outcome, cells in rows:
        if outcome == "unbalanced quote":
            lines.append('S008,"引号未闭合断面,国控,河流,3,106.5,29.6')
            lines.append("S009,被吞掉的断面,国控,河流,3,106.5,29.6")
            numbers.append(len(lines) - 1)
            continue
        if cells[0] == "S005":
            lines.append("")           # an empty line
            lines.append(",,,,,,")     # a line of separators only
        lines.append(csv_line(cells))
        numbers.append(len(lines))
    (HERE / "sections_broken.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    register("sections_broken.csv", "sections", rows, lines=numbers,
             expect={"warnings": ["2 blank line(s) skipped", "1 line(s) before the header"],
                     "header_line": 2})


def measurements() -> None:
    header = ["断面编码", "采样日期", "监测项目", "监测值", "单位"]
    rows = [
        (OK, ["S001", "2025-10-08", "氨氮", "0.52", "mg/L"]),
        (OK, ["S001", "2025/10/8", "总磷", "0.02L", "mg/L"]),
        (OK, ["S001", "2025年10月8日", "高锰酸盐指数", "ND", ""]),
        (OK, ["S001", "2025.10.8", "溶解氧", "<0.5", "mg/L"]),
        (OK, ["S001", "20251008", "化学需氧量", "未检出", "mg/L"]),
        (OK, ["S001", "2025-10-08", "pH", "7.6", "无量纲"]),
        (OK, ["S001", "2025-10-08", "铅", "3.2", "μg/L"]),
        (OK, ["S001", "2025-10-08", "汞", "0.04L", "ug/L"]),
        (OK, ["S002", "2025-10", "NH3-N", "1.1", "mg/L"]),
        (OK, ["S002", "2025年11月", "TP", "ND(0.01)", "mg/L"]),
        (OK, ["S002", "2025-10-08 09:30", "粪大肠菌群", "230", "个/100mL"]),
        (OK, ["S002", "2025-10-08", "水温", "-0.5", "℃"]),
        (OK, ["示范断面二", "2025-12-01", "五日生化需氧量", "2.1", "mg/L"]),
        ("duplicate key", ["S001", "2025-10-08", "NH3N", "0.53", "mg/L"]),
        ("not a value", ["S001", "2025-10-09", "氨氮", "abc", "mg/L"]),
        ("missing value", ["S001", "2025-10-10", "氨氮", "", "mg/L"]),
        # 叶绿素a is accepted since chlorophyll counts for lakes' trophic state
        ("unknown parameter", ["S001", "2025-10-08", "藻密度", "3", "cells/L"]),
        ("unknown unit", ["S001", "2025-10-08", "总氮", "1.5", "ppt"]),
        ("unknown unit", ["S001", "2025-10-08", "pH", "7", "mg/L"]),
        ("no such date", ["S001", "2025-02-30", "氨氮", "0.5", "mg/L"]),
        ("not a date", ["S001", "上周三", "氨氮", "0.5", "mg/L"]),
        ("unknown section", ["S999", "2025-10-08", "氨氮", "0.5", "mg/L"]),
        ("negative value", ["S002", "2025-10-08", "氨氮", "-0.1", "mg/L"]),
        ("outside 0–14", ["S002", "2025-10-08", "pH", "15", ""]),
        ("detection limit must be positive", ["S002", "2025-10-08", "铜", "0L", "mg/L"]),
    ]
    write_csv("measurements_long.csv", header, rows, table="measurements",
              expect={"values": {
                  "S001|2025-10-08|TP": [None, True, 0.02],
                  "S001|2025-10-08|CODMn": [None, True, None],
                  "S001|2025-10-08|Pb": [0.0032, False, None],
                  "S001|2025-10-08|Hg": [None, True, 0.00004],
                  "S002|2025-10-01|NH3N": [1.1, False, None],
                  "S002|2025-11-01|TP": [None, True, 0.01],
                  "S002|2025-10-08|FC": [2300.0, False, None],
                  "S002|2025-12-01|BOD5": [2.1, False, None],
              }, "warnings": ["2 row(s) dated by year-month"]})


def simple_tables() -> None:
    write_csv("sewage_plants.csv", ["污水处理厂编码", "污水处理厂名称", "设计处理能力", "排放标准",
                                    "经度", "纬度"], [
        (OK, ["WSC001", "示范污水处理厂", "50000", "一级A", "106.5", "29.6"]),
        ("must not be below 0", ["WSC002", "负能力污水厂", "-1", "一级A", "106.5", "29.6"]),
        ("not a number", ["WSC003", "文字能力污水厂", "五万", "一级A", "106.5", "29.6"]),
    ], table="sewage_plants")
    write_csv("livestock_farms.csv", ["养殖场编码", "养殖场名称", "养殖种类", "存栏量", "经度",
                                      "纬度"], [
        (OK, ["YZC001", "示范养猪场", "生猪", "1200", "106.4", "29.4"]),
        ("must not be below 0", ["YZC002", "负存栏养殖场", "生猪", "-3", "106.4", "29.4"]),
        ("not a whole number", ["YZC003", "半头养殖场", "牛", "10.5", "106.4", "29.4"]),
    ], table="livestock_farms")
    write_csv("petrol_stations.csv", ["code", "name", "longitude", "latitude", "district"], [
        (OK, ["JYZ001", "Demo Station", "106.51", "29.51", "Yubei"]),
        (OK, ["JYZ002", "Sample Station", "106.52", "29.52", ""]),
    ], table="petrol_stations")
    write_csv("river_chiefs.csv", ["河流", "河长级别", "姓名", "职务"], [
        (OK, ["R001", "市级", "张示例", "示范市副市长"]),
        (OK, ["R001", "区县级", "李样例", "示范区区长"]),
        (OK, ["R001", "乡镇级", "王虚构", "示范镇镇长"]),
        (OK, ["R001", "村级", "赵测试", "示范村主任"]),
        ("is not one of", ["R001", "组级", "钱测试", "组长"]),
        ("duplicate key", ["R001", "村", "赵测试", "示范村书记"]),
    ], table="river_chiefs")
    write_csv("problems.csv", ["问题编号", "河流", "位置", "问题描述", "状态", "整改期限",
                               "责任单位"], [
        (OK, ["WT001", "R001", "示范桥下游", "岸边垃圾堆放", "未整改", "2025年12月", "示范镇"]),
        (OK, ["WT002", "R001", "示范村段", "生活污水直排", "整改中", "2026-03-31", "示范村"]),
        (OK, ["WT003", "R001", "示范工业园", "雨污混流", "已完成", "2025/6/30", "示范园区"]),
        ("问题描述 (description): missing", ["WT004", "R001", "某处", "", "未整改", "", ""]),
        ("no such date", ["WT005", "R001", "某处", "描述", "未整改", "2025-13-01", ""]),
    ], table="problems", expect={"deadline": {"WT001": "2025-12-31"}})
    write_csv("projects.csv", ["项目编号", "河流", "治理措施", "进度", "完成期限"], [
        (OK, ["XM001", "R001", "截污管网建设", "85%", "2026-06"]),
        (OK, ["XM002", "R001", "河道清淤", "100", "2025-12-31"]),
        ("must not be above 100", ["XM003", "R001", "生态修复", "120", "2026-12-31"]),
    ], table="projects")


def issue11() -> None:
    """Silent mis-parses of issue 11: decimal commas, percent signs, oversized integers,
    Big5, a header after line 10, and a workbook with a hidden and an explanation sheet,
    merged cells and formulas without cached values."""
    b = "91500112MA5U0C"
    write_csv("enterprises_numbers.csv", ENT_HEADER, [
        (OK, ["小数逗号一厂", cc(b + "001"), "化工", "106.5", "29.6", "一般", "在产", "1,5",
              "0,025", "渝北区"]),
        (OK, ["千分位厂", cc(b + "002"), "化工", "106.5", "29.6", "一般", "在产", "1,234.5",
              "12,345,678", "渝北区"]),
        ("ambiguous number", ["歧义数字厂", cc(b + "003"), "化工", "106.5", "29.6", "一般",
                              "在产", "1,234", "0.1", "渝北区"]),
        ("a percentage is not a value", ["百分号厂", cc(b + "004"), "化工", "106.5", "29.6",
                                         "一般", "在产", "85%", "0.1", "渝北区"]),
        (OK, ["普通数字厂", cc(b + "005"), "化工", "106.5", "29.6", "一般", "在产", "3",
              "0.4", "渝北区"]),
    ], expect={"warnings": ["decimal comma read as a decimal point on 1 row(s) (lines 2"],
               "cells": {cc(b + "001"): {"cod_t_a": 1.5, "nh3n_t_a": 0.025},
                         cc(b + "002"): {"cod_t_a": 1234.5, "nh3n_t_a": 12345678.0}}})
    write_csv("livestock_oversized.csv", ["养殖场编码", "养殖场名称", "养殖种类", "存栏量", "经度",
                                          "纬度"], [
        (OK, ["YZC101", "示范养殖场一", "生猪", "1200", "106.4", "29.4"]),
        ("too large for a whole-number column", ["YZC102", "超大存栏养殖场", "生猪",
                                                 "99999999999999999999", "106.4", "29.4"]),
        ("too large for a whole-number column", ["YZC103", "超大存栏养殖场二", "生猪",
                                                 "3000000000", "106.4", "29.4"]),
        (OK, ["YZC104", "示范养殖场四", "牛", "35", "106.4", "29.4"]),
    ], table="livestock_farms", expect={"cells": {"YZC104": {"head_count": 35}}})

    big5_rows = [
        (OK, ["臺灣範例電鍍廠", cc(b + "011"), "電鍍", "106.55", "29.60", "一般", "在產", "1",
              "0.1", "測試區"]),
        (OK, ["樣例造紙廠", cc(b + "012"), "造紙", "106.56", "29.61", "一般", "關停", "2",
              "0.2", "測試區"]),
        (OK, ["繁體樣例機械廠", cc(b + "013"), "機械製造", "106.57", "29.62", "一般", "整改", "3",
              "0.3", "測試區"]),
    ]
    big5_header = ["企業名稱", "統一社會信用代碼", "行業", "經度", "緯度", "類別", "狀態",
                   "化學需氧量排放量", "氨氮排放量", "區縣"]
    write_csv("enterprises_big5.csv", big5_header, big5_rows, encoding="big5",
              options={"encoding": "big5", "mapping": {
                  "企業名稱": "name", "統一社會信用代碼": "code", "行業": "industry",
                  "經度": "lon", "緯度": "lat", "類別": "", "狀態": "",
                  "化學需氧量排放量": "cod_t_a", "氨氮排放量": "nh3n_t_a", "區縣": "district"}},
              expect={"encoding": "big5", "stored": {cc(b + "011"): "臺灣範例電鍍廠"}})
    EXPECTED["fatal"]["enterprises_big5.csv"] = {"table": "enterprises",
                                                 "error": "give --encoding"}

    notes = [f"填表说明第{i}条：本表为虚构示例数据，请按要求填写。" for i in range(1, 12)]
    rows = [
        (OK, ["表头靠后一厂", cc(b + "021"), "食品", "106.5", "29.6", "一般", "在产", "1", "0.1",
              "渝北区"]),
        (OK, ["表头靠后二厂", cc(b + "022"), "食品", "106.5", "29.6", "一般", "在产", "1", "0.1",
              "渝北区"]),
    ]
    lines = [*notes, csv_line(ENT_HEADER), *(csv_line(c) for _, c in rows)]
    (HERE / "enterprises_late_header.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    register("enterprises_late_header.csv", "enterprises", rows, first_line=13,
             expect={"header_line": 12, "warnings": ["11 line(s) before the header"]})
    workbook()


def workbook() -> None:
    """A workbook: a hidden sheet, an explanation sheet, then the list with a merged
    title, a merged 行业 column and formulas that were never calculated."""
    import openpyxl

    b = "91500112MA5U0D"
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "旧名录"
    hidden.sheet_state = "hidden"
    hidden.append(["企业名称", "统一社会信用代码", "经度", "纬度"])
    hidden.append(["隐藏表里的旧厂", cc(b + "099"), 106.5, 29.6])
    book.create_sheet("填表说明").append(["本工作簿为虚构示例数据；第三张表是企业名录。"])
    ws = book.create_sheet("企业名录")
    header = ["企业名称", "统一社会信用代码", "行业", "经度", "纬度", "化学需氧量排放量", "备注"]
    ws.append(["示范区企业名录（虚构）"])
    ws.merge_cells("A1:G1")
    ws.append(header)
    data = [
        (OK, ["合并行业一厂", cc(b + "001"), "化学原料", 106.51, 29.61, 1.5, None]),
        (OK, ["合并行业二厂", cc(b + "002"), None, 106.52, 29.62, 2.5, "=LEN(A4)"]),
        (OK, ["合并行业三厂", cc(b + "003"), None, 106.53, 29.63, 3.5, None]),
        ("without a calculated value", ["公式厂", cc(b + "004"), "造纸", 106.54, 29.64,
                                        "=F3+F4", None]),
        (OK, ["普通厂", cc(b + "005"), "造纸", 106.55, 29.65, 4, None]),
    ]
    for _outcome, cells in data:
        ws.append(cells)
    ws.merge_cells("C3:C5")
    book.save(HERE / "enterprises_workbook.xlsx")
    register("enterprises_workbook.xlsx", "enterprises", data, first_line=3, expect={
        "header_line": 2, "encoding": "xlsx",
        "warnings": ["read '企业名录'", "'旧名录' is hidden", "merged cells filled down"],
        "cells": {cc(b + "002"): {"industry": "化学原料"}, cc(b + "003"): {"industry": "化学原料"},
                  cc(b + "005"): {"cod_t_a": 4.0}}})


def fatal() -> None:
    (HERE / "fatal_no_name.csv").write_bytes(
        "统一社会信用代码,经度,纬度\r\n91500112MA5U0B0011,106.5,29.6\r\n".encode())
    EXPECTED["fatal"]["fatal_no_name.csv"] = {"table": "enterprises", "error": "名称 (name)"}
    (HERE / "fatal_binary.csv").write_bytes(bytes(range(128, 256)) * 20)
    EXPECTED["fatal"]["fatal_binary.csv"] = {"table": "enterprises", "error": "cannot decode"}
    (HERE / "fatal_old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    EXPECTED["fatal"]["fatal_old_excel.xls"] = {"table": "enterprises", "error": ".xls"}
    EXPECTED["fatal"]["enterprises_utf8.csv"] = {"table": "rivers", "error": "cannot import"}
    EXPECTED["fatal"]["petrol_stations.csv"] = {
        "table": "petrol_stations", "error": "not in the file",
        "options": {"mapping": {"no such header": "name"}}}


def published_layouts() -> None:
    """The monitoring release, a key-polluter list and a section list as published."""
    import make_release_corpus as rel

    rel.release(OK, KEPT, register, write_csv, HERE)
    rel.key_polluters(OK, write_csv, cc, bad_cc)
    rel.sections_unlocated(OK, write_csv)
    EXPECTED["fatal"]["release_hubei.xlsx"] = {
        "table": "measurements", "error": "has no year and the file has no date: give the "
        "year (--year 2025)", "options": {"create_sections": True}}


def main() -> None:
    enterprises()
    outfalls()
    sections_broken()
    measurements()
    simple_tables()
    issue11()
    fatal()
    published_layouts()
    EXPECTED["sections"] = [["S001", "示范断面一"], ["S002", "示范断面二"]]
    text = json.dumps(EXPECTED, ensure_ascii=False, indent=1, sort_keys=True)
    (HERE / "expected.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
