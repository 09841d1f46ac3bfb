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
                "sewage_plants", "livestock_farms", "petrol_stations")
HIGHLIGHT_REACH = QColor(255, 204, 0, 200)  # a highlighter under the blue river lines
HIGHLIGHT_SOURCE = QColor(sym.PROBLEM_REACH_COLOUR)


class TraceSession:
    """The core's Tracer over one database, built once, with the period's assessment
    (``attribution``: a ``SourceAttribution``, for the item-matched shares)."""

    def __init__(self, source: DataSource, period: str | None = None,
                 settings_path: str | None = None) -> None:
        self.source = source
        self.period = period
        self.settings_path = settings_path
        self.tracer: Any = None
        self.attribution: Any = None
        self._frames: dict | None = None  # measurements and sections, to assess again

    def build(self, progress=None, cancelled=None) -> Any:
        """Read the layers and measurements, build the network and assess the period
        (worker thread safe)."""
        from ..core.assessment.database_reads import MEASUREMENT_COLUMNS
        from ..core.db import open_database
        from ..core.network.load_estimates import load_trace_settings
        from ..core.network.source_attribution import SourceAttribution

        frames = {}
        with open_database(self.source.core_target()) as db:
            for i, name in enumerate(TRACE_LAYERS):
                if cancelled is not None and cancelled():
                    return None
                try:
                    frames[name] = db.read_layer(name)
                except Exception:  # noqa: BLE001 - an optional layer of an older database
                    if name in ("reaches", "sections"):
                        raise
                    frames[name] = None
                if progress is not None:
                    progress(60.0 * (i + 1) / len(TRACE_LAYERS))
            frames["measurements"] = db.read_table("measurements", columns=MEASUREMENT_COLUMNS)
        if progress is not None:
            progress(75.0)
        settings = load_trace_settings(self.settings_path)
        self.attribution = SourceAttribution.from_frames(frames, self.period, settings=settings)
        self._frames = {"measurements": frames["measurements"],
                        "sections": frames["sections"]}
        self.tracer = self.attribution.tracer
        return self.tracer

    def set_period(self, period: str | None) -> None:
        """Assess another period (the network and sources stay); ValueError if bad."""
        from ..core.network.source_attribution import SourceAttribution

        self.period = period
        if self.tracer is not None and self._frames is not None:
            self.attribution = SourceAttribution.from_frames(
                self._frames, period, settings=self.attribution.settings, tracer=self.tracer)

    def trace(self, section_code: str, mode: str = "UT", distance_km: float | None = None):
        """A ``TraceResult`` (builds the tracer first when needed)."""
        if self.tracer is None:
            self.build()
        return self.tracer.trace(section_code, mode=mode, distance_km=distance_km)

    def main_item(self, section_code: str) -> str | None:
        """The section's main failing item in the period (None: none, or no data)."""
        return self.attribution.main_item(section_code) if self.attribution else None

    def attribute(self, section_code: str, item: str, mode: str = "UT",
                  distance_km: float | None = None) -> tuple[Any, Any, list[str]]:
        """(the TraceResult, the item's ``ItemShares`` or None, notes); ValueError on
        bad input."""
        if self.tracer is None:
            self.build()
        found = self.attribution.attribute(section_code, [item], mode=mode,
                                           distance_km=distance_km)
        shares = next(iter(found.shares.values()), None)
        return found.trace, shares, list(found.notes)


def _point_geometry_type() -> Any:
    return enum_value(Qgis, "GeometryType", "Point", QgsWkbTypes.GeometryType, "PointGeometry")


def _line_geometry_type() -> Any:
    return enum_value(Qgis, "GeometryType", "Line", QgsWkbTypes.GeometryType, "LineGeometry")


def _polygon_geometry_type() -> Any:
    return enum_value(Qgis, "GeometryType", "Polygon", QgsWkbTypes.GeometryType,
                      "PolygonGeometry")


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

    def show_shares(self, result: Any, shares: Any, top: int = 50) -> None:
        """Upstream reaches, the ``top`` contributors ringed by share (the icon's size
        grows with the share) and the control units filled by their share."""
        self.clear()
        reaches = QgsRubberBand(self.canvas, _line_geometry_type())
        reaches.setColor(HIGHLIGHT_REACH)
        reaches.setWidth(7)
        for geom in result.reaches_gdf.geometry:
            reaches.addGeometry(shapely_to_qgs(geom), CRS_4490)
        self.bands = [reaches]
        units = result.control_units_gdf
        if len(units):
            share = shares.by_unit().set_index("unit_code")["share"].to_dict()
            for code, geom in zip(units["code"], units.geometry):
                s = float(share.get(code, 0.0))
                if s <= 0:
                    continue
                band = QgsRubberBand(self.canvas, _polygon_geometry_type())
                fill = QColor(HIGHLIGHT_SOURCE)
                fill.setAlpha(int(30 + 150 * min(s, 1.0)))
                band.setFillColor(fill)
                band.setStrokeColor(QColor(HIGHLIGHT_SOURCE))
                band.setWidth(1)
                band.addGeometry(shapely_to_qgs(geom), CRS_4490)
                self.bands.insert(0, band)  # under the reaches and sources
        sel = shares.top(top)
        geoms = shares.source_geometries(top)
        for s, geom in zip(shares.shares[sel], geoms):
            band = QgsRubberBand(self.canvas, _point_geometry_type())
            band.setColor(HIGHLIGHT_SOURCE)
            band.setIcon(QgsRubberBand.IconType.ICON_CIRCLE)
            band.setIconSize(int(8 + 40 * float(s) ** 0.5))
            band.setWidth(2)
            band.addGeometry(shapely_to_qgs(geom), CRS_4490)
            self.bands.append(band)
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
    from .thematic_layers import memory_layer, python_value

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
        feat.setAttributes([python_value(v) if not isinstance(v, (list, dict)) else str(v)
                            for v in row])
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


def result_layers(result: Any, group: QgsLayerTreeGroup, project: QgsProject | None = None,
                  shares: Any = None) -> list[QgsVectorLayer]:
    """Save ``result`` as three styled memory layers in a trace sub-group of ``group``
    (a fourth, first, with an item's ``shares``: the sources with their shares)."""
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
    if shares is not None:
        from ..core.network.result import to_geodataframe

        gdf = to_geodataframe(shares.sources_frame(), shares.source_geometries(), result.crs)
        specs = ((gdf, tr("Shares of {0}").format(shares.item), "Point",
                  _source_renderer()), *specs)
    for gdf, name, geometry, renderer in specs:
        layer = gdf_to_layer(gdf, f"{name} {code}", geometry)
        layer.setRenderer(renderer)
        project.addMapLayer(layer, False)
        sub.addLayer(layer)
        made.append(layer)
    return made
