"""Merged ranges are read from the sheet XML by expat, DTDs refused (no entity expansion)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from pollution_map_plugin.core.importer.xlsx import _merged_ranges

MEMBER = "xl/worksheets/sheet1.xml"
# Even a harmless entity is refused: no DTD, no expansion (and no billion laughs on an
# old expat, as on some Windows builds of QGIS's Python).
DTD = '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY h "x">]>\n'


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["行业", "name"])
    for name in ("a", "b", "c"):
        sheet.append(["化工", name])
    sheet.merge_cells("A2:A4")
    book.save(path)
    return path


def _with_dtd(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == MEMBER:
                text = data.decode("utf-8")
                body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
                data = (DTD + body.replace("<mergeCell ", "<mergeCell x='&h;' ")).encode()
            new.writestr(item, data)
    return dst


def test_merged_ranges_are_read(tmp_path: Path) -> None:
    assert _merged_ranges(_workbook(tmp_path / "ok.xlsx"), MEMBER) == [(2, 4, 0, 0)]


def test_a_sheet_with_a_dtd_is_refused(tmp_path: Path) -> None:
    dtd = _with_dtd(_workbook(tmp_path / "ok.xlsx"), tmp_path / "dtd.xlsx")
    assert b"<!ENTITY h" in zipfile.ZipFile(dtd).read(MEMBER)
    assert _merged_ranges(dtd, MEMBER) == []
