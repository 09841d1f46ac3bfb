"""Trace from the map: click a section, see the upstream reaches and candidate sources.

* :class:`TraceSession` builds the core's ``Tracer`` for one database once (in a task;
  reading the layers is the slow part) and then traces in milliseconds.
* :class:`SectionPickTool` is the map tool: a click picks the nearest section within
  the search radius and emits its code.
* :class:`TraceHighlight` draws a result with rubber bands on the canvas.
* :func:`result_layers` saves a result as styled memory layers in the project.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsMapCanvas, QgsMapTool, QgsMapToolEmitPoint, QgsRubberBand
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtGui import QColor

from ..core import symbology as sym
from .connection import DataSource
from .layer_loading import PROP_KIND
from .qgis_compat import enum_value
from .styles import line, marker
from .translation import tr

CRS_4490 = QgsCoordinateReferenceSystem("EPSG:4490")
TRACE_LAYERS = ("reaches", "sections", "control_units", "outfalls", "enterprises",
                "sewage_plants", "livestock_farms")
HIGHLIGHT_REACH = QColor(255, 204, 0, 200)  # a highlighter under the blue river lines
HIGHLIGHT_SOURCE = QColor(sym.PROBLEM_REACH_COLOUR)


class TraceSession:
    """The core's Tracer over one database, built once."""

    def __init__(self, source: DataSource) -> None:
        self.source = source
        self.tracer: Any = None

    def build(self, progress=None, cancelled=None) -> Any:
        """Read the layers the trace needs and build the network (worker thread safe)."""
        from ..core.db import open_database
        from ..core.network import Tracer

        frames = {}
        with open_database(self.source.core_target()) as db:
            for i, name in enumerate(TRACE_LAYERS):
                if cancelled is not None and cancelled():
                    return None
                frames[name] = db.read_layer(name)
                if progress is not None:
                    progress(80.0 * (i + 1) / len(TRACE_LAYERS))
        self.tracer = Tracer(frames)
        return self.tracer

    def trace(self, section_code: str, mode: str = "UT", distance_km: float | None = None):
        """A ``TraceResult`` (builds the tracer first when needed)."""
        if self.tracer is None:
            self.build()
        return self.tracer.trace(section_code, mode=mode, distance_km=distance_km)


def _point_geometry_type() -> Any:
    return enum_value(Qgis, "GeometryType", "Point", QgsWkbTypes.GeometryType, "PointGeometry")


def _line_geometry_type() -> Any:
    return enum_value(Qgis, "GeometryType", "Line", QgsWkbTypes.GeometryType, "LineGeometry")


class SectionPickTool(QgsMapToolEmitPoint):
    """Map tool: click near a monitoring section to trace from it."""

    sectionPicked = pyqtSignal(str)

    def __init__(self, canvas: QgsMapCanvas, sections: QgsVectorLayer) -> None:
        super().__init__(canvas)
        self.sections = sections
        self.canvasClicked.connect(self._clicked)

    def _clicked(self, point: QgsPointXY, _button: Any) -> None:
        code = self.section_at(point)
        if code:
            self.sectionPicked.emit(code)

    def section_at(self, point: QgsPointXY) -> str | None:
        """Code of the section nearest ``point`` (canvas CRS) within the search radius."""
        canvas = self.canvas()
        radius = QgsMapTool.searchRadiusMU(canvas)
        rect = QgsRectangle(point.x() - radius, point.y() - radius,
                            point.x() + radius, point.y() + radius)
        to_layer = QgsCoordinateTransform(canvas.mapSettings().destinationCrs(),
                                          self.sections.crs(), QgsProject.instance())
        rect = to_layer.transformBoundingBox(rect)
        here = QgsGeometry.fromPointXY(to_layer.transform(point))
        request = QgsFeatureRequest().setFilterRect(rect)
        best, best_d = None, float("inf")
        for feat in self.sections.getFeatures(request):
            d = feat.geometry().distance(here)
            if d < best_d:
                best, best_d = feat["code"], d
        return str(best) if best is not None else None


def shapely_to_qgs(geom: Any) -> QgsGeometry:
    """A QgsGeometry from a shapely geometry (through WKB)."""
    out = QgsGeometry()
    if geom is not None and not geom.is_empty:
        out.fromWkb(geom.wkb)
    return out


class TraceHighlight:
    """Rubber bands showing a trace result on a canvas."""

    def __init__(self, canvas: QgsMapCanvas) -> None:
        self.canvas = canvas
        self.bands: list[QgsRubberBand] = []

    def clear(self) -> None:
        for band in self.bands:
            band.reset()
            self.canvas.scene().removeItem(band)
        self.bands = []

    def show(self, result: Any, top: int = 20) -> None:
        """Upstream reaches as a broad highlighter, the top ``top`` sources ringed."""
        self.clear()
        reaches = QgsRubberBand(self.canvas, _line_geometry_type())
        reaches.setColor(HIGHLIGHT_REACH)
        reaches.setWidth(7)
        for geom in result.reaches_gdf.geometry:
            reaches.addGeometry(shapely_to_qgs(geom), CRS_4490)
        points = QgsRubberBand(self.canvas, _point_geometry_type())
        points.setColor(HIGHLIGHT_SOURCE)
        points.setIcon(QgsRubberBand.IconType.ICON_CIRCLE)
        points.setIconSize(14)
        points.setWidth(2)
        for geom in result.top(top).geometry:
            points.addGeometry(shapely_to_qgs(geom), CRS_4490)
        self.bands = [reaches, points]
        self.canvas.refresh()

    def extent(self, result: Any) -> QgsRectangle:
        """The result's extent in the canvas CRS."""
        rect = QgsRectangle()
        rect.setMinimal()
        for gdf in (result.reaches_gdf, result.sources_gdf):
            if len(gdf):
                x0, y0, x1, y1 = gdf.total_bounds
                rect.combineExtentWith(QgsRectangle(x0, y0, x1, y1))
        transform = QgsCoordinateTransform(CRS_4490, self.canvas.mapSettings().destinationCrs(),
                                           QgsProject.instance())
        return transform.transformBoundingBox(rect) if not rect.isEmpty() else rect


# --- saving a result --------------------------------------------------------------
def gdf_to_layer(gdf: Any, name: str, geometry: str) -> QgsVectorLayer:
    """A memory layer from a GeoDataFrame (EPSG:4490); lists become text."""
    from .thematic_layers import _py, memory_layer

    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    kinds = []
    for c in cols:
        kind = gdf[c].dtype.kind
        kinds.append("integer" if kind in "iu" else "double" if kind == "f" else "string")
    layer = memory_layer(geometry, name, list(zip(cols, kinds)))
    feats = []
    for geom, row in zip(gdf.geometry.tolist(), gdf[cols].itertuples(index=False, name=None)):
        feat = QgsFeature(layer.fields())
        feat.setGeometry(shapely_to_qgs(geom))
        feat.setAttributes([_py(v) if not isinstance(v, (list, dict)) else str(v) for v in row])
        feats.append(feat)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    return layer


def _source_renderer():
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory

    from .styles import bilingual

    cats = [QgsRendererCategory(key, marker(s.shape, s.colour, 3.2, "#ffffff", 0.3),
                                bilingual(s.label_zh, s.label_en))
            for key, s in sym.SOURCE_SYMBOLS.items()]
    return QgsCategorizedSymbolRenderer("layer", cats)


def result_layers(result: Any, group: QgsLayerTreeGroup,
                  project: QgsProject | None = None) -> list[QgsVectorLayer]:
    """Save ``result`` as three styled memory layers in a trace sub-group of ``group``."""
    from qgis.core import QgsSingleSymbolRenderer

    from .styles import fill

    project = project or QgsProject.instance()
    code = result.section.get("code")
    sub = group.insertGroup(0, tr("Trace from {0} ({1})").format(code, result.mode))
    sub.setCustomProperty(PROP_KIND, "trace")
    made = []
    specs = (
        (result.sources_gdf, tr("Candidate sources"), "Point", _source_renderer()),
        (result.reaches_gdf, tr("Upstream reaches"), "LineString",
         QgsSingleSymbolRenderer(line("#ffcc00", 2.2))),
        (result.control_units_gdf, tr("Drainage control units"), "MultiPolygon",
         QgsSingleSymbolRenderer(fill("", sym.CONTROL_UNIT_OUTLINE, outline_width=0.6))),
    )
    for gdf, name, geometry, renderer in specs:
        layer = gdf_to_layer(gdf, f"{name} {code}", geometry)
        layer.setRenderer(renderer)
        project.addMapLayer(layer, False)
        sub.addLayer(layer)
        made.append(layer)
    return made
