"""The one-river atlas (一河一策图册) as a QgsLayoutAtlas: a normal project layout.

Per river (an atlas feature of the coverage layer: the river's catchment with its
dossier facts, ``core.river_atlas_facts``) the layout has :data:`ATLAS_PAGES`: a cover
with the dossier facts and a locator map, the five thematic maps zoomed to the
catchment and clipped to it (their legends filtered by what each page draws in the
catchment; the export decides that in a task: ``atlas_legend``), and a
page of tables (sections and classes, problems, sources in the catchment, projects).
The layout lives in the project's layout manager: a user opens it in the layout
designer, moves or restyles items, adds a logo; :func:`ensure_atlas_layout` keeps it
(and only refreshes the coverage), so a re-render prints their version.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsFeature,
    QgsField,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutMultiFrame,
    QgsLayoutTable,
    QgsLayoutTableColumn,
    QgsMapClippingRegion,
    QgsPrintLayout,
    QgsProject,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt, QVariant
from qgis.PyQt.QtGui import QColor

from ..core.river_atlas_facts import ATLAS_FIELDS
from .layer_loading import PROP_TABLE, group_layers
from .layout_legend import style_legend
from .layouts import (
    PAGE_H,
    PAGE_W,
    add_label,
    add_north_arrow,
    add_scale_bar,
    fit_extent,
    layout_point,
    layout_size,
    literal,
)
from .map_labels import text_format
from .map_themes import MAP_BY_KEY, MAPS, group_extent, projected_crs, theme_layers
from .thematic_layers import PROP_THEMATIC
from .translation import tr

_ROMAN_TARGET = ("CASE \"target_class\" WHEN 1 THEN 'I' WHEN 2 THEN 'II' WHEN 3 THEN 'III' "
                 "WHEN 4 THEN 'IV' WHEN 5 THEN 'V' WHEN 6 THEN '劣V' ELSE '—' END")
ATLAS_PAGES = ("cover", *(m.key for m in MAPS), "tables")
PROP_COVERAGE = "pollution_map/atlas_coverage"
ATLAS_MAP_RECT = (10.0, 24.0, 205.0, 170.0)
_INT = {"length_km": QVariant.Double, "cod_t_a": QVariant.Double}
_INTEGER = {"n_tributaries", "n_sections", "n_failing", "n_problems", "n_open_problems",
            "n_projects", "n_enterprises"}


def atlas_layout_name(group: QgsLayerTreeGroup) -> str:
    return f"一河一策图册 – {group.name()}"


def _field_type(name: str):
    if name in _INT:
        return _INT[name]
    return QVariant.Int if name in _INTEGER else QVariant.String


def coverage_layer(rows, project: QgsProject, group: QgsLayerTreeGroup) -> QgsVectorLayer:
    """The atlas coverage (one catchment per river, with its facts) in the database
    group's thematic sub-group; an existing one keeps its id (the saved atlas layout
    points at it) and gets the new features."""
    from .map_themes import thematic_group

    layer = next((node.layer() for node in group.findLayers() if node.layer() is not None
                  and node.layer().customProperty(PROP_COVERAGE)), None)
    if layer is not None and not layer.fields().names():  # a reopened project's memory layer
        layer.dataProvider().addAttributes([QgsField(n, _field_type(n)) for n in ATLAS_FIELDS])
        layer.updateFields()  # keeps its id: the saved atlas layout points at it
    if layer is None or layer.fields().names() != list(ATLAS_FIELDS):
        if layer is not None:
            project.removeMapLayer(layer.id())
        layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4490", tr("One-river atlas rivers"),
                               "memory")
        layer.dataProvider().addAttributes([QgsField(n, _field_type(n)) for n in ATLAS_FIELDS])
        layer.updateFields()
        layer.setCustomProperty(PROP_COVERAGE, True)
        layer.setCustomProperty(PROP_THEMATIC, "atlas_coverage")
        project.addMapLayer(layer, False)
        node = thematic_group(group).addLayer(layer)
        node.setItemVisibilityChecked(False)  # the atlas reads it; the canvas need not
    provider = layer.dataProvider()
    provider.truncate()
    feats = []
    for rec, geom in zip(rows.drop(columns="geometry").to_dict("records"), rows.geometry):
        f = QgsFeature(layer.fields())
        if geom is not None and not geom.is_empty:
            f.setGeometry(QgsGeometry.fromWkt(geom.wkt))
        f.setAttributes([_plain(rec.get(n)) for n in ATLAS_FIELDS])
        feats.append(f)
    provider.addFeatures(feats)
    layer.updateExtents()
    layer.setRenderer(_locator_renderer())
    return layer


def _plain(v: Any) -> Any:
    if v is None:
        return None
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def _locator_renderer() -> QgsRuleBasedRenderer:
    """The current river's catchment outlined (atlas pages), the others not drawn."""
    root = QgsRuleBasedRenderer.Rule(None)
    symbol = QgsFillSymbol.createSimple({"color": "214,39,40,40", "outline_color": "#d62728",
                                         "outline_width": "0.5"})
    root.appendChild(QgsRuleBasedRenderer.Rule(symbol, 0, 0, "@atlas_featureid = $id",
                                               tr("This river's catchment")))
    return QgsRuleBasedRenderer(root)


def ensure_atlas_layout(group: QgsLayerTreeGroup, coverage: QgsVectorLayer, data: Any,
                        project: QgsProject) -> QgsPrintLayout:
    """The atlas layout in the project's layout manager: the saved one (with the user's
    edits) pointed at ``coverage``, else a new one."""
    manager = project.layoutManager()
    layout = manager.layoutByName(atlas_layout_name(group))
    if layout is None:
        layout = build_atlas_layout(group, coverage, data, project)
        manager.addLayout(layout)
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setEnabled(True)
    return layout


def build_atlas_layout(group: QgsLayerTreeGroup, coverage: QgsVectorLayer, data: Any,
                       project: QgsProject) -> QgsPrintLayout:
    """A new atlas layout of :data:`ATLAS_PAGES` A4 landscape pages per river."""
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(atlas_layout_name(group))
    pages = layout.pageCollection()
    pages.page(0).setPageSize(layout_size(PAGE_W, PAGE_H))
    for _ in ATLAS_PAGES[1:]:
        page = QgsLayoutItemPage(layout)
        page.setPageSize(layout_size(PAGE_W, PAGE_H))
        pages.addPage(page)
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setEnabled(True)
    atlas.setHideCoverage(False)
    atlas.setPageNameExpression('"name"')
    atlas.setFilenameExpression("'atlas_' || \"code\"")
    crs = projected_crs(group, project)
    footer = _footer(group, data, crs)
    _cover(layout, group, coverage, project, crs)
    for i, spec in enumerate(MAPS, start=1):
        _map_page(layout, i, spec.key, project, group, crs)
    _tables_page(layout, len(ATLAS_PAGES) - 1, group)
    for i in range(len(ATLAS_PAGES)):
        item = _at(layout, add_label(layout, footer, (10, 197, 230, 8), 7, colour="#595959",
                                  item_id=f"pm_atlas_footer_{i}"), i, 10, 197)
        item.setText(literal(footer))
        number = add_label(layout, "", (247, 197, 40, 8), 7, colour="#595959")
        number.setText("[% @layout_page %] / [% @layout_numpages %]")
        _at(layout, number, i, 247, 197)
    return layout


def _footer(group, data, crs) -> str:
    from .layouts import footer_text

    return footer_text(group, data, crs)


def _at(layout: QgsPrintLayout, item, page: int, x: float, y: float):
    item.attemptMove(layout_point(x, y), True, False, page)
    return item


def _expression_label(layout, text: str, rect, size: float, page: int, bold: bool = False,
                       colour: str = "#1a1a1a") -> QgsLayoutItemLabel:
    """A label whose ``[% … %]`` parts are the plugin's own expressions (the data they
    insert is shown as text, never evaluated)."""
    item = add_label(layout, "", rect, size, bold=bold, colour=colour)
    item.setText(text)
    return _at(layout, item, page, rect[0], rect[1])


def _cover(layout, group, coverage, project, crs) -> None:
    _expression_label(layout, '[% "name" %]', (10, 14, 277, 16), 30, 0, bold=True)
    _expression_label(layout, literal(tr("One-river-one-policy atlas")) + "  一河一策图册 · "
                      "[% \"code\" %]", (10, 32, 277, 8), 13, 0, colour="#404040")
    facts = "\n".join(literal(line) for line in (
        tr("Water system: {0}"), tr("Length: {1} km · source: {2} · mouth: {3}"),
        tr("Tributary of: {4} · tributaries: {5}"),
        tr("Sections: {6}, missing their target: {7} · classes {8}: {9} · worst: {10}"),
        tr("River chiefs: {11}"),
        tr("Problems: {12} (open: {13}) · remediation projects: {14}"),
        tr("Enterprises in the catchment: {15}, COD {16} t/a"),
    ))
    values = ('[% "water_system" %]', '[% format_number("length_km", 1) %]',
              '[% coalesce("source", \'—\') %]', '[% coalesce("mouth", \'—\') %]',
              '[% coalesce("parent_name", \'—\') %]', '[% "n_tributaries" %]',
              '[% "n_sections" %]', '[% "n_failing" %]', '[% "period" %]',
              '[% "classes" %]', '[% "worst" %]', '[% "chiefs" %]', '[% "n_problems" %]',
              '[% "n_open_problems" %]', '[% "n_projects" %]', '[% "n_enterprises" %]',
              '[% format_number("cod_t_a", 0) %]')
    text = facts.format(*values)
    label = _expression_label(layout, text, (10, 48, 130, 140), 10.5, 0)
    label.setMarginX(2)
    locator = QgsLayoutItemMap(layout)
    locator.setId("pm_atlas_locator")
    locator.attemptResize(layout_size(140, 140))
    _at(layout, locator, 0, 147, 48)
    locator.setCrs(crs)
    layers = group_layers(group)
    keep = [coverage] + [layers[t] for t in ("rivers", "districts") if t in layers]
    locator.setLayers(keep)
    locator.setKeepLayerSet(True)
    locator.setFrameEnabled(True)
    locator.setFrameStrokeColor(QColor("#8c8c8c"))
    layout.addLayoutItem(locator)
    locator.setExtent(fit_extent(group_extent(group, crs, project), 1.0))


def _map_page(layout, page: int, key: str, project, group, crs) -> None:
    spec = MAP_BY_KEY[key]
    _expression_label(layout, '[% "name" %] · ' + literal(spec.title), (10, 6, 277, 11), 18,
                      page, bold=True)
    item = QgsLayoutItemMap(layout)
    item.setId(f"pm_atlas_{key}")
    x, y, w, h = ATLAS_MAP_RECT
    if key == "pollution":  # its legend is long (five source layers): two columns
        w = 165.0
    item.attemptResize(layout_size(w, h))
    _at(layout, item, page, x, y)
    item.setCrs(crs)
    item.setFollowVisibilityPreset(True)
    item.setFollowVisibilityPresetName(spec.theme)
    item.setAtlasDriven(True)
    item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    item.setAtlasMargin(0.06)
    clip = item.atlasClippingSettings()
    clip.setEnabled(True)
    # the painter clips (cheap); intersecting every feature with the catchment is not
    clip.setFeatureClippingType(QgsMapClippingRegion.FeatureClippingType.ClipPainterOnly)
    item.setFrameEnabled(True)
    item.setFrameStrokeColor(QColor("#4d4d4d"))
    layout.addLayoutItem(item)
    # an extent of the frame's shape first: setExtent() fits the item to the extent
    item.setExtent(fit_extent(group_extent(group, crs, project), w / h))
    legend = QgsLayoutItemLegend(layout)
    legend.setTitle(tr("Legend"))
    legend.setLinkedMap(item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for layer in theme_layers(project, key):
        if layer.customProperty(PROP_TABLE) == "rivers":
            continue
        root.addLayer(layer)
    legend.setLegendFilterByMapEnabled(True)  # per page: only what the map draws,
    legend.setLegendFilterOutAtlas(True)  # within the river's catchment (as the export)
    legend.setSymbolWidth(6)
    legend.setSymbolHeight(3.5)
    if key == "pollution":
        legend.setColumnCount(2)
        legend.setSplitLayer(True)
        legend.setSymbolHeight(2.8)
    style_legend(legend)
    layout.addLayoutItem(legend)
    legend.attemptResize(layout_size(PAGE_W - 10 - (x + w + 3), h))
    _at(layout, legend, page, x + w + 3, y)
    bar = add_scale_bar(layout, item)
    _at(layout, bar, page, x + 4, y + h - 13)
    arrow = add_north_arrow(layout, project, x + w - 16)
    _at(layout, arrow, page, x + w - 16, y + 3)


def _table(layout, layer: QgsVectorLayer, columns, rect, page: int, title: str,
           filter_expr: str, sort: tuple[str, bool] | None = None, rows: int = 14,
           in_catchment: bool = False) -> None:
    _at(layout, add_label(layout, title, (rect[0], rect[1] - 6, rect[2], 6), 10, bold=True),
        page, rect[0], rect[1] - 6)
    table = QgsLayoutItemAttributeTable.create(layout)
    table.setVectorLayer(layer)
    cols = []
    for attribute, heading in columns:
        col = QgsLayoutTableColumn(heading)
        col.setAttribute(attribute)
        cols.append(col)
    table.setColumns(cols)
    if filter_expr:
        table.setFilterFeatures(True)
        table.setFeatureFilter(filter_expr)
    table.setFilterToAtlasFeature(in_catchment)  # features within the river's catchment
    table.setMaximumNumberOfFeatures(rows)
    if sort is not None:
        col = QgsLayoutTableColumn(sort[0])
        col.setAttribute(sort[0])
        col.setSortOrder(Qt.SortOrder.AscendingOrder if sort[1]
                         else Qt.SortOrder.DescendingOrder)
        table.setSortColumns([col])
    table.setHeaderTextFormat(text_format(7.5, "#1a1a1a", bold=True, halo=0))
    table.setContentTextFormat(text_format(7, "#262626", halo=0))
    table.setEmptyTableBehavior(QgsLayoutTable.EmptyTableMode.ShowMessage)
    table.setEmptyTableMessage(tr("None"))
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    frame = QgsLayoutFrame(layout, table)
    frame.attemptResize(layout_size(rect[2], rect[3]))
    _at(layout, frame, page, rect[0], rect[1])
    table.addFrame(frame)
    layout.addMultiFrame(table)


def _tables_page(layout, page: int, group) -> None:
    _expression_label(layout, '[% "name" %] · ' + literal(tr("Tables")), (10, 6, 277, 11), 18,
                      page, bold=True)
    layers = group_layers(group)
    thematic = {str(n.layer().customProperty(PROP_THEMATIC)): n.layer()
                for n in group.findLayers() if n.layer() is not None
                and n.layer().customProperty(PROP_THEMATIC)}
    river = "\"river_code\" = attribute(@atlas_feature, 'code')"
    sections = thematic.get("section_classes") or layers.get("sections")
    if sections is not None:
        cols = [("code", tr("Code")), ("name", tr("Section")), ("level", tr("Level"))]
        if sections.fields().indexOf("roman") >= 0:
            cols += [("roman", tr("Class")), (_ROMAN_TARGET, tr("Target")),
                     ("main_pollutants", tr("Main pollutants"))]
        _table(layout, sections, cols, (10, 28, 135, 78), page,
               tr("Sections and classes"), river, rows=16)
    if "problems" in layers:
        _table(layout, layers["problems"], [("location", tr("Location")),
                                            ("description", tr("Problem")),
                                            ("status", tr("Status")),
                                            ("deadline", tr("Deadline"))],
               (152, 28, 135, 78), page, tr("Problems"), river, rows=10)
    if "enterprises" in layers:
        _table(layout, layers["enterprises"], [("name", tr("Enterprise")),
                                               ("category", tr("Category")),
                                               ('round("cod_t_a", 1)', tr("COD t/a")),
                                               ('round("nh3n_t_a", 2)', tr("NH3-N t/a"))],
               (10, 118, 135, 74), page, tr("Largest sources in the catchment (COD)"),
               "", ("cod_t_a", False), rows=12, in_catchment=True)
    if "projects" in layers:
        _table(layout, layers["projects"], [("measure", tr("Measure")),
                                            ("progress", tr("Progress %")),
                                            ("deadline", tr("Deadline"))],
               (152, 118, 135, 74), page, tr("Remediation projects"), river, rows=10)
