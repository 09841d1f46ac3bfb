"""Renderers built from ``core.symbology`` plus the QML label styles of resources/styles.

Every colour, marker shape and river width here is read from ``core.symbology``;
the QML files only carry what symbology does not define (labels, buffers, scale
dependency), and are loaded with the label and rendering categories only, so they
can never override a renderer.
"""

from __future__ import annotations

import math
from pathlib import Path

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsGraduatedSymbolRenderer,
    QgsLineSymbol,
    QgsMapLayer,
    QgsMarkerSymbol,
    QgsProperty,
    QgsRendererCategory,
    QgsRendererRange,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)

from .. import paths
from ..core import symbology as sym
from .density import (
    POINT_TARGET,
    REACH_TARGET,
    WIDTH_TARGET,
    full_extent_scale,
    order_counts,
    order_visibility,
    size_factor,
    visible_from,
)
from .qgis_compat import graduated_size, is_chinese, symbol_property
from .translation import tr

STYLES_DIR = paths.styles_dir()  # the development tree's or the installed plugin's
# The layers whose labels and scale visibility come from a QML file (the others
# have no labels: reaches are named through their rivers, tables are not drawn).
LABEL_STYLES = frozenset({
    "control_units", "drinking_water_areas", "enterprises", "industrial_parks",
    "livestock_farms", "outfalls", "petrol_stations", "rivers", "section_changes",
    "section_classes", "sections", "sewage_plants",
})
SOURCE_SIZE_FIELD = {
    "enterprises": "cod_t_a",
    "sewage_plants": "cod_t_a",
    "livestock_farms": "cod_t_a",
    "outfalls": "discharge_m3_d",
}
SOURCE_SIZES_MM = (1.3, 1.8, 2.4, 3.0, 3.7)  # small enough not to swallow the rivers


def bilingual(zh: str, en: str) -> str:
    """``zh`` in a Chinese QGIS, else ``en`` (for labels symbology gives in both)."""
    return zh if is_chinese() else en


def alpha(colour: str, opacity: float) -> str:
    """``#rrggbb`` plus an opacity as the ``r,g,b,a`` string QGIS symbol props use."""
    c = colour.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(255 * opacity)}"


def marker(shape: str, colour: str, size: float, outline: str = "#ffffff",
           outline_width: float = 0.25) -> QgsMarkerSymbol:
    """A simple marker; ``shape`` is one of symbology's shape names."""
    return QgsMarkerSymbol.createSimple({
        "name": shape, "color": colour, "size": str(size),
        "outline_color": outline, "outline_width": str(outline_width),
    })


def line(colour: str, width: float, style: str = "solid") -> QgsLineSymbol:
    return QgsLineSymbol.createSimple({
        "line_color": colour, "line_width": str(width), "line_style": style,
        "capstyle": "round", "joinstyle": "round",
    })


def fill(colour: str, outline: str, opacity: float = 1.0, outline_width: float = 0.3,
         outline_style: str = "solid") -> QgsFillSymbol:
    return QgsFillSymbol.createSimple({
        "color": alpha(colour, opacity) if colour else "0,0,0,0",
        "style": "solid" if colour else "no",
        "outline_color": outline, "outline_width": str(outline_width),
        "outline_style": outline_style,
    })


def class_label(value: int | None) -> str:
    """Legend label of a water class: 'III 类（良好）' or 'Class III (Good)'."""
    c = sym.CLASS_BY_VALUE.get(value) if value is not None else None
    if c is None:
        return tr("No data")
    return tr("Class {0} ({1})").format(c.roman, bilingual(c.label_zh, c.label_en))


# --- base layers ------------------------------------------------------------------
def river_order_renderer(counts: dict[int, int] | None = None,
                         full_scale: float | None = None,
                         field: str = "stream_order") -> QgsRuleBasedRenderer:
    """Reaches in blue, wider with stream order (widths from symbology); with the
    reach counts per order, small orders appear only when zoomed in far enough."""
    orders = sorted(sym.RIVER_WIDTH_BY_ORDER_MM)
    shown_below = order_visibility(counts or {}, full_scale, orders)
    value = f'coalesce("{field}", 1)'
    # a dense network (its widest class alone crowding a page) gets thinner lines
    widest = sum(n for k, n in (counts or {}).items() if k >= orders[-1])
    factor = size_factor(widest, full_scale, floor=0.4, target=WIDTH_TARGET)
    root = QgsRuleBasedRenderer.Rule(None)
    for i, order in enumerate(orders):
        last = i == len(orders) - 1
        text = (tr("Stream order {0} and above") if last else tr("Stream order {0}")).format(
            order)
        expr = f"{value} >= {order}" if last else (
            f"{value} <= {order}" if i == 0 else f"{value} = {order}")
        symbol = line(sym.RIVER_COLOUR, sym.RIVER_WIDTH_BY_ORDER_MM[order])
        if factor:
            symbol.setDataDefinedWidth(QgsProperty.fromExpression(
                f"{sym.RIVER_WIDTH_BY_ORDER_MM[order]} * {factor}"))
        rule = QgsRuleBasedRenderer.Rule(symbol, 0, round(shown_below[order]), expr, text)
        root.appendChild(rule)
    return QgsRuleBasedRenderer(root)


def rivers_renderer(count: int = 0, full_scale: float | None = None) -> QgsRuleBasedRenderer:
    """Whole rivers (they carry the names): a hairline under the reaches; key rivers
    always, the others once zoomed in as far as the reaches' smallest order."""
    thinnest = min(sym.RIVER_WIDTH_BY_ORDER_MM.values())
    root = QgsRuleBasedRenderer.Rule(None)
    root.appendChild(QgsRuleBasedRenderer.Rule(
        line(sym.RIVER_COLOUR, thinnest), 0, 0, '"key_river"', tr("Key rivers")))
    other = QgsRuleBasedRenderer.Rule(
        line(sym.RIVER_COLOUR, thinnest), 0, round(visible_from(count, full_scale, REACH_TARGET)),
        "ELSE", tr("Other rivers"))
    root.appendChild(other)
    return QgsRuleBasedRenderer(root)


def control_units_renderer() -> QgsSingleSymbolRenderer:
    return QgsSingleSymbolRenderer(
        fill("", sym.CONTROL_UNIT_OUTLINE, outline_width=0.45, outline_style="dash"))


def districts_renderer() -> QgsSingleSymbolRenderer:
    """District boundaries, light: orientation, never competing with the water."""
    return QgsSingleSymbolRenderer(fill("", sym.DISTRICT_OUTLINE, outline_width=0.3,
                                        outline_style="dash dot"))


def drinking_water_renderer() -> QgsCategorizedSymbolRenderer:
    """Protection areas: one hue, stronger for the stricter level."""
    labels = {"first": tr("First-level protection zone"),
              "second": tr("Second-level protection zone"),
              "quasi": tr("Quasi-protection zone")}
    opacity = {"first": 0.75, "second": 0.5, "quasi": 0.3}
    cats = [QgsRendererCategory(level, fill(sym.DRINKING_WATER_FILL, sym.DRINKING_WATER_OUTLINE,
                                            opacity[level], 0.35), labels[level])
            for level in labels]
    cats.append(QgsRendererCategory(None, fill(sym.DRINKING_WATER_FILL, sym.DRINKING_WATER_OUTLINE,
                                               0.4, 0.35), tr("Other")))
    return QgsCategorizedSymbolRenderer("level", cats)


def parks_renderer() -> QgsSingleSymbolRenderer:
    return QgsSingleSymbolRenderer(fill(sym.PARK_FILL, sym.PARK_OUTLINE, 0.6, 0.35))


def sections_renderer() -> QgsCategorizedSymbolRenderer:
    """Sections by level: shape and size from symbology, neutral fill (no period)."""
    cats = []
    for level, shape in sym.SECTION_LEVEL_SHAPES.items():
        cats.append(QgsRendererCategory(
            level, marker(shape, "#ffffff", sym.SECTION_LEVEL_SIZES_MM[level], "#333333", 0.4),
            bilingual(*sym.SECTION_LEVEL_LABELS[level])))
    return QgsCategorizedSymbolRenderer("level", cats)


def round_sig(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def quantile_breaks(values: list[float], classes: int = len(SOURCE_SIZES_MM)) -> list[float]:
    """Inner class limits at equal shares of ``values``, rounded to 2 significant
    digits (robust to the outliers load data has)."""
    data = sorted(v for v in values if v is not None and math.isfinite(v))
    if len(data) < 2:
        return []
    out: list[float] = []
    for i in range(1, classes):
        q = data[min(len(data) - 1, round(i * (len(data) - 1) / classes))]
        b = round_sig(q)
        if b > data[0] and (not out or b > out[-1]):
            out.append(b)
    return out


def format_break(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 else f"{v:g}"


def _scaled(symbol, factor: str | None, shown_below: float = 0.0):
    """``symbol`` whose size follows the density ``factor`` expression and which is
    drawn only at scales below ``shown_below`` (0: always); the legend keeps it whole."""
    if factor:
        symbol.setDataDefinedSize(QgsProperty.fromExpression(f"{symbol.size()} * {factor}"))
    if shown_below > 0:
        enabled = QgsProperty.fromExpression(f"@map_scale <= {shown_below:.0f}")
        for i in range(symbol.symbolLayerCount()):
            symbol.symbolLayer(i).setDataDefinedProperty(symbol_property("LayerEnabled"),
                                                         enabled)
    return symbol


def class_visibility(values: list[float], limits: list[float], count: int,
                     full_scale: float | None) -> list[float]:
    """Per load class: the largest scale denominator at which it is drawn (0 = always).

    A class shows once the features of it and the classes above stay under
    ``density.POINT_TARGET`` per page (shares estimated from the sampled values); the
    top class always shows: zoomed out, the map keeps the largest sources.
    """
    data = sorted(values)
    out = []
    for i in range(len(limits) - 1):
        if i == len(limits) - 2 or not data:
            out.append(0.0)
            continue
        share = sum(1 for v in data if v >= limits[i]) / len(data)
        out.append(visible_from(round(count * share), full_scale, POINT_TARGET))
    return out


def source_renderer(layer_name: str, values: list[float] | None, factor: str | None = None,
                    count: int = 0, full_scale: float | None = None):
    """A source layer: its symbology shape and colour, graduated size by load.

    Where the layer is dense (see ``density``), symbols shrink by ``factor`` and the
    smaller load classes appear only when zoomed in; the top class then holds about
    ``POINT_TARGET`` of the largest sources.
    """
    spec = sym.SOURCE_SYMBOLS[layer_name]
    field = SOURCE_SIZE_FIELD.get(layer_name)
    values = values or []
    breaks = quantile_breaks(values)
    if field is None or not breaks:
        return QgsSingleSymbolRenderer(
            _scaled(marker(spec.shape, spec.colour, 2.0, "#ffffff", 0.2), factor))
    if count > POINT_TARGET and values:
        data = sorted(values)
        top = round_sig(data[min(len(data) - 1, int(len(data) * (1 - POINT_TARGET / count)))])
        if top > breaks[-1]:
            breaks[-1] = top
    limits = [-1e12, *breaks, 1e12]
    shown = class_visibility(values, limits, count, full_scale)
    unit = "m³/d" if field == "discharge_m3_d" else "t/a"
    ranges = []
    for i in range(len(limits) - 1):
        size = SOURCE_SIZES_MM[min(i, len(SOURCE_SIZES_MM) - 1)]
        if i == 0:
            text = f"< {format_break(limits[1])} {unit}"
        elif i == len(limits) - 2:
            text = f"≥ {format_break(limits[i])} {unit}"
        else:
            text = f"{format_break(limits[i])} – {format_break(limits[i + 1])} {unit}"
        symbol = _scaled(marker(spec.shape, spec.colour, size, "#ffffff", 0.2), factor, shown[i])
        ranges.append(QgsRendererRange(limits[i], limits[i + 1], symbol, text))
    renderer = QgsGraduatedSymbolRenderer(f'coalesce("{field}", 0)', ranges)
    renderer.setGraduatedMethod(graduated_size())
    return renderer


def load_values(layer: QgsVectorLayer, field: str) -> list[float]:
    """The distinct values of ``field`` (the provider's SELECT DISTINCT; a limit would
    keep the smallest ones, not a sample)."""
    idx = layer.fields().indexOf(field)
    if idx < 0:
        return []
    out = []
    for v in layer.uniqueValues(idx):
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            continue  # NULL
    return out


def base_renderer(table: str, layer: QgsVectorLayer):
    """The renderer of database layer ``table``."""
    if table == "reaches":
        return river_order_renderer(order_counts(layer), full_extent_scale(layer))
    if table == "rivers":
        return rivers_renderer(layer.featureCount(), full_extent_scale(layer))
    if table == "control_units":
        return control_units_renderer()
    if table == "districts":
        return districts_renderer()
    if table == "drinking_water_areas":
        return drinking_water_renderer()
    if table == "industrial_parks":
        return parks_renderer()
    if table == "sections":
        return sections_renderer()
    if table in sym.SOURCE_SYMBOLS:
        field = SOURCE_SIZE_FIELD.get(table)
        count, full = layer.featureCount(), full_extent_scale(layer)
        return source_renderer(table, load_values(layer, field) if field else None,
                               size_factor(count, full), count, full)
    return None


class StyleError(RuntimeError):
    """A style file the plugin ships is missing or unreadable (a broken installation)."""


def qml_path(name: str) -> Path:
    return STYLES_DIR / f"{name}.qml"


def apply_label_style(layer: QgsVectorLayer, name: str) -> bool:
    """Load labels and scale visibility from ``resources/styles/<name>.qml``.

    Layers without labels (not in ``LABEL_STYLES``) return False; a label style the
    plugin should ship but cannot read raises :class:`StyleError`.
    """
    if name not in LABEL_STYLES:
        return False
    path = qml_path(name)
    if not path.is_file():
        raise StyleError(tr("Style file missing: {0} (reinstall the plugin)").format(path))
    categories = (QgsMapLayer.StyleCategory.Labeling | QgsMapLayer.StyleCategory.Rendering)
    msg, ok = layer.loadNamedStyle(str(path), categories)
    if not ok:
        raise StyleError(tr("Could not read the style {0}: {1}").format(path, msg))
    return True


def style_layer(layer: QgsVectorLayer, table: str) -> None:
    """Labels from QML (or ``map_labels``' rules), then the renderer from symbology."""
    from .map_labels import apply_labels

    apply_label_style(layer, table)
    apply_labels(layer, table)
    renderer = base_renderer(table, layer)
    if renderer is not None:
        layer.setRenderer(renderer)
