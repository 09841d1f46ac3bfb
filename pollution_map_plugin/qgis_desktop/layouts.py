"""Print layouts of the five maps: title, map, legend, scale bar, north arrow, period
and data source, exported to PNG and PDF with QgsLayoutExporter.

The layouts are A4 landscape; at the default 150 dpi a PNG is 1753 × 1240 pixels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from qgis.core import (
    NULL,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextScope,
    QgsFeatureRequest,
    QgsLayerTreeGroup,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendRenderer,
    QgsMapLayerLegendUtils,
    QgsPrintLayout,
    QgsProject,
    QgsRectangle,
    QgsSymbolLayerUtils,
    QgsTextFormat,
)
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont

from ..core import symbology as sym
from ..core.geometry_io import metres_per_degree
from .layer_loading import PROP_TABLE, group_layers, group_source
from .map_data import MapData
from .map_themes import MAP_BY_KEY, MAPS, group_extent, projected_crs, theme_layers
from .qgis_compat import (
    distance_kilometers,
    layout_millimeters,
    legend_style,
    no_geometry_flag,
    symbol_property,
)
from .thematic_layers import PROP_THEMATIC
from .translation import tr

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
MAP_RECT = (10.0, 24.0, 212.0, 170.0)  # x, y, w, h
DEFAULT_DPI = 150
FONT = "Sans Serif"
COUNTED = ("section_classes", "problem_sections", "section_changes")  # legends with counts


def expected_png_size(dpi: int = DEFAULT_DPI) -> tuple[int, int]:
    """Pixel size of an exported page at ``dpi`` (QGIS truncates)."""
    return int(PAGE_W / 25.4 * dpi), int(PAGE_H / 25.4 * dpi)


def _pt(x: float, y: float) -> QgsLayoutPoint:
    return QgsLayoutPoint(x, y, layout_millimeters())


def _size(w: float, h: float) -> QgsLayoutSize:
    return QgsLayoutSize(w, h, layout_millimeters())


def literal(text: str) -> str:
    """``text`` shown as it is by a layout label, which evaluates ``[% … %]`` as QGIS
    expressions: text from the data must never run (``[% env('PGPASSWORD') %]``)."""
    return str(text).replace("[%", "[% '[' %]%")


def _label(layout: QgsPrintLayout, text: str, rect: tuple[float, float, float, float],
           size: float, bold: bool = False, colour: str = "#1a1a1a",
           align=Qt.AlignmentFlag.AlignLeft, item_id: str = "") -> QgsLayoutItemLabel:
    item = QgsLayoutItemLabel(layout)
    item.setText(literal(text))
    if item_id:
        item.setId(item_id)
    fmt = QgsTextFormat()
    font = QFont(FONT)
    font.setBold(bold)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor(colour))
    if hasattr(item, "setTextFormat"):
        item.setTextFormat(fmt)
    else:  # QGIS < 3.24
        font.setPointSizeF(size)
        item.setFont(font)
        item.setFontColor(QColor(colour))
    item.setHAlign(align)
    item.attemptMove(_pt(rect[0], rect[1]))
    item.attemptResize(_size(rect[2], rect[3]))
    layout.addLayoutItem(item)
    return item


def fit_extent(extent: QgsRectangle, aspect: float, margin: float = 0.05) -> QgsRectangle:
    """``extent`` grown by ``margin`` and to the width/height ``aspect`` of the frame."""
    if extent.isEmpty():
        return extent
    w, h = extent.width() * (1 + 2 * margin), extent.height() * (1 + 2 * margin)
    if w < 1e-9 or h < 1e-9:
        w = h = max(w, h, 1000.0)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    c = extent.center()
    return QgsRectangle(c.x() - w / 2, c.y() - h / 2, c.x() + w / 2, c.y() + h / 2)


def subtitle(key: str, data: MapData | None) -> str:
    """The period line of map ``key``."""
    if data is None:
        return ""
    if key == "change" and data.compare:
        return tr("Periods: {0}").format(data.change_label)
    if key in ("sections", "problems"):
        return tr("Period: {0}").format(data.period)
    return tr("Data as of {0}").format(data.period)


def build_layout(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                 project: QgsProject | None = None) -> QgsPrintLayout:
    """The print layout of map ``key`` (themes must exist: ``themes.build_maps``)."""
    return run_steps(layout_steps(group, key, data, project))


def run_steps(steps: Iterator[None]) -> Any:
    """Run a step generator to its end; its return value."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def layout_steps(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                 project: QgsProject | None = None) -> Iterator[None]:
    """:func:`build_layout` in steps (``yield`` between the frame, the legend and the
    rest), so the panel can build a layout over several event-loop turns; returns the
    layout."""
    project = project or QgsProject.instance()
    spec = MAP_BY_KEY[key]
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 page
    layout.setName(layout_name(group, key))
    page = layout.pageCollection().page(0)
    page.setPageSize(_size(PAGE_W, PAGE_H))

    _label(layout, spec.title, (10, 6, 277, 11), 20, bold=True, item_id="pm_title")
    _label(layout, subtitle(key, data), (10, 16, 212, 6), 10, colour="#404040",
           item_id="pm_subtitle")

    crs = projected_crs(group, project)
    item = QgsLayoutItemMap(layout)
    item.setId("pm_map")
    item.attemptResize(_size(MAP_RECT[2], MAP_RECT[3]))  # size first: the extent's aspect
    item.attemptMove(_pt(MAP_RECT[0], MAP_RECT[1]))
    item.setCrs(crs)
    item.setFollowVisibilityPreset(True)
    item.setFollowVisibilityPresetName(spec.theme)
    item.setFrameEnabled(True)
    item.setFrameStrokeColor(QColor("#4d4d4d"))
    item.setBackgroundColor(QColor("#ffffff"))
    layout.addLayoutItem(item)
    extent = group_extent(group, crs, project)
    item.setExtent(fit_extent(extent, MAP_RECT[2] / MAP_RECT[3]))  # scale for the legend
    yield

    legend = yield from _legend(layout, item, key, project, group)
    yield
    # the legend takes what it needs on the right, the map the rest
    legend_w = max(legend.sizeWithUnits().width(), 40.0)
    legend.attemptMove(_pt(PAGE_W - 10 - legend_w, MAP_RECT[1]))
    map_w = PAGE_W - 10 - legend_w - 4 - MAP_RECT[0]
    item.attemptResize(_size(map_w, MAP_RECT[3]))
    item.setExtent(fit_extent(extent, map_w / MAP_RECT[3]))
    _scale_bar(layout, item)
    _north_arrow(layout, project, MAP_RECT[0] + map_w - 16)
    _label(layout, footer_text(group, data, crs), (10, 197, 277, 8), 7, colour="#595959",
           item_id="pm_footer")
    return layout


def footer_text(group: QgsLayerTreeGroup, data: MapData | None, crs) -> str:
    """The footer: data source, synthetic notice, CRS and date."""
    footer = tr("Data source: {0}").format(group_source(group).label())
    if data is not None and data.synthetic:
        footer += " · " + tr("synthetic demo data")
    footer += " · " + tr("CRS: {0}").format(crs.authid())
    return footer + " · " + tr("Made with QGIS on {0}").format(date.today().isoformat())


def layout_name(group: QgsLayerTreeGroup, key: str) -> str:
    return f"{MAP_BY_KEY[key].zh} – {group.name()}"


def ensure_layout(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                  project: QgsProject | None = None) -> tuple[str, QgsPrintLayout]:
    """Map ``key``'s layout in the project's layout manager: (file basename, layout).

    A layout already there (the user may have edited its title or added a logo) is
    kept; its period line and footer are brought up to date.  A missing one is built.
    """
    return run_steps(ensure_layout_steps(group, key, data, project))


def ensure_layout_steps(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                        project: QgsProject | None = None) -> Iterator[None]:
    """:func:`ensure_layout` in steps (see :func:`layout_steps`)."""
    project = project or QgsProject.instance()
    manager = project.layoutManager()
    layout = manager.layoutByName(layout_name(group, key))
    if layout is None:
        layout = yield from layout_steps(group, key, data, project)
        yield
        manager.addLayout(layout)
    else:
        for item_id, text in (("pm_subtitle", subtitle(key, data)),
                              ("pm_footer", footer_text(group, data,
                                                        projected_crs(group, project)))):
            item = layout.itemById(item_id)
            if isinstance(item, QgsLayoutItemLabel):
                item.setText(literal(text))
    return page_basename(key, data), layout


def ensure_layouts(group: QgsLayerTreeGroup, data: MapData | None,
                   project: QgsProject | None = None,
                   keys: tuple[str, ...] | None = None) -> list[tuple[str, QgsPrintLayout]]:
    """:func:`ensure_layout` of ``keys`` (default: all five)."""
    return [ensure_layout(group, key, data, project)
            for key in keys or tuple(m.key for m in MAPS)]


def page_basename(key: str, data: MapData | None) -> str:
    """``3_pollution_2025``: the map's number, key and period (files sort as listed)."""
    period = (data.change_label.replace(" → ", "-") if key == "change" and data
              and data.compare else (data.period if data else ""))
    period = period.replace("/", "_")
    return f"{MAPS.index(MAP_BY_KEY[key]) + 1}_{key}" + (f"_{period}" if period else "")


def _legend(layout: QgsPrintLayout, map_item: QgsLayoutItemMap, key: str,
            project: QgsProject, group: QgsLayerTreeGroup) -> Iterator[None]:
    """The map's legend: the theme's layers, the river backdrop compacted (in steps:
    one ``yield`` per layer; returns the legend item)."""
    legend = QgsLayoutItemLegend(layout)
    legend.setTitle(tr("Legend"))
    legend.setLinkedMap(map_item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    layers = theme_layers(project, key)
    tables = {str(layer.customProperty(PROP_TABLE) or "") for layer in layers}
    rows = 0
    for layer in layers:
        table = str(layer.customProperty(PROP_TABLE) or "")
        if table == "rivers" and "reaches" in tables:
            continue  # the reaches stand for the rivers
        node = root.addLayer(layer)
        keep = present_items(layer, map_item.scale())
        if table == "reaches" and key != "watershed":
            # one line for the river network outside the river-system map: the widest drawn
            keep = [max(keep)] if keep else [0]
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, keep[0], tr("Rivers"))
            node.setCustomProperty("legend/title-style", "hidden")
        elif table == "reaches":
            node.setUseLayerName(False)  # else setName renames the user's layer
            node.setName(tr("Rivers by stream order"))
        elif layer.customProperty(PROP_THEMATIC) == "problem_reaches" and keep:
            keep = [max(keep)]  # one line, named after the layer
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, keep[0], layer.name())
            node.setCustomProperty("legend/title-style", "hidden")
        if keep and layer.customProperty(PROP_THEMATIC) in COUNTED:
            # "Class IV (7)": a reader sees how many sections each entry stands for
            items = layer.renderer().legendSymbolItems()
            for i, n in item_counts(layer, keep).items():
                QgsMapLayerLegendUtils.setLegendNodeUserLabel(
                    node, i, f"{items[i].label()} ({n})")
        if keep is not None:
            QgsMapLayerLegendUtils.setLegendNodeOrder(node, keep)
            legend.model().refreshLayerLegend(node)
        rows += 1 + (len(keep) if keep is not None else _legend_rows(layer) - 1)
        if layer.customProperty(PROP_THEMATIC) in ("section_classes", "problem_sections",
                                                  "section_changes"):
            rows += _add_level_key(root, group)
        yield
    legend.setColumnCount(2 if rows > 30 else 1)
    legend.setSplitLayer(False)
    legend.setSymbolWidth(6)
    legend.setSymbolHeight(3.5)
    for style, size, bold in (("Title", 11, True), ("Subgroup", 8, True),
                              ("SymbolLabel", 7, False)):
        font = QFont(FONT)
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
    layout.addLayoutItem(legend)
    size = QgsLegendRenderer(legend.model(), legend.legendSettings()).minimumSize()
    legend.attemptResize(_size(size.width() + 2, size.height() + 2))
    return legend


def present_items(layer, scale: float = 0.0) -> list[int] | None:
    """Indices of the legend items that have features (None: keep all).

    Rule-based, categorized and graduated renderers are checked item by item with
    one limited request each, so a legend lists only what the map shows; rules hidden
    at ``scale`` are left out too.
    """
    quick = _graduated_presence(layer, scale)
    if quick is not None:
        return quick
    exprs = item_filters(layer, scale)
    if exprs is None:
        return None
    keep = []
    for i, expr in enumerate(exprs):
        request = QgsFeatureRequest().setFilterExpression(expr).setLimit(1)
        request.setFlags(no_geometry_flag())
        if next(layer.getFeatures(request), None) is not None:
            keep.append(i)
    return keep


_FIELD_OR_COALESCE = re.compile(
    r'^\s*(?:coalesce\(\s*"([^"]+)"\s*,\s*(-?[\d.]+)\s*\)|"([^"]+)")\s*$', re.IGNORECASE)


def _graduated_presence(layer, scale: float) -> list[int] | None:
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


def item_counts(layer, indices: list[int]) -> dict[int, int]:
    """How many features legend items ``indices`` of ``layer`` draw."""
    exprs = item_filters(layer) or []
    out = {}
    for i in indices:
        if i < len(exprs):
            request = QgsFeatureRequest().setFilterExpression(exprs[i])
            request.setFlags(no_geometry_flag())
            request.setNoAttributes()
            out[i] = sum(1 for _ in layer.getFeatures(request))
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


def _add_level_key(root, group: QgsLayerTreeGroup) -> int:
    """The section layer's level shapes as a key below the class colours (once)."""
    sections = group_layers(group).get("sections")
    if root.customProperty("pm/level-key") or sections is None:
        return 0
    root.setCustomProperty("pm/level-key", True)
    node = root.addLayer(sections)
    node.setUseLayerName(False)  # a legend title, not a new name for the layer
    node.setName(tr("Section level"))
    return 1 + len(sym.SECTION_LEVEL_SHAPES)


def _legend_rows(layer) -> int:
    """Lines layer ``layer`` takes in a legend (its title and symbol items)."""
    renderer = layer.renderer() if hasattr(layer, "renderer") else None
    items = renderer.legendSymbolItems() if renderer is not None else []
    return 1 + max(len(items), 1)


def nice_segment(width_km: float, share: float = 0.12) -> float:
    """A round segment length (1-2-5 series) of about ``share`` of the map width
    (1 km when the map has no extent: a database with nothing located yet)."""
    if not math.isfinite(width_km) or width_km <= 0:
        return 1.0
    target = max(width_km * share, 1e-6)
    exp = math.floor(math.log10(target))
    return min((m * 10 ** exp for m in (1, 2, 5, 10)), key=lambda v: abs(v - target))


def _map_width_km(map_item: QgsLayoutItemMap) -> float:
    extent = map_item.extent()
    if map_item.crs().isGeographic():
        return extent.width() * metres_per_degree(extent.center().y())[0] / 1000.0
    return extent.width() / 1000.0


def _scale_bar(layout: QgsPrintLayout, map_item: QgsLayoutItemMap) -> QgsLayoutItemScaleBar:
    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle("Single Box")
    bar.setLinkedMap(map_item)
    bar.applyDefaultSize(distance_kilometers())
    bar.setUnits(distance_kilometers())
    bar.setUnitLabel("km")
    bar.setNumberOfSegments(2)
    bar.setNumberOfSegmentsLeft(0)
    bar.setUnitsPerSegment(nice_segment(_map_width_km(map_item)))
    bar.setHeight(2.0)
    bar.setBackgroundEnabled(True)
    bar.setBackgroundColor(QColor(255, 255, 255, 220))
    layout.addLayoutItem(bar)
    bar.attemptMove(_pt(MAP_RECT[0] + 4, MAP_RECT[1] + MAP_RECT[3] - 13))
    return bar


def _north_arrow(layout: QgsPrintLayout, project: QgsProject, x: float) -> QgsLayoutItemPicture:
    arrow = QgsLayoutItemPicture(layout)
    path = QgsSymbolLayerUtils.svgSymbolNameToPath("arrows/NorthArrow_02.svg",
                                                   project.pathResolver())
    arrow.setPicturePath(path)
    arrow.attemptResize(_size(12, 16))
    arrow.attemptMove(_pt(x, MAP_RECT[1] + 3))
    layout.addLayoutItem(arrow)
    return arrow


def export_layout_file(layout: QgsPrintLayout, path: Path, dpi: int = DEFAULT_DPI) -> Path:
    """Export ``layout`` to ``path`` (``.png`` or ``.pdf``); raise on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exporter = QgsLayoutExporter(layout)
    if path.suffix.lower() == ".png":
        # Render the page and save it with Qt: exportToImage would also try to
        # georeference the PNG through GDAL, which cannot update PNG files (noise on 3.22).
        rendered = exporter.renderPageToImage(0, QSize(), dpi)
        if rendered.isNull() or not rendered.save(str(path), "PNG"):
            raise RuntimeError(tr("Could not write {0}").format(path))
        return path
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    if exporter.exportToPdf(str(path), settings) != QgsLayoutExporter.ExportResult.Success:
        raise RuntimeError(tr("Could not write {0}").format(path))
    return path


def export_layout(layout: QgsPrintLayout, out_dir: Path | str, basename: str,
                  dpi: int = DEFAULT_DPI) -> tuple[Path, Path]:
    """Export ``layout`` to ``basename``.png and .pdf in ``out_dir``; raise on failure."""
    out = Path(out_dir)
    return (export_layout_file(layout, out / f"{basename}.png", dpi),
            export_layout_file(layout, out / f"{basename}.pdf", dpi))


def export_maps(group: QgsLayerTreeGroup, data: MapData | None, out_dir: Path | str,
                project: QgsProject | None = None, keys: tuple[str, ...] | None = None,
                dpi: int = DEFAULT_DPI, feedback=None) -> list[Path]:
    """Build and export the layouts of ``keys`` (default all five), synchronously; the
    written files.  For scripts and the CLI: the panel exports in the background
    (``map_export.MapExportTask``).  The layouts are not added to the project."""
    project = project or QgsProject.instance()
    files: list[Path] = []
    keys = keys or tuple(m.key for m in MAPS)
    for i, key in enumerate(keys):
        if feedback is not None and feedback.isCanceled():
            break
        layout = build_layout(group, key, data, project)
        files.extend(export_layout(layout, out_dir, page_basename(key, data), dpi))
        if feedback is not None:
            feedback.setProgress(100.0 * (i + 1) / len(keys))
    return files
