"""Enum and API differences between QGIS 3.22 (Qt5) and newer QGIS 3.x / 4 (Qt6).

Only scoped enums that exist on both sides are used elsewhere; where QGIS moved an
enum into ``Qgis`` (3.30+) the helpers here pick whichever exists.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsFeatureRequest,
    QgsGraduatedSymbolRenderer,
    QgsLegendStyle,
    QgsRelation,
    QgsSymbolLayer,
    QgsUnitTypes,
    QgsWkbTypes,
)


def enum_value(new_owner: Any, new_enum: str, new_name: str, old_owner: Any, old_name: str) -> Any:
    """``new_owner.new_enum.new_name`` if it exists, else ``old_owner.old_name``."""
    enum = getattr(new_owner, new_enum, None)
    if enum is not None and hasattr(enum, new_name):
        return getattr(enum, new_name)
    return getattr(old_owner, old_name)


def graduated_size() -> Any:
    """The 'graduated by size' method of QgsGraduatedSymbolRenderer."""
    return enum_value(
        Qgis, "GraduatedMethod", "Size",
        QgsGraduatedSymbolRenderer.GraduatedMethod, "GraduatedSize",
    )


def distance_kilometers() -> Any:
    """Kilometres as a distance unit (scale bars)."""
    return enum_value(
        Qgis, "DistanceUnit", "Kilometers", QgsUnitTypes.DistanceUnit, "DistanceKilometers"
    )


def layout_millimeters() -> Any:
    """Millimetres as a layout unit."""
    return enum_value(
        Qgis, "LayoutUnit", "Millimeters", QgsUnitTypes.LayoutUnit, "LayoutMillimeters"
    )


def wkb_type(name: str) -> Any:
    """A WKB type by name (Point, LineString, MultiLineString, MultiPolygon)."""
    return enum_value(Qgis, "WkbType", name, QgsWkbTypes.Type, name)


def symbol_property(name: str) -> Any:
    """A symbol-layer data-defined property by short name (Name, Size)."""
    prop = QgsSymbolLayer.Property
    value = getattr(prop, name, None)  # QGIS ≥ 3.30 (values may be 0: test for None)
    return value if value is not None else getattr(prop, f"Property{name}")


def relation_association() -> Any:
    return enum_value(Qgis, "RelationshipStrength", "Association",
                      QgsRelation.RelationStrength, "Association")


def legend_style(name: str) -> Any:
    """A legend component (Title, Subgroup, SymbolLabel)."""
    return enum_value(Qgis, "LegendComponent", name, QgsLegendStyle.Style, name)


def no_geometry_flag() -> Any:
    return enum_value(Qgis, "FeatureRequestFlag", "NoGeometry", QgsFeatureRequest.Flag,
                      "NoGeometry")


def qgis_locale() -> str:
    """QGIS's user interface locale, e.g. ``zh_CN`` or ``en_US``."""
    try:
        return QgsApplication.locale() or ""
    except Exception:  # noqa: BLE001 - before QgsApplication exists
        return ""


def is_chinese() -> bool:
    """True when QGIS runs in a Chinese locale (aliases and names in Chinese)."""
    return qgis_locale().lower().startswith("zh")
