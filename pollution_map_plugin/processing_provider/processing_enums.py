"""Processing enums that QGIS 3.36+ moved into ``Qgis`` (and QGIS 4 / Qt 6 only has there).

Each helper returns the ``Qgis`` member where it exists, else the scoped member of the old
class enum (QGIS 3.22 … 3.34), so no algorithm spells an unscoped enum that Qt 6 lacks.
The old class enums are looked up only when ``Qgis`` lacks the new one.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)

#: ``QgsFeatureSink.Flag`` stayed in its class: the scoped form works on 3.22 and on 4.
FAST_INSERT = QgsFeatureSink.Flag.FastInsert


def _member(new_enum: str, new_name: str, old_owner: Any, old_enum: str, old_name: str) -> Any:
    """``Qgis.<new_enum>.<new_name>`` if it exists, else ``old_owner.<old_enum>.<old_name>``."""
    enum = getattr(Qgis, new_enum, None)
    if enum is not None and hasattr(enum, new_name):
        return getattr(enum, new_name)
    return getattr(getattr(old_owner, old_enum), old_name)


def number_type(name: str) -> Any:
    """A number parameter type: ``"Integer"`` or ``"Double"``."""
    return _member("ProcessingNumberParameterType", name, QgsProcessingParameterNumber, "Type",
                   name)


def file_behavior(name: str) -> Any:
    """A file parameter behaviour: ``"File"`` or ``"Folder"``."""
    return _member("ProcessingFileParameterBehavior", name, QgsProcessingParameterFile,
                   "Behavior", name)


def source_type(name: str) -> Any:
    """A layer source type by its QGIS 3.36 name (``"VectorLine"``, ``"VectorPoint"`` …)."""
    return _member("ProcessingSourceType", name, QgsProcessing, "SourceType", f"Type{name}")


def parameter_flag(name: str) -> Any:
    """A parameter flag by its QGIS 3.36 name (``"Hidden"``, ``"Optional"`` …)."""
    return _member("ProcessingParameterFlag", name, QgsProcessingParameterDefinition, "Flag",
                   f"Flag{name}")
