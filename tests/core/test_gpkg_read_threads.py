"""GDAL's columnar GeoPackage reader: never used on the GDAL versions whose reader crashes
(OSGeo/gdal#12934), where the sqlite3 path reads the same rows; parallel reads agree."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import gpkg_read

gdal = pytest.importorskip("osgeo.gdal")


@pytest.mark.parametrize(("version", "crashes"), [
    (3060200, False),  # Debian 12
    (3070000, True),
    (3100300, True),  # Debian 13
    (3110300, True),
    (3110400, False),  # the fix
    (3130300, False),  # Debian testing
])
def test_the_crashing_versions(version, crashes):
    assert gpkg_read.threaded_arrow_crashes(version) is crashes


def _read(path):
    table = schema.table("measurements")
    columns = [c.name for c in table.columns if c.type != "boolean"]
    result = gpkg_read.read_columns(path, table, columns, False)
    assert result is not None, "this GDAL has the columnar reader (GDAL >= 3.6)"
    return result


def test_reads_in_parallel_threads_agree(demo_db_path):
    if not gpkg_read.columnar_allowed(int(gdal.VersionInfo("VERSION_NUM"))):
        pytest.skip("this GDAL's columnar reader is not used (sqlite3 reads instead)")
    expected = _read(demo_db_path)[2]
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(_read(demo_db_path)[2]))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    assert all(np.array_equal(r, expected) for r in results)


def test_a_crashing_gdal_is_not_asked(demo_db_path, monkeypatch):
    here = int(gdal.VersionInfo("VERSION_NUM"))
    monkeypatch.setattr(gpkg_read, "_THREADED_ARROW_CRASHES", (0, here + 1))
    table = schema.table("measurements")
    assert gpkg_read.read_columns(demo_db_path, table, ["value"], False) is None


@pytest.mark.parametrize(("version", "in_qgis", "allowed"), [
    (3060200, False, True),  # Debian 12 outside QGIS (the CLI, Processing by qgis_process)
    (3060200, True, False),  # inside QGIS: its renderer threads read the files too
    (3100300, False, False),  # Debian 13 outside QGIS: crashed once too — sqlite3
    (3100300, True, False),
    (3110400, False, True),  # fixed in GDAL 3.11.4
])
def test_the_crashing_versions_read_through_sqlite(version, in_qgis, allowed):
    modules = {"qgis._core": object()} if in_qgis else {}
    assert gpkg_read.columnar_allowed(version, modules) is allowed


def test_refused_columnar_reads_fall_back_to_the_same_rows(demo_db_path, monkeypatch):
    from pollution_map_plugin.core.db import open_database

    with open_database(demo_db_path) as db:
        columnar = db.read_table("measurements")
    monkeypatch.setattr(gpkg_read, "columnar_allowed", lambda *_a, **_k: False)
    with open_database(demo_db_path) as db:
        fallback = db.read_table("measurements")
    assert len(fallback) == len(columnar) > 0
    assert fallback.equals(columnar)
