"""GDAL's columnar GeoPackage reader: one worker thread and one read at a time on the GDAL
versions whose threaded reader crashes (OSGeo/gdal#12934), the caller's setting kept."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import gpkg_read

gdal = pytest.importorskip("osgeo.gdal")
OPTION = "OGR_GPKG_NUM_THREADS"


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


@pytest.mark.parametrize("crashing", [True, False])
def test_the_read_keeps_the_threads_setting_of_the_caller(demo_db_path, monkeypatch, crashing):
    here = int(gdal.VersionInfo("VERSION_NUM"))
    window = (0, here + 1) if crashing else (here + 1, here + 2)
    monkeypatch.setattr(gpkg_read, "_THREADED_ARROW_CRASHES", window)
    gdal.SetThreadLocalConfigOption(OPTION, "3")
    try:
        data, _wkb, fids = _read(demo_db_path)
        assert gdal.GetThreadLocalConfigOption(OPTION, None) == "3"
    finally:
        gdal.SetThreadLocalConfigOption(OPTION, None)
    assert len(fids) > 1000 and np.all(np.diff(fids) > 0)
    _data, _wkb2, fids_default = _read(demo_db_path)  # no setting of the caller's
    assert np.array_equal(fids, fids_default)
    assert data.keys() == _data.keys()
    assert gdal.GetThreadLocalConfigOption(OPTION, None) is None


def test_reads_in_parallel_threads_agree(demo_db_path, monkeypatch):
    here = int(gdal.VersionInfo("VERSION_NUM"))
    monkeypatch.setattr(gpkg_read, "_THREADED_ARROW_CRASHES", (0, here + 1))
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


@pytest.mark.parametrize("crashing", [True, False])
def test_one_columnar_read_at_a_time_only_where_gdal_crashes(demo_db_path, monkeypatch,
                                                              crashing):
    here = int(gdal.VersionInfo("VERSION_NUM"))
    window = (0, here + 1) if crashing else (here + 1, here + 2)
    monkeypatch.setattr(gpkg_read, "_THREADED_ARROW_CRASHES", window)
    done = threading.Event()
    reader = threading.Thread(target=lambda: (_read(demo_db_path), done.set()))
    with gpkg_read._ONE_READ_AT_A_TIME:  # another read is under way
        reader.start()
        finished_meanwhile = done.wait(0.5 if crashing else 30)
    reader.join(30)
    assert done.is_set()
    assert finished_meanwhile is not crashing


@pytest.mark.parametrize(("version", "in_qgis", "allowed"), [
    (3060200, True, True),  # Debian 12's GDAL never crashed, in QGIS or not
    (3100300, False, True),  # Debian 13 outside QGIS (the CLI): one read at a time
    (3100300, True, False),  # Debian 13 inside QGIS: QGIS's threads read too — sqlite3
    (3110400, True, True),  # fixed in GDAL 3.11.4
])
def test_inside_qgis_the_crashing_versions_read_through_sqlite(version, in_qgis, allowed):
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
