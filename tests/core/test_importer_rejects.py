"""The rejects file: header cells are inert too, and each input file has its own."""

from __future__ import annotations

from pathlib import Path

from pollution_map_plugin.core.importer.rejects import (
    default_rejects_path,
    read_rejects,
    write_rejects,
)
from pollution_map_plugin.core.importer.rows import Reject


def test_header_cells_are_neutralised(tmp_path: Path) -> None:
    headers = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "名称"]
    path = write_rejects([Reject(2, "bad", ["a", "b", "c", "d"])], headers, tmp_path / "r.csv")
    first_line = path.read_text(encoding="utf-8-sig").splitlines()[0]
    cells = first_line.split(",")
    assert not any(c.lstrip('"').startswith(("=", "+", "@")) for c in cells), first_line
    row = read_rejects(path)[0]
    assert row["'=HYPERLINK(\"http://x\",\"y\")"] == "a"
    assert row["'@SUM(A1)"] == "c"
    assert row["名称"] == "d"


def test_rejects_files_are_named_per_input_file(tmp_path: Path) -> None:
    csv_path = default_rejects_path(tmp_path / "list.csv")
    xlsx_path = default_rejects_path(tmp_path / "list.xlsx")
    assert csv_path != xlsx_path
    assert csv_path.parent == xlsx_path.parent == tmp_path
    assert "list.csv" in csv_path.name and "list.xlsx" in xlsx_path.name
