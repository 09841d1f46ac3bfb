"""The options of one import job (one object, shared by the CLI, Processing and the panel)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

BLANK_CHOICES = ("keep", "clear")
DEFAULT_CHUNK_ROWS = 50_000
WATER_BODY_CHOICES = ("guess", "river", "lake")


@dataclass(frozen=True)
class ImportOptions:
    """How to read the file and how to write it.

    ``blank``: what a blank cell does to a value already stored for the same key —
    ``keep`` (default) leaves it, ``clear`` erases it; either way it is counted and
    reported.  ``chunk_rows``: records validated and written at a time (memory stays
    bounded whatever the file size; one transaction all the same).
    ``lock_wait_s``: how long to wait for another writer before "database busy".

    Monitoring releases (measurements with 省份 and 监测时间 ``02-04 11:00``):
    ``year`` completes dates without a year (default: the file's own date);
    ``create_sections`` creates unknown stations as unlocated sections coded from
    (province, name); ``water_body`` is their type: ``guess`` (from the name: 湖, 水库,
    库心, 库区 → lake), ``river`` or ``lake``; ``class_report_path`` is where rows whose
    published 水质类别 disagrees with the computed class are listed (default
    ``<file name>.classes.csv``); ``daily_report_path`` is where the daily means of
    several readings of a day are listed (default ``<file name>.daily.csv``).
    """

    crs: str = "wgs84"
    encoding: str = "auto"
    mapping: dict[str, str] | None = None
    sheet: str | None = None
    rejects_path: str | Path | None = None
    blank: str = "keep"
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    lock_wait_s: float = 30.0
    year: int | None = None
    create_sections: bool = False
    water_body: str = "guess"
    class_report_path: str | Path | None = None
    daily_report_path: str | Path | None = None

    def __post_init__(self) -> None:
        if self.blank not in BLANK_CHOICES:
            raise ValueError(f"blank must be one of {', '.join(BLANK_CHOICES)}, "
                             f"not {self.blank!r}")
        if self.water_body not in WATER_BODY_CHOICES:
            raise ValueError(f"water_body must be one of {', '.join(WATER_BODY_CHOICES)}, "
                             f"not {self.water_body!r}")
        if self.year is not None and not 1900 <= int(self.year) <= 2100:
            raise ValueError(f"year out of range: {self.year}")
        if self.chunk_rows < 1:
            raise ValueError("chunk_rows must be at least 1")

    @classmethod
    def of(cls, options: ImportOptions | None = None, **overrides) -> ImportOptions:
        """``options`` (or the defaults) with keyword overrides (``crs=…``, …)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown import option(s): {', '.join(unknown)}")
        return replace(options or cls(), **overrides)
