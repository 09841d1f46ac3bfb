"""Processing on PostGIS: a password is never needed as a parameter (saved connections,
authcfg), and one given is masked in the results, the log and the Python command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProviderRegistry

from pollution_map_plugin.core.db import create_database
from pollution_map_plugin.processing_provider.analysis_algorithms import (
    AssessSectionsAlgorithm,
)
from pollution_map_plugin.processing_provider.database_algorithms import (
    CreateDatabase,
    ValidateDatabase,
)
from pollution_map_plugin.qgis_desktop.connection import resolve
from tests.fixtures.postgis import PASSWORD

REPO = Path(__file__).resolve().parents[2]


class Log(QgsProcessingFeedback):
    """Every message an algorithm reports."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def pushInfo(self, info: str) -> None:  # noqa: N802 - Qt API
        self.lines.append(info)

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
        self.lines.append(error)


def test_a_password_given_is_masked_everywhere(qgis_processing, postgis_db_dsn):
    import processing

    log = Log()
    results = processing.run(CreateDatabase(), {"OUTPUT": postgis_db_dsn, "OVERWRITE": True},
                             feedback=log)
    assert PASSWORD not in json.dumps(results) and "***" in results["OUTPUT"]
    results = processing.run(ValidateDatabase(), {"DATABASE": postgis_db_dsn}, feedback=log)
    assert results["PROBLEMS"] == 1  # the empty database, said so
    assert log.lines and not any(PASSWORD in line for line in log.lines)
    alg = ValidateDatabase()
    alg.initAlgorithm()
    command = alg.asPythonCommand({"DATABASE": postgis_db_dsn}, QgsProcessingContext())
    assert PASSWORD not in command


def test_a_saved_connection_name_works_in_every_algorithm(qgis_processing, postgis_db_dsn,
                                                          demo_dataset):
    import processing

    from pollution_map_plugin.synthetic_data import build_database

    data = {k: v.iloc[:5000] if k == "measurements" else v for k, v in demo_dataset.items()}
    build_database(postgis_db_dsn, data=data, overwrite=True).close()
    parsed = resolve(postgis_db_dsn)
    meta = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = (f"host={parsed.params['host']} port={parsed.params['port']} "
           f"dbname={parsed.params['dbname']} user={parsed.params['user']} "
           f"password={PASSWORD} sslmode=disable")
    name = "pm-secrets-test"
    meta.saveConnection(meta.createConnection(uri, {"saveUsername": True,
                                                    "savePassword": True}), name)
    try:
        log = Log()
        results = processing.run(ValidateDatabase(), {"DATABASE": f"pg:{name}"}, feedback=log)
        assert results["PROBLEMS"] == 0
        # the analysis algorithms took only a DSN or a file before
        out = processing.run(AssessSectionsAlgorithm(),
                             {"DSN": name, "OUTPUT": "memory:"}, feedback=log)
        assert out["OUTPUT"]
        assert not any(PASSWORD in line for line in log.lines)
    finally:
        meta.deleteConnection(name)


AUTHCFG_SCRIPT = r"""
import json, sys
from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsProcessingContext,
                       QgsProcessingFeedback)
app = QgsApplication([], False)
app.initQgis()
auth = QgsApplication.authManager()
assert auth.setMasterPassword("master-of-tests", True)
cfg = QgsAuthMethodConfig("Basic")
cfg.setName("pm")
cfg.setConfig("username", sys.argv[2])
cfg.setConfig("password", sys.argv[3])
ok, cfg = auth.storeAuthenticationConfig(cfg)
assert ok
from pollution_map_plugin.processing_provider.database_algorithms import ValidateDatabase
alg = ValidateDatabase().create()
target = sys.argv[1] + " authcfg=" + cfg.id()
results, ok = alg.run({"DATABASE": target}, QgsProcessingContext(), QgsProcessingFeedback())
print(json.dumps({"ok": ok, "problems": results.get("PROBLEMS"), "target": target}))
"""


def test_an_authcfg_gives_the_credentials(postgis_db_dsn, tmp_path):
    """In a profile of its own: QGIS's authentication database holds user and password."""
    create_database(postgis_db_dsn, overwrite=True).close()
    params = resolve(postgis_db_dsn).params
    dsn = (f"host={params['host']} port={params['port']} dbname={params['dbname']} "
           "sslmode=disable")
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path), "QT_QPA_PLATFORM":
           "offscreen", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    env.pop("PGPASSWORD", None)
    run = subprocess.run([sys.executable, "-c", AUTHCFG_SCRIPT, dsn, params["user"], PASSWORD],
                         capture_output=True, text=True, env=env, timeout=180)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["ok"] and result["problems"] == 1  # connected; the database is empty
    assert PASSWORD not in result["target"]


@pytest.mark.parametrize("dsn_part", ["password={pw}", "postgresql://u:{pw}@h/db"])
def test_masked_helper(dsn_part):
    from pollution_map_plugin.processing_provider.algorithm_base import masked

    assert PASSWORD not in masked(dsn_part.format(pw=PASSWORD))
