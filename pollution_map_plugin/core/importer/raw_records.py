"""What a reader returns: records with their line numbers, the file's encoding and warnings.

Shared by the CSV reader (``record_readers``) and the XLSX reader (``xlsx``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


class ReadError(ValueError):
    """The file cannot be read at all (missing, unknown format, no sheet, …)."""


@dataclass
class RawRecord:
    """One record: cells as read, its first and last line (CSV) or its sheet row (XLSX)."""

    line: int
    values: list
    end_line: int = 0
    problem: str | None = None
    cell_problems: dict[int, str] | None = None  # column index → why the cell is unusable

    def __post_init__(self) -> None:
        if not self.end_line:
            self.end_line = self.line


@dataclass
class RawFile:
    """The non-blank records of a file (a list, or an iterator reading the file), and
    what was learnt reading it."""

    records: Iterable[RawRecord]
    encoding: str
    kind: str  # "csv" | "xlsx"
    blank_lines: int = 0
    warnings: list[str] = field(default_factory=list)


def is_blank(values: list) -> bool:
    """Whether every cell is empty or whitespace (a blank line, not a data row)."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
