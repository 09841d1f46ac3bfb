"""Readers: a CSV or XLSX file → non-blank records with their line numbers.

Readers do not know the schema: they return every non-blank record (the header
row among them); ``headers.choose_header`` picks the header.  A record that is
entirely blank (empty line, or only separators/whitespace) is not a data row: it is
counted in ``RawFile.blank_lines`` and reported as a warning.

CSV files are read **lazily**: ``RawFile.records`` is an iterator over the file
(decoded line by line, see ``encoding.iter_lines``), so memory does not grow with
the file; ``blank_lines`` and ``warnings`` are complete once it is exhausted.
XLSX sheets are read by ``xlsx.read_xlsx``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from .raw_records import RawFile, RawRecord, ReadError, is_blank
from .text_encoding import Detection, decode_bytes, detect_file, iter_lines

__all__ = ["RawFile", "RawRecord", "ReadError", "read_csv", "read_csv_text", "read_file",
           "sniff_delimiter"]

DELIMITERS = (",", "\t", ";", "|")
csv.field_size_limit(16 * 1024 * 1024)


def sniff_delimiter(text: str) -> str:
    """The most frequent of ``DELIMITERS`` over the first 20 non-blank lines (default ``,``)."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    counts = {d: sum(ln.count(d) for ln in lines) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(raw: RawFile, lines: Iterator[str], bad_lines: frozenset[int]
                 ) -> Iterator[RawRecord]:
    """Records of decoded lines; counts blank records into ``raw`` as it goes."""
    head = list(itertools.islice(lines, 20))
    nul = any("\x00" in ln for ln in head)
    delimiter = sniff_delimiter("".join(head).replace("\x00", ""))
    if delimiter != ",":
        raw.warnings.append(f"field separator {delimiter!r}")
    state = {"nul": nul}

    def clean(source: Iterable[str]) -> Iterator[str]:
        for line in source:
            if "\x00" in line:
                state["nul"] = True
                line = line.replace("\x00", "")
            yield line

    reader = csv.reader(clean(itertools.chain(head, lines)), delimiter=delimiter)
    last = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # pragma: no cover - strict=False rarely raises
            start, last = last + 1, reader.line_num
            yield RawRecord(start, [], last, f"unreadable CSV record: {exc}")
            continue
        start, last = last + 1, reader.line_num
        if is_blank(values):
            raw.blank_lines += 1
            continue
        record = RawRecord(start, values, last)
        if bad_lines and any(n in bad_lines for n in range(start, last + 1)):
            record.problem = f"bytes that are not valid {raw.encoding} (the row is garbled)"
        yield record
    if state["nul"]:
        raw.warnings.append("NUL characters removed from the file")


def read_csv_text(text: str, encoding: str, bad_lines: frozenset[int] = frozenset()) -> RawFile:
    """Parse decoded CSV text into records (a list) with their physical line numbers."""
    raw = RawFile([], encoding, "csv")
    raw.records = list(_csv_records(raw, iter(io.StringIO(text, newline="")), bad_lines))
    return raw


def read_csv(path: str | Path, encoding: str = "auto") -> RawFile:
    """Open a CSV file lazily, its encoding detected (see ``encoding.detect_file``)."""
    found: Detection = detect_file(path, encoding)
    raw = RawFile([], found.encoding, "csv")
    if found.bad_lines:
        raw.warnings.append(
            f"{len(found.bad_lines)} line(s) not valid {found.encoding}: "
            + ", ".join(str(n) for n in sorted(found.bad_lines)[:10]))
    raw.records = _csv_records(raw, iter_lines(path, found), found.bad_lines)
    return raw


def read_bytes_csv(data: bytes, encoding: str = "auto") -> RawFile:
    """A CSV file given as bytes (read whole; for small inputs and tests)."""
    decoded = decode_bytes(data, encoding)
    return read_csv_text(decoded.text, decoded.encoding, decoded.bad_lines)


def read_file(path: str | Path, encoding: str = "auto", sheet: str | None = None) -> RawFile:
    """Read a .csv/.txt/.tsv or .xlsx/.xlsm file; ReadError for anything else."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from .xlsx import read_xlsx

        return read_xlsx(path, sheet)
    if suffix == ".xls":
        raise ReadError("old .xls workbooks are not supported; save as .xlsx or CSV")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        from .xlsx import read_xlsx

        return read_xlsx(path, sheet)
    return read_csv(path, encoding)
