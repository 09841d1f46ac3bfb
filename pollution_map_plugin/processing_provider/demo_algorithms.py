"""Processing: build the synthetic demo database into a GeoPackage."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from .algorithm_base import PollutionAlgorithm
from .processing_enums import number_type

SCALES = ("demo", "chongqing")


class BuildDemoDatabase(PollutionAlgorithm):
    """Generate the deterministic synthetic database and write it to a GeoPackage."""

    NAME = "build_demo_database"
    GROUP_ID = "demo"
    SCALE = "SCALE"
    SEED = "SEED"
    OUTPUT = "OUTPUT"

    def displayName(self) -> str:
        return self.tr("Build demo database")

    def shortHelpString(self) -> str:
        return self.tr(
            "Generates a synthetic, hydrologically consistent pollution-source database "
            "(rivers, reaches, control units, sections, sources, monthly measurements, "
            "river chiefs, problems and projects) and writes it to a GeoPackage. The same "
            "seed always gives the same data. Scale 'demo' is one city and takes seconds; "
            "'chongqing' has the size of a municipal deployment (about a million "
            "measurements) and takes a few minutes. The data is fictitious and the "
            "database metadata says so."
        )

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.addParameter(QgsProcessingParameterEnum(
            self.SCALE, self.tr("Scale"), options=[self.tr("Demo (one city)"),
                                                    self.tr("Chongqing (full size)")],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            self.SEED, self.tr("Random seed"), number_type("Integer"),
            defaultValue=1, minValue=0))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Demo GeoPackage"), self.tr("GeoPackage (*.gpkg)")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        self.require_modules("numpy", "pandas", "shapely", "geopandas", "pyproj")
        from ..synthetic_data import NOTICE_EN, build_database, generate

        scale = SCALES[self.parameterAsEnum(parameters, self.SCALE, context)]
        seed = self.parameterAsInt(parameters, self.SEED, context)
        out = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        if not out:
            raise QgsProcessingException(self.tr("No output file given"))
        if not out.lower().endswith(".gpkg"):
            out += ".gpkg"
        feedback.pushInfo(self.tr("Generating scale {scale}, seed {seed}…").format(
            scale=scale, seed=seed))
        tables = generate(scale, seed=seed)
        feedback.setProgress(60)
        if feedback.isCanceled():
            return {}
        feedback.pushInfo(self.tr("Writing {path}").format(path=out))
        try:
            db = build_database(out, scale, seed=seed, overwrite=True, data=tables)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            raise QgsProcessingException(str(exc)) from exc
        try:
            for name, n in db.counts().items():
                feedback.pushInfo(f"{name}: {n}")
        finally:
            db.close()
        feedback.pushInfo(self.tr("Synthetic data: ") + NOTICE_EN)
        feedback.setProgress(100)
        return {self.OUTPUT: out}


ALGORITHMS: list = [BuildDemoDatabase]
