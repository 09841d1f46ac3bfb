"""PostGIS: chunked import in one transaction, blank cells kept or cleared (issue 11)."""

from __future__ import annotations

from pathlib import Path

from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.importer import ImportOptions, import_file
from tests.core.test_importer_blank import HEADER, A, _blanks
from tests.core.test_importer_chunks import _write


def test_chunks_and_blank_cells(postgis_db_dsn: str, tmp_path: Path) -> None:
    create_database(postgis_db_dsn).close()
    source = _write(tmp_path / "big.csv", duplicate_at=17, bad_at=9)
    with open_database(postgis_db_dsn) as db:
        report = import_file(db, "enterprises", source, ImportOptions(chunk_rows=5))
        again = import_file(db, "enterprises", source, ImportOptions(chunk_rows=4))
    assert (report.accepted, report.rejected, report.inserted) == (21, 2, 21)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 21)

    full = tmp_path / "full.csv"
    full.write_text(HEADER + f"一厂,{A},化工,106.5,29.6,12.5,渝北区\n", encoding="utf-8")
    with open_database(postgis_db_dsn) as db:
        import_file(db, "enterprises", full)
        kept = import_file(db, "enterprises", _blanks(tmp_path))
        row = db.read_table("enterprises").set_index("code").loc[A]
        assert kept.blank_cells == {"industry": 1, "cod_t_a": 1}
        assert row["industry"] == "化工" and row["cod_t_a"] == 12.5
        cleared = import_file(db, "enterprises", _blanks(tmp_path), ImportOptions(blank="clear"))
        row = db.read_table("enterprises").set_index("code").loc[A]
    assert "2 stored value(s) cleared" in cleared.summary()
    assert row["industry"] is None
