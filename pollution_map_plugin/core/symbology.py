"""The single source of truth for colours and symbols.

QGIS renderers (``qgis_desktop``) and the HTML export (``core.html``) both read
these definitions; nothing else in the project writes a class colour or a source
symbol.  Colours follow the customary Chinese water-quality palette (优 blue,
良好 green, 轻度 yellow, 中度 orange, 重度 red).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WaterClass:
    """A GB 3838 water-quality class as drawn on every map."""

    value: int  # 1..6, 6 = 劣V
    roman: str  # I, II, III, IV, V, 劣V
    colour: str  # hex fill
    label_zh: str  # qualitative label (优, 良好, …)
    label_en: str


WATER_CLASSES: tuple[WaterClass, ...] = (
    WaterClass(1, "I", "#1f78d1", "优", "Excellent"),
    WaterClass(2, "II", "#4fa8e8", "优", "Excellent"),
    WaterClass(3, "III", "#2ca02c", "良好", "Good"),
    WaterClass(4, "IV", "#f2c500", "轻度污染", "Slightly polluted"),
    WaterClass(5, "V", "#f27e0f", "中度污染", "Moderately polluted"),
    WaterClass(6, "劣V", "#d62728", "重度污染", "Heavily polluted"),
)
NO_DATA_COLOUR = "#9e9e9e"
CLASS_BY_VALUE = {c.value: c for c in WATER_CLASSES}

# Qualitative labels of a river or watershed (class-share rule), same palette.
LABEL_COLOURS: dict[str, str] = {
    "优": "#1f78d1",
    "良好": "#2ca02c",
    "轻度污染": "#f2c500",
    "中度污染": "#f27e0f",
    "重度污染": "#d62728",
}
LABEL_EN = {
    "优": "Excellent",
    "良好": "Good",
    "轻度污染": "Slightly polluted",
    "中度污染": "Moderately polluted",
    "重度污染": "Heavily polluted",
}

# Change between two periods (water-quality change map).
CHANGE_COLOURS: dict[str, str] = {
    "improved": "#1a9850",
    "unchanged": "#9e9e9e",
    "worsened": "#d73027",
}
CHANGE_LABELS = {
    "improved": ("好转", "Improved"),
    "unchanged": ("持平", "Unchanged"),
    "worsened": ("变差", "Worsened"),
}


@dataclass(frozen=True)
class SourceSymbol:
    """How a pollution-source layer is drawn: shape, colour and label.

    ``shape`` names a marker shape both renderers can draw: circle, square,
    triangle, diamond, star, pentagon.
    """

    layer: str
    shape: str
    colour: str
    label_zh: str
    label_en: str


SOURCE_SYMBOLS: dict[str, SourceSymbol] = {
    s.layer: s
    for s in (
        SourceSymbol("enterprises", "square", "#7b3294", "涉水工业企业", "Enterprise"),
        SourceSymbol("outfalls", "triangle", "#e6550d", "入河排污口", "Outfall"),
        SourceSymbol("sewage_plants", "diamond", "#3182bd", "污水处理厂", "Sewage plant"),
        SourceSymbol("livestock_farms", "circle", "#8c6d31", "畜禽养殖场", "Livestock farm"),
        SourceSymbol("petrol_stations", "pentagon", "#636363", "加油站", "Petrol station"),
    )
}

# Section marker by monitoring level: national largest.
SECTION_LEVEL_SHAPES = {"national": "star", "municipal": "diamond", "control": "circle"}
SECTION_LEVEL_SIZES_MM = {"national": 5.0, "municipal": 4.0, "control": 3.2}
SECTION_LEVEL_LABELS = {
    "national": ("国控断面", "National section"),
    "municipal": ("市控断面", "Municipal section"),
    "control": ("控制断面", "Control section"),
}

# Area and water styling.
RIVER_COLOUR = "#2b8cbe"
RIVER_WIDTH_BY_ORDER_MM = {1: 0.3, 2: 0.5, 3: 0.8, 4: 1.2, 5: 1.6}
CONTROL_UNIT_OUTLINE = "#636363"
DISTRICT_OUTLINE = "#a3a3a3"  # 区县 boundaries: light grey, orientation only
DISTRICT_LABEL = "#6e6e6e"
DRINKING_WATER_FILL = "#a6dba0"
DRINKING_WATER_OUTLINE = "#1b7837"
PARK_FILL = "#fdd0a2"
PARK_OUTLINE = "#d94801"
PROBLEM_REACH_COLOUR = "#d62728"


def class_colour(value: int | None) -> str:
    """Fill colour of class ``value`` (1..6); grey when unknown."""
    c = CLASS_BY_VALUE.get(value) if value is not None else None
    return c.colour if c else NO_DATA_COLOUR


def class_roman(value: int | None) -> str:
    """Roman label of class ``value``; '—' when unknown."""
    c = CLASS_BY_VALUE.get(value) if value is not None else None
    return c.roman if c else "—"
