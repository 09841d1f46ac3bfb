"""The "import_network" and "link_network" Processing algorithms, with real QGIS."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer

from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.processing_provider.network_algorithms import (
    ALGORITHMS,
    ImportNetwork,
    LinkToNetwork,
    _ogr_source,
)
from tests.core.test_network_import import D, tributary, trunk, write_lines


def test_algorithms_and_sources() -> None:
    assert [ImportNetwork, LinkToNetwork] == ALGORITHMS
    assert [a().name() for a in ALGORITHMS] == ["import_network", "link_network"]
    assert _ogr_source("/d/a.gpkg|layername=rivers|subset=x") == "/d/a.gpkg|layer=rivers"
    assert _ogr_source("/d/a.shp|layerid=0") == "/d/a.shp"


def test_import_and_link_run(qgis_processing, qgis_new_project, tmp_path: Path) -> None:
    import processing

    lines = trunk() + [tributary(106.0 + D)]
    lines[1] = ("主河", lines[1][1][::-1])
    gpkg = write_lines(tmp_path / "lines.gpkg", lines, "GPKG")
    layer = QgsVectorLayer(f"{gpkg}|layername=rivers", "rivers", "ogr")
    assert layer.isValid()
    # a layer of the project, as a user picks it (a free-standing layer handed to
    # Processing and collected by Python crashes QGIS at exit)
    qgis_new_project.addMapLayer(layer)
    db_path = tmp_path / "n.gpkg"
    create_database(db_path).close()
    report = tmp_path / "report.csv"
    res = processing.run(ImportNetwork(), {"DATABASE": str(db_path), "LINES": [layer],
                                           "TOLERANCE": 5.0, "REPORT": str(report)})
    assert res["REVERSED"] == 1 and res["REACHES"] == 3
    assert report.read_text(encoding="utf-8-sig").count("\n") == 6
    with open_database(db_path) as db:
        assert db.count("reaches") == 3 and db.count("rivers") == 2
    with pytest.raises(QgsProcessingException, match="--replace"):
        processing.run(ImportNetwork(), {"DATABASE": str(db_path), "LINES": [str(gpkg)]})
    with pytest.raises(QgsProcessingException, match="lon,lat"):
        processing.run(ImportNetwork(), {"DATABASE": str(db_path), "LINES": [str(gpkg)],
                                         "OUTLET": "106", "REPLACE": True})
    res = processing.run(LinkToNetwork(), {"DATABASE": str(db_path), "DRY_RUN": True})
    assert res["TOO_FAR"] == 0
