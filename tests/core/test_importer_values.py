"""Importer building blocks: values, dates, choices, parameters, units, encodings, headers."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.gb3838 import ITEMS
from pollution_map_plugin.core.importer.cell_parsers import (
    parse_choice,
    parse_code,
    parse_date,
    parse_number,
    parse_text,
    parse_water_class,
)
from pollution_map_plugin.core.importer.headers import (
    HeaderError,
    choose_header,
    map_headers,
    required_targets,
)
from pollution_map_plugin.core.importer.parameters import (
    PARAMETER_CODES,
    PARAMETERS,
    parameter_code,
    parse_value,
    unit_factor,
)
from pollution_map_plugin.core.importer.text_encoding import EncodingError, decode_bytes

D = dt.date(2025, 10, 8)


@pytest.mark.parametrize(("raw", "value", "below", "limit"), [
    ("0.02L", math.nan, True, 0.02),
    ("0.02 l", math.nan, True, 0.02),
    ("ND", math.nan, True, math.nan),
    ("nd", math.nan, True, math.nan),
    ("未检出", math.nan, True, math.nan),
    ("<0.02", math.nan, True, 0.02),
    ("＜0.02", math.nan, True, 0.02),
    ("ND(0.005)", math.nan, True, 0.005),
    ("0.52", 0.52, False, math.nan),
    (" 1.5e-3 ", 0.0015, False, math.nan),
    (7, 7.0, False, math.nan),
    (0.0, 0.0, False, math.nan),
])
def test_parse_value(raw, value, below, limit) -> None:
    got = parse_value(raw)
    assert got.below_detection is below
    for a, b in ((got.value, value), (got.detection_limit, limit)):
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


@pytest.mark.parametrize("raw", ["", None, "abc", "0.02LL", "<", "1,234", "L", "--0.1",
                                 float("nan"), "0L"])
def test_parse_value_rejects(raw) -> None:
    with pytest.raises(ValueError):
        parse_value(raw)


@pytest.mark.parametrize(("raw", "day", "completed"), [
    ("2025-10-08", D, False), ("2025/10/8", D, False), ("2025年10月8日", D, False),
    ("2025.10.8", D, False), ("20251008", D, False), ("2025-10-08 09:30:00", D, False),
    ("2025-10-08T09:30", D, False), ("2025年10月8日 9时30分", D, False),
    ("２０２５－１０－０８", D, False),
    (dt.datetime(2025, 10, 8, 9, 30), D, False), (D, D, False),
    ("2025-10", dt.date(2025, 10, 1), True), ("2025年10月", dt.date(2025, 10, 1), True),
    ("2025/10", dt.date(2025, 10, 1), True), ("202510", dt.date(2025, 10, 1), True),
    (20251008, D, False),
])
def test_parse_date(raw, day, completed) -> None:
    assert parse_date(raw) == (day, completed)


@pytest.mark.parametrize("raw", ["2025-02-30", "2025-13-01", "昨天", "10/08/2025", "45938",
                                 "1850-01-01", "2025-10-08-09"])
def test_parse_date_rejects(raw) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_missing_cells() -> None:
    assert parse_date("") is None and parse_date(None) is None
    assert parse_number("-") is None and parse_number("/") is None and parse_number(" ") is None
    assert parse_text("  ") is None and parse_code("") is None


def test_parse_number() -> None:
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("８５%", percent=True) == 85
    assert parse_number(3.0, integer=True) == 3
    with pytest.raises(ValueError, match="below 0"):
        parse_number("-1", minimum=0)
    with pytest.raises(ValueError, match="whole number"):
        parse_number("2.5", integer=True)
    with pytest.raises(ValueError, match="not a number"):
        parse_number("12吨")
    with pytest.raises(ValueError):
        parse_number("inf")


def test_codes_and_text() -> None:
    assert parse_code(" S 001 ") == "S001"
    assert parse_code(500101.0) == "500101"
    assert parse_code("ＡＢ１２") == "AB12"
    with pytest.raises(ValueError, match="digits lost"):
        parse_code(9.15001127e17)
    assert parse_text("  <b>名称</b> ") == "<b>名称</b>"


@pytest.mark.parametrize(("raw", "choices", "want"), [
    ("重点排污单位", schema.ENTERPRISE_CATEGORIES, "key"),
    ("一般", schema.ENTERPRISE_CATEGORIES, "general"),
    ("散乱污", schema.ENTERPRISE_CATEGORIES, "scattered"),
    ("KEY", schema.ENTERPRISE_CATEGORIES, "key"),
    ("在产", schema.ENTERPRISE_STATUSES, "operating"),
    ("正常", schema.ENTERPRISE_STATUSES, "operating"),
    ("整改", schema.ENTERPRISE_STATUSES, "rectifying"),
    ("关停", schema.ENTERPRISE_STATUSES, "closed"),
    ("搬迁", schema.ENTERPRISE_STATUSES, "relocated"),
    ("污水处理厂", schema.OUTFALL_TYPES, "sewage_plant"),
    ("sewage-plant", schema.OUTFALL_TYPES, "sewage_plant"),
    ("已审批", schema.APPROVAL_STATUSES, "approved"),
    ("国控", schema.SECTION_LEVELS, "national"),
    ("湖库", schema.WATER_BODY_TYPES, "lake"),
    ("乡镇级", schema.CHIEF_LEVELS, "township"),
    ("整改中", schema.PROBLEM_STATUSES, "in_progress"),
])
def test_choices(raw, choices, want) -> None:
    assert parse_choice(raw, choices) == want


def test_choice_rejects() -> None:
    with pytest.raises(ValueError, match="not one of key, general, scattered"):
        parse_choice("特大", schema.ENTERPRISE_CATEGORIES)


@pytest.mark.parametrize(("raw", "want"), [("3", 3), ("III", 3), ("Ⅲ", 3), ("Ⅲ类", 3),
                                           ("劣Ⅴ", 6), ("劣V类", 6), (2.0, 2), ("ii", 2)])
def test_water_class(raw, want) -> None:
    assert parse_water_class(raw) == want


def test_all_24_parameters_by_chinese_name_and_code() -> None:
    assert set(PARAMETER_CODES) == set(ITEMS) and len(PARAMETER_CODES) == 26 + 5  # + Table 2
    assert len([c for c in PARAMETER_CODES if ITEMS[c].in_table1]) == 24  # + chla, SD
    for code, (zh, _others) in PARAMETERS.items():
        assert parameter_code(zh) == code
        assert parameter_code(code) == code
        assert parameter_code(code.lower()) == code
    for name, code in (("氨氮", "NH3N"), ("总磷", "TP"), ("高锰酸盐指数", "CODMn"),
                       ("化学需氧量", "COD"), ("溶解氧", "DO"), ("五日生化需氧量", "BOD5"),
                       ("NH₃-N", "NH3N"), ("BOD₅", "BOD5"), ("pH值", "pH"), ("Cr6+", "Cr6"),
                       ("氟化物（以F⁻计）", "F"), ("粪大肠菌群", "FC"), ("水温", "WT")):
        assert parameter_code(name) == code, name
    for name in ("叶绿素a", "叶绿素α", "Chl-a", "chla", "叶绿素a（Chla）"):
        assert parameter_code(name) == "chla", name
    for name in ("透明度", "SD", "Secchi depth", "透明度(SD)"):
        assert parameter_code(name) == "SD", name
    assert parameter_code("藻密度") is None


def test_units() -> None:
    assert unit_factor("chla", "mg/m³") == unit_factor("chla", "µg/L") == 1
    assert unit_factor("chla", "mg/L") == 1000 and unit_factor("chla", "") == 1
    assert unit_factor("SD", "m") == 1 and unit_factor("SD", "cm") == pytest.approx(0.01)
    with pytest.raises(ValueError, match="unknown unit"):
        unit_factor("SD", "mg/L")
    assert unit_factor("NH3N", "mg/L") == 1
    assert unit_factor("NH3N", "") == 1
    for micro in ("µg/L", "μg/L", "ug/L", "微克/升"):
        assert unit_factor("Pb", micro) == pytest.approx(1e-3)
    assert unit_factor("FC", "个/100mL") == 10
    assert unit_factor("pH", "无量纲") == 1
    assert unit_factor("WT", "°C") == 1
    for code, unit in (("pH", "mg/L"), ("TP", "ppt"), ("FC", "mg/L"), ("WT", "K")):
        with pytest.raises(ValueError, match="unknown unit"):
            unit_factor(code, unit)


TEXT = "企业名称,经度\n示范厂,106.5\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gbk"), "gbk"),
    ((TEXT + "𠮷厂,1\n").encode("gb18030"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
    (b"name,lon\nplain,1\n", "utf-8"),
])
def test_decode_detects(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text.startswith(TEXT[:4]) or decoded.text.startswith("name")
    assert not decoded.bad_lines


def test_decode_explicit() -> None:
    assert decode_bytes(TEXT.encode("gbk"), "gbk").text == TEXT
    assert decode_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8").text == TEXT
    # "gbk" also accepts GB18030-only characters (GB18030 extends GBK)
    assert decode_bytes("𠮷".encode("gb18030"), "gbk").encoding == "gb18030"
    with pytest.raises(ValueError, match="unknown encoding"):
        decode_bytes(b"x", "latin-9")


def test_decode_gbk_as_utf8_is_refused_or_flagged() -> None:
    lines = "\n".join(f"示范企业{i},106.5" for i in range(5))
    with pytest.raises(EncodingError):
        decode_bytes(("企业名称,经度\n" + lines).encode("gbk"), "utf-8")


def test_decode_utf8_with_one_bad_line() -> None:
    body = "\n".join(f"示范企业{i},106.5" for i in range(20))
    data = ("企业名称,经度\n" + body).encode("utf-8").replace("企业7".encode(), b"\xa0\xa1")
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.bad_lines == frozenset({9})


TABLE_HEADERS = {
    "enterprises": ["企业名称", "统一社会信用代码", "经度", "纬度"],
    "outfalls": ["排污口编码", "排污口名称", "排污口类型", "lon", "lat"],
    "sewage_plants": ["编码", "名称", "x", "y"],
    "livestock_farms": ["养殖场编码", "养殖场名称", "longitude", "latitude"],
    "petrol_stations": ["code", "name", "Lon", "LAT"],
    "sections": ["断面编码", "断面名称", "断面级别", "水体类型", "经度(°)", "纬度(°)"],
    "measurements": ["断面名称", "监测日期", "指标", "浓度", "单位"],
    "river_chiefs": ["河流", "级别", "姓名"],
    "problems": ["编号", "河流", "问题描述"],
    "projects": ["项目编号", "河流", "措施"],
}


@pytest.mark.parametrize("table", sorted(TABLE_HEADERS))
def test_headers_cover_required_columns(table: str) -> None:
    spec = schema.table(table)
    hmap = map_headers(TABLE_HEADERS[table], spec)
    assert required_targets(spec, hmap) == []
    assert not hmap.ignored


def test_wide_measurement_headers() -> None:
    spec = schema.table("measurements")
    hmap = map_headers(["断面编码", "采样日期", "pH", "溶解氧(mg/L)", "铅(μg/L)", "备注"], spec)
    assert required_targets(spec, hmap) == []
    assert sorted(c for c, _f, _u in hmap.wide.values()) == ["DO", "Pb", "pH"]
    assert [f for c, f, _u in hmap.wide.values() if c == "Pb"] == [pytest.approx(1e-3)]
    assert hmap.ignored == ["备注"]
    with pytest.raises(HeaderError, match="unknown unit"):
        map_headers(["断面编码", "采样日期", "铅(ppt)"], spec)


def test_explicit_mapping_and_header_row() -> None:
    spec = schema.table("enterprises")
    rows = [(1, ["示范区企业名录"]), (2, ["单位", "USCC", "X", "Y", "备注"]), (3, ["a"])]
    hmap = choose_header(rows, spec, {"单位": "name", "USCC": "code", "备注": ""})
    assert hmap.header_line == 2
    assert hmap.targets == {"name", "code", "lon", "lat"}
    with pytest.raises(HeaderError, match="not a column"):
        map_headers(["单位"], spec, {"单位": "nonsense"})
    with pytest.raises(HeaderError, match="not in the file"):
        map_headers(["单位"], spec, {"公司": "name"})


@pytest.mark.parametrize(("lon", "lat", "want"), [
    ("106.5", "29.5", (106.5, 29.5, False)),
    ("29.5", "106.5", (106.5, 29.5, True)),
    ("N29°30'", "E106°30'", (106.5, 29.5, True)),
    (106.5, 29.5, (106.5, 29.5, False)),
])
def test_point_from(lon, lat, want) -> None:
    from pollution_map_plugin.core.importer.fields import point_from

    assert point_from(lon, lat) == pytest.approx(want)


@pytest.mark.parametrize(("lon", "lat", "reason"), [
    ("2.35", "48.85", "outside China"),
    ("36512345.6", "3280000.1", "not degrees"),
    ("E106.5", "E107", "both coordinates are longitudes"),
    ("", "29.5", "经度 (lon): missing"),
    ("106.5", "北边", "纬度 (lat)"),
])
def test_point_from_rejects(lon, lat, reason) -> None:
    from pollution_map_plugin.core.importer.fields import point_from

    with pytest.raises(ValueError, match=re.escape(reason)):
        point_from(lon, lat)


def test_rejects_file_neutralises_spreadsheet_formulas(tmp_path) -> None:
    from pollution_map_plugin.core.importer.rejects import read_rejects, write_rejects
    from pollution_map_plugin.core.importer.rows import Reject

    rejects = [Reject(2, "bad", ["=HYPERLINK(\"http://x\")", "-5", "@SUM(A1)", "-x", "ok"])]
    path = write_rejects(rejects, ["a", "b", "c", "d", "e"], tmp_path / "r.csv")
    row = read_rejects(path)[0]
    assert row["a"] == "'=HYPERLINK(\"http://x\")"
    assert row["b"] == "-5"  # a number stays as it was
    assert row["c"] == "'@SUM(A1)"
    assert row["d"] == "'-x"
    assert row["e"] == "ok"
