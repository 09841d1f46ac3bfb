"""An opened input file: the sheet chosen, the header found, records validated in chunks.

``open_input(path, table, options, context)`` reads as far as the header (fatal
problems — unreadable file, no usable sheet, missing required column — raise
``ImportFileError`` before anything is written) and returns an ``OpenedFile``
whose ``chunks()`` yields (accepted frame, rejects) per ``options.chunk_rows``
records: a CSV file is never held in memory whole.

A workbook without ``--sheet``: hidden sheets are skipped, and the first visible
sheet whose header has the table's required columns is read (an explanation sheet
first is passed over); the notes list the sheets, say which one was read and why.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import schema
from ..coords import normalize_crs
from .fields import label
from .headers import HEADER_SCAN_ROWS, HeaderError, HeaderMap, choose_header, required_targets
from .options import ImportOptions
from .record_readers import RawFile, ReadError, read_file
from .release import MissingYearError, file_date
from .rows import Context, Reject, Validator
from .text_encoding import EncodingError, normalize_encoding


class ImportFileError(ValueError):
    """A fatal problem: the file cannot be imported at all (nothing was written)."""


def _is_workbook(path: Path) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    if path.suffix.lower() == ".xls" or not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(4).startswith(b"PK\x03\x04")


def _header(raw: RawFile, spec: schema.Table, mapping: dict[str, str] | None
            ) -> tuple[HeaderMap, list, Iterator]:
    """(header map, records peeked before and after it, the rest of the records)."""
    records = iter(raw.records)
    peeked = list(itertools.islice(records, HEADER_SCAN_ROWS))
    try:
        hmap = choose_header([(r.line, r.values) for r in peeked], spec, mapping)
    except HeaderError as exc:
        raise ImportFileError(str(exc)) from exc
    missing = required_targets(spec, hmap)
    if missing:
        raise ImportFileError(
            f"no column for {', '.join(label(spec, m) for m in missing)}; headers found: "
            f"{', '.join(hmap.headers) or '(none)'} (line {hmap.header_line}; the header "
            f"is looked for in the first {HEADER_SCAN_ROWS} rows); map one with "
            "--map 'header=column'")
    return hmap, peeked, records


@dataclass
class OpenedFile:
    """A file read up to its header; ``chunks()`` validates the rest."""

    spec: schema.Table
    raw: RawFile
    hmap: HeaderMap
    validator: Validator
    before: int
    rest: Iterator
    chunk_rows: int
    notes: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return self.hmap.headers

    @property
    def columns(self) -> dict[str, str]:
        hmap = self.hmap
        columns = {hmap.headers[i]: t for i, t in sorted(hmap.columns.items())}
        columns.update({hmap.headers[i]: f"parameter {c}" for i, (c, _f, _u)
                        in hmap.wide.items()})
        return columns

    @property
    def rows_read(self) -> int:
        return self.validator.rows_read

    def chunks(self) -> Iterator[tuple[pd.DataFrame, list[Reject]]]:
        """(accepted rows, rejected rows) per ``chunk_rows`` database rows (a wide
        measurement record gives several) or rejects, to the end."""
        validator = self.validator
        pending = False
        for record in self.rest:
            try:
                validator.add(record)
            except MissingYearError as exc:
                raise ImportFileError(str(exc)) from None
            pending = True
            if len(validator.records) >= self.chunk_rows or \
                    len(validator.rejects) >= self.chunk_rows:
                yield validator.drain()
                pending = False
        validator.finish()  # the daily means of readings with a time of day
        if pending or validator.records or validator.rows_read == 0:
            yield validator.drain()

    def warnings(self) -> list[str]:
        """Every note; complete once ``chunks()`` is exhausted."""
        hmap = self.hmap
        notes = [f"encoding {self.raw.encoding}", *self.raw.warnings, *self.notes,
                 *hmap.warnings]
        if self.before:
            notes.append(f"{self.before} line(s) before the header (line {hmap.header_line}) "
                         "skipped")
        if self.raw.blank_lines:
            notes.append(f"{self.raw.blank_lines} blank line(s) skipped")
        if hmap.ignored:
            notes.append(f"columns not imported: {', '.join(hmap.ignored)}")
        return notes + self.validator.warnings()


def _choose_sheet(path: Path, spec: schema.Table, options: ImportOptions
                  ) -> tuple[RawFile, HeaderMap, list, Iterator, list[str]]:
    from .xlsx import read_xlsx, sheets

    infos = sheets(path)
    listing = ", ".join(i.describe() for i in infos)
    if options.sheet is not None:
        raw = read_xlsx(path, options.sheet)
        hmap, peeked, rest = _header(raw, spec, options.mapping)
        return raw, hmap, peeked, rest, [f"sheets: {listing}; read {options.sheet!r} (--sheet)"]
    passed: list[str] = []
    for info in infos:
        if info.state != "visible":
            passed.append(f"{info.title!r} is {info.state}")
            continue
        raw = read_xlsx(path, info.title)
        try:
            hmap, peeked, rest = _header(raw, spec, options.mapping)
        except ImportFileError as exc:
            passed.append(f"{info.title!r}: {str(exc).split(';')[0]}")
            continue
        why = ("the first sheet" if not passed else
               f"the first visible sheet with the columns of {spec.name} ({'; '.join(passed)})")
        return raw, hmap, peeked, rest, [f"sheets: {listing}; read {info.title!r}: {why}"]
    raise ImportFileError(f"no sheet of {path.name} has the columns of {spec.name}: "
                          f"{'; '.join(passed)}; give --sheet NAME (sheets: {listing})")


def open_input(path: str | Path, spec: schema.Table, options: ImportOptions,
               context: Context | None = None) -> OpenedFile:
    """Open ``path`` for ``spec`` (see the module docstring)."""
    path = Path(path)
    try:
        crs = normalize_crs(options.crs)
        normalize_encoding(options.encoding)
        if _is_workbook(path):
            raw, hmap, peeked, rest, notes = _choose_sheet(path, spec, options)
        else:
            raw = read_file(path, options.encoding, options.sheet)
            hmap, peeked, rest = _header(raw, spec, options.mapping)
            notes = []
    except (ReadError, EncodingError, HeaderError, OSError) as exc:
        raise ImportFileError(str(exc)) from exc
    except ValueError as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(str(exc)) from exc
    before = sum(1 for r in peeked if r.line < hmap.header_line)
    data = itertools.chain((r for r in peeked if r.line > hmap.header_line), rest)
    context = context or Context()
    if spec.name == "measurements":
        _release_context(context, options, path, [r.values for r in peeked
                                                  if r.line < hmap.header_line])
    validator = Validator(spec, hmap, crs, context)
    return OpenedFile(spec, raw, hmap, validator, before, _guarded(data), options.chunk_rows,
                      notes)


def _release_context(context: Context, options: ImportOptions, path: Path,
                     above: list[list]) -> None:
    """The options of a monitoring release, and the file's own date for its year."""
    context.stations.create = options.create_sections
    context.stations.water_body = options.water_body
    context.release.year = options.year
    if options.year is None:
        found = file_date(path, above)
        if found is not None:
            context.release.reference, context.release.source = found


def _guarded(records: Iterator) -> Iterator:
    """Records; a decoding error while reading on is fatal (nothing is written)."""
    try:
        yield from records
    except (UnicodeDecodeError, EncodingError, ReadError) as exc:
        raise ImportFileError(f"cannot read the file on: {exc}") from exc
