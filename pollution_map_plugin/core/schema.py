"""The pollution-source database schema: one definition for GeoPackage and PostGIS.

Every layer and table of the database is declared here once, with the Chinese
and English name of every field.  The back ends (``core.db``) create tables from
these declarations, the importer validates against them, the QGIS layer takes
field aliases from them and ``docs/schema.md`` documents them.

Conventions
-----------
* Every table has an integer primary key ``fid`` (GeoPackage's own convention).
* Rows are linked by natural keys (``code`` columns), never by ``fid``: an
  outfall names its receiving river by ``river_code``, a measurement its section
  by ``section_code``.  Natural keys are what bureaus exchange in spreadsheets,
  and they are the upsert key of the importer (``Table.natural_key``).
* Geometries are stored in CGCS2000, EPSG:4490, in column ``geom``.
* Water-quality classes are integers 1..6: 1 = I … 5 = V, 6 = 劣V
  (see ``core.gb3838``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 3
DEFAULT_SRID = 4490
GEOMETRY_COLUMN = "geom"
PRIMARY_KEY = "fid"


@dataclass(frozen=True)
class Column:
    """One field: name, logical type, nullability and bilingual labels.

    ``type`` is one of ``text``, ``integer``, ``real``, ``date``, ``boolean``.
    ``choices`` lists the allowed values of a coded text field.
    """

    name: str
    type: str
    zh: str
    en: str
    nullable: bool = True
    choices: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """A layer (``geometry`` set) or a plain table (``geometry`` None)."""

    name: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    geometry: str | None = None  # POINT, LINESTRING, MULTILINESTRING, MULTIPOLYGON
    group: str = ""  # layer-tree group: water, sections, sources, areas, tables
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_spatial(self) -> bool:
        return self.geometry is not None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, type_, zh, en, nullable=True, choices=(), unit=""):
    return Column(name, type_, zh, en, nullable, tuple(choices), unit)


DISTRICT = _c("district", "text", "区县", "District")
LINK_METHODS = ("code", "outfall", "name", "spatial")  # how a point got its reach (link)
LINK = (
    _c("link_method", "text", "关联方式", "Link method", choices=LINK_METHODS),
    _c("link_distance_m", "real", "距河段距离", "Distance to reach", unit="m"),
)
WATER_LINK = (
    _c("river_code", "text", "所在河流", "River"),
    _c("reach_code", "text", "所在河段", "Reach"),
    *LINK,
)
CODE = _c("code", "text", "编码", "Code", nullable=False)
NAME = _c("name", "text", "名称", "Name", nullable=False)
LOADS = (
    _c("wastewater_t_a", "real", "年废水排放量", "Wastewater", unit="t/a"),
    _c("cod_t_a", "real", "化学需氧量年排放量", "COD load", unit="t/a"),
    _c("nh3n_t_a", "real", "氨氮年排放量", "NH3-N load", unit="t/a"),
    _c("tp_t_a", "real", "总磷年排放量", "TP load", unit="t/a"),
)

ENTERPRISE_CATEGORIES = ("key", "general", "scattered")  # 重点排污/一般/散乱污
ENTERPRISE_STATUSES = ("operating", "rectifying", "closed", "relocated")
OUTFALL_TYPES = ("industrial", "sewage_plant", "agricultural", "other")
APPROVAL_STATUSES = ("approved", "pending", "unapproved")
SECTION_LEVELS = ("national", "municipal", "control")
WATER_BODY_TYPES = ("river", "lake")
CHIEF_LEVELS = ("province", "city", "county", "township", "village")
PROBLEM_STATUSES = ("open", "in_progress", "resolved")
DRINKING_AREA_LEVELS = ("first", "second", "quasi")  # 一级/二级/准保护区

TABLES: tuple[Table, ...] = (
    Table(
        "rivers", "河流", "Rivers",
        (
            CODE, NAME,
            _c("water_system", "text", "水系", "Water system", nullable=False),
            _c("length_km", "real", "长度", "Length", unit="km"),
            _c("key_river", "boolean", "重点河流", "Key river"),
            _c("source", "text", "源头", "Source"),
            _c("mouth", "text", "河口", "Mouth"),
            _c("parent_code", "text", "汇入河流", "Tributary of"),
        ),
        ("code",), "MULTILINESTRING", "water",
    ),
    Table(
        "reaches", "河段", "Reaches",
        (
            CODE,
            _c("river_code", "text", "所属河流", "River", nullable=False),
            _c("downstream_code", "text", "下游河段", "Downstream reach"),
            _c("from_node", "text", "起点节点", "From node"),
            _c("to_node", "text", "终点节点", "To node"),
            _c("length_km", "real", "长度", "Length", unit="km"),
            _c("stream_order", "integer", "河流级别", "Stream order"),
        ),
        ("code",), "LINESTRING", "water",
    ),
    Table(
        "districts", "区县", "Districts and counties",
        (
            _c("code", "text", "区划代码", "Division code", nullable=False),
            NAME,
            _c("region", "text", "片区", "Region"),
        ),
        ("code",), "MULTIPOLYGON", "areas",
    ),
    Table(
        "control_units", "流域控制单元", "Watershed control units",
        (
            CODE, NAME,
            _c("water_system", "text", "水系", "Water system"),
            _c("outlet_section_code", "text", "控制断面", "Outlet section"),
            DISTRICT,
        ),
        ("code",), "MULTIPOLYGON", "areas",
    ),
    Table(
        "drinking_water_areas", "饮用水水源保护区", "Drinking-water source areas",
        (
            CODE, NAME,
            _c("level", "text", "保护区级别", "Protection level", choices=DRINKING_AREA_LEVELS),
            _c("water_body_type", "text", "水源类型", "Water body type",
               choices=("river", "lake", "reservoir", "groundwater")),
            _c("river_code", "text", "所在河流", "River"),
            DISTRICT,
        ),
        ("code",), "MULTIPOLYGON", "areas",
    ),
    Table(
        "industrial_parks", "工业园区", "Industrial parks",
        (CODE, NAME, _c("level", "text", "园区级别", "Level"), DISTRICT, *WATER_LINK),
        ("code",), "MULTIPOLYGON", "areas",
    ),
    Table(
        "sections", "监测断面", "Monitoring sections",
        (
            CODE, NAME,
            _c("level", "text", "断面级别", "Level", nullable=False, choices=SECTION_LEVELS),
            _c("river_code", "text", "所在河流", "River"),
            _c("reach_code", "text", "所在河段", "Reach"),
            _c("control_unit_code", "text", "控制单元", "Control unit"),
            _c("water_body_type", "text", "水体类型", "Water body type",
               nullable=False, choices=WATER_BODY_TYPES),
            _c("target_class", "integer", "水质目标", "Target class"),
            DISTRICT, *LINK,
        ),
        ("code",), "POINT", "sections",
    ),
    Table(
        "outfalls", "入河排污口", "Outfalls into rivers",
        (
            CODE, NAME,
            _c("type", "text", "排污口类型", "Type", nullable=False, choices=OUTFALL_TYPES),
            _c("owner_code", "text", "设置单位", "Owner"),
            _c("river_code", "text", "受纳河流", "Receiving river"),
            _c("reach_code", "text", "受纳河段", "Receiving reach"),
            _c("discharge_m3_d", "real", "排放量", "Discharge", unit="m³/d"),
            _c("approval_status", "text", "审批状态", "Approval status",
               choices=APPROVAL_STATUSES),
            DISTRICT, *LINK,
        ),
        ("code",), "POINT", "sources",
    ),
    Table(
        "enterprises", "涉水工业企业", "Water-related enterprises",
        (
            _c("code", "text", "统一社会信用代码", "Unified social credit code", nullable=False),
            NAME,
            _c("industry", "text", "行业", "Industry"),
            _c("park_code", "text", "所在园区", "Industrial park"),
            _c("permit_no", "text", "排污许可证编号", "Discharge permit"),
            _c("category", "text", "类别", "Category", choices=ENTERPRISE_CATEGORIES),
            _c("status", "text", "状态", "Status", choices=ENTERPRISE_STATUSES),
            *LOADS,
            _c("outfall_code", "text", "排污口", "Outfall"),
            DISTRICT, *WATER_LINK,
        ),
        ("code",), "POINT", "sources",
    ),
    Table(
        "sewage_plants", "污水处理厂", "Sewage treatment plants",
        (
            CODE, NAME,
            _c("capacity_m3_d", "real", "设计处理能力", "Capacity", unit="m³/d"),
            _c("standard", "text", "排放标准", "Discharge standard"),
            *LOADS,
            _c("outfall_code", "text", "排污口", "Outfall"),
            DISTRICT, *WATER_LINK,
        ),
        ("code",), "POINT", "sources",
    ),
    Table(
        "livestock_farms", "畜禽养殖场", "Livestock and poultry farms",
        (
            CODE, NAME,
            _c("species", "text", "养殖种类", "Species"),
            _c("head_count", "integer", "存栏量", "Head count"),
            *LOADS[1:],
            DISTRICT, *WATER_LINK,
        ),
        ("code",), "POINT", "sources",
    ),
    Table(
        "petrol_stations", "加油站", "Petrol stations",
        (CODE, NAME, DISTRICT, *WATER_LINK),
        ("code",), "POINT", "sources",
    ),
    Table(
        "measurements", "监测数据", "Measurements",
        (
            _c("section_code", "text", "断面编码", "Section", nullable=False),
            _c("sampled_on", "date", "采样日期", "Sampling date", nullable=False),
            _c("parameter", "text", "监测项目", "Parameter", nullable=False),
            _c("value", "real", "监测值", "Value"),
            _c("below_detection", "boolean", "未检出", "Below detection"),
            _c("detection_limit", "real", "检出限", "Detection limit"),
            _c("unit", "text", "单位", "Unit"),
        ),
        ("section_code", "sampled_on", "parameter"), None, "tables",
    ),
    Table(
        "river_chiefs", "河长", "River chiefs",
        (
            _c("river_code", "text", "河流", "River", nullable=False),
            _c("level", "text", "河长级别", "Level", nullable=False, choices=CHIEF_LEVELS),
            _c("name", "text", "姓名", "Name", nullable=False),
            _c("post", "text", "职务", "Post"),
        ),
        ("river_code", "level", "name"), None, "tables",
    ),
    Table(
        "problems", "问题清单", "Problems",
        (
            CODE,
            _c("river_code", "text", "河流", "River", nullable=False),
            _c("location", "text", "位置", "Location"),
            _c("description", "text", "问题描述", "Description", nullable=False),
            _c("status", "text", "状态", "Status", choices=PROBLEM_STATUSES),
            _c("deadline", "date", "整改期限", "Deadline"),
            _c("responsible", "text", "责任单位", "Responsible"),
        ),
        ("code",), None, "tables",
    ),
    Table(
        "projects", "治理项目", "Remediation projects",
        (
            CODE,
            _c("river_code", "text", "河流", "River", nullable=False),
            _c("measure", "text", "治理措施", "Measure", nullable=False),
            _c("progress", "real", "进度", "Progress", unit="%"),
            _c("deadline", "date", "完成期限", "Deadline"),
        ),
        ("code",), None, "tables",
    ),
    Table(
        "db_metadata", "数据库说明", "Database metadata",
        (
            _c("key", "text", "键", "Key", nullable=False),
            _c("value", "text", "值", "Value"),
        ),
        ("key",), None, "tables",
    ),
    Table(
        "schema_version", "模式版本", "Schema version",
        (
            _c("version", "integer", "版本", "Version", nullable=False),
            _c("applied_at", "text", "应用时间", "Applied at"),
        ),
        ("version",), None, "tables",
    ),
)

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
SPATIAL_TABLES = tuple(t for t in TABLES if t.is_spatial)
SOURCE_LAYERS = tuple(t.name for t in TABLES if t.group == "sources")


def table(name: str) -> Table:
    """The declaration of table ``name``; KeyError names the known tables."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(BY_NAME)}") from None
