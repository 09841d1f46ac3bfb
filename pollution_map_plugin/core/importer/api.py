"""Import a CSV/XLSX file into a table: ``parse_file`` (pure) then ``import_file`` (db).

``parse_file`` reads, maps headers and validates: file → accepted frame + rejects.
``import_file`` builds the validation context from the database (known sections,
codes that link columns name), then, in **one transaction** taken with the write
lock before anything is read for comparison, validates and upserts the file chunk
by chunk (``ImportOptions.chunk_rows``; memory stays bounded whatever the file
size) and writes the rejects file.  Another writer holding the lock longer than
``ImportOptions.lock_wait_s`` gives "database busy" (nothing written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import schema
from ..db.errors import DatabaseError
from ..db.keyed import is_busy, lock_for_write, set_lock_wait
from ..db.links import links_of
from .apply import WriteCounts, write_chunk
from .cell_parsers import norm
from .daily import default_daily_report_path
from .measurement_import import SectionIndex
from .options import ImportOptions
from .parsing import ImportFileError, open_input
from .rejects import RejectsWriter, default_rejects_path
from .release import default_class_report_path
from .rows import Context, Reject

IMPORTABLE_TABLES = ("enterprises", "outfalls", "sewage_plants", "livestock_farms",
                     "petrol_stations", "sections", "measurements", "river_chiefs",
                     "problems", "projects")


class DatabaseBusyError(DatabaseError):
    """Another writer held the database (or table) longer than the import would wait."""


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
        return sum(not r.kept for r in self.rejects)

    @property
    def kept_with_losses(self) -> int:
        """Accepted rows that lost a value (listed in ``rejects`` with ``kept``)."""
        return sum(r.kept for r in self.rejects)

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected


@dataclass
class ImportReport:
    """What an import did.  ``accepted + rejected == rows_read``; ``inserted``,
    ``updated`` and ``unchanged`` count database rows (a wide measurement row gives
    several).  ``blank_cells``: column → blank cells of stored rows, kept or cleared
    as ``blank`` says."""

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
    blank: str = "keep"
    blank_cells: dict[str, int] = field(default_factory=dict)
    kept_with_losses: int = 0  # accepted rows that lost values (in the rejects file)
    sections_created: int = 0
    class_report_path: str | None = None
    daily_report_path: str | None = None  # readings averaged into daily means, listed

    def blank_summary(self) -> str:
        """What blank cells did to stored values ("" when they met none)."""
        total = sum(self.blank_cells.values())
        if not total:
            return ""
        where = ", ".join(f"{c} {n}" for c, n in sorted(self.blank_cells.items()))
        if self.blank == "keep":
            return (f"blank cells: {total} stored value(s) kept ({where}); "
                    "--blank clear erases them")
        return f"blank cells: {total} stored value(s) cleared ({where})"

    def summary(self) -> str:
        """``read N, accepted A, rejected R (rejects: path)`` [; blank cells: …]."""
        text = f"read {self.rows_read}, accepted {self.accepted}, rejected {self.rejected}"
        if self.kept_with_losses:
            text += f", {self.kept_with_losses} accepted with value(s) lost"
        if self.rejects_path:
            text += f" (rejects: {self.rejects_path})"
        blank = self.blank_summary()
        return f"{text}; {blank}" if blank else text


def _table(name: str) -> schema.Table:
    if name not in IMPORTABLE_TABLES:
        raise ImportFileError(f"cannot import into {name!r}; importable tables: "
                              f"{', '.join(IMPORTABLE_TABLES)}")
    return schema.table(name)


def parse_file(path: str | Path, table: str, options: ImportOptions | None = None, *,
               context: Context | None = None, **overrides) -> ParseResult:
    """Read and validate ``path`` for ``table``; ImportFileError when it cannot be read.

    Options as an ``ImportOptions`` or keywords (``crs=``, ``encoding=``, ``mapping=``,
    ``sheet=``).  The whole file is validated into one frame (for big files
    ``import_file`` works in chunks).
    """
    options = ImportOptions.of(options, **overrides)
    spec = _table(table)
    opened = open_input(path, spec, options, context)
    frames, rejects = [], []
    for frame, chunk_rejects in opened.chunks():
        frames.append(frame)
        rejects += chunk_rejects
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return ParseResult(table, frame, rejects, opened.rows_read, opened.raw.encoding,
                       opened.headers, opened.hmap.header_line, opened.columns,
                       opened.warnings())


def build_context(db, table: str) -> Context:
    """Known sections (measurements) and the codes link columns may name, from ``db``."""
    context = Context()
    if table == "measurements":
        sections = db.read_table("sections", columns=["code", "name", "water_body_type"])
        context.sections = SectionIndex.from_pairs(
            zip(sections["code"], sections["name"]),
            dict(zip(sections["code"], sections["water_body_type"])))
        return context
    for link in links_of(table):
        codes: set[str] = set()
        for target_table, target_column in link.targets:
            values = db.read_table(target_table, columns=[target_column])[target_column]
            codes |= {str(v) for v in values.dropna()}
            if (target_table, target_column) == ("rivers", "code"):
                context.names[link.column] = river_names(db)
        context.known[link.column] = codes
    return context


def river_names(db) -> dict[str, str | None]:
    """Normalised river name → its code (None when several rivers have that name)."""
    rivers = db.read_table("rivers", columns=["code", "name"]).dropna()
    out: dict[str, str | None] = {}
    for code, name in zip(rivers["code"].astype(str), rivers["name"].astype(str)):
        key = norm(name)
        out[key] = code if key not in out else None
    return out


def import_file(db, table: str, path: str | Path, options: ImportOptions | None = None,
                **overrides) -> ImportReport:
    """Validate ``path`` and upsert its accepted rows into ``table`` of ``db``.

    Rejected rows go to ``options.rejects_path`` (default ``<file name>.rejects.csv``),
    written only when there are rejects; a clean import removes a stale default
    rejects file of the same input file, so it cannot be mistaken for this one's.
    Raises SchemaError (nothing written) when ``db`` has an older schema version
    (``migrate`` it, or open it with ``open_current``), ImportFileError (nothing
    written) when the file cannot be imported,
    DatabaseBusyError when another writer holds the lock too long; database errors
    propagate after the rollback.
    """
    options = ImportOptions.of(options, **overrides)
    spec = _table(table)
    db.require_current()  # an older schema: SchemaError naming ``migrate``, nothing read
    context = build_context(db, table)
    daily_target = Path(options.daily_report_path) if options.daily_report_path \
        else default_daily_report_path(path)
    context.daily_report = daily_target if table == "measurements" else None
    opened = open_input(path, spec, options, context)
    target = Path(options.rejects_path) if options.rejects_path else default_rejects_path(path)
    rejects = RejectsWriter(target, opened.headers)
    counts = WriteCounts()
    stations = opened.validator.context.stations
    created = WriteCounts()
    try:
        set_lock_wait(db, options.lock_wait_s)
        with db.transaction():
            lock_for_write(db, spec, options.lock_wait_s)
            if table == "measurements":
                lock_for_write(db, schema.table("sections"), options.lock_wait_s)
            for frame, chunk_rejects in opened.chunks():
                rejects.add(chunk_rejects)
                if stations.created:  # new sections first, unlocated, in the same transaction
                    created.add(write_chunk(db, schema.table("sections"),
                                            unlocated_sections(stations), options.blank))
                counts.add(write_chunk(db, spec, frame, options.blank))
            # the report of the file's rejects is in place before the rows are committed,
            # as it was when rejects were written first: it never lags behind the database
            written = rejects.finish(remove_stale=options.rejects_path is None)
            classes = _class_report(opened, options, path)
            daily = context.daily.write(daily_target) if table == "measurements" else None
    except DatabaseError as exc:
        rejects.discard()
        if is_busy(exc):
            raise DatabaseBusyError(
                f"database busy: another import or edit is writing to {db.describe()} and "
                f"did not finish within {options.lock_wait_s:g} s; nothing was written, "
                "try again when it has finished") from None
        raise
    except BaseException:
        rejects.discard()
        raise
    if table == "measurements" and db.kind == "postgis":  # the months written, re-rolled up
        from ..db.postgis_rollup import maintain

        maintain(db)
    return ImportReport(
        table=table, source=str(path), rows_read=opened.rows_read,
        accepted=opened.rows_read - rejects.count, rejected=rejects.count,
        inserted=counts.inserted, updated=counts.updated, unchanged=counts.unchanged,
        encoding=opened.raw.encoding, warnings=opened.warnings(),
        rejects_path=str(written) if written else None, blank=options.blank,
        blank_cells=dict(counts.blank), kept_with_losses=rejects.kept,
        sections_created=created.inserted, class_report_path=str(classes) if classes else None,
        daily_report_path=str(daily) if daily else None,
    )


def unlocated_sections(stations) -> gpd.GeoDataFrame:
    """The sections a release import created since the last call, without coordinates."""
    rows = list(stations.created.values())
    stations.created.clear()
    frame = pd.DataFrame(rows, columns=["code", "name", "level", "water_body_type"])
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)).values,
                            crs=f"EPSG:{schema.DEFAULT_SRID}")


def _class_report(opened, options: ImportOptions, path) -> Path | None:
    """The published-class disagreements (a measurements file with 水质类别)."""
    checks = opened.validator.context.checks
    if not checks.compared:
        return None
    target = Path(options.class_report_path) if options.class_report_path \
        else default_class_report_path(path)
    return checks.write(target)
