"""Import a CSV/XLSX file into a table: ``parse_file`` (pure) then ``import_file`` (db).

``parse_file`` reads, maps headers and validates: file → accepted frame + rejects.
``import_file`` builds the validation context from the database (known sections,
codes that link columns name), writes the rejects file, then upserts the accepted
rows in one transaction (``apply.write_frame``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import schema
from ..coords import normalize_crs
from ..db.links import links_of
from .apply import write_frame
from .encoding import EncodingError, normalize_encoding
from .fields import label
from .headers import HeaderError, choose_header, required_targets
from .measurements import SectionIndex
from .readers import ReadError, read_file
from .rejects import default_rejects_path, write_rejects
from .rows import Context, Reject, validate_records

IMPORTABLE_TABLES = ("enterprises", "outfalls", "sewage_plants", "livestock_farms",
                     "petrol_stations", "sections", "measurements", "river_chiefs",
                     "problems", "projects")


class ImportFileError(ValueError):
    """A fatal problem: the file cannot be imported at all (nothing was written)."""


@dataclass
class ParseResult:
    """The pure outcome of reading and validating one file."""

    table: str
    frame: pd.DataFrame  # a GeoDataFrame (EPSG:4490, column "geometry") for layers
    rejects: list[Reject]
    rows_read: int
    encoding: str
    headers: list[str]
    header_line: int
    columns: dict[str, str]  # file header → target
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected


@dataclass
class ImportReport:
    """What an import did.  ``accepted + rejected == rows_read``; ``inserted``,
    ``updated`` and ``unchanged`` count database rows (a wide measurement row gives
    several)."""

    table: str
    source: str
    rows_read: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    encoding: str
    warnings: list[str]
    rejects_path: str | None

    def summary(self) -> str:
        """``read N, accepted A, rejected R (rejects: path)``."""
        text = f"read {self.rows_read}, accepted {self.accepted}, rejected {self.rejected}"
        if self.rejects_path:
            text += f" (rejects: {self.rejects_path})"
        return text


def _table(name: str) -> schema.Table:
    if name not in IMPORTABLE_TABLES:
        raise ImportFileError(f"cannot import into {name!r}; importable tables: "
                              f"{', '.join(IMPORTABLE_TABLES)}")
    return schema.table(name)


def parse_file(path: str | Path, table: str, *, crs: str = "wgs84", encoding: str = "auto",
               mapping: dict[str, str] | None = None, sheet: str | None = None,
               context: Context | None = None) -> ParseResult:
    """Read and validate ``path`` for ``table``; ImportFileError when it cannot be read."""
    spec = _table(table)
    try:
        crs = normalize_crs(crs)
        normalize_encoding(encoding)
        raw = read_file(path, encoding, sheet)
        rows = [(r.line, r.values) for r in raw.records]
        hmap = choose_header(rows, spec, mapping)
    except (ReadError, EncodingError, HeaderError, ValueError, OSError) as exc:
        raise ImportFileError(str(exc)) from exc
    missing = required_targets(spec, hmap)
    if missing:
        raise ImportFileError(
            f"no column for {', '.join(label(spec, m) for m in missing)}; headers found: "
            f"{', '.join(hmap.headers) or '(none)'}; map one with --map 'header=column'")
    before = [r for r in raw.records if r.line < hmap.header_line]
    data = [r for r in raw.records if r.line > hmap.header_line]
    validated = validate_records(data, spec, hmap, crs, context)
    warnings = [f"encoding {raw.encoding}", *raw.warnings, *hmap.warnings]
    if before:
        warnings.append(f"{len(before)} line(s) before the header (line {hmap.header_line}) "
                        "skipped")
    if raw.blank_lines:
        warnings.append(f"{raw.blank_lines} blank line(s) skipped")
    if hmap.ignored:
        warnings.append(f"columns not imported: {', '.join(hmap.ignored)}")
    warnings += validated.warnings
    columns = {hmap.headers[i]: t for i, t in sorted(hmap.columns.items())}
    columns.update({hmap.headers[i]: f"parameter {c}" for i, (c, _f, _u) in hmap.wide.items()})
    return ParseResult(table, validated.frame, validated.rejects, validated.rows_read,
                       raw.encoding, hmap.headers, hmap.header_line, columns, warnings)


def build_context(db, table: str) -> Context:
    """Known sections (measurements) and the codes link columns may name, from ``db``."""
    context = Context()
    if table == "measurements":
        sections = db.read_table("sections", columns=["code", "name"])
        context.sections = SectionIndex.from_pairs(zip(sections["code"], sections["name"]))
        return context
    for link in links_of(table):
        codes: set[str] = set()
        for target_table, target_column in link.targets:
            values = db.read_table(target_table, columns=[target_column])[target_column]
            codes |= {str(v) for v in values.dropna()}
        context.known[link.column] = codes
    return context


def import_file(db, table: str, path: str | Path, *, crs: str = "wgs84",
                encoding: str = "auto", mapping: dict[str, str] | None = None,
                sheet: str | None = None, rejects_path: str | Path | None = None
                ) -> ImportReport:
    """Validate ``path`` and upsert its accepted rows into ``table`` of ``db``.

    Rejected rows go to ``rejects_path`` (default ``<file>.rejects.csv``), written
    only when there are rejects; a clean import removes a stale default rejects file
    left by an earlier import of the same file, so it cannot be mistaken for this one's.
    Raises ImportFileError (nothing written) when the
    file cannot be imported; database errors propagate after the rollback.
    """
    _table(table)
    result = parse_file(path, table, crs=crs, encoding=encoding, mapping=mapping, sheet=sheet,
                        context=build_context(db, table))
    written_rejects = None
    target = Path(rejects_path) if rejects_path else default_rejects_path(path)
    if result.rejects:
        written_rejects = str(write_rejects(result.rejects, result.headers, target))
    elif rejects_path is None:
        target.unlink(missing_ok=True)
    counts = write_frame(db, schema.table(table), result.frame)
    return ImportReport(
        table=table, source=str(path), rows_read=result.rows_read, accepted=result.accepted,
        rejected=result.rejected, inserted=counts.inserted, updated=counts.updated,
        unchanged=counts.unchanged, encoding=result.encoding, warnings=result.warnings,
        rejects_path=written_rejects,
    )
