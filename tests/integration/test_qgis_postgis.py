"""The demo database in a real PostGIS server, loaded into QGIS with the postgres
provider: layers, renderers, relations, maps, and no password in the project."""

from __future__ import annotations

import pytest
from qgis.core import QgsDataSourceUri, QgsProviderRegistry

from pollution_map_plugin.core import schema
from pollution_map_plugin.core import symbology as sym
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.qgis_desktop.connection import ESTIMATED_COUNT, resolve
from pollution_map_plugin.qgis_desktop.layer_loading import (
    group_layers,
    group_source,
    load_database,
)
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_themes import MAPS, build_maps, thematic_layers
from tests.fixtures.postgis import PASSWORD, stored_rows

TABLES = [t.name for t in schema.TABLES if t.name not in ("db_metadata", "schema_version")]


@pytest.fixture
def demo_pg(postgis_db_dsn, demo_db_path) -> tuple[str, dict[str, int]]:
    """The demo GeoPackage copied table by table into PostGIS with the db API."""
    with open_database(demo_db_path) as src, create_database(postgis_db_dsn) as dst:
        with dst.transaction():
            for name in TABLES:
                decl = schema.table(name)
                frame = src.read_layer(name) if decl.is_spatial else src.read_table(name)
                dst.write(name, frame, mode="append")
            dst.set_metadata(src.metadata())
        counts = dst.counts()
    return postgis_db_dsn, counts


def test_load_postgis_layers_styled_and_related(qgis_new_project, demo_pg, tmp_path):
    dsn, counts = demo_pg
    group = load_database(dsn, qgis_new_project)
    layers = group_layers(group)
    assert set(layers) == {t for t in TABLES if t not in ("db_metadata",)} & set(layers)
    assert len(layers) == 16  # 15 tables and, since schema 3, the districts
    for table, layer in layers.items():
        assert layer.isValid(), table
        assert layer.providerType() == "postgres"
        # the count from the statistics where it is estimated; every row still there
        estimated = QgsDataSourceUri(layer.source()).useEstimatedMetadata()
        assert estimated == (table in ESTIMATED_COUNT), table
        assert stored_rows(layer) == counts[table], table
    cats = layers["sections"].renderer().categories()
    assert {c.value() for c in cats} == set(sym.SECTION_LEVEL_SHAPES)
    ranges = layers["enterprises"].renderer().ranges()
    assert {r.symbol().color().name() for r in ranges} == \
        {sym.SOURCE_SYMBOLS["enterprises"].colour}
    relations = qgis_new_project.relationManager().referencedRelations(layers["rivers"])
    assert {r.referencingLayer().customProperty("pollution_map/table") for r in relations} >= \
        {"river_chiefs", "problems", "projects"}

    # the password is in no layer source and nowhere in the saved project
    for layer in layers.values():
        assert PASSWORD not in layer.source()
    path = tmp_path / "project.qgs"
    assert qgis_new_project.write(str(path))
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert "pm_user" in text  # the connection itself is there
    assert PASSWORD not in group_source(group).describe()


def test_maps_from_postgis(qgis_new_project, demo_pg):
    dsn, counts = demo_pg
    group = load_database(dsn, qgis_new_project)
    data = compute_map_data(group_source(group).core_target())
    themes = build_maps(group, data, qgis_new_project)
    assert set(themes.values()) == {m.theme for m in MAPS}
    classes = thematic_layers(group)["section_classes"]
    assert classes.featureCount() == counts["sections"]


def test_saved_qgis_connection(qgis_new_project, demo_pg):
    """A connection saved in QGIS (here with its password, as some users do): loaded by
    name, and the project still gets no password."""
    dsn, counts = demo_pg
    parsed = resolve(dsn)
    meta = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = (f"host={parsed.params['host']} port={parsed.params['port']} "
           f"dbname={parsed.params['dbname']} user={parsed.params['user']} "
           f"password={PASSWORD} sslmode=disable")
    name = "pm-test-connection"
    conn = meta.createConnection(uri, {"saveUsername": True, "savePassword": True})
    meta.saveConnection(conn, name)
    try:
        group = load_database(f"pg:{name}", qgis_new_project)
        layers = group_layers(group)
        assert all(layer.isValid() for layer in layers.values())
        assert layers["sections"].featureCount() == counts["sections"]
        assert all(PASSWORD not in layer.source() for layer in layers.values())
    finally:
        meta.deleteConnection(name)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_is_down_gives_one_clear_error(qgis_iface, qgis_new_project, qtbot):
    """One connection check before any layer: no credential dialog per table, one
    message that says what is wrong, nothing added to the project."""
    from qgis.core import QgsCredentials

    from pollution_map_plugin.qgis_desktop.dock import PollutionDock

    asked: list[str] = []

    class Recording(QgsCredentials):
        def request(self, realm, username, password, message=""):
            asked.append(realm)
            return False, username, password

        def requestMasterPassword(self, password, stored=False):
            return False, password

    original = QgsCredentials.instance()
    recorder = Recording()
    recorder.setInstance(recorder)
    errors: list[BaseException] = []
    dock = PollutionDock(qgis_iface)
    dock.project = qgis_new_project
    dock.error = errors.append
    port = _free_port()
    try:
        dock.load(f"host=127.0.0.1 port={port} dbname=bureau user=gis password=secret-pw")
        qtbot.waitUntil(lambda: bool(errors), timeout=60_000)
        qtbot.wait(300)
    finally:
        recorder.setInstance(original)
    assert len(errors) == 1, errors
    text = str(errors[0])
    assert "Cannot open the database" in text and str(port) in text, text
    assert "secret-pw" not in text
    assert not qgis_new_project.mapLayers()
    assert not [realm for realm in asked if f"port={port}" in realm], asked  # no prompt for it
    dock.unload()
    dock.deleteLater()
