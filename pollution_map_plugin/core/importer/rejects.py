"""The rejects file: every rejected row with its line number and reason, and every
accepted row that lost a value (reason ``row kept, value(s) lost: …``).

CSV in UTF-8 with a byte-order mark, so that Excel opens the Chinese text
correctly.  Columns: ``行号 line``, ``原因 reason``, then the file's own headers
with the row's cells as read (extra cells of over-long rows in ``extra_1``…).
Written to a temporary file and renamed, so a failure never leaves half a file.
A cell — header cells included — that a spreadsheet would run as a formula
(``=…``, ``+…``, ``@…``, ``-…`` that is not a number) is written with a leading
apostrophe, so opening the rejects file in Excel or WPS never executes data
(CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .rows import Reject

LINE_HEADER = "行号 line"
REASON_HEADER = "原因 reason"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_FORMULA_START = ("=", "+", "@", "\t", "\r", "-")


def _neutralised(text: str) -> str:
    """``text`` made inert for spreadsheets: a formula start gets an apostrophe."""
    if not text.startswith(_FORMULA_START):
        return text
    if text.startswith(("-", "+")):
        try:
            float(text)
            return text
        except ValueError:
            pass
    return "'" + text


def default_rejects_path(source: str | Path) -> Path:
    """``<file name>.rejects.csv`` beside the imported file (``list.xlsx.rejects.csv``).

    The whole file name, suffix included, so that ``list.csv`` and ``list.xlsx``
    each have their own report and importing one never replaces the other's.
    """
    source = Path(source)
    return source.with_name(f"{source.name}.rejects.csv")


def write_rejects(rejects: Sequence[Reject], headers: Sequence[str], path: str | Path) -> Path:
    """Write ``rejects`` to ``path`` (see the module docstring); return the path."""
    writer = RejectsWriter(path, headers)
    writer.add(rejects)
    written = writer.finish(remove_stale=False)
    if written is None and rejects:  # a real check: asserts vanish under -O
        raise RuntimeError(f"{len(rejects)} rejected rows but no file written at {path}")
    return Path(path)


class RejectsWriter:
    """Rejects collected chunk by chunk on disk (memory stays bounded); ``finish``
    writes the file (header, padded rows) under a temporary name and renames it."""

    def __init__(self, path: str | Path, headers: Sequence[str]) -> None:
        self.path = Path(path)
        self.headers = list(headers)
        self.count = 0  # rejected rows
        self.kept = 0  # accepted rows that lost values (listed too)
        self.extra = 0
        self._body = tempfile.TemporaryFile(  # noqa: SIM115 - closed by finish/discard
            "w+", encoding="utf-8", newline="")
        self._writer = csv.writer(self._body)

    def add(self, rejects: Sequence[Reject]) -> None:
        width = len(self.headers)
        for reject in rejects:
            cells = [_neutralised(_text(v)) for v in reject.values]
            self.extra = max(self.extra, len(cells) - width)
            self._writer.writerow([reject.line, _neutralised(reject.reason), *cells])
            if reject.kept:
                self.kept += 1
            else:
                self.count += 1

    def discard(self) -> None:
        self._body.close()

    def finish(self, remove_stale: bool = False) -> Path | None:
        """Write the file if there were rejects (return its path); otherwise remove a
        stale file at the path when ``remove_stale``; None."""
        try:
            if not self.count and not self.kept:
                if remove_stale:
                    self.path.unlink(missing_ok=True)
                return None
            columns = [LINE_HEADER, REASON_HEADER, *self.headers,
                       *(f"extra_{i + 1}" for i in range(self.extra))]
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".rejects-", suffix=".csv", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow([_neutralised(str(c)) for c in columns])
                    self._body.seek(0)
                    for row in csv.reader(self._body):
                        writer.writerow(row + [""] * (len(columns) - len(row)))
                os.chmod(tmp, 0o644)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            return self.path
        finally:
            self._body.close()


def read_rejects(path: str | Path) -> list[dict[str, str]]:
    """The rows of a rejects file as dicts (for tests and the QGIS dialog)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
