"""One database input everywhere: every algorithm that opens a database takes a
GeoPackage, a connection saved in QGIS (``pg:NAME``, ``NAME``, picked in ``CONNECTION``)
and, for old models and scripts, the hidden ``DSN`` alias — against a real PostGIS server,
with the same answer from every form."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProviderRegistry,
    QgsVectorLayer,
)

from pollution_map_plugin.core.schema import SCHEMA_VERSION
from pollution_map_plugin.processing_provider import (
    analysis_algorithms,
    database_algorithms,
    html_algorithms,
    import_algorithms,
    maps_algorithms,
    network_algorithms,
)
from pollution_map_plugin.processing_provider.database_input import DatabaseInputMixin
from pollution_map_plugin.processing_provider.processing_enums import parameter_flag
from pollution_map_plugin.processing_provider.provider import algorithm_classes
from pollution_map_plugin.qgis_desktop.connection import resolve
from tests.core.test_network_import import D, tributary, trunk, write_lines
from tests.fixtures.postgis import PASSWORD

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "import"
READ_NAME = "pm-input-read"
WRITE_NAME = "pm-input-write"
# every way to name the saved connection (the GeoPackage is the reference)
PG_FORMS = {
    "pg:NAME": lambda name: {"DATABASE": f"pg:{name}"},
    "NAME": lambda name: {"DATABASE": name},
    "CONNECTION": lambda name: {"CONNECTION": name},
    "DSN alias": lambda name: {"DSN": f"pg:{name}"},
}


@contextmanager
def saved_connection(dsn: str, name: str) -> Iterator[str]:
    """A PostgreSQL connection named ``name`` saved in the (test) QGIS profile."""
    params = resolve(dsn).params
    meta = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = (f"host={params['host']} port={params['port']} dbname={params['dbname']} "
           f"user={params['user']} password={PASSWORD} sslmode=disable")
    meta.saveConnection(meta.createConnection(uri, {"saveUsername": True,
                                                    "savePassword": True}), name)
    try:
        yield name
    finally:
        meta.deleteConnection(name)


@pytest.fixture(scope="module")
def read_databases(qgis_processing, postgis_server, demo_dataset,
                   tmp_path_factory) -> Iterator[dict]:
    """The same demo data (synthetic) in a GeoPackage and in PostGIS behind a saved
    connection."""
    from pollution_map_plugin.synthetic_data import build_database

    data = {k: v.iloc[-5000:] if k == "measurements" else v for k, v in demo_dataset.items()}
    gpkg = tmp_path_factory.mktemp("input") / "demo.gpkg"
    build_database(gpkg, data=data).close()
    name = postgis_server.new_database()
    dsn = postgis_server.dsn(name)
    build_database(dsn, data=data, overwrite=True).close()
    linked = data["sections"][data["sections"]["reach_code"].notna()]
    try:
        with saved_connection(dsn, READ_NAME):
            yield {"gpkg": str(gpkg), "dsn": dsn, "section": str(linked["code"].iloc[0]),
                   "river": str(data["rivers"]["code"].iloc[0])}
    finally:
        postgis_server.drop_database(name)


def _rows(path: str) -> list:
    """The attributes of every feature of an output file, sorted."""
    layer = QgsVectorLayer(str(path), "out", "ogr")
    assert layer.isValid()
    return sorted(repr(f.attributes()) for f in layer.getFeatures())


# (algorithm, parameters, what the result must be the same in every form)
READERS = {
    "validate": (database_algorithms.ValidateDatabase, {},
                 lambda r, _: (r["PROBLEMS"], r["MESSAGES"])),
    "migrate": (database_algorithms.MigrateDatabase, {}, lambda r, _: r["VERSION"]),
    "assess_sections": (analysis_algorithms.AssessSectionsAlgorithm,
                        {"PERIOD": "2025", "OUTPUT": "{out}.gpkg"},
                        lambda r, _: _rows(r["OUTPUT"])),
    "assess_groups": (analysis_algorithms.AssessGroupsAlgorithm,
                      {"PERIOD": "2025", "OUTPUT": "{out}.gpkg"},
                      lambda r, _: _rows(r["OUTPUT"])),
    "warnings": (analysis_algorithms.WarningsAlgorithm, {"OUTPUT": "{out}.gpkg"},
                 lambda r, _: _rows(r["OUTPUT"])),
    "trace_upstream": (analysis_algorithms.TraceUpstreamAlgorithm,
                       {"SECTION": "{section}", "OUTPUT_REACHES": "memory:",
                        "OUTPUT_SOURCES": "memory:"},
                       lambda r, _: json.loads(r["SUMMARY"])),
    "export_html": (html_algorithms.ExportHtml, {"RIVER": "{river}", "OUTPUT": "{out}"},
                    lambda r, out: Path(r["INDEX"]).relative_to(out).as_posix()),
    "render_maps": (maps_algorithms.RenderMaps, {"DPI": 50, "OUTPUT": "{out}"},
                    lambda r, out: sorted(Path(p).relative_to(out).as_posix()
                                          for p in r["FILES"].split(";"))),
}


def _run(alg: type, params: dict, database: dict, out: Path, values: dict):
    import processing

    full = {k: (v.format(out=out, **values) if isinstance(v, str) else v)
            for k, v in params.items()}
    return processing.run(alg(), {**full, **database})


@pytest.mark.parametrize("key", list(READERS))
def test_every_reader_takes_every_form(read_databases, tmp_path, key):
    alg, params, answer = READERS[key]
    values = {k: read_databases[k] for k in ("section", "river")}
    ref_out = tmp_path / "reference"
    reference = answer(_run(alg, params, {"DATABASE": read_databases["gpkg"]}, ref_out,
                            values), ref_out)
    assert reference not in (None, 0, [], {}, "")
    if key == "validate":
        assert reference[0] == 0
    if key == "migrate":
        assert reference == SCHEMA_VERSION
    for form, database in PG_FORMS.items():
        out = tmp_path / ("form_" + form.replace(":", "_").replace(" ", "_"))
        assert answer(_run(alg, params, database(READ_NAME), out, values), out) == reference, \
            form


def test_two_different_databases_are_refused(read_databases):
    import processing

    with pytest.raises(QgsProcessingException, match="one database"):
        processing.run(database_algorithms.ValidateDatabase(),
                       {"DATABASE": read_databases["gpkg"], "CONNECTION": READ_NAME})
    with pytest.raises(QgsProcessingException, match="Give a database"):
        processing.run(database_algorithms.ValidateDatabase(), {})


def test_the_writers_take_every_form(qgis_processing, qgis_new_project, postgis_db_dsn,
                                     tmp_path):
    """Create (its output), import a table, import the network and link, each on a
    GeoPackage and on a saved connection named every way."""
    import processing

    lines = trunk() + [tributary(106.0 + D)]
    gpkg_lines = write_lines(tmp_path / "lines.gpkg", lines, "GPKG")
    layer = QgsVectorLayer(f"{gpkg_lines}|layername=rivers", "rivers", "ogr")
    assert layer.isValid()
    qgis_new_project.addMapLayer(layer)
    source = tmp_path / "outfalls.csv"
    shutil.copy(CORPUS / "outfalls_gcj02.csv", source)

    def writers(created: str, database: dict) -> list:
        results = [processing.run(database_algorithms.CreateDatabase(),
                                  {"OUTPUT": created, "OVERWRITE": True})["OUTPUT"]]
        got = processing.run(import_algorithms.ImportTable(), {
            **database, "TABLE": import_algorithms.TABLES.index("outfalls"),
            "INPUT": str(source), "CRS": 2, "REJECTS": str(tmp_path / "rejects.csv")})
        results.append((got["ACCEPTED"], got["INSERTED"]))
        got = processing.run(network_algorithms.ImportNetwork(), {
            **database, "LINES": [layer], "TOLERANCE": 5.0, "REPLACE": True, "LINK": False})
        results.append((got["REACHES"], got["REVERSED"]))
        got = processing.run(network_algorithms.LinkToNetwork(), database)
        results.append(got["TOO_FAR"])
        return results

    gpkg = str(tmp_path / "new.gpkg")
    reference = writers(gpkg, {"DATABASE": gpkg})
    assert reference[0] == gpkg and reference[1] == (4, 4) and reference[2] == (3, 0)
    with saved_connection(postgis_db_dsn, WRITE_NAME):
        for form, database in PG_FORMS.items():
            created = f"pg:{WRITE_NAME}" if form != "NAME" else WRITE_NAME
            got = writers(created, database(WRITE_NAME))
            assert got[0] == created and got[1:] == reference[1:], form


def test_every_algorithm_with_a_database_uses_the_one_input(qgis_processing):
    """No algorithm has a database parameter of its own: the mixin's, with the saved
    connection offered from a list and the old DSN name hidden."""
    classes, errors = algorithm_classes()
    assert not errors
    hidden = parameter_flag("Hidden")
    users = []
    for cls in classes:
        alg = cls().create()
        names = {d.name() for d in alg.parameterDefinitions()}
        if not names & {"DATABASE", "DSN", "CONNECTION"}:
            continue
        assert isinstance(alg, DatabaseInputMixin), cls.__name__
        users.append(alg.name())
        assert alg.parameterDefinition("DATABASE").type() == "file"
        connection = alg.parameterDefinition("CONNECTION")
        assert connection.type() == "providerconnection"
        assert connection.providerId() == "postgres"
        assert alg.parameterDefinition("DSN").flags() & hidden
        assert not alg.parameterDefinition("DATABASE").flags() & hidden
        command = alg.asPythonCommand({"DSN": "host=h dbname=d password=Canary-9x"},
                                      QgsProcessingContext())
        assert "Canary-9x" not in command
        database = alg.parameterDefinition("DATABASE")
        for typed in ("pg:x", "x", "service=s", "host=h dbname=d authcfg=ab12cd3",
                      "/d/a.gpkg"):  # what the dialog and qgis_process check first
            assert database.checkValueIsAcceptable(typed, QgsProcessingContext()), typed
        assert connection.checkValueIsAcceptable("x", QgsProcessingContext())
    assert sorted(users) == sorted([
        "validate_database", "migrate_database", "import_table", "import_network",
        "link_network", "assess_sections", "assess_groups", "warnings", "trace_upstream",
        "export_html", "render_maps", "render_atlas", "change", "trend", "drinking_water",
        "district_statistics", "import_districts"])


AUTHCFG_SCRIPT = r"""
import json, sys
from pathlib import Path
from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsProcessingContext,
                       QgsProcessingFeedback, QgsProviderRegistry, QgsVectorLayer)
app = QgsApplication([], False)
app.initQgis()
dsn, user, password, section, river, out, gpkg = sys.argv[1:8]
auth = QgsApplication.authManager()
assert auth.setMasterPassword("master-of-tests", True)
cfg = QgsAuthMethodConfig("Basic")
cfg.setName("pm")
cfg.setConfig("username", user)
cfg.setConfig("password", password)
ok, cfg = auth.storeAuthenticationConfig(cfg)
assert ok
meta = QgsProviderRegistry.instance().providerMetadata("postgres")
meta.saveConnection(meta.createConnection(dsn + " authcfg=" + cfg.id(), {}), "pm-auth")
from pollution_map_plugin.processing_provider import (analysis_algorithms as aa,
    database_algorithms as da, html_algorithms as ha, maps_algorithms as ma)

def count(path):
    return QgsVectorLayer(path, "o", "ogr").featureCount()

JOBS = [
    (da.ValidateDatabase, {}, lambda r: r["PROBLEMS"]),
    (da.MigrateDatabase, {}, lambda r: r["VERSION"]),
    (aa.AssessSectionsAlgorithm, {"PERIOD": "2025", "OUTPUT": "{o}/s.gpkg"},
     lambda r: count(r["OUTPUT"])),
    (aa.AssessGroupsAlgorithm, {"PERIOD": "2025", "OUTPUT": "{o}/g.gpkg"},
     lambda r: count(r["OUTPUT"])),
    (aa.WarningsAlgorithm, {"OUTPUT": "{o}/w.gpkg"}, lambda r: count(r["OUTPUT"])),
    (aa.TraceUpstreamAlgorithm, {"SECTION": section, "OUTPUT_REACHES": "{o}/r.gpkg",
                                 "OUTPUT_SOURCES": "{o}/q.gpkg"},
     lambda r: json.loads(r["SUMMARY"])["n_reaches"]),
    (ha.ExportHtml, {"RIVER": river, "OUTPUT": "{o}/html"}, lambda r: Path(r["INDEX"]).name),
    (ma.RenderMaps, {"DPI": 50, "OUTPUT": "{o}/maps"}, lambda r: r["COUNT"]),
]
report = {}
for form, database in (("gpkg", {"DATABASE": gpkg}),
                       ("authcfg", {"DATABASE": dsn + " authcfg=" + cfg.id()}),
                       ("saved with authcfg", {"CONNECTION": "pm-auth"})):
    for cls, params, answer in JOBS:
        o = Path(out) / form.replace(" ", "_") / cls.__name__
        o.mkdir(parents=True)
        full = {k: v.replace("{o}", str(o)) if isinstance(v, str) else v
                for k, v in params.items()}
        feedback = QgsProcessingFeedback()
        results, ok = cls().create().run({**full, **database}, QgsProcessingContext(),
                                         feedback)
        report.setdefault(form, {})[cls.__name__] = answer(results) if ok else "failed"
print(json.dumps(report))
"""


def test_an_authcfg_works_in_every_reader(read_databases, tmp_path):
    """In a profile of its own: QGIS's authentication database holds user and password,
    given as ``authcfg=ID`` in a DSN or behind a saved connection."""
    params = resolve(read_databases["dsn"]).params
    dsn = (f"host={params['host']} port={params['port']} dbname={params['dbname']} "
           "sslmode=disable")
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile"),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO),
           "HOME": str(tmp_path)}
    env.pop("PGPASSWORD", None)
    run = subprocess.run(
        [sys.executable, "-c", AUTHCFG_SCRIPT, dsn, params["user"], PASSWORD,
         read_databases["section"], read_databases["river"], str(tmp_path / "out"),
         read_databases["gpkg"]], capture_output=True, text=True, env=env, timeout=400)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    reference = report.pop("gpkg")
    assert "failed" not in reference.values() and reference["RenderMaps"] == 10
    assert reference["WarningsAlgorithm"] > 0 and reference["ValidateDatabase"] == 0
    for form, answers in report.items():
        assert answers == reference, form
    assert PASSWORD not in run.stdout


def test_qgis_process_takes_a_typed_connection(read_databases, qgis_process_cmd,
                                               qgis_profile, tmp_path):
    """The packaged plugin under ``qgis_process``: a connection string typed into
    ``DATABASE`` works (the password comes from libpq's PGPASSWORD, not a parameter)."""
    params = resolve(read_databases["dsn"]).params
    dsn = (f"host={params['host']} port={params['port']} dbname={params['dbname']} "
           f"user={params['user']} sslmode=disable")
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(qgis_profile),
           "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "PGPASSWORD": PASSWORD}
    out = tmp_path / "sections.gpkg"
    for args in (["pollutionmap:validate_database", "--", f"DATABASE={dsn}"],
                 ["pollutionmap:assess_sections", "--", f"DATABASE={dsn}", "PERIOD=2025",
                  f"OUTPUT={out}"]):
        run = subprocess.run([*qgis_process_cmd, "--json", "run", *args],
                             capture_output=True, text=True, env=env, timeout=300)
        assert run.returncode == 0, f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
        results = json.loads(run.stdout[run.stdout.find("{"):])["results"]
        if "PROBLEMS" in results:
            assert results["PROBLEMS"] == 0
    assert _rows(str(out))
