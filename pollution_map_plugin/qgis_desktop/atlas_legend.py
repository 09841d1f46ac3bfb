"""The one-river atlas's legends, decided off the main thread (issue 14).

The atlas layout's legends are filtered by what their map draws
(``setLegendFilterByMapEnabled``): in the layout designer QGIS does it, but QGIS 3.22 runs
that hit test (every feature in the frame) on the main thread each time a page is
painted, seconds per page at Chongqing scale.  For an export, on the throw-away clone of
the layout, :class:`AtlasLegends` turns that filter off and does the five-map export's
work instead (``layout_legend``: one filter per legend item, counts where the five maps
have them): :meth:`AtlasLegends.probes` prepares, on the main thread, what a page's
legend needs (each layer's feature source, its items' filters at the map's scale, the
river's catchment); :meth:`LegendProbe.run` finds, in any thread, the items with a
feature within the catchment the map is clipped to (and inside the frame); and
:meth:`AtlasLegends.apply` sets the legend from the result on the main thread, without
a hit test.  Long layer titles and labels are wrapped to the legend's column.
"""

from __future__ import annotations

import re
import time
from typing import Callable

from qgis.core import (
    QgsCoordinateTransform,
    QgsExpressionContext,
    QgsExpressionContextScope,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsLayerTreeLayer,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsMapLayerLegendUtils,
    QgsPrintLayout,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)
from qgis.PyQt.QtGui import QFont, QFontMetricsF

from .layer_loading import group_layers
from .layout_legend import COUNTED, LEVEL_KEYED, item_filters, shown_at
from .map_export import MapRenderTask
from .qgis_compat import legend_style
from .thematic_layers import PROP_THEMATIC
from .translation import tr

TITLE_PROP = "legend/title-label"
RIGHT_MARGIN_MM = 10.0  # the legend ends this far from the page's right edge


class LayerProbe:
    """One legend layer's question: which of its items have a feature in the region.
    Built on the main thread; :meth:`run` in any thread (it reads the layer's feature
    source, a copy QGIS made for threads)."""

    def __init__(self, layer: QgsVectorLayer, scale: float,
                 transform: QgsCoordinateTransform | None) -> None:
        self.layer_id = layer.id()
        self.source = QgsVectorLayerFeatureSource(layer)
        self.exprs = item_filters(layer, scale)  # None: the layer's symbols as one item
        self.counted = layer.customProperty(PROP_THEMATIC) in COUNTED
        self.transform = transform  # from the map's CRS to the layer's (None: the same)
        context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
        scope = QgsExpressionContextScope()
        scope.setVariable("map_scale", scale)
        context.appendScope(scope)
        self.context = context
        self.keep: list[int] | None = []  # None: every item (a single-symbol layer drawn)
        self.counts: dict[int, int] = {}

    def run(self, region: QgsGeometry, cancelled: Callable[[], bool]) -> None:
        """Find the items with a feature intersecting ``region`` (the map's CRS)."""
        region = QgsGeometry(region)
        if self.transform is not None:
            region.transform(self.transform)
        engine = QgsGeometry.createGeometryEngine(region.constGet())
        engine.prepareGeometry()
        rect = region.boundingBox()
        self.keep, self.counts = [], {}
        for i, expr in enumerate(self.exprs if self.exprs is not None else ["TRUE"]):
            if expr == "FALSE" or cancelled():
                continue
            request = QgsFeatureRequest().setFilterRect(rect)
            if expr != "TRUE":
                request.setFilterExpression(expr)
                request.setExpressionContext(self.context)
            n = 0
            for feature in self.source.getFeatures(request):
                geometry = feature.geometry()
                if not geometry.isNull() and engine.intersects(geometry.constGet()):
                    n += 1
                    if not self.counted:
                        break  # drawn: enough for an entry without a count
            if n:
                self.keep.append(i)
                self.counts[i] = n
        if self.exprs is None and self.keep:
            self.keep = None
        if not self.counted or self.exprs is None:
            self.counts = {}


class LegendProbe:
    """A page's legend for the current river: its layers' probes, and the region the
    map draws (its frame, and within it the catchment when the map is clipped to it;
    in the map's CRS)."""

    def __init__(self, legend: QgsLayoutItemLegend, layers: list[LayerProbe],
                 frame: QgsGeometry, catchment: QgsGeometry | None) -> None:
        self.legend, self.layers = legend, layers
        self.frame, self.catchment = frame, catchment
        self.done = False

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Answer every layer's question (any thread)."""
        region = self.frame if self.catchment is None else \
            self.catchment.intersection(self.frame)
        for probe in self.layers:
            if cancelled():
                return
            probe.run(region, cancelled)
        self.done = not cancelled()

    def release(self) -> None:
        """Drop the feature sources (main thread)."""
        for probe in self.layers:
            probe.source = None


class AtlasLegends:
    """The legends of ``layout`` (a throw-away clone of the atlas layout) filtered by
    their map: the filter turned off, each legend's layer tree kept to start every
    river from it."""

    def __init__(self, layout: QgsPrintLayout) -> None:
        self.layout = layout
        self.pristine: dict[QgsLayoutItemLegend, QgsLayerTreeGroup] = {}
        self.in_atlas: set[QgsLayoutItemLegend] = set()  # "only the atlas feature's items"
        for legend in [i for i in layout.items() if isinstance(i, QgsLayoutItemLegend)]:
            by_map, in_atlas = legend.legendFilterByMapEnabled(), legend.legendFilterOutAtlas()
            if legend.linkedMap() is None or not (by_map or in_atlas):
                continue  # the user's own legend: left as it is
            legend.setLegendFilterByMapEnabled(False)  # both filters hit-test the map
            legend.setLegendFilterOutAtlas(False)
            if in_atlas:
                self.in_atlas.add(legend)
            _add_level_key(legend.model().rootGroup(), layout.project())
            self.pristine[legend] = legend.model().rootGroup().clone()

    def legends_of(self, item: QgsLayoutItemMap) -> list[QgsLayoutItemLegend]:
        return [legend for legend in self.pristine if legend.linkedMap() is item]

    def all_probes(self) -> list[LegendProbe]:
        """The probes of every filtered legend at the atlas's current river."""
        maps = list(dict.fromkeys(legend.linkedMap() for legend in self.pristine))
        return [probe for item in maps for probe in self.probes(item)]

    def probes(self, item: QgsLayoutItemMap) -> list[LegendProbe]:
        """The probes of ``item``'s legends at the atlas's current river (main thread):
        the region is the river's catchment when the map is clipped to it (or the legend
        lists the atlas feature's items only), within the frame."""
        project = self.layout.project()
        frame = QgsGeometry.fromQPolygonF(item.visibleExtentPolygon())
        catchment = None
        feature = self.layout.reportContext().feature()
        coverage = self.layout.atlas().coverageLayer()
        if coverage is not None and feature.hasGeometry():
            catchment = QgsGeometry(feature.geometry())
            catchment.transform(QgsCoordinateTransform(coverage.crs(), item.crs(), project))
        clipped = item.atlasClippingSettings().enabled()
        crs = item.crs()
        scale = item.scale()
        out = []
        for legend in self.legends_of(item):
            inside = catchment if clipped or legend in self.in_atlas else None
            layers = []
            for node in self.pristine[legend].findLayers():
                layer = node.layer()
                if not isinstance(layer, QgsVectorLayer) or not shown_at(layer, scale):
                    continue
                transform = None if layer.crs() == crs else \
                    QgsCoordinateTransform(crs, layer.crs(), project)
                layers.append(LayerProbe(layer, scale, transform))
            out.append(LegendProbe(legend, layers, frame, inside))
        return out

    def apply(self, probe: LegendProbe) -> None:
        """Set ``probe``'s legend from its answer (main thread; no hit test): layers
        without a feature in the region out, items without one out, counts added."""
        legend = probe.legend
        model = legend.model()
        root = model.rootGroup()
        root.removeAllChildren()
        for child in self.pristine[legend].children():
            root.addChildNode(child.clone())
        answers = {p.layer_id: p for p in probe.layers}
        scale = legend.linkedMap().scale()
        width = column_width(legend, self.layout)
        for node in root.findLayers():
            layer = node.layer()
            answer = answers.get(node.layerId())
            if layer is None or (isinstance(layer, QgsVectorLayer) and answer is None
                                 and not shown_at(layer, scale)):
                node.parent().removeChildNode(node)
                continue
            if answer is not None:
                if answer.keep == []:
                    node.parent().removeChildNode(node)
                    continue
                _keep_items(node, layer, answer)
            _wrap_node(node, layer, legend, width)
            model.refreshLayerLegend(node)
        _drop_empty_groups(root)
        legend.adjustBoxSize()
        legend.refresh()


def _add_level_key(root: QgsLayerTreeGroup, project) -> None:
    """The level shapes key ("Section level") under the first layer whose symbols are
    shaped by level, as in the five maps (its items kept as the others: only the levels
    drawn)."""
    layers = root.findLayers()
    keyed = next((n for n in layers if n.layer() is not None
                  and n.layer().customProperty(PROP_THEMATIC) in LEVEL_KEYED), None)
    if keyed is None or root.customProperty("pm/level-key"):
        return
    sections = _sections_layer(keyed.layer(), project)
    if sections is None or any(n.layerId() == sections.id() for n in layers):
        return
    parent = keyed.parent()
    at = next(i for i, child in enumerate(parent.children())
              if isinstance(child, QgsLayerTreeLayer) and child.layerId() == keyed.layerId())
    node = parent.insertLayer(at + 1, sections)
    node.setUseLayerName(False)  # a legend title, not a new name for the layer
    node.setName(tr("Section level"))
    node.setCustomProperty(TITLE_PROP, tr("Section level"))  # kept by the node's clones
    root.setCustomProperty("pm/level-key", True)


def _sections_layer(layer, project) -> QgsVectorLayer | None:
    """The sections layer of the database ``layer`` (a thematic layer) was made from."""
    node = project.layerTreeRoot().findLayer(layer.id())
    group = node.parent() if node is not None else None
    while group is not None:
        found = group_layers(group).get("sections")
        if found is not None:
            return found
        group = group.parent()
    return None


def _keep_items(node: QgsLayerTreeLayer, layer: QgsVectorLayer, answer: LayerProbe) -> None:
    """Only the items with features (in the user's order, when they set one), counted."""
    if answer.keep is not None:
        order = (QgsMapLayerLegendUtils.legendNodeOrder(node)
                 if QgsMapLayerLegendUtils.hasLegendNodeOrder(node) else answer.keep)
        QgsMapLayerLegendUtils.setLegendNodeOrder(
            node, [i for i in order if i in answer.keep])
    items = layer.renderer().legendSymbolItems() if layer.renderer() is not None else []
    for i, n in answer.counts.items():
        if i < len(items):
            label = QgsMapLayerLegendUtils.legendNodeUserLabel(node, i) or items[i].label()
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, i, f"{label} ({n})")


def _drop_empty_groups(group: QgsLayerTreeGroup) -> None:
    for child in list(group.children()):
        if isinstance(child, QgsLayerTreeGroup):
            _drop_empty_groups(child)
            if not child.children():
                group.removeChildNode(child)


# -- wrapping ------------------------------------------------------------------------
def column_width(legend: QgsLayoutItemLegend, layout: QgsPrintLayout) -> float:
    """The width (mm) a column of ``legend`` has up to the page's right margin."""
    settings = legend.legendSettings()
    page = layout.pageCollection().page(max(legend.page(), 0))
    width = page.pageSize().width() - legend.pagePos().x() - RIGHT_MARGIN_MM
    columns = max(legend.columnCount(), 1)
    box = settings.boxSpace()
    return (width - 2 * box - (columns - 1) * settings.columnSpace()) / columns


def text_width_mm(text: str, font: QFont, size_pt: float) -> float:
    """``text``'s width in mm at ``size_pt`` points in ``font``."""
    probe = QFont(font)
    probe.setPixelSize(1000)
    return QFontMetricsF(probe).horizontalAdvance(text) / 1000 * size_pt * 25.4 / 72


def wrap(text: str, font: QFont, size_pt: float, width_mm: float) -> str:
    """``text`` with line breaks so that no line is wider than ``width_mm`` (at spaces,
    or between two Chinese characters; a word longer than the line stays whole)."""
    if width_mm <= 0 or "\n" in text or text_width_mm(text, font, size_pt) <= width_mm:
        return text
    tokens = re.findall(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+",
                        text)
    lines, line = [], ""
    for token in tokens:
        if line and text_width_mm((line + token).rstrip(), font, size_pt) > width_mm:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def _style_font(legend: QgsLayoutItemLegend, name: str) -> tuple[QFont, float]:
    rstyle = legend.rstyle(legend_style(name))
    if hasattr(rstyle, "textFormat"):  # QGIS >= 3.30
        fmt = rstyle.textFormat()
        return fmt.font(), fmt.size()
    font = rstyle.font()
    return font, font.pointSizeF()


def _wrap_node(node: QgsLayerTreeLayer, layer, legend: QgsLayoutItemLegend,
               width: float) -> None:
    """Wrap the layer's title and its item labels to the column's ``width`` (mm)."""
    font, size = _style_font(legend, "Subgroup")
    title = node.customProperty(TITLE_PROP) or node.name()
    wrapped = wrap(str(title), font, size, width)
    if wrapped != title:
        node.setCustomProperty(TITLE_PROP, wrapped)
    renderer = layer.renderer() if isinstance(layer, QgsVectorLayer) else None
    if renderer is None:
        return
    font, size = _style_font(legend, "SymbolLabel")
    settings = legend.legendSettings()
    label_width = width - settings.symbolSize().width() - 2
    for i, item in enumerate(renderer.legendSymbolItems()):
        label = QgsMapLayerLegendUtils.legendNodeUserLabel(node, i) or item.label()
        wrapped = wrap(label, font, size, label_width)
        if wrapped != label:
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, i, wrapped)


class AtlasRenderTask(MapRenderTask):
    """A river's maps drawn, then its legends' probes answered, in the task's thread."""

    def __init__(self, export, description: str | None = None) -> None:
        super().__init__(export, description)
        self.probes: list[LegendProbe] = []

    def run(self) -> bool:  # the task's thread
        if not super().run():
            return False
        for probe in self.probes:
            probe.run(self.isCanceled)
        return not self.isCanceled()

    def finished(self, ok: bool) -> None:  # main thread: the jobs released, then the export
        export, started = self.export, time.perf_counter()
        super().finished(ok)
        if hasattr(export, "timed"):
            export.timed("drawn", started)
