"""A filter of rows by date (and value lists) that each back end turns into its SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..schema import Table


def iso_date(value: Any) -> str:
    """A date bound as ``YYYY-MM-DD`` text."""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class DateWindow:
    """Rows whose ``column`` (a date) lies in ``[start, end)`` (ISO text; None: open)."""

    column: str
    start: str | None
    end: str | None
    among: tuple[tuple[str, tuple], ...] = ()  # (column, values): only rows with one
    pairs: tuple[tuple[str, str], ...] = ()  # (section_code, parameter): only these

    @classmethod
    def of(cls, table: Table, dates: tuple[Any, Any],
           among: dict[str, Sequence] | None = None,
           pairs: Sequence[tuple[str, str]] | None = None) -> DateWindow:
        column = next((c for c in table.natural_key if table.column(c).type == "date"), None)
        if column is None:
            raise ValueError(f"{table.name} has no date column to filter on")
        for name in among or {}:
            table.column(name)  # KeyError for an unknown column
        start, end = dates
        return cls(column, iso_date(start) if start is not None else None,
                   iso_date(end) if end is not None else None,
                   tuple((k, tuple(str(v) for v in vs)) for k, vs in (among or {}).items()),
                   tuple((str(s), str(q)) for s, q in (pairs or ())))

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.among or self.pairs)
