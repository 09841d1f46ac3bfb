"""Header mapping: Chinese or English file headers → schema columns, per table.

A header matches a column by the column's own name, its Chinese and English
labels in ``core.schema`` and the synonyms below (case, width and whitespace
ignored, a trailing ``(unit)`` or ``*`` marker ignored).  An explicit mapping
``{"file header": "column"}`` takes precedence; map a header to ``""`` to ignore
it.  Pseudo-columns: ``lon``/``lat`` (point layers), ``section_name``
(measurements: resolved to a section code through the database) and, for the
monitoring release, ``province`` (省份) and ``published_class`` (水质类别).

Measurements come long (one row per item: 项目 + 监测值 [+ 单位]) or wide (one
column per item, e.g. ``氨氮``, ``铅(μg/L)``): a file without a parameter column
whose headers name items is read wide, the unit taken from the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema import Table
from .cell_parsers import norm
from .parameters import parameter_code, unit_factor

LON, LAT, SECTION_NAME = "lon", "lat", "section_name"
PROVINCE, PUBLISHED_CLASS = "province", "published_class"  # the monitoring release
GEOMETRY_TARGETS = (LON, LAT)
HEADER_SCAN_ROWS = 50
#: Layers whose rows may come without coordinates (stored unlocated, NULL geometry).
UNLOCATED_TABLES = ("sections",)

_COMMON: dict[str, tuple[str, ...]] = {
    "code": ("编码", "代码", "编号"),
    "name": ("名称",),
    "district": ("区县", "所在区县", "行政区", "行政区划", "区域", "所属区县", "county",
                 "市/区县", "市县", "所在地区"),
    LON: ("经度", "东经", "lon", "lng", "long", "longitude", "x", "x坐标", "坐标x"),
    LAT: ("纬度", "北纬", "lat", "latitude", "y", "y坐标", "坐标y"),
    "wastewater_t_a": ("年废水排放量", "废水排放量", "废水量", "wastewater"),
    "cod_t_a": ("化学需氧量年排放量", "化学需氧量排放量", "cod排放量", "cod"),
    "nh3n_t_a": ("氨氮年排放量", "氨氮排放量", "nh3-n排放量", "nh3n", "nh3-n"),
    "tp_t_a": ("总磷年排放量", "总磷排放量", "tp排放量", "tp"),
    "outfall_code": ("排污口", "排污口编码", "排口编码", "outfall"),
    "river_code": ("河流", "河流编码", "所在河流", "river"),
    "reach_code": ("河段", "河段编码", "所在河段", "reach"),
    "deadline": ("期限", "完成时限", "整改时限"),
}

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "enterprises": {
        "code": ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "credit_code", "uscc"),
        "name": ("企业名称", "单位名称", "排污单位名称", "企业"),
        "industry": ("行业", "行业类别", "所属行业", "行业名称"),
        "park_code": ("所在园区", "园区", "园区编码", "工业园区", "park"),
        "permit_no": ("排污许可证编号", "排污许可证号", "许可证编号", "许可证号", "permit"),
        "category": ("企业类别", "类型", "企业类型", "监管类别"),
        "status": ("生产状态", "运行状态", "企业状态"),
    },
    "outfalls": {
        "code": ("排污口编码", "排口编码", "排污口编号"),
        "name": ("排污口名称", "排口名称"),
        "type": ("排污口类型", "排口类型", "类型"),
        "owner_code": ("设置单位", "设置单位编码", "责任主体", "owner"),
        "river_code": ("受纳河流", "受纳水体", "受纳河流编码"),
        "reach_code": ("受纳河段",),
        "discharge_m3_d": ("排放量", "日排放量", "设计排放量", "排水量", "discharge"),
        "approval_status": ("审批状态", "审批情况", "批复情况", "approval"),
    },
    "sewage_plants": {
        "code": ("污水处理厂编码", "污水厂编码"),
        "name": ("污水处理厂名称", "污水厂名称", "污水处理厂"),
        "capacity_m3_d": ("设计处理能力", "处理能力", "设计规模", "capacity"),
        "standard": ("排放标准", "执行标准", "出水标准"),
    },
    "livestock_farms": {
        "code": ("养殖场编码", "养殖场编号"),
        "name": ("养殖场名称", "养殖场", "养殖户名称"),
        "species": ("养殖种类", "畜种", "养殖品种"),
        "head_count": ("存栏量", "存栏数", "存栏", "头数"),
    },
    "petrol_stations": {
        "code": ("加油站编码", "加油站编号"),
        "name": ("加油站名称", "加油站"),
    },
    "sections": {
        "code": ("断面编码", "断面代码", "站点编码", "断面编号"),
        "name": ("断面名称", "站点名称", "断面"),
        "level": ("级别", "断面类型", "断面属性"),
        "river_code": (),
        "control_unit_code": ("控制单元编码", "control_unit"),
        "water_body_type": ("水体", "水体类别"),
        "target_class": ("目标水质", "水质目标类别", "目标类别", "考核目标", "target"),
    },
    "measurements": {
        "section_code": ("断面代码", "站点编码", "断面编号", "section"),
        SECTION_NAME: ("断面名称", "断面", "站点名称", "站点", "监测断面"),
        PROVINCE: ("省份", "省", "省份名称", "所在省份"),
        PUBLISHED_CLASS: ("水质类别", "发布水质类别", "water_class"),
        "sampled_on": ("监测日期", "日期", "监测时间", "采样时间", "时间", "date", "监测年月"),
        "parameter": ("项目", "指标", "监测指标", "因子", "监测因子", "item", "parameter_code"),
        "value": ("浓度", "数值", "值", "结果", "监测结果", "concentration"),
        "unit": ("计量单位",),
        "detection_limit": ("检出限值",),
    },
    "river_chiefs": {
        "level": ("级别", "层级"),
        "name": ("河长", "河长姓名"),
        "post": ("职位", "title"),
    },
    "problems": {
        "code": ("问题编号", "问题编码"),
        "location": ("地点", "问题位置"),
        "description": ("描述", "问题", "问题内容"),
        "status": ("整改状态", "整改情况"),
        "responsible": ("责任人", "责任部门"),
    },
    "projects": {
        "code": ("项目编号", "项目编码"),
        "measure": ("措施", "项目名称", "项目内容"),
        "progress": ("完成进度", "进度(%)"),
    },
}
#: Columns the importer derives and never reads from a file.
DERIVED = {"measurements": ("below_detection",)}


class HeaderError(ValueError):
    """The headers cannot be mapped (missing required column, bad explicit mapping)."""


@dataclass
class HeaderMap:
    """Which file column feeds which target; wide measurement columns separately."""

    headers: list[str]
    header_line: int
    columns: dict[int, str] = field(default_factory=dict)
    wide: dict[int, tuple[str, float, str]] = field(default_factory=dict)  # code, factor, unit
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def index(self, target: str) -> int | None:
        for i, name in self.columns.items():
            if name == target:
                return i
        return None

    @property
    def targets(self) -> set[str]:
        return set(self.columns.values())


def _split(header: str) -> tuple[str, str]:
    """(normalised header without a trailing (…) part, the part inside)."""
    key = norm(header).lstrip("*※").rstrip("*")
    match = re.match(r"^(.*?)[(\[【](.*?)[)\]】]$", key)
    return (match.group(1), match.group(2)) if match else (key, "")


def targets_for(table: Table) -> dict[str, str]:
    """Normalised header → target for ``table`` (schema labels, synonyms, pseudo-columns)."""
    lookup: dict[str, str] = {}
    derived = DERIVED.get(table.name, ())
    extra = SYNONYMS.get(table.name, {})
    for target, names in extra.items():  # table-specific names first
        for name in (target, *names):
            lookup.setdefault(norm(name), target)
    for col in table.columns:
        if col.name in derived:
            continue
        for name in (col.name, col.zh, col.en):
            lookup.setdefault(norm(name), col.name)
    columns = set(table.column_names)
    for target, names in _COMMON.items():
        if target in columns or (target in GEOMETRY_TARGETS and table.is_spatial):
            for name in (target, *names):
                lookup.setdefault(norm(name), target)
    return lookup


def valid_targets(table: Table) -> set[str]:
    """Every target an explicit mapping may name for ``table``."""
    names = set(table.column_names) - {"fid"} - set(DERIVED.get(table.name, ()))
    if table.is_spatial:
        names |= set(GEOMETRY_TARGETS)
    if table.name == "measurements":
        names |= {SECTION_NAME, PROVINCE, PUBLISHED_CLASS}
    return names


def map_headers(headers: list, table: Table, mapping: dict[str, str] | None = None,
                header_line: int = 1) -> HeaderMap:
    """Map one header row; raise HeaderError for a bad explicit mapping."""
    texts = ["" if h is None else str(h).replace("\ufeff", "").strip() for h in headers]
    while texts and not texts[-1]:
        texts.pop()
    result = HeaderMap(texts, header_line)
    lookup = targets_for(table)
    allowed = valid_targets(table)
    explicit = {norm(k): v for k, v in (mapping or {}).items()}
    found = {norm(t) for t in texts}
    for key, target in (mapping or {}).items():
        if norm(key) not in found:
            raise HeaderError(f"--map names header {key!r}, which is not in the file; "
                              f"headers: {', '.join(texts)}")
        if target and target not in allowed:
            raise HeaderError(f"--map target {target!r} is not a column of {table.name}; "
                              f"columns: {', '.join(sorted(allowed))}")
    taken: set[str] = set()
    unmapped: list[tuple[int, str]] = []
    for i, text in enumerate(texts):
        if norm(text) in explicit:
            target = explicit[norm(text)]
            if target:
                result.columns[i] = target
                taken.add(target)
            else:
                result.ignored.append(text)
    for i, text in enumerate(texts):
        if not text or norm(text) in explicit:
            continue
        key, _inner = _split(text)
        target = lookup.get(norm(text)) or lookup.get(key)
        if target is None:
            unmapped.append((i, text))
        elif target in taken:
            result.warnings.append(f"header {text!r} also maps to {target}; ignored")
            result.ignored.append(text)
        else:
            result.columns[i] = target
            taken.add(target)
    if table.name == "measurements" and "parameter" not in taken:
        unmapped = _wide_columns(result, unmapped)
    result.ignored.extend(text for _i, text in unmapped)
    return result


def _wide_columns(result: HeaderMap, unmapped: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Headers naming items become wide value columns (unit from the header)."""
    rest = []
    for i, text in unmapped:
        key, inner = _split(text)
        code = parameter_code(text) or parameter_code(key)
        if code is None:
            rest.append((i, text))
            continue
        try:
            factor = unit_factor(code, inner)
        except ValueError as exc:
            raise HeaderError(f"column {text!r}: {exc}") from None
        result.wide[i] = (code, factor, inner)
    return rest


def required_targets(table: Table, header_map: HeaderMap) -> list[str]:
    """Required targets the header map lacks (non-nullable columns, lon/lat)."""
    have = header_map.targets
    needed = [c.name for c in table.columns if not c.nullable and c.name != "fid"]
    if table.is_spatial and table.name not in UNLOCATED_TABLES:
        needed += [LON, LAT]
    missing = []
    for target in needed:
        if target in have:
            continue
        if table.name == "measurements":
            if target == "section_code" and SECTION_NAME in have:
                continue
            if target in ("parameter", "value") and header_map.wide:
                continue
        missing.append(target)
    if table.name == "measurements" and "parameter" in have and "value" not in have:
        missing.append("value")
    return sorted(set(missing), key=missing.index)


def choose_header(rows: list[tuple[int, list]], table: Table,
                  mapping: dict[str, str] | None = None) -> HeaderMap:
    """The header among the first ``HEADER_SCAN_ROWS`` rows (title and explanation
    lines may come first): the first row with every required column, else the first
    that maps at least two targets."""
    best: HeaderMap | None = None
    for line, values in rows[:HEADER_SCAN_ROWS]:
        try:
            candidate = map_headers(values, table, mapping, line)
        except HeaderError:
            if mapping:
                continue
            raise
        if len(candidate.columns) + len(candidate.wide) >= 2:
            if not required_targets(table, candidate):
                return candidate
            best = best if best is not None and len(best.columns) >= 2 else candidate
        best = best or candidate
    if best is None:
        if rows:  # re-raise the explicit-mapping error against the first row
            return map_headers(rows[0][1], table, mapping, rows[0][0])
        raise HeaderError("the file has no header row")
    return best
