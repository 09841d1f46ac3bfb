"""Import with validation: CSV/XLSX files into the tables of the schema.

>>> result = parse_file("企业名单.csv", "enterprises", crs="gcj02")   # pure
>>> result.frame, result.rejects, result.rows_read
>>> report = import_file(db, "enterprises", "企业名单.csv", ImportOptions(crs="gcj02"))
>>> report.summary()  # 'read 120, accepted 117, rejected 3 (rejects: 企业名单.csv.rejects.csv)'

Modules: ``options`` (``ImportOptions``: one object per job), ``encoding``
(UTF-8 / BOM / GBK / GB18030 detection, plausibility, Big5 on request), ``readers``
(CSV, read lazily), ``xlsx`` (sheets, formulas, merged cells), ``parsing`` (sheet
and header choice, chunks), ``headers`` (Chinese/English headers, explicit mapping), ``values``
(numbers, dates, coded choices), ``parameters`` (water-quality items, units,
``0.02L``/``ND``), ``fields`` (per-column rules, coordinates), ``measurements``,
``rows`` (validation), ``rejects`` (the rejects file), ``apply`` (the one
database step), ``api`` (``parse_file``, ``import_file``).
"""

from .api import (
    IMPORTABLE_TABLES,
    DatabaseBusyError,
    ImportFileError,
    ImportReport,
    ParseResult,
    build_context,
    import_file,
    parse_file,
)
from .options import BLANK_CHOICES, ImportOptions
from .rejects import default_rejects_path, read_rejects, write_rejects
from .rows import Context, Reject

__all__ = [
    "BLANK_CHOICES", "IMPORTABLE_TABLES", "Context", "DatabaseBusyError", "ImportFileError",
    "ImportOptions", "ImportReport", "ParseResult", "Reject",
    "build_context", "default_rejects_path", "import_file", "parse_file", "read_rejects",
    "write_rejects",
]
