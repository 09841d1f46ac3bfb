"""Enum and API differences between QGIS 3.22 (Qt5) and newer QGIS 3.x / 4 (Qt6).

Only scoped enums that exist on both sides are used elsewhere; where QGIS moved an
enum into ``Qgis`` (3.30+) the helpers here pick whichever exists.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsGraduatedSymbolRenderer,
    QgsUnitTypes,
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


def qgis_locale() -> str:
    """QGIS's user interface locale, e.g. ``zh_CN`` or ``en_US``."""
    try:
        return QgsApplication.locale() or ""
    except Exception:  # noqa: BLE001 - before QgsApplication exists
        return ""


def is_chinese() -> bool:
    """True when QGIS runs in a Chinese locale (aliases and names in Chinese)."""
    return qgis_locale().lower().startswith("zh")
