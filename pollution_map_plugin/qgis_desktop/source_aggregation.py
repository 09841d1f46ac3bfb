"""The pollution map's scale rule: sources aggregated zoomed out, individual symbols in.

A database with more than :data:`AGGREGATE_ABOVE` sources (a municipality: ~43,000)
draws them, at scales smaller than 1::data:`DETAIL_SCALE`, as a hexagon grid (about 40
hexagons across the area) coloured by the COD load of the sources in each hexagon, with
a dot in the colour of the type most of them are; from 1:250,000 in, the hexagons give
way to the individual symbols (source layers get that scale range).  A smaller database
keeps its symbols at every scale.  The rule is stated in the hexagon layer's name, so
the legend and the layer tree show it.
"""

from __future__ import annotations

from qgis.core import (
    QgsFeature,
    QgsField,
    QgsFillSymbol,
    QgsGeometry,
    QgsGraduatedSymbolRenderer,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsProperty,
    QgsRendererRange,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant

from ..core import schema
from ..core import symbology as sym
from ..core.source_hexbins import AGGREGATE_ABOVE, HexBins, hexbin_sources, read_source_points
from .qgis_compat import symbol_property
from .styles import alpha, format_break, quantile_breaks
from .translation import tr

DETAIL_SCALE = 250_000  # individual symbols from 1:250,000 in
PALETTE = ("#fff3d6", "#fdd49e", "#fdae6b", "#e6804a", "#b35a2a")  # muted, light to dark
KIND = "source_hexagons"
PROP_DETAIL = "pollution_map/detail_scale"  # the plugin set the layer's scale range


def needs_aggregation(layers: dict) -> bool:
    """Whether the source layers of ``layers`` ({table: layer}) are dense enough."""
    return sum(layers[t].featureCount() for t in schema.SOURCE_LAYERS
               if t in layers) > AGGREGATE_ABOVE


def compute_bins(core_target: str) -> HexBins:
    """The hexagon bins of the database's sources (core reads: fast, any thread)."""
    from ..core.db import open_database

    with open_database(core_target) as db:
        return hexbin_sources(read_source_points(db))


def hexagon_layer(bins: HexBins) -> QgsVectorLayer:
    """A memory layer (EPSG:4490) of the occupied hexagons."""
    name = tr("Sources per {0} km hexagon (COD load; beyond 1:{1:,})").format(
        round(bins.radius_km * 3 ** 0.5, 1), DETAIL_SCALE)
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4490", name, "memory")
    fields = [QgsField("hex_id", QVariant.Int), QgsField("n_sources", QVariant.Int),
              QgsField("cod_t_a", QVariant.Double), QgsField("dominant", QVariant.String),
              *(QgsField(f"n_{t}", QVariant.Int) for t in schema.SOURCE_LAYERS)]
    provider = layer.dataProvider()
    provider.addAttributes(fields)
    layer.updateFields()
    feats = []
    names = layer.fields().names()
    for row, ring in zip(bins.frame.itertuples(index=False), bins.polygons):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromMultiPolygonXY(
            [[[QgsPointXY(float(x), float(y)) for x, y in ring]]]))
        values = row._asdict()
        f.setAttributes([_value(values.get(n)) for n in names])
        feats.append(f)
    provider.addFeatures(feats)
    layer.updateExtents()
    layer.setScaleBasedVisibility(True)
    layer.setMaximumScale(DETAIL_SCALE)  # drawn only zoomed out beyond it
    return layer


def _value(v):
    if v is None:
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _dominant_case(attr: str) -> str:
    parts = " ".join(f"WHEN '{k}' THEN '{getattr(s, attr)}'" for k, s in sym.SOURCE_SYMBOLS.items())
    return f'CASE "dominant" {parts} ELSE \'#636363\' END'


def hexagon_renderer(values: list[float]) -> QgsGraduatedSymbolRenderer:
    """Hexagons by COD load (muted classes), a dot of the dominant source type's colour."""
    breaks = quantile_breaks(values, len(PALETTE))
    limits = [-1e12, *breaks, 1e12]
    ranges = []
    for i in range(len(limits) - 1):
        colour = PALETTE[min(i, len(PALETTE) - 1)]
        symbol = QgsFillSymbol.createSimple({
            "color": alpha(colour, 0.7), "outline_color": "255,255,255,200",
            "outline_width": "0.15"})
        dot = QgsMarkerSymbol.createSimple({"name": "circle", "size": "1.1",
                                            "outline_style": "no", "color": "#636363"})
        dot.symbolLayer(0).setDataDefinedProperty(symbol_property("FillColor"),
                                                  QgsProperty.fromExpression(
                                                      _dominant_case("colour")))
        from qgis.core import QgsCentroidFillSymbolLayer

        centroid = QgsCentroidFillSymbolLayer()
        centroid.setSubSymbol(dot)
        symbol.appendSymbolLayer(centroid)
        if i == 0:
            text = f"< {format_break(limits[1])} t/a"
        elif i == len(limits) - 2:
            text = f"≥ {format_break(limits[i])} t/a"
        else:
            text = f"{format_break(limits[i])} – {format_break(limits[i + 1])} t/a"
        ranges.append(QgsRendererRange(limits[i], limits[i + 1], symbol, text))
    return QgsGraduatedSymbolRenderer("cod_t_a", ranges)


def set_detail_scale(layers: dict, aggregated: bool) -> None:
    """Source layers drawn only from :data:`DETAIL_SCALE` in when ``aggregated``; a
    scale range the plugin did not set (the user's own) is left alone."""
    for table in schema.SOURCE_LAYERS:
        layer = layers.get(table)
        if layer is None:
            continue
        if aggregated:
            layer.setScaleBasedVisibility(True)
            layer.setMinimumScale(DETAIL_SCALE)
            layer.setCustomProperty(PROP_DETAIL, True)
        elif layer.customProperty(PROP_DETAIL):
            layer.setScaleBasedVisibility(False)
            layer.removeCustomProperty(PROP_DETAIL)
