"""Two processes importing the same keys into one GeoPackage: exact counts, or "busy"."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.importer import DatabaseBusyError, ImportOptions, import_file
from tests.core.concurrent_import import CODES, run_concurrent, start_holder, write_list


@pytest.fixture
def gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "shared.gpkg"
    create_database(path).close()
    return path


def test_second_import_counts_after_the_first_commits(gpkg: Path, tmp_path: Path) -> None:
    holder_out, second = run_concurrent(str(gpkg), tmp_path)
    assert "inserted 5, updated 0, unchanged 0" in holder_out
    assert second.returncode == 0, second.stderr
    # Counted inside its own transaction, after the first import's commit: the five
    # rows exist, one of them with another name.
    assert "written: inserted 0, updated 1, unchanged 4" in second.stdout, second.stdout
    with open_database(gpkg) as db:
        names = db.read_table("enterprises", ["code", "name"]).set_index("code")["name"]
    assert len(names) == 5 and names[CODES[2]] == "改名并发厂2"


def test_a_writer_holding_the_lock_too_long_gives_database_busy(gpkg: Path,
                                                                 tmp_path: Path) -> None:
    holder = start_holder(str(gpkg), write_list(tmp_path / "first.csv"), tmp_path / "inside",
                          hold_s=4.0)
    try:
        with open_database(gpkg) as db:
            started = time.monotonic()
            with pytest.raises(DatabaseBusyError, match="database busy") as info:
                import_file(db, "enterprises", write_list(tmp_path / "second.csv", 2),
                            ImportOptions(lock_wait_s=0.5))
            assert time.monotonic() - started < 3.5
        assert "nothing was written" in str(info.value)
    finally:
        holder.communicate(timeout=120)
    assert holder.returncode == 0
    with open_database(gpkg) as db:
        names = db.read_table("enterprises", ["name"])["name"]
    assert sorted(names) == [f"并发厂{i}" for i in range(5)]  # only the first import's rows
