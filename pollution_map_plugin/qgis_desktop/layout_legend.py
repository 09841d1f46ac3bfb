"""Legends that match the map: only what the map frame draws, with counts.

A layer hidden at the frame's scale (the pollution map's hexagons zoomed in, its source
symbols zoomed out) has no entry; a renderer's item is listed only when a feature of it
lies in the frame's extent and is drawn at its scale; the section classes say how many
sections each stands for ("Class IV (7)"); the level shapes are listed only under the
layers that draw them, and only the levels present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qgis.core import (
    NULL,
    QgsCoordinateTransform,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextScope,
    QgsFeatureRequest,
    QgsLayerTreeGroup,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutSize,
    QgsLegendRenderer,
    QgsMapLayerLegendUtils,
    QgsPrintLayout,
    QgsProject,
    QgsRectangle,
    QgsTextFormat,
)
from qgis.PyQt.QtGui import QColor, QFont

from ..core import symbology as sym
from .cjk_fonts import map_font_family
from .layer_loading import PROP_TABLE, group_layers
from .map_themes import theme_layers
from .qgis_compat import layout_millimeters, legend_style, no_geometry_flag, symbol_property
from .thematic_layers import PROP_THEMATIC
from .translation import tr

COUNTED = ("section_classes", "problem_sections", "section_changes", "source_hexagons")
LEVEL_KEYED = ("section_classes", "problem_sections")  # renderers shaped by level


def frame_rect(map_item: QgsLayoutItemMap, layer, project: QgsProject) -> QgsRectangle | None:
    """The map frame's extent in ``layer``'s CRS (None when it cannot be transformed)."""
    try:
        transform = QgsCoordinateTransform(map_item.crs(), layer.crs(), project)
        return transform.transformBoundingBox(map_item.extent())
    except Exception:  # noqa: BLE001 - no extent filter rather than no legend
        return None


def shown_at(layer, scale: float) -> bool:
    """Whether ``layer``'s own scale range draws it at ``scale``."""
    return not (scale and layer.hasScaleBasedVisibility() and not layer.isInScaleRange(scale))


def build_legend(layout: QgsPrintLayout, map_item: QgsLayoutItemMap, key: str,
                 project: QgsProject, group: QgsLayerTreeGroup) -> Iterator[None]:
    """The map's legend: the theme's layers drawn in the frame, the river backdrop
    compacted (in steps: one ``yield`` per layer; returns the legend item)."""
    legend = QgsLayoutItemLegend(layout)
    legend.setTitle(tr("Legend"))
    # its own tree, emptied before the map is linked: linking refreshes every layer's
    # legend in the tree, and taking the tree copies the project's (each ~0.25 s on the
    # main thread with two databases loaded in the desktop): two turns, not one
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    yield
    legend.setLinkedMap(map_item)
    layers = theme_layers(project, key)
    tables = {str(layer.customProperty(PROP_TABLE) or "") for layer in layers}
    scale = map_item.scale()
    rows = 0
    for layer in layers:
        table = str(layer.customProperty(PROP_TABLE) or "")
        kind = layer.customProperty(PROP_THEMATIC)
        if table == "rivers" and "reaches" in tables:
            continue  # the reaches stand for the rivers
        if not shown_at(layer, scale):
            continue  # not drawn at this scale: no entry
        rect = frame_rect(map_item, layer, project)
        keep = yield from present_items_steps(layer, scale, rect)
        if keep == [] and table not in ("reaches",):
            continue  # nothing of it in the frame
        node = root.addLayer(layer)
        if table == "reaches" and key != "watershed":
            # one line for the river network outside the river-system map: the widest drawn
            keep = [max(keep)] if keep else [0]
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, keep[0], tr("Rivers"))
            node.setCustomProperty("legend/title-style", "hidden")
        elif table == "reaches":
            node.setUseLayerName(False)  # else setName renames the user's layer
            node.setName(tr("Rivers by stream order"))
        elif kind == "problem_reaches" and keep:
            keep = [max(keep)]  # one line, named after the layer
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, keep[0], layer.name())
            node.setCustomProperty("legend/title-style", "hidden")
        if keep and kind in COUNTED:
            # "Class IV (7)": a reader sees how many features each entry stands for
            items = layer.renderer().legendSymbolItems()
            counts = yield from item_counts_steps(layer, keep, rect)
            for i, n in counts.items():
                QgsMapLayerLegendUtils.setLegendNodeUserLabel(
                    node, i, f"{items[i].label()} ({n})")
        if keep is not None:
            QgsMapLayerLegendUtils.setLegendNodeOrder(node, keep)
            legend.model().refreshLayerLegend(node)
        rows += 1 + (len(keep) if keep is not None else _legend_rows(layer) - 1)
        if kind in LEVEL_KEYED:
            rows += _add_level_key(legend, group, map_item, project)
        yield
    legend.setColumnCount(2 if rows > 30 else 1)
    legend.setSplitLayer(False)
    legend.setSymbolWidth(6)
    legend.setSymbolHeight(3.5)
    style_legend(legend)
    layout.addLayoutItem(legend)
    size = QgsLegendRenderer(legend.model(), legend.legendSettings()).minimumSize()
    legend.attemptResize(QgsLayoutSize(size.width() + 2, size.height() + 2,
                                       layout_millimeters()))
    return legend


def style_legend(legend: QgsLayoutItemLegend) -> None:
    """Fonts (the CJK family), background and frame of a plugin legend."""
    for style, size, bold in (("Title", 11, True), ("Subgroup", 8, True),
                              ("SymbolLabel", 7, False)):
        font = QFont(map_font_family())
        font.setPointSizeF(size)
        font.setBold(bold)
        rstyle = legend.rstyle(legend_style(style))
        if hasattr(rstyle, "setTextFormat"):  # QGIS >= 3.30 (setFont is deprecated there)
            fmt = QgsTextFormat()
            fmt.setFont(font)
            fmt.setSize(size)
            rstyle.setTextFormat(fmt)
        else:
            rstyle.setFont(font)
    legend.setBackgroundColor(QColor(255, 255, 255, 235))
    legend.setFrameEnabled(True)
    legend.setFrameStrokeColor(QColor("#bfbfbf"))
    legend.setResizeToContents(True)


def present_items(layer, scale: float = 0.0, rect: QgsRectangle | None = None
                  ) -> list[int] | None:
    """:func:`present_items_steps` at once."""
    steps = present_items_steps(layer, scale, rect)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def present_items_steps(layer, scale: float = 0.0, rect: QgsRectangle | None = None
                        ) -> Iterator[None]:
    """Indices of the legend items that have features (None: keep all).

    Rule-based, categorized and graduated renderers are checked item by item with
    one limited request each (inside ``rect``, in the layer's CRS, when given), so a
    legend lists only what the map shows; rules hidden at ``scale`` are left out too.
    """
    if rect is None:
        quick = graduated_presence(layer, scale)
        if quick is not None:
            return quick
    exprs = item_filters(layer, scale)
    if exprs is None:
        return None
    keep = []
    for i, expr in enumerate(exprs):
        if expr == "FALSE":
            continue
        request = QgsFeatureRequest().setFilterExpression(expr).setLimit(1)
        if rect is not None:
            request.setFilterRect(rect)
        else:
            request.setFlags(no_geometry_flag())
        if next(layer.getFeatures(request), None) is not None:
            keep.append(i)
        yield  # one request per event-loop turn: the export never freezes the window long
    return keep


_FIELD_OR_COALESCE = re.compile(
    r'^\s*(?:coalesce\(\s*"([^"]+)"\s*,\s*(-?[\d.]+)\s*\)|"([^"]+)")\s*$', re.IGNORECASE)


def graduated_presence(layer, scale: float) -> list[int] | None:
    """:func:`present_items` of a graduated renderer on a field (or ``coalesce(field,
    default)``) from the field's distinct values: one provider query instead of a scan
    per class (a Chongqing-size source layer has tens of thousands of points)."""
    renderer = layer.renderer()
    if renderer is None or renderer.type() != "graduatedSymbol":
        return None
    match = _FIELD_OR_COALESCE.match(renderer.classAttribute())
    if match is None:
        return None
    field = match.group(1) or match.group(3)
    default = float(match.group(2)) if match.group(1) else None
    idx = layer.fields().indexOf(field)
    if idx < 0:
        return None
    values = []
    for v in layer.uniqueValues(idx):
        try:
            values.append(float(v))
        except (TypeError, ValueError):  # NULL
            if default is not None:
                values.append(default)
    keep = []
    for i, r in enumerate(renderer.ranges()):
        if _drawn_at(r.symbol(), scale) and any(
                r.lowerValue() <= v < r.upperValue() for v in values):
            keep.append(i)
    return keep


def item_counts(layer, indices: list[int], rect: QgsRectangle | None = None
                ) -> dict[int, int]:
    """How many features legend items ``indices`` of ``layer`` draw (in ``rect``)."""
    steps = item_counts_steps(layer, indices, rect)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def item_counts_steps(layer, indices: list[int], rect: QgsRectangle | None = None
                      ) -> Iterator[None]:
    """:func:`item_counts` with a ``yield`` after each item's count."""
    exprs = item_filters(layer) or []
    out = {}
    for i in indices:
        if i < len(exprs):
            request = QgsFeatureRequest().setFilterExpression(exprs[i])
            if rect is not None:
                request.setFilterRect(rect)
            else:
                request.setFlags(no_geometry_flag())
            request.setNoAttributes()
            out[i] = sum(1 for _ in layer.getFeatures(request))
            yield
    return out


def item_filters(layer, scale: float = 0.0) -> list[str] | None:
    """One filter expression per legend item of ``layer``'s renderer (None: unknown
    renderer); items not drawn at ``scale`` get ``FALSE``."""
    renderer = layer.renderer()
    if renderer is None:
        return None
    exprs: list[str] = []
    kind = renderer.type()
    if kind == "RuleRenderer":
        for rule in renderer.rootRule().children():
            shown = not scale or rule.isScaleOK(scale)
            expr = "TRUE" if rule.isElse() or not rule.filterExpression() else \
                rule.filterExpression()
            exprs.append(expr if shown else "FALSE")
    elif kind == "categorizedSymbol":
        field = QgsExpression.quotedColumnRef(renderer.classAttribute())
        exprs = [f"{field} IS NULL" if cat.value() is None or cat.value() == NULL
                 else f"{field} = {QgsExpression.quotedValue(cat.value())}"
                 for cat in renderer.categories()]
    elif kind == "graduatedSymbol":
        attr = renderer.classAttribute()
        ranges = renderer.ranges()
        exprs = [f"({attr}) >= {r.lowerValue()!r} AND ({attr}) < {r.upperValue()!r}"
                 if _drawn_at(r.symbol(), scale) else "FALSE" for r in ranges]
    else:
        return None
    return exprs


def _drawn_at(symbol, scale: float) -> bool:
    """Whether ``symbol``'s scale-dependent 'enabled' rule draws it at ``scale``."""
    if not scale:
        return True
    prop = symbol.symbolLayer(0).dataDefinedProperties().property(
        symbol_property("LayerEnabled"))
    if not prop.isActive():
        return True
    context = QgsExpressionContext()
    scope = QgsExpressionContextScope()
    scope.setVariable("map_scale", scale)
    context.appendScope(scope)
    value, _ok = prop.valueAsBool(context, True)
    return bool(value)


def _add_level_key(legend: QgsLayoutItemLegend, group: QgsLayerTreeGroup,
                   map_item: QgsLayoutItemMap, project: QgsProject) -> int:
    """The level shapes of the sections in the frame, as a key under the class colours
    (once; only for the layers whose symbols are shaped by level)."""
    root = legend.model().rootGroup()
    sections = group_layers(group).get("sections")
    if root.customProperty("pm/level-key") or sections is None:
        return 0
    keep = present_items(sections, 0.0, frame_rect(map_item, sections, project))
    if keep == []:
        return 0
    root.setCustomProperty("pm/level-key", True)
    node = root.addLayer(sections)
    node.setUseLayerName(False)  # a legend title, not a new name for the layer
    node.setName(tr("Section level"))
    if keep is not None:
        QgsMapLayerLegendUtils.setLegendNodeOrder(node, keep)
        legend.model().refreshLayerLegend(node)
    return 1 + (len(keep) if keep is not None else len(sym.SECTION_LEVEL_SHAPES))


def _legend_rows(layer) -> int:
    """Lines layer ``layer`` takes in a legend (its title and symbol items)."""
    renderer = layer.renderer() if hasattr(layer, "renderer") else None
    items = renderer.legendSymbolItems() if renderer is not None else []
    return 1 + max(len(items), 1)
