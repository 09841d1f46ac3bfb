"""Extents and the map CRS of a database's layers (no dependency on the plugin's layer tree)."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProject,
    QgsRectangle,
)


def layers_extent(layers, crs: QgsCoordinateReferenceSystem,
                  project: QgsProject) -> QgsRectangle:
    """The extent of ``layers`` ({table: layer}) in ``crs``, from the framing tables."""
    extent = QgsRectangle()
    if hasattr(extent, "setNull"):  # QGIS >= 3.34 (setMinimal is deprecated there)
        extent.setNull()
    else:
        extent.setMinimal()
    for table in ("control_units", "reaches", "rivers", "sections"):
        layer = layers.get(table)
        if layer is None or layer.featureCount() == 0:
            continue
        rect = layer.extent()
        if rect.isEmpty():
            continue
        transform = QgsCoordinateTransform(layer.crs(), crs, project)
        extent.combineExtentWith(transform.transformBoundingBox(rect))
    return extent


def zone_crs(extent_lonlat: QgsRectangle) -> QgsCoordinateReferenceSystem:
    """CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534–4554) of a lon/lat extent."""
    geo = QgsCoordinateReferenceSystem("EPSG:4490")
    if extent_lonlat.isEmpty() or extent_lonlat.width() < 0:
        return geo
    cm = int(round(extent_lonlat.center().x() / 3.0) * 3)
    if not 75 <= cm <= 135:
        return geo
    crs = QgsCoordinateReferenceSystem(f"EPSG:{4534 + (cm - 75) // 3}")
    return crs if crs.isValid() else geo
