"""Readers: a CSV or XLSX file → non-blank records with their line numbers.

Readers do not know the schema: they return every non-blank record (the header
row among them); ``headers.split_header`` picks the header.  A record that is
entirely blank (empty line, or only separators/whitespace) is not a data row: it is
counted in ``RawFile.blank_lines`` and reported as a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .encoding import decode_bytes

DELIMITERS = (",", "\t", ";", "|")
csv.field_size_limit(16 * 1024 * 1024)


class ReadError(ValueError):
    """The file cannot be read at all (missing, unknown format, no sheet, …)."""


@dataclass
class RawRecord:
    """One record: cells as read, its first and last line (CSV) or its sheet row (XLSX)."""

    line: int
    values: list
    end_line: int = 0
    problem: str | None = None

    def __post_init__(self) -> None:
        if not self.end_line:
            self.end_line = self.line


@dataclass
class RawFile:
    """All non-blank records of a file, and what was learnt reading it."""

    records: list[RawRecord]
    encoding: str
    kind: str  # "csv" | "xlsx"
    blank_lines: int = 0
    warnings: list[str] = field(default_factory=list)


def _blank(values: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def sniff_delimiter(text: str) -> str:
    """The most frequent of ``DELIMITERS`` over the first 20 non-blank lines (default ``,``)."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    counts = {d: sum(ln.count(d) for ln in lines) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_text(text: str, encoding: str, bad_lines: frozenset[int] = frozenset()) -> RawFile:
    """Parse decoded CSV text into records with their physical line numbers."""
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings = ["NUL characters removed from the file"]
    else:
        warnings = []
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[RawRecord] = []
    blank = 0
    last = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # pragma: no cover - strict=False rarely raises
            start, last = last + 1, reader.line_num
            records.append(RawRecord(start, [], last, f"unreadable CSV record: {exc}"))
            continue
        start, last = last + 1, reader.line_num
        if _blank(values):
            blank += 1
            continue
        record = RawRecord(start, values, last)
        if bad_lines and any(n in bad_lines for n in range(start, last + 1)):
            record.problem = f"bytes that are not valid {encoding} (the row is garbled)"
        records.append(record)
    if delimiter != ",":
        warnings.append(f"field separator {delimiter!r}")
    return RawFile(records, encoding, "csv", blank, warnings)


def read_csv(path: str | Path, encoding: str = "auto") -> RawFile:
    """Read a CSV file, detecting its encoding (see ``encoding.decode_bytes``)."""
    data = Path(path).read_bytes()
    decoded = decode_bytes(data, encoding)
    raw = read_csv_text(decoded.text, decoded.encoding, decoded.bad_lines)
    if decoded.bad_lines:
        raw.warnings.append(
            f"{len(decoded.bad_lines)} line(s) not valid {decoded.encoding}: "
            + ", ".join(str(n) for n in sorted(decoded.bad_lines)[:10])
        )
    return raw


def _cell(value):
    """XLSX cell → str, int, float, date or None (formulas are read as cached values)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, (dt.date, dt.time)):
        return value
    return str(value)


def read_xlsx(path: str | Path, sheet: str | None = None) -> RawFile:
    """Read one sheet (the first unless ``sheet`` names one) of an .xlsx workbook."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(Path(path), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(f"cannot read {Path(path).name} as an .xlsx workbook: {exc}") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ReadError(f"no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        records: list[RawRecord] = []
        blank = 0
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            values = [_cell(v) for v in row]
            if _blank(values):
                blank += 1
                continue
            records.append(RawRecord(number, values))
    finally:
        book.close()
    width = max((len(r.values) for r in records), default=0)
    for record in records:  # a sheet has no "wrong field count": pad short rows
        record.values += [None] * (width - len(record.values))
    return RawFile(records, "xlsx", "xlsx", blank, [f"sheet {ws.title!r}"])


def read_file(path: str | Path, encoding: str = "auto", sheet: str | None = None) -> RawFile:
    """Read a .csv/.txt/.tsv or .xlsx/.xlsm file; ReadError for anything else."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix == ".xls":
        raise ReadError("old .xls workbooks are not supported; save as .xlsx or CSV")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        return read_xlsx(path, sheet)
    return read_csv(path, encoding)
