"""The panel's *Import river network…*: a bureau's line layers into the loaded database.

The same core job as ``import-network`` and the Processing algorithm
(``core.network.network_import.import_network``, then ``core.linking.link``), run in a
QgsTask; the report lines go to the log, the per-feature report beside the database,
and the layers of the database group are reloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from qgis.core import Qgis, QgsLayerTreeGroup
from qgis.PyQt.QtWidgets import QFileDialog, QMessageBox, QWidget

from .layer_loading import group_layers, group_source
from .tasks import log, run_task
from .translation import tr

LINE_FILES = "*.shp *.gpkg *.geojson *.json *.gml *.kml"


def import_network_task(parent: QWidget, group: QgsLayerTreeGroup,
                        message: Callable[..., None], on_error: Callable[[BaseException], None],
                        files: list[str] | None = None, replace: bool | None = None) -> Any:
    """Ask for the files (unless given), confirm a replacement, run the import in a task."""
    source = group_source(group)
    if files is None:
        files, _ = QFileDialog.getOpenFileNames(
            parent, tr("River network: one or more line layers"), "",
            tr("Line layers ({0})").format(LINE_FILES))
    if not files:
        return None
    target = source.core_target()
    counts = {t: lyr.featureCount() for t, lyr in group_layers(group).items()
              if t in ("rivers", "reaches")}
    if replace is None:
        replace = True
        if any(counts.values()):
            answer = QMessageBox.question(
                parent, tr("Import river network"),
                tr("The database already holds {0} rivers and {1} reaches. Replace them?")
                .format(counts.get("rivers", 0), counts.get("reaches", 0)))
            if answer != QMessageBox.StandardButton.Yes:
                return None
    report = None if source.kind != "gpkg" else \
        str(Path(source.path).with_suffix("")) + "_network_report.csv"

    def work(progress, _cancelled):
        from ..core.db import open_database
        from ..core.linking import link
        from ..core.network.network_import import NetworkImportOptions, import_network
        from ..core.schema import SCHEMA_VERSION

        options = NetworkImportOptions([str(f) for f in files], replace=replace)
        with open_database(target) as db:
            if db.schema_version() < SCHEMA_VERSION:
                db.migrate()
            progress(10.0)
            result = import_network(db, options)
            progress(80.0)
            if report:
                result.write_report(report)
            links = link(db)
        return result.report_lines(), links.report_lines()

    def done(lines) -> None:
        network, links = lines
        log("\n".join([*network, *links]))
        for table in ("rivers", "reaches"):
            layer = group_layers(group).get(table)
            if layer is not None:
                layer.dataProvider().reloadData()
                layer.updateExtents()
                layer.triggerRepaint()
        text = tr("River network imported: {0}").format(network[0] if network else "")
        if report:
            text += " " + tr("(report: {0})").format(report)
        message(text, Qgis.MessageLevel.Success)

    return run_task(tr("Importing the river network"), work, done, on_error)
