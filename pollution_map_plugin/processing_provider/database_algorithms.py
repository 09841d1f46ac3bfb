"""Processing algorithms of the database: create, validate and migrate.

Validate and migrate take the one database input (``DatabaseInputMixin``: a GeoPackage,
a DSN or ``service=NAME``, a connection saved in QGIS as ``pg:NAME``, ``NAME`` or picked
in ``CONNECTION``, ``authcfg=ID``).  Create takes the same forms, typed, as its output.
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
)

from .algorithm_base import DatabaseDestinationParameter, PollutionAlgorithm, core_target, masked
from .database_input import DatabaseInputMixin


class _DatabaseAlgorithm(DatabaseInputMixin, PollutionAlgorithm):
    GROUP_ID = "database"


class ValidateDatabase(_DatabaseAlgorithm):
    """Report schema problems and broken links of a database."""

    NAME = "validate_database"

    def displayName(self) -> str:
        return self.tr("Validate database")

    def shortHelpString(self) -> str:
        return self.tr(
            "Checks a pollution-source database (GeoPackage or PostGIS): missing tables "
            "and columns, geometry types and coordinate system, unique natural keys, coded "
            "values, and links by code between tables (e.g. outfalls to reaches, "
            "measurements to sections). Every problem is listed; nothing is changed.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addOutput(QgsProcessingOutputNumber("PROBLEMS", self.tr("Number of problems")))
        self.addOutput(QgsProcessingOutputString("MESSAGES", self.tr("Problems")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        from ..core.db import DatabaseError

        try:
            with self.open_database(parameters, context, check=False) as db:
                feedback.pushInfo(self.tr("Validating {0}").format(db.describe()))
                messages = db.validate()
        except (DatabaseError, OSError, ValueError) as exc:
            raise QgsProcessingException(str(exc)) from None
        for message in messages:
            feedback.reportError(message, fatalError=False)
        if not messages:
            feedback.pushInfo(self.tr("No problems found."))
        return {"PROBLEMS": len(messages), "MESSAGES": "\n".join(messages)}


class CreateDatabase(PollutionAlgorithm):
    """Create an empty GeoPackage with the plugin's schema (or the tables in PostGIS:
    ``OUTPUT`` takes the forms of the database input, typed)."""

    GROUP_ID = "database"
    NAME = "create_database"
    OUTPUT = "OUTPUT"
    OVERWRITE = "OVERWRITE"

    def displayName(self) -> str:
        return self.tr("Create empty database")

    def shortHelpString(self) -> str:
        return self.tr(
            "Creates an empty pollution-source GeoPackage with every layer and table of "
            "the plugin's schema (CGCS2000, EPSG:4490), spatial indexes and unique "
            "natural keys. A PostgreSQL connection string, or the name of a connection "
            "saved in QGIS (pg:NAME), creates the tables in PostGIS.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.addParameter(DatabaseDestinationParameter(
            self.OUTPUT, self.tr("New database"), fileFilter="GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterBoolean(
            self.OVERWRITE, self.tr("Replace an existing database"), defaultValue=False))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        self.require_modules("pandas", "geopandas")
        from ..core.db import DatabaseError, create_database

        target = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        overwrite = self.parameterAsBool(parameters, self.OVERWRITE, context)
        try:
            with create_database(core_target(target), overwrite=overwrite) as db:
                feedback.pushInfo(self.tr("Created {0}").format(db.describe()))
        except (DatabaseError, OSError, ValueError) as exc:
            raise QgsProcessingException(str(exc)) from None
        return {self.OUTPUT: masked(target)}


class MigrateDatabase(_DatabaseAlgorithm):
    """Bring a database to the plugin's current schema version."""

    NAME = "migrate_database"

    def displayName(self) -> str:
        return self.tr("Migrate database to the current schema")

    def shortHelpString(self) -> str:
        return self.tr(
            "Applies the schema migrations a database needs to reach the version of this "
            "plugin, in one transaction: a failure leaves the database as it was.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addOutput(QgsProcessingOutputNumber("VERSION", self.tr("Schema version")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        from ..core.db import DatabaseError

        try:
            with self.open_database(parameters, context, check=False) as db:
                applied = db.migrate()
                version = db.schema_version()
        except (DatabaseError, OSError, ValueError) as exc:
            raise QgsProcessingException(str(exc)) from None
        if applied:
            feedback.pushInfo(self.tr("Migrated to schema version {0}").format(version))
        else:
            feedback.pushInfo(self.tr("Already at schema version {0}").format(version))
        return {"VERSION": version}


ALGORITHMS: list = [CreateDatabase, ValidateDatabase, MigrateDatabase]
