"""The one database input of every algorithm that opens a database.

:class:`DatabaseInputMixin` adds, through :meth:`~DatabaseInputMixin.add_database_parameter`:

* ``DATABASE`` — a GeoPackage file, or typed: a PostgreSQL DSN, ``service=NAME``, the name
  of a PostgreSQL connection saved in QGIS (``pg:NAME`` or ``NAME``), any of those with
  ``authcfg=ID`` (QGIS's authentication database), see :func:`.base.core_target`;
* ``CONNECTION`` — the same saved connection picked from a list
  (``QgsProcessingParameterProviderConnection`` of the ``postgres`` provider);
* ``DSN`` — hidden, the old name of the connection parameter of the analysis, HTML and
  network algorithms, still read so that existing models and scripts keep working.

Give one of them (two different ones are an error).  A password in any of them is masked
in the Processing history, the dialog's log and the messages (``base.masked``).
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterProviderConnection,
)

from .algorithm_base import DatabaseFileParameter, DatabaseStringParameter, core_target, masked
from .processing_enums import file_behavior, parameter_flag


class DatabaseInputParameter(DatabaseFileParameter):  # type: ignore[misc, valid-type]
    """A GeoPackage file parameter that also accepts typed text (a DSN, ``pg:NAME`` …):
    QGIS's file check would refuse it in the dialog and in ``qgis_process``; the
    algorithm resolves it and says clearly what is wrong."""

    def checkValueIsAcceptable(self, value: object, context=None) -> bool:  # noqa: N802
        if isinstance(value, str) and value.strip():
            return True
        return super().checkValueIsAcceptable(value, context)


class DatabaseInputMixin:
    """``add_database_parameter()`` in ``initAlgorithm``; ``database_target`` /
    ``open_database`` / ``open_current`` in ``processAlgorithm`` (mixed into a
    ``PollutionAlgorithm``)."""

    DATABASE = "DATABASE"
    CONNECTION = "CONNECTION"
    DSN = "DSN"  # hidden alias (models and scripts made before the one database input)

    def add_database_parameter(self: Any) -> None:
        """The database parameters (see the module doc)."""
        self.addParameter(DatabaseInputParameter(
            self.DATABASE,
            self.tr("Database (GeoPackage file, PostgreSQL connection string or saved "
                    "connection name)"),
            behavior=file_behavior("File"),
            fileFilter="GeoPackage (*.gpkg);;All files (*.*)", optional=True))
        self.addParameter(QgsProcessingParameterProviderConnection(
            self.CONNECTION, self.tr("or PostgreSQL connection saved in QGIS"), "postgres",
            optional=True))
        alias = DatabaseStringParameter(
            self.DSN, self.tr("or PostgreSQL connection (DSN or service=…)"), optional=True)
        alias.setFlags(alias.flags() | parameter_flag("Hidden"))
        self.addParameter(alias)

    def database_target(self: Any, parameters: dict, context: QgsProcessingContext) -> str:
        """The database as the user gave it (a path, DSN, ``pg:NAME`` …; may hold a
        password: mask it before showing it)."""
        given = []
        if self.parameterDefinition(self.CONNECTION) is not None:
            name = (self.parameterAsConnectionName(parameters, self.CONNECTION, context)
                    or "").strip()
            if name:
                given.append("pg:" + name)
        if self.parameterDefinition(self.DSN) is not None:
            given.append((self.parameterAsString(parameters, self.DSN, context) or "").strip())
        given.append((self.parameterAsFile(parameters, self.DATABASE, context) or "").strip())
        distinct = list(dict.fromkeys(t for t in given if t))
        if not distinct:
            raise QgsProcessingException(self.tr(
                "Give a database: a GeoPackage file or a PostgreSQL connection"))
        if len(distinct) > 1:
            raise QgsProcessingException(self.tr(
                "Give one database, not several: {targets}").format(
                    targets=", ".join(str(masked(t)) for t in distinct)))
        return distinct[0]

    def core_database_target(self: Any, parameters: dict,
                             context: QgsProcessingContext) -> str:
        """What ``core.db`` opens: saved connections and ``authcfg`` resolved (in memory)."""
        return core_target(self.database_target(parameters, context))

    def open_database(self: Any, parameters: dict, context: QgsProcessingContext,
                      check: bool = True):
        """The opened database (``core.db.open_database``); errors as
        ``QgsProcessingException``."""
        self.require_modules("pandas", "geopandas")
        from ..core.db import open_database

        target = self.core_database_target(parameters, context)
        try:
            return open_database(target, check=check)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            raise QgsProcessingException(str(masked(str(exc)))) from None

    def open_current(self: Any, parameters: dict, context: QgsProcessingContext,
                     feedback: Any = None):
        """The database opened for writing: an older schema is migrated first, and the
        feedback told so (``core.db.open_current``)."""
        self.require_modules("pandas", "geopandas")
        from ..core.db import open_current

        target = self.core_database_target(parameters, context)
        log = feedback.pushInfo if feedback is not None else None
        try:
            return open_current(target, log=log)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            raise QgsProcessingException(str(masked(str(exc)))) from None
