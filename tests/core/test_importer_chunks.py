"""Big files are read lazily and validated/written in chunks, in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.db.gpkg import GeoPackageDatabase
from pollution_map_plugin.core.identifiers import credit_code_check_char
from pollution_map_plugin.core.importer import ImportOptions, import_file, parse_file
from pollution_map_plugin.core.importer.record_readers import read_csv

HEADER = "企业名称,统一社会信用代码,行业,经度,纬度,化学需氧量排放量\n"
ROWS = 23


def _code(i: int) -> str:
    body = f"91500112MA5U1{i:04d}"
    return body + credit_code_check_char(body)


def _write(path: Path, duplicate_at: int | None = None, bad_at: int | None = None) -> Path:
    lines = []
    for i in range(ROWS):
        code = _code(1 if i == duplicate_at else i)
        cod = "-1" if i == bad_at else f"{i}.5"
        lines.append(f"分块厂{i},{code},化工,{106 + i / 100:.2f},29.6,{cod}\n")
    path.write_text(HEADER + "".join(lines), encoding="gbk")
    return path


def _content(path: Path) -> list:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT code, name, cod_t_a FROM enterprises ORDER BY code").fetchall()


@pytest.fixture
def gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "chunks.gpkg"
    create_database(path).close()
    return path


def test_csv_records_are_read_lazily(tmp_path: Path) -> None:
    raw = read_csv(_write(tmp_path / "big.csv"))
    assert isinstance(raw.records, Iterator)
    assert next(iter(raw.records)).values[0] == "企业名称"


def test_chunks_are_written_in_one_transaction(gpkg: Path, tmp_path: Path,
                                               monkeypatch) -> None:
    source = _write(tmp_path / "big.csv", duplicate_at=17, bad_at=9)
    sizes: list[int] = []
    depths: list[int] = []
    real = GeoPackageDatabase.write

    def spy(self, name, frame, mode="append"):
        sizes.append(len(frame))
        depths.append(self._depth)
        return real(self, name, frame, mode)

    monkeypatch.setattr(GeoPackageDatabase, "write", spy)
    with open_database(gpkg) as db:
        report = import_file(db, "enterprises", source, ImportOptions(chunk_rows=5))
    assert sizes == [5, 5, 5, 5, 1]  # 21 accepted of 23 (one bad, one duplicate), 5 a chunk
    assert all(d == 1 for d in depths)  # inside the one outer transaction
    assert (report.rows_read, report.accepted, report.rejected, report.inserted) == (23, 21, 2,
                                                                                     21)
    reasons = {r.line: r.reason for r in parse_file(source, "enterprises").rejects}
    assert "duplicate key" in reasons[19] and "first on line 3" in reasons[19]  # across chunks
    whole = tmp_path / "whole.gpkg"
    create_database(whole).close()
    monkeypatch.undo()
    with open_database(whole) as db:
        import_file(db, "enterprises", source, ImportOptions(chunk_rows=10_000))
    assert _content(whole) == _content(gpkg)


def test_a_failure_in_a_late_chunk_rolls_back_every_chunk(gpkg: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    source = _write(tmp_path / "big.csv")
    real = GeoPackageDatabase.write
    calls = []

    def fail_on_third(self, name, frame, mode="append"):
        calls.append(len(frame))
        if len(calls) == 3:
            raise OSError("disk full (injected)")
        return real(self, name, frame, mode)

    monkeypatch.setattr(GeoPackageDatabase, "write", fail_on_third)
    with open_database(gpkg) as db, pytest.raises(OSError, match="injected"):
        import_file(db, "enterprises", source, ImportOptions(chunk_rows=5))
    assert _content(gpkg) == []
    assert not (tmp_path / "big.csv.rejects.csv").exists()


def test_wide_measurements_are_chunked_by_database_rows(gpkg: Path, tmp_path: Path,
                                                        monkeypatch) -> None:
    sections = tmp_path / "sections.csv"
    sections.write_text("断面编码,断面名称,断面级别,水体类型,经度,纬度\n"
                        "S001,示范断面,国控,河流,106.5,29.6\n", encoding="utf-8")
    wide = tmp_path / "wide.csv"
    days = [f"2025-{m:02d}-01" for m in range(1, 13)]
    wide.write_text("断面编码,监测日期,氨氮,总磷,化学需氧量\n"
                    + "".join(f"S001,{d},0.5,0.1,12\n" for d in days),
                    encoding="utf-8")
    sizes: list[int] = []
    real = GeoPackageDatabase.write

    def spy(self, name, frame, mode="append"):
        if name == "measurements":
            sizes.append(len(frame))
        return real(self, name, frame, mode)

    monkeypatch.setattr(GeoPackageDatabase, "write", spy)
    with open_database(gpkg) as db:
        import_file(db, "sections", sections)
        report = import_file(db, "measurements", wide, ImportOptions(chunk_rows=10))
    assert report.rows_read == 12 and report.inserted == 36
    assert max(sizes) <= 12 and sum(sizes) == 36  # 3 items a row: ≤ 10 rows + one row's 3
