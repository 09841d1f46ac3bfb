"""Import with validation into a real PostGIS database (throwaway server of the fixture)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.db.postgis import PostGISDatabase
from pollution_map_plugin.core.importer import import_file
from tests.fixtures.postgis import PASSWORD

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def _snapshot(db) -> dict:
    out = {}
    for table in schema.TABLES:
        frame = db.read_layer(table.name) if table.is_spatial else db.read_table(table.name)
        if table.is_spatial:
            wkt = frame.geometry.to_wkt()
            frame = pd.DataFrame(frame.drop(columns="geometry")).assign(wkt=wkt)
        out[table.name] = frame.astype(str).values.tolist()
    return out


def _copy(name: str, tmp_path: Path) -> Path:
    shutil.copy(CORPUS / name, tmp_path / name)
    return tmp_path / name


def test_import_reimport_and_measurements(postgis_db_dsn: str, tmp_path: Path) -> None:
    create_database(postgis_db_dsn).close()
    with open_database(postgis_db_dsn) as db:
        first = import_file(db, "enterprises", _copy("enterprises_gbk.csv", tmp_path))
        again = import_file(db, "enterprises", _copy("enterprises_gbk.csv", tmp_path))
        import_file(db, "sections", _copy("sections_broken.csv", tmp_path))
        measured = import_file(db, "measurements", _copy("measurements_long.csv", tmp_path))
        gcj = import_file(db, "outfalls", _copy("outfalls_gcj02.csv", tmp_path), crs="gcj02")
        stored = db.read_table("measurements")
    assert (first.accepted, first.rejected, first.inserted) == (3, 8, 3)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert (measured.accepted, measured.rejected, measured.inserted) == (13, 12, 13)
    assert gcj.inserted == 4
    assert len(stored) == 13
    for report in (first, measured):
        assert PASSWORD not in " ".join(report.warnings)


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failure_leaves_postgis_as_before(postgis_db_dsn: str, tmp_path: Path, monkeypatch,
                                          error: type[BaseException]) -> None:
    create_database(postgis_db_dsn).close()
    with open_database(postgis_db_dsn) as db:
        import_file(db, "enterprises", _copy("enterprises_utf8.csv", tmp_path))
        before = _snapshot(db)
    real_insert = PostGISDatabase._insert

    def insert_then_fail(self, prepared, upsert):
        real_insert(self, prepared, upsert)
        raise error("injected")

    monkeypatch.setattr(PostGISDatabase, "_insert", insert_then_fail)
    with open_database(postgis_db_dsn) as db, pytest.raises(error):
        import_file(db, "enterprises", _copy("enterprises_gbk.csv", tmp_path))
    monkeypatch.undo()
    with open_database(postgis_db_dsn) as db:
        assert _snapshot(db) == before
