"""Batch export: index.html, overview.html and one report per river.

Progress and cancellation go through two plain callables so that the QGIS
dock's ``QgsTask`` (``setProgress`` / ``isCanceled``), Processing's feedback and
the CLI can all drive it::

    export_all(db, "out", progress=lambda fraction, message: ..., cancel=lambda: False)
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from markupsafe import Markup

from ..output_paths import check_output_dir
from .context import ExportContext
from .escaping import text
from .export_options import HtmlExportOptions
from .overview import overview_page
from .page import template_text, write_page
from .page_strings import t
from .page_templates import label_info, render
from .panels import share_text
from .report import report_filename, river_page


def _reason(exc: Exception) -> str:
    """Why a page failed, without a local path (``No space left on device``)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):  # absent, or not a file
        path.unlink()


Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


class ExportCancelled(Exception):  # noqa: N818 - reads as the event it is
    """The export was cancelled; the files written so far stay."""


@dataclass
class ExportResult:
    """Where the files are, and the pages that could not be written (with why)."""

    out_dir: Path
    index: Path | None = None
    overview: Path | None = None
    reports: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # page (file or code) → error

    @property
    def files(self) -> list[Path]:
        return [p for p in (self.index, self.overview) if p] + list(self.reports.values())

    @property
    def complete(self) -> bool:
        return self.index is not None and not self.failed


def _unique(name: str, used: set[str]) -> str:
    stem, suffix = name[: -len(".html")], ".html"
    out, k = name, 2
    while out.lower() in used or out.lower() in ("index.html", "overview.html"):
        out = f"{stem}_{k}{suffix}"
        k += 1
    used.add(out.lower())
    return out


def index_page(ctx: ExportContext, result: ExportResult, rows: list[dict]) -> str:
    """The index: a link to the overview and one row per river report."""
    lang = ctx.lang
    items = [{"name": r["name"], "code": r["code"], "href": quote(r["file"]),
              "missing": r.get("missing", False), "water_system": r["water_system"],
              "label_badge": label_info(r["label"], lang), "share": r["share"],
              "problems": r["problems"]} for r in rows]
    headers = [t(k, lang) for k in ("river", "water_system", "overall", "share_meeting",
                                    "problems")]
    html = render(
        "index.html.j2", lang, html_lang="en" if lang == "en" else "zh-CN",
        title=t("index_title", lang), css=Markup(template_text("index.css")),  # nosec B704: the packaged stylesheet, no data
        period=ctx.period_label, database=ctx.database_label,
        generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"), synthetic=ctx.synthetic,
        failed=list(result.failed.items()),
        missing_text=t("missing_pages", lang, n=len(result.failed)),
        overview=quote(result.overview.name) if result.overview else "",
        rows=items, headers=headers, footer="")
    return str(html)


def export_all(db_or_ctx: Any, out_dir: str | Path, options: HtmlExportOptions | None = None,
               *, progress: Optional[Progress] = None, cancel: Optional[Cancel] = None,
               **changes: Any) -> ExportResult:
    """Write ``index.html``, ``overview.html`` and one report per river into ``out_dir``.

    ``options``: an :class:`HtmlExportOptions` (keyword ``changes`` are shorthand for its
    fields; with an :class:`ExportContext`, its options).  ``options.rivers``: ``None``
    for the key rivers (every river with sections or sources when none is flagged),
    ``"all"`` for every river, or codes or names.  ``progress(fraction, message)``
    is called as the work advances; when ``cancel()`` returns True the export
    stops with :class:`ExportCancelled`.

    Each page is written atomically; a page that fails (a full disk, bad data) is
    recorded in ``result.failed`` and the others go on.  ``index.html`` is removed
    at the start and written last, listing the missing pages: a folder with an
    index is a complete export, or says what it lacks.
    """
    db_file = (db_or_ctx.database_file if isinstance(db_or_ctx, ExportContext)
               else getattr(db_or_ctx, "path", None))
    out = check_output_dir(out_dir, database=db_file)
    out.mkdir(parents=True, exist_ok=True)
    # An index from an earlier export would present this one, until it is complete,
    # as a complete set: it goes first, and the new index is written last.
    _remove(out / "index.html")

    def step(fraction: float, message: str) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled(message)
        if progress is not None:
            progress(max(0.0, min(1.0, fraction)), message)

    step(0.0, "reading the database")
    if isinstance(db_or_ctx, ExportContext):
        ctx = db_or_ctx
        options = HtmlExportOptions.build(options or ctx.options, **changes)
    else:
        options = HtmlExportOptions.build(options, **changes)
        ctx = ExportContext(db_or_ctx, options)
    overview = options.overview
    codes = ctx.river_codes(options.rivers)
    result = ExportResult(out)
    total = len(codes) + (2 if overview else 1)
    done = 1
    if overview:
        step(0.05, "overview.html")
        try:
            result.overview = write_page(out / "overview.html", overview_page(ctx),
                                         ctx.database_file)
        except Exception as exc:  # noqa: BLE001 - listed in the index, the rest goes on
            result.failed["overview.html"] = _reason(exc)
            _remove(out / "overview.html")
        done += 1
    used: set[str] = set()
    rows = []
    for code in codes:
        step(done / (total + 1), f"river {code}")
        row = {"file": "", "name": text(code), "code": text(code), "water_system": "",
               "label": None, "share": "", "problems": 0}
        try:
            html, sel = river_page(ctx, code)
            name = _unique(report_filename(sel.river["code"], sel.river["name"]), used)
            g = sel.group
            row.update({"file": name, "name": text(sel.river["name"]),
                        "water_system": text(sel.river.get("water_system")),
                        "label": g["label_zh"] if g is not None else None,
                        "share": share_text(g), "problems": len(ctx.problems(code))})
            result.reports[code] = write_page(out / name, html, ctx.database_file)
        except Exception as exc:  # noqa: BLE001 - listed in the index, the rest goes on
            result.failed[row["file"] or text(code)] = _reason(exc)
            row["missing"] = True
            if row["file"]:
                _remove(out / row["file"])  # not an older version beside this export
        rows.append(row)
        done += 1
    step(done / (total + 1), "index.html")
    result.index = write_page(out / "index.html", index_page(ctx, result, rows),
                              ctx.database_file)
    if progress is not None:
        progress(1.0, "done")
    return result



