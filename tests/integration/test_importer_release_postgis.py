"""The monitoring release, a key-polluter list and unlocated sections on a real PostGIS
server: sections created without coordinates, per-cell outcomes, codes recovered."""

from __future__ import annotations

import shutil
from pathlib import Path

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.importer import ImportOptions, import_file

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def _copy(name: str, tmp_path: Path) -> Path:
    shutil.copy(CORPUS / name, tmp_path / name)
    return tmp_path / name


def test_release_and_lists_on_postgis(postgis_db_dsn: str, tmp_path: Path) -> None:
    create_database(postgis_db_dsn).close()
    with open_database(postgis_db_dsn) as db:
        report = import_file(db, "measurements", _copy("release_chongqing.csv", tmp_path),
                             ImportOptions(create_sections=True))
        assert (report.accepted, report.rejected, report.sections_created) == (10, 4, 9)
        hubei = import_file(db, "measurements", _copy("release_hubei.xlsx", tmp_path),
                            ImportOptions(create_sections=True, year=2025))
        assert hubei.sections_created == 3
        sections = db.read_layer("sections").set_index("code")
        assert sections.geometry.isna().all() and len(sections) == 12
        assert {"50-新华", "42-新华"} <= set(sections.index)
        again = import_file(db, "measurements", _copy("release_chongqing.csv", tmp_path),
                            ImportOptions(create_sections=True))
        assert (again.inserted, again.updated, again.sections_created) == (0, 0, 0)
        listed = import_file(db, "sections", _copy("sections_unlocated.csv", tmp_path))
        assert (listed.accepted, listed.rejected) == (3, 1)
        firms = import_file(db, "enterprises", _copy("enterprises_key_polluters.csv", tmp_path),
                            ImportOptions(crs="gcj02"))
        assert (firms.accepted, firms.rejected) == (7, 3)
        assert db.count("measurements") == report.inserted + hubei.inserted
    assert main(["assess", postgis_db_dsn, "--period", "2025"]) == 0
