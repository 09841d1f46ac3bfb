"""Creating a database is all or nothing; a full disk is reported as such (GeoPackage).

The PostGIS counterparts are in tests/integration/test_db_atomic_postgis.py.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from pollution_map_plugin.core.atomic_files import PARTIAL, temporary_path
from pollution_map_plugin.core.db import DatabaseError, create_database, open_database
from pollution_map_plugin.synthetic_data import build_database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class BoomError(Exception):
    pass


def interrupted(exc: BaseException):
    def populate(db) -> None:
        db.write("rivers", _rivers())
        raise exc
    return populate


def _rivers():
    import geopandas as gpd
    from shapely.geometry import MultiLineString

    return gpd.GeoDataFrame({"code": ["R1"], "name": ["一河"], "water_system": ["长江"]},
                            geometry=[MultiLineString([[(106, 29), (106.1, 29.1)]])],
                            crs=4490)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if PARTIAL in p.name)


@pytest.mark.parametrize("exc", [BoomError("disk gone"), KeyboardInterrupt()])
def test_an_interrupted_build_leaves_no_database(tmp_path, exc):
    target = tmp_path / "new.gpkg"
    with pytest.raises(type(exc)):
        create_database(target, populate=interrupted(exc))
    assert not target.exists() and list(tmp_path.iterdir()) == []
    # and a re-run is not blocked by a half-built file
    with create_database(target) as db:
        assert db.count("rivers") == 0


def test_overwrite_keeps_the_previous_database_until_the_new_one_is_complete(
        tmp_path, demo_db_path, demo_dataset):
    target = tmp_path / "demo.gpkg"
    target.write_bytes(demo_db_path.read_bytes())
    before = digest(target)
    with pytest.raises(BoomError):
        create_database(target, overwrite=True, populate=interrupted(BoomError()))
    assert digest(target) == before and leftovers(tmp_path) == []
    data = {k: v.iloc[:0] if k == "measurements" else v for k, v in demo_dataset.items()}
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C after every other table is written
        build_database(target, overwrite=True, data={**data, "projects": _Exploding()})
    assert digest(target) == before and leftovers(tmp_path) == []
    db = build_database(target, overwrite=True, data=data)
    try:
        assert db.count("measurements") == 0 and db.count("sections") > 0
    finally:
        db.close()
    assert db.path == target and leftovers(tmp_path) == []


class _Exploding:
    """A frame stand-in whose length check is a Ctrl-C (projects are written last)."""

    def __len__(self) -> int:
        raise KeyboardInterrupt


def test_overwrite_settles_a_hot_journal_of_the_old_file(tmp_path):
    """Sidecars of the replaced file must not be applied to the new one."""
    target = tmp_path / "old.gpkg"
    with create_database(target) as db:
        db.write("rivers", _rivers())
    Path(str(target) + "-journal").write_bytes(b"\0" * 512)  # a stale (invalid) journal
    with create_database(target, overwrite=True) as fresh:
        assert fresh.count("rivers") == 0
    assert not Path(str(target) + "-journal").exists()
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_leftovers_of_a_killed_build_are_removed_by_the_next(tmp_path):
    target = tmp_path / "demo.gpkg"
    dead = temporary_path(target).name.replace(f".{os.getpid()}-", ".999999999-")
    (tmp_path / dead).write_bytes(b"partial")
    alive = temporary_path(target)  # our own pid: another build in progress
    alive.write_bytes(b"in progress")
    create_database(target).close()
    assert not (tmp_path / dead).exists() and alive.exists()


def test_a_full_disk_is_reported_as_such(tmp_path, demo_dataset):
    """SQLite rolls back by itself on a full disk; the real error must come out."""
    db = create_database(tmp_path / "full.gpkg")
    try:
        db.write("sections", demo_dataset["sections"])
        (pages,) = db._conn.execute("PRAGMA page_count").fetchone()
        db._conn.execute(f"PRAGMA max_page_count = {pages + 5}")  # the disk is "full"
        with pytest.raises(DatabaseError) as caught, db.transaction():
            db.write("measurements", demo_dataset["measurements"])
        assert "database or disk is full" in str(caught.value)
        assert "no transaction is active" not in str(caught.value)
        assert db.count("measurements") == 0 and not db.in_transaction
    finally:
        db.close()
    with open_database(tmp_path / "full.gpkg") as again:
        assert again.count("sections") == len(demo_dataset["sections"])
