"""XLSX workbooks: the sheets, one sheet's records, formulas and merged cells.

* ``sheets(path)``: every sheet with its state (visible, hidden, veryHidden), so the
  importer can say which one it read and why (``parsing.open_input``).
* ``read_xlsx(path, sheet)``: the records of one sheet (cells as typed values).
  A formula cell without a cached value (a workbook written by a program, never
  opened in Excel/WPS) is **not** a blank: the record carries a cell problem and
  the row is rejected when that column is imported.  Merged ranges spanning rows
  (the usual 行业 column) are filled down with the top-left value, with a note.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from .raw_records import RawFile, RawRecord, ReadError, is_blank

_REF = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class SheetInfo:
    """A sheet's title and state."""

    title: str
    state: str  # "visible" | "hidden" | "veryHidden"

    def describe(self) -> str:
        return self.title if self.state == "visible" else f"{self.title} ({self.state})"


def _cell(value):
    """XLSX cell → str, int, float, date or None (formulas are read as cached values)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, (dt.date, dt.time)):
        return value
    return str(value)


def _open(path: Path, data_only: bool):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(f"cannot read {path.name} as an .xlsx workbook: {exc}") from exc


def sheets(path: str | Path) -> list[SheetInfo]:
    """The sheets of the workbook in order, with their state."""
    book = _open(Path(path), True)
    try:
        return [SheetInfo(ws.title, getattr(ws, "sheet_state", "visible") or "visible")
                for ws in book.worksheets]
    finally:
        book.close()


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _merged_ranges(path: Path, member: str | None) -> list[tuple[int, int, int, int]]:
    """(first row, last row, first column, last column) of merged ranges (1-based rows,
    0-based columns), read from the sheet's XML without loading the sheet."""
    if not member:
        return []
    ranges = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.endswith("}mergeCell"):
            parts = [_REF.match(p) for p in attrs.get("ref", "").split(":")]
            if len(parts) == 2 and all(parts):
                (c1, r1), (c2, r2) = (p.groups() for p in parts)  # type: ignore[union-attr]
                ranges.append((int(r1), int(r2), _column_index(c1), _column_index(c2)))

    # Streamed with expat, keeping nothing but the ranges; a DTD is refused (as
    # defusedxml does): a worksheet has none, and without one no entity can expand.
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as handle:
            parser.ParseFile(handle)
    except (KeyError, zipfile.BadZipFile, expat.ExpatError, _DtdError):
        return []
    return ranges


class _DtdError(Exception):
    """A worksheet's XML declares a DTD."""


def _refuse_dtd(*_args: object) -> None:
    raise _DtdError


def _is_formula(value) -> bool:
    if isinstance(value, str):
        return value.startswith("=") and len(value) > 1
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def read_xlsx(path: str | Path, sheet: str | None = None) -> RawFile:
    """Read one sheet (the first unless ``sheet`` names one) of an .xlsx workbook."""
    path = Path(path)
    book = _open(path, True)
    formulas_book = _open(path, False)
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise ReadError(f"no sheet {sheet!r}; sheets: {', '.join(names)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        fws = formulas_book[ws.title]
        rows = []
        for number, (row, frow) in enumerate(zip(ws.iter_rows(values_only=True),
                                                 fws.iter_rows(values_only=True)), start=1):
            values = [_cell(v) for v in row]
            problems = {}
            for i, (v, f) in enumerate(zip(values, frow)):
                if v is None and _is_formula(f):
                    text = f if isinstance(f, str) else "an array formula"
                    problems[i] = (f"a formula ({text[:40]}) without a calculated value: open "
                                   "and save the file in Excel/WPS, or paste the values")
            rows.append((number, values, problems or None))
        member = getattr(ws, "_worksheet_path", None)
    finally:
        book.close()
        formulas_book.close()
    notes: list[str] = []  # which sheet was read, and why: parsing.open_input
    filled = _fill_merged(rows, _merged_ranges(path, member))
    if filled:
        notes.append(f"merged cells filled down from their first row: {', '.join(filled[:6])}"
                     + (", …" if len(filled) > 6 else ""))
    records: list[RawRecord] = []
    blank = 0
    for number, values, problems in rows:
        if is_blank(values) and not problems:
            blank += 1
            continue
        records.append(RawRecord(number, values, cell_problems=problems))
    width = max((len(r.values) for r in records), default=0)
    for record in records:  # a sheet has no "wrong field count": pad short rows
        record.values += [None] * (width - len(record.values))
    return RawFile(records, "xlsx", "xlsx", blank, notes)


def _fill_merged(rows: list, ranges: list[tuple[int, int, int, int]]) -> list[str]:
    """Fill ranges that span rows with their top-left value; the ranges filled."""
    by_number = {number: values for number, values, _p in rows}
    filled = []
    for r1, r2, c1, c2 in sorted(ranges):
        if r2 <= r1 or r1 not in by_number:
            continue
        top = by_number[r1]
        value = top[c1] if c1 < len(top) else None
        if value is None:
            continue
        for number in range(r1, r2 + 1):
            values = by_number.get(number)
            if values is None:
                continue
            if len(values) <= c2:
                values.extend([None] * (c2 + 1 - len(values)))
            for c in range(c1, c2 + 1):
                if (number, c) != (r1, c1) and values[c] is None:
                    values[c] = value
        filled.append(_ref(r1, c1) + ":" + _ref(r2, c2))
    return filled


def _ref(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"
