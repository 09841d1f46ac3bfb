"""Renderers and memory layers of the period-dependent maps.

Assessment results (``map_data.MapData``) are joined to the section and reach
geometries into memory layers: section classes, failing sections, problem reaches,
class change between two periods, and a pollution-load density layer.  Every colour
is read from ``core.symbology``.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsExpression,
    QgsFeature,
    QgsFeatureRequest,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsHeatmapRenderer,
    QgsProperty,
    QgsRendererCategory,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from ..core import symbology as sym
from .qgis_compat import symbol_property
from .styles import bilingual, class_label, fill, line, marker
from .translation import tr

PROP_THEMATIC = "pollution_map/thematic"  # layer custom property: kind of thematic layer

SHAPE_EXPR = "CASE " + " ".join(
    f"WHEN \"level\" = '{k}' THEN '{v}'" for k, v in sym.SECTION_LEVEL_SHAPES.items()
) + " ELSE 'circle' END"
SIZE_EXPR = "CASE " + " ".join(
    f"WHEN \"level\" = '{k}' THEN {v}" for k, v in sym.SECTION_LEVEL_SIZES_MM.items()
) + " ELSE 3.2 END"
RING_EXPR = f"({SIZE_EXPR}) + 2.4"
HALO_EXPR = f"({SIZE_EXPR}) + 4.2"  # the lakes' trophic-state halo, outside the ring


def _leveled(colour: str, outline: str = "#ffffff") -> Any:
    """A section marker in ``colour`` whose shape and size follow the section level."""
    symbol = marker("circle", colour, sym.SECTION_LEVEL_SIZES_MM["control"], outline, 0.3)
    layer = symbol.symbolLayer(0)
    layer.setDataDefinedProperty(symbol_property("Name"),
                                 QgsProperty.fromExpression(SHAPE_EXPR))
    layer.setDataDefinedProperty(symbol_property("Size"),
                                 QgsProperty.fromExpression(SIZE_EXPR))
    return symbol


def _ring() -> Any:
    """The 'misses its target' mark: a ring in the problem colour with a white halo."""
    symbol = marker("circle", "0,0,0,0", 5.0, "#ffffff", 1.1)
    red = marker("circle", "0,0,0,0", 5.0, sym.PROBLEM_REACH_COLOUR, 0.55)  # keep alive
    symbol.appendSymbolLayer(red.symbolLayer(0).clone())
    for i in range(symbol.symbolLayerCount()):
        symbol.symbolLayer(i).setDataDefinedProperty(symbol_property("Size"),
                                                     QgsProperty.fromExpression(RING_EXPR))
    return symbol


def _halo(colour: str) -> Any:
    """A lake's trophic-state mark: a thick square halo in the grade's colour."""
    symbol = marker("square", "0,0,0,0", 7.0, colour, 0.9)
    symbol.symbolLayer(0).setDataDefinedProperty(symbol_property("Size"),
                                                 QgsProperty.fromExpression(HALO_EXPR))
    return symbol


def trophic_rules() -> list[Any]:
    """One rule per trophic grade (lakes and reservoirs with a TLI), after the class
    rules: the class colour stays, the halo gives 贫营养 … 重度富营养."""
    from ..core.assessment.trophic import GRADES, TROPHIC_COLOURS

    rules = []
    for _bound, _inclusive, zh, en in GRADES:
        value = QgsExpression.quotedValue(zh)
        rules.append(QgsRuleBasedRenderer.Rule(
            _halo(TROPHIC_COLOURS[zh]), 0, 0, f'"trophic_state" = {value}',
            tr("Lake: {0}").format(bilingual(zh, en))))
    return rules


def trophic_state_renderer() -> QgsRuleBasedRenderer:
    """Lakes and reservoirs by trophic state alone (other sections small and grey)."""
    root = QgsRuleBasedRenderer.Rule(None)
    for rule in trophic_rules():
        root.appendChild(rule)
    root.appendChild(QgsRuleBasedRenderer.Rule(
        marker("circle", sym.NO_DATA_COLOUR, 2.0, "#ffffff", 0.2), 0, 0,
        '"trophic_state" IS NULL', tr("No trophic state (rivers; lakes without data)")))
    return QgsRuleBasedRenderer(root)


def section_class_renderer(mark_failing: bool = True) -> QgsRuleBasedRenderer:
    """Sections coloured by class (symbology), shaped by level, ringed when failing;
    lakes and reservoirs with a TLI get a halo in their trophic state's colour."""
    root = QgsRuleBasedRenderer.Rule(None)
    for c in sym.WATER_CLASSES:
        root.appendChild(QgsRuleBasedRenderer.Rule(
            _leveled(c.colour), 0, 0, f'"water_class" = {c.value}', class_label(c.value)))
    root.appendChild(QgsRuleBasedRenderer.Rule(
        _leveled(sym.NO_DATA_COLOUR), 0, 0, '"water_class" IS NULL', class_label(None)))
    if mark_failing:
        root.appendChild(QgsRuleBasedRenderer.Rule(
            _ring(), 0, 0, '"meets_target" = 0', tr("Misses its target")))
    for rule in trophic_rules():
        root.appendChild(rule)
    return QgsRuleBasedRenderer(root)


#: The method's change (``change_method``) → the symbology change colour it uses.
METHOD_CHANGE_COLOUR = {"clearly_better": "improved", "better": "improved",
                        "no_clear_change": "unchanged", "worse": "worsened",
                        "clearly_worse": "worsened"}


def change_renderer() -> QgsCategorizedSymbolRenderer:
    """The method's words (明显好转 … 明显变差, field ``change_method``: sections by their
    qualitative level) in symbology's change colours; a clear change larger."""
    from ..core.assessment.compare import METHOD_CHANGES

    cats = []
    for key, (zh, en) in METHOD_CHANGES.items():
        kind = METHOD_CHANGE_COLOUR[key]
        shape = "circle" if kind == "unchanged" else "triangle"
        size = {"clearly_better": 5.2, "clearly_worse": 5.2, "no_clear_change": 3.2}.get(key,
                                                                                      4.0)
        symbol = marker(shape, sym.CHANGE_COLOURS[kind], size, "#ffffff", 0.3)
        if kind == "worsened":
            symbol.setAngle(180)  # pointing down
        cats.append(QgsRendererCategory(key, symbol, bilingual(zh, en)))
    cats.append(QgsRendererCategory(
        None, marker("circle", "0,0,0,0", 2.6, sym.NO_DATA_COLOUR, 0.4), tr("No data")))
    return QgsCategorizedSymbolRenderer("change_method", cats)


def problem_reach_renderer(base: Any = None) -> Any:
    """Problem reaches in symbology's problem colour; given the reaches' renderer, with
    its stream-order widths and scale rules (a dense network stays readable)."""
    if base is None or base.type() != "RuleRenderer":
        return QgsSingleSymbolRenderer(line(sym.PROBLEM_REACH_COLOUR, 1.4))
    renderer = base.clone()
    for rule in renderer.rootRule().children():
        symbol = rule.symbol()
        symbol.setColor(QColor(sym.PROBLEM_REACH_COLOUR))
        symbol.setWidth(symbol.width() + 0.4)
        prop = symbol.dataDefinedWidth()
        if prop and prop.isActive():
            symbol.setDataDefinedWidth(QgsProperty.fromExpression(
                f"({prop.expressionString()}) + 0.4"))
    return renderer


def heatmap_renderer() -> QgsHeatmapRenderer:
    """Pollution-load density: transparent → class IV → V → 劣V colours.

    The weight is ln(1 + COD t/a): a few very large loads would otherwise set the
    maximum and leave the rest of the area a faint halo.
    """
    renderer = QgsHeatmapRenderer()
    renderer.setWeightExpression("ln(1 + coalesce(\"cod_t_a\", 0))")
    renderer.setRadius(9)
    c4, c5, c6 = (QColor(sym.class_colour(v)) for v in (4, 5, 6))
    start = QColor(c4)
    start.setAlpha(0)
    light = QColor(c4)
    light.setAlpha(150)
    ramp = QgsGradientColorRamp(start, c6, False,
                                [QgsGradientStop(0.08, light), QgsGradientStop(0.3, c4),
                                 QgsGradientStop(0.65, c5)])
    renderer.setColorRamp(ramp)
    return renderer


# --- memory layers ----------------------------------------------------------------
def memory_layer(geometry: str, name: str, fields: list[tuple[str, str]]) -> QgsVectorLayer:
    """An empty EPSG:4490 memory layer; ``fields`` [(name, string|integer|double)].

    Field types go through the URI, which reads the same on Qt5 and Qt6.
    """
    spec = "&".join(f"field={fname}:{ftype}" for fname, ftype in fields)
    return QgsVectorLayer(f"{geometry}?crs=EPSG:4490&{spec}", name, "memory")


def python_value(value: Any) -> Any:
    """pandas/numpy scalar → a Python value QGIS stores (None for NA)."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return value


def join_points(base: QgsVectorLayer, rows: dict[str, dict[str, Any]], name: str,
                fields: list[tuple[str, Any]], key: str = "code") -> QgsVectorLayer:
    """A memory copy of ``base``'s features whose ``key`` is in ``rows``, with its values."""
    return _join(base, rows, name, fields, key, "Point")


def join_polygons(base: QgsVectorLayer, rows: dict[str, dict[str, Any]], name: str,
                  fields: list[tuple[str, Any]], key: str = "code") -> QgsVectorLayer:
    return _join(base, rows, name, fields, key, "MultiPolygon")


def join_lines(base: QgsVectorLayer, rows: dict[str, dict[str, Any]], name: str,
               fields: list[tuple[str, Any]], key: str = "code") -> QgsVectorLayer:
    return _join(base, rows, name, fields, key, "LineString")


def _join(base, rows, name, fields, key, geometry) -> QgsVectorLayer:
    layer = memory_layer(geometry, name, fields)
    out = []
    request = QgsFeatureRequest()
    if rows and len(rows) < 5000:
        # quotedValue escapes quotes and backslashes (a code "S\\01" is data, not an escape)
        codes = ",".join(QgsExpression.quotedValue(str(c)) for c in rows)
        request.setFilterExpression(f"{QgsExpression.quotedColumnRef(key)} IN ({codes})")
    base_fields = base.fields()
    for feat in base.getFeatures(request):
        code = feat[key]
        if code not in rows:
            continue
        new = QgsFeature(layer.fields())
        new.setGeometry(feat.geometry())
        values = rows[code]
        new.setAttributes([python_value(values[f]) if f in values else
                           (python_value(feat[f]) if base_fields.indexOf(f) >= 0 else None)
                           for f, _ in fields])
        out.append(new)
    layer.dataProvider().addFeatures(out)
    layer.updateExtents()
    return layer


SECTION_FIELDS = [
    ("code", "string"), ("name", "string"), ("level", "string"),
    ("river_code", "string"), ("period", "string"),
    ("water_class", "integer"), ("roman", "string"), ("label_zh", "string"),
    ("target_class", "integer"), ("meets_target", "integer"),
    ("main_pollutants", "string"), ("failing_items_text", "string"),
    ("status", "string"), ("tli", "double"), ("trophic_state", "string"),
    ("ph_min", "double"), ("ph_max", "double"), ("ph_outside", "integer"),
]
CHANGE_FIELDS = [
    ("code", "string"), ("name", "string"), ("level", "string"),
    ("period_before", "string"), ("period_after", "string"),
    ("class_before", "integer"), ("class_after", "integer"),
    ("roman_before", "string"), ("roman_after", "string"),
    ("class_delta", "integer"), ("change", "string"), ("change_zh", "string"),
    ("level_before", "string"), ("level_after", "string"), ("level_delta", "integer"),
    ("change_method", "string"), ("change_method_zh", "string"),
]
REACH_FIELDS = [
    ("code", "string"), ("river_code", "string"), ("section_code", "string"),
    ("section_name", "string"), ("period", "string"), ("water_class", "integer"),
    ("roman", "string"), ("target_class", "integer"), ("failing_items_text", "string"),
    ("stream_order", "integer"),
]


#: The drinking-water zones of ``AssessmentBundle.drinking_water`` on the problem map
#: (one row per zone: the worst of its sections; key ``code`` = ``area_code``).
DRINKING_FIELDS = [
    ("code", "string"), ("area_name", "string"), ("zone_level_zh", "string"),
    ("required_class", "integer"), ("section_code", "string"), ("roman", "string"),
    ("complies", "integer"), ("failing_items_text", "string"),
    ("supplementary_text", "string"),
]


def drinking_rows(frame) -> dict[str, dict[str, Any]]:
    """``rows_by`` for :data:`DRINKING_FIELDS`: per zone, the section out of compliance
    first (a zone with several sections shows the worst)."""
    if frame is None or len(frame) == 0:
        return {}
    order = frame.assign(_bad=frame["complies"].fillna(True).eq(False).astype(int)).sort_values(
        ["_bad"], ascending=False, kind="stable")
    first = order.drop_duplicates("area_code").drop(columns="_bad")
    return rows_by(first.rename(columns={"area_code": "code"}), "code")


def drinking_renderer() -> QgsRuleBasedRenderer:
    """Source zones out of compliance in the problem colour, the others outlined."""
    root = QgsRuleBasedRenderer.Rule(None)
    bad = sym.PROBLEM_REACH_COLOUR
    root.appendChild(QgsRuleBasedRenderer.Rule(
        fill(bad, bad, 0.35, 0.8), 0, 0, '"complies" = 0',
        tr("Drinking-water zone out of compliance")))
    root.appendChild(QgsRuleBasedRenderer.Rule(
        fill("", sym.DRINKING_WATER_OUTLINE, 1.0, 0.5), 0, 0, '"complies" = 1',
        tr("Drinking-water zone complies")))
    root.appendChild(QgsRuleBasedRenderer.Rule(
        fill("", sym.NO_DATA_COLOUR, 1.0, 0.4), 0, 0, '"complies" IS NULL',
        tr("Drinking-water zone without a monitoring section")))
    return QgsRuleBasedRenderer(root)


def rows_by(frame, key: str) -> dict[str, dict[str, Any]]:
    """``{frame[key]: row dict}`` (pandas frame; booleans as 0/1, missing values None:
    a section without a target or without a sample has NA there, never a truth value)."""
    if frame is None or len(frame) == 0:
        return {}
    out = {}
    for rec in frame.to_dict("records"):
        for k, v in list(rec.items()):
            if isinstance(v, bool) or type(v).__name__ == "bool_":
                rec[k] = int(v)
            elif not isinstance(v, (list, tuple, dict)) and _is_missing(v):
                rec[k] = None
        out[str(rec[key])] = rec
    return out


def _is_missing(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def density_layer(sources: list[QgsVectorLayer], name: str) -> QgsVectorLayer:
    """All source points with their COD load, for the density (heatmap) option."""
    layer = memory_layer("Point", name, [("layer", "string"), ("cod_t_a", "double")])
    out = []
    for src in sources:
        idx = src.fields().indexOf("cod_t_a")
        if idx < 0:
            continue
        request = QgsFeatureRequest().setSubsetOfAttributes([idx])
        table = str(src.customProperty("pollution_map/table") or src.name())
        for feat in src.getFeatures(request):
            new = QgsFeature(layer.fields())
            new.setGeometry(feat.geometry())
            new.setAttributes([table, feat[idx]])
            out.append(new)
    layer.dataProvider().addFeatures(out)
    layer.updateExtents()
    return layer
