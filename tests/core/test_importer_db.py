"""Importing into a real GeoPackage: one transaction, upsert, re-import, failures, CLI."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.db.gpkg import GeoPackageDatabase
from pollution_map_plugin.core.importer import (
    ImportFileError,
    import_file,
    read_rejects,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
USER_TABLES = ("enterprises", "outfalls", "sections", "measurements", "db_metadata")


def _content(path: Path) -> list:
    """Every row of the plugin's tables and of the GeoPackage's own tables."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "import.gpkg"
    create_database(path).close()
    return path


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(CORPUS / name, target)
    return target


def test_import_then_reimport_changes_nothing(gpkg: Path, tmp_path: Path) -> None:
    source = _copy("enterprises_gbk.csv", tmp_path)
    with open_database(gpkg) as db:
        report = import_file(db, "enterprises", source)
    assert (report.rows_read, report.accepted, report.rejected) == (11, 3, 8)
    assert (report.inserted, report.updated, report.unchanged) == (3, 0, 0)
    assert report.encoding == "gbk"
    assert report.rejects_path == str(tmp_path / "enterprises_gbk.csv.rejects.csv")
    before = _sha(gpkg)
    with open_database(gpkg) as db:
        again = import_file(db, "enterprises", source)
        frame = db.read_layer("enterprises")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert _sha(gpkg) == before  # not a byte written
    assert len(frame) == 3
    assert frame.crs.to_epsg() == 4490
    assert set(frame["category"]) <= {"key", "general", "scattered"}


def test_changed_rows_are_updated_only(gpkg: Path, tmp_path: Path) -> None:
    source = _copy("enterprises_utf8.csv", tmp_path)
    with open_database(gpkg) as db:
        import_file(db, "enterprises", source)
    text = source.read_text(encoding="utf-8").replace("样例造纸厂", "样例造纸厂（更名）")
    source.write_text(text, encoding="utf-8")
    with open_database(gpkg) as db:
        report = import_file(db, "enterprises", source)
        names = set(db.read_table("enterprises", ["name"])["name"])
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 4)
    assert "样例造纸厂（更名）" in names
    assert "<script>alert('x')</script>示例厂" in names  # verbatim: escaping is for renderers


def test_partial_columns_keep_other_values(gpkg: Path, tmp_path: Path) -> None:
    with open_database(gpkg) as db:
        import_file(db, "enterprises", _copy("enterprises_utf8.csv", tmp_path))
        code = db.read_table("enterprises", ["code", "industry"]).iloc[0]
        only = tmp_path / "names.csv"
        only.write_text(f"code,name,lon,lat\n{code['code']},改名厂,106.5,29.6\n", encoding="utf-8")
        report = import_file(db, "enterprises", only)
        row = db.read_table("enterprises").set_index("code").loc[code["code"]]
    assert report.updated == 1
    assert row["name"] == "改名厂"
    assert row["industry"] == code["industry"]  # not in the file: untouched


class InjectedError(RuntimeError):
    pass


@pytest.mark.parametrize("error", [InjectedError, KeyboardInterrupt])
@pytest.mark.parametrize("where", ["after_write", "mid_insert"])
def test_failure_leaves_database_as_before(gpkg: Path, tmp_path: Path, monkeypatch,
                                           error: type[BaseException], where: str) -> None:
    with open_database(gpkg) as db:
        import_file(db, "enterprises", _copy("enterprises_utf8.csv", tmp_path))
    source = _copy("enterprises_gbk.csv", tmp_path)
    text = (CORPUS / "enterprises_utf8.csv").read_text(encoding="utf-8")
    changed = tmp_path / "changed.csv"
    changed.write_text(text.replace("样例造纸厂", "已改名"), encoding="utf-8")
    before = _content(gpkg)
    real_insert = GeoPackageDatabase._insert

    def insert_then_fail(self, prepared, upsert):
        real_insert(self, prepared, upsert)  # the rows are in the database, uncommitted
        raise error("injected")

    if where == "mid_insert":
        monkeypatch.setattr(GeoPackageDatabase, "_insert", insert_then_fail)
    else:
        real_write = GeoPackageDatabase.write

        def write_then_fail(self, name, frame, mode="append"):
            real_write(self, name, frame, mode)
            raise error("injected")

        monkeypatch.setattr(GeoPackageDatabase, "write", write_then_fail)
    for path in (source, changed):
        with open_database(gpkg) as db, pytest.raises(error):
            import_file(db, "enterprises", path)
    monkeypatch.undo()
    assert _content(gpkg) == before
    with open_database(gpkg) as db:
        report = import_file(db, "enterprises", source)
    assert report.inserted == 3


def test_fatal_error_writes_nothing(gpkg: Path) -> None:
    before = _sha(gpkg)
    with open_database(gpkg) as db, pytest.raises(ImportFileError, match="名称"):
        import_file(db, "enterprises", CORPUS / "fatal_no_name.csv")
    assert _sha(gpkg) == before


def test_measurements_check_sections_in_database(gpkg: Path, tmp_path: Path) -> None:
    sections = _copy("sections_broken.csv", tmp_path)
    measurements = _copy("measurements_long.csv", tmp_path)
    with open_database(gpkg) as db:
        nothing = import_file(db, "measurements", measurements)
        assert nothing.accepted == 0  # no section known yet
        assert all("unknown section" in r["原因 reason"]
                   for r in read_rejects(nothing.rejects_path))
        import_file(db, "sections", sections)
        report = import_file(db, "measurements", measurements)
        again = import_file(db, "measurements", measurements)
        stored = db.read_table("measurements")
    assert (report.rows_read, report.accepted, report.rejected) == (25, 13, 12)
    assert report.inserted == 13
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 13)
    assert len(stored) == 13
    tp = stored[(stored["parameter"] == "TP") & (stored["section_code"] == "S001")].iloc[0]
    assert bool(tp["below_detection"]) and tp["detection_limit"] == pytest.approx(0.02)
    rejects = read_rejects(report.rejects_path)
    assert len(rejects) == 12
    assert {r["行号 line"] for r in rejects} >= {"23"}
    s999 = next(r for r in rejects if r["行号 line"] == "23")
    assert "unknown section 'S999'" in s999["原因 reason"]
    assert s999["断面编码"] == "S999"  # the original row is kept


def test_unknown_links_are_warnings(gpkg: Path, tmp_path: Path) -> None:
    source = tmp_path / "outfall_links.csv"
    source.write_text("排污口编码,排污口名称,排污口类型,受纳河流,经度,纬度\n"
                      "PWK1,示范排口,工业,R404,106.5,29.6\n", encoding="utf-8")
    with open_database(gpkg) as db:
        report = import_file(db, "outfalls", source)
    assert report.accepted == 1
    assert any("river_code" in w and "R404" in w for w in report.warnings)


def test_cli_counts_and_exit_codes(gpkg: Path, tmp_path: Path, capsys) -> None:
    source = _copy("enterprises_gbk.csv", tmp_path)
    rejects = tmp_path / "out" / "rejects.csv"
    code = main(["import", str(gpkg), "--layer", "enterprises", str(source),
                 "--rejects", str(rejects)])
    out = capsys.readouterr()
    assert code == 0
    assert f"read 11, accepted 3, rejected 8 (rejects: {rejects})" in out.out
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(read_rejects(rejects)) == 8

    mapped = _copy("enterprises_mapping.csv", tmp_path)
    code = main(["import", str(gpkg), "--layer", "enterprises", str(mapped),
                 "--map", "公司=name", "--map", "证照号码=code", "--map", "东经度=lon",
                 "--map", "北纬度=lat", "--map", "备注="])
    assert code == 0
    assert "read 2, accepted 2, rejected 0" in capsys.readouterr().out

    gcj = _copy("outfalls_gcj02.csv", tmp_path)
    assert main(["import", str(gpkg), "--layer", "outfalls", str(gcj), "--crs", "gcj02"]) == 0
    capsys.readouterr()

    before = _sha(gpkg)
    for argv, message in (
        (["--layer", "rivers", str(source)], "cannot import into 'rivers'"),
        (["--layer", "enterprises", str(tmp_path / "missing.csv")], "no such file"),
        (["--layer", "enterprises", str(CORPUS / "fatal_binary.csv")], "cannot decode"),
        (["--layer", "enterprises", str(mapped), "--map", "nonsense"], "header=column"),
    ):
        assert main(["import", str(gpkg), *argv]) == 1
        assert message in capsys.readouterr().err
    assert _sha(gpkg) == before


def test_a_clean_import_removes_the_stale_default_rejects_file(gpkg: Path,
                                                                tmp_path: Path) -> None:
    source = _copy("enterprises_gbk.csv", tmp_path)
    with open_database(gpkg) as db:
        first = import_file(db, "enterprises", source)
    stale = Path(first.rejects_path)
    assert stale.exists()
    clean = tmp_path / "enterprises_utf8.csv"
    shutil.copy(CORPUS / "enterprises_utf8.csv", clean)
    clean.replace(source)  # the user fixed the file and imports it again
    with open_database(gpkg) as db:
        second = import_file(db, "enterprises", source)
    assert second.rejected == 0 and second.rejects_path is None
    assert not stale.exists()
