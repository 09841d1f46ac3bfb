"""Two processes importing the same keys into one PostGIS database (issue 11.4)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.importer import DatabaseBusyError, ImportOptions, import_file
from tests.core.concurrent_import import CODES, run_concurrent, start_holder, write_list
from tests.fixtures.postgis import PASSWORD


def test_second_import_counts_after_the_first_commits(postgis_db_dsn: str,
                                                      tmp_path: Path) -> None:
    create_database(postgis_db_dsn).close()
    holder_out, second = run_concurrent(postgis_db_dsn, tmp_path)
    assert "inserted 5, updated 0, unchanged 0" in holder_out
    assert second.returncode == 0, second.stderr
    assert "written: inserted 0, updated 1, unchanged 4" in second.stdout, second.stdout
    with open_database(postgis_db_dsn) as db:
        names = db.read_table("enterprises", ["code", "name"]).set_index("code")["name"]
    assert len(names) == 5 and names[CODES[2]] == "改名并发厂2"


def test_busy_table_is_reported_without_the_password(postgis_db_dsn: str,
                                                     tmp_path: Path) -> None:
    create_database(postgis_db_dsn).close()
    holder = start_holder(postgis_db_dsn, write_list(tmp_path / "first.csv"),
                          tmp_path / "inside", hold_s=4.0)
    try:
        with open_database(postgis_db_dsn) as db:
            started = time.monotonic()
            with pytest.raises(DatabaseBusyError, match="database busy") as info:
                import_file(db, "enterprises", write_list(tmp_path / "second.csv", 2),
                            ImportOptions(lock_wait_s=0.5))
            assert time.monotonic() - started < 3.5
            assert db.count("enterprises") == 0  # the holder has not committed yet
        assert PASSWORD not in str(info.value)
    finally:
        holder.communicate(timeout=120)
    assert holder.returncode == 0
    with open_database(postgis_db_dsn) as db:
        assert sorted(db.read_table("enterprises", ["name"])["name"]) == \
            [f"并发厂{i}" for i in range(5)]
