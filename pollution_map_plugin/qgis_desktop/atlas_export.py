"""Export the one-river atlas: one PDF per river (and optionally a PNG per page) plus an
index, in the background with progress and cancel, or synchronously (CLI, Processing).

The layout is drawn on the main thread (QGIS's layout exporter needs it), one page per
event-loop turn into the river's PDF (a ``QPdfWriter`` kept open across its pages),
while a status-bar ``ProgressTask`` shows the progress and takes the user's cancel.
Files go to a temporary folder beside the output and are moved into place when every
river is done: a cancel or an error leaves the output as it was.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from qgis.core import QgsLayoutExporter, QgsPrintLayout
from qgis.PyQt.QtCore import QSize, QTimer

from .translation import tr

STEP_GAP_MS = 15
_RUNNING: set[AtlasExport] = set()


def safe_name(text: str) -> str:
    """``text`` (a river name from the data) usable in a file name."""
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", str(text)).strip("_")[:60] or "river"


class AtlasExport:
    """Export ``layout``'s atlas to ``out_dir``: ``start()`` in steps (panel), or
    ``run()`` to the end (scripts).  ``on_done(files)`` / ``on_error(exc)`` are called
    on the main thread; a cancel calls neither and writes nothing."""

    def __init__(self, layout: QgsPrintLayout, out_dir: Path | str, dpi: int = 150,
                 png: bool = False, on_done: Callable[[list[Path]], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 progress: Callable[[float], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> None:
        self.layout, self.dpi, self.png = layout, dpi, png
        self.out_dir = Path(out_dir)
        self.on_done, self.on_error = on_done, on_error
        self.progress, self.cancelled = progress, cancelled
        self.atlas = layout.atlas()
        self.index: list[dict] = []
        self.files: list[Path] = []
        self.timings: list[float] = []  # seconds per river (main thread)
        self.page_timings: list[float] = []  # seconds per page step
        self.river = None  # (pdf, writer, painter, exporter, next page) of the river open
        self.task = None
        self.tmp: Path | None = None
        self.i = 0
        self.n = 0

    # -- steps ---------------------------------------------------------------------
    def _begin(self) -> None:
        if not self.atlas.enabled() or self.atlas.coverageLayer() is None:
            raise RuntimeError(tr("The layout has no atlas"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".pollution-atlas-", dir=self.out_dir))
        if not self.atlas.beginRender():
            raise RuntimeError(tr("The atlas has no river to print"))
        self.n = self.atlas.count()

    def _step(self) -> bool:
        """Draw the next page (one page per step: the longest GUI stall is one page,
        not one river); False when every river is done."""
        if self.i >= self.n:
            return False
        started = time.perf_counter()
        pages = self.layout.pageCollection().pageCount()
        if self.river is None:
            self.river = self._open_river()
        pdf, writer, painter, exporter, page = self.river
        if page > 0:
            writer.newPage()
        exporter.renderPage(painter, page)
        if self.png:
            image = exporter.renderPageToImage(page, QSize(), self.dpi)
            path = pdf.with_name(f"{pdf.stem}_p{page + 1}.png")
            if image.isNull() or not image.save(str(path), "PNG"):
                raise RuntimeError(tr("Could not write {0}").format(path.name))
            self.files.append(path)
        self.page_timings.append(time.perf_counter() - started)
        if page + 1 < pages:
            self.river = (pdf, writer, painter, exporter, page + 1)
            return True
        painter.end()
        self.river = None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise RuntimeError(tr("Could not write {0}").format(pdf.name))
        self.files.append(pdf)
        self.index[-1]["pages"] = pages
        self.timings.append(sum(self.page_timings[-pages:]))
        self.i += 1
        if self.progress is not None:
            self.progress(100.0 * self.i / max(self.n, 1))
        return True

    def _open_river(self):
        """Go to river ``i``: its PDF writer and painter (kept open across its pages)."""
        from qgis.PyQt.QtCore import QMarginsF, QSizeF
        from qgis.PyQt.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        self.atlas.seekTo(self.i)
        feature = self.atlas.layout().reportContext().feature()
        code, name = str(feature["code"]), str(feature["name"])
        base = f"{self.i + 1:02d}_{safe_name(code)}_{safe_name(name)}"
        pdf = self.tmp / f"{base}.pdf"
        size = self.layout.pageCollection().page(0).pageSize()
        writer = QPdfWriter(str(pdf))
        writer.setResolution(self.dpi)
        writer.setPageLayout(QPageLayout(
            QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Millimeter),
            QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        writer.setTitle(f"{name} 一河一策图册")
        writer.setCreator("Pollution Source Map (QGIS)")
        self.layout.renderContext().setDpi(self.dpi)
        painter = QPainter(writer)
        self.index.append({"n": self.i + 1, "code": code, "name": name, "file": pdf.name,
                           "pages": 0})
        return pdf, writer, painter, QgsLayoutExporter(self.layout), 0

    def _finish(self) -> list[Path]:
        self.atlas.endRender()
        _write_index(self.tmp, self.index)
        out = []
        for path in [*self.files, self.tmp / "index.html", self.tmp / "index.csv"]:
            target = self.out_dir / path.name
            path.replace(target)
            out.append(target)
        self._cleanup()
        return out

    def _cleanup(self) -> None:
        if self.river is not None:
            self.river[2].end()  # the painter of a river left half drawn
            self.river = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        _RUNNING.discard(self)

    def _is_cancelled(self) -> bool:
        if self.task is not None and self.task.isCanceled():
            return True
        return bool(self.cancelled and self.cancelled())

    # -- synchronous ----------------------------------------------------------------
    def run(self) -> list[Path]:
        """Export every river now (scripts); an empty list when cancelled."""
        try:
            self._begin()
            while self._step():
                if self._is_cancelled():
                    self.atlas.endRender()
                    self._cleanup()
                    return []
            return self._finish()
        except BaseException:
            self._cleanup()
            raise

    # -- in the background ------------------------------------------------------------
    def start(self) -> AtlasExport:
        """Export river by river on the event loop, with a cancellable status-bar task."""
        from .tasks import ProgressTask

        self.task = ProgressTask(tr("One-river atlas")).start()
        self.progress = self.task.setProgress
        _RUNNING.add(self)
        QTimer.singleShot(STEP_GAP_MS, self._tick)
        return self

    def _tick(self) -> None:
        try:
            if self.tmp is None:
                self._begin()
            if self._is_cancelled():
                self.atlas.endRender()
                self._cleanup()
                self.task.finish(False)
                return
            if self._step():
                QTimer.singleShot(STEP_GAP_MS, self._tick)
                return
            files = self._finish()
            self.task.finish(True)
            if self.on_done is not None:
                self.on_done(files)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self._cleanup()
            if self.task is not None:
                self.task.finish(False)
            if self.on_error is not None:
                self.on_error(exc)


def _write_index(folder: Path, rows: list[dict]) -> None:
    """index.csv and index.html (bilingual; names escaped) of the exported rivers."""
    with open(folder / "index.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["n", "code", "name", "file", "pages"])
        writer.writeheader()
        writer.writerows(rows)
    body = "\n".join(
        f"<tr><td>{r['n']}</td><td>{html.escape(r['code'])}</td>"
        f"<td><a href=\"{html.escape(r['file'], quote=True)}\">{html.escape(r['name'])}</a>"
        f"</td><td>{r['pages']}</td></tr>" for r in rows)
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
        "<title>一河一策图册 One-river-one-policy atlas</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;"
        "border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
        "<h1>一河一策图册 <small>One-river-one-policy atlas</small></h1>"
        f"<p>{len(rows)} 条河流 · {len(rows)} rivers</p>"
        "<table><tr><th>#</th><th>编码 Code</th><th>河流 River</th><th>页数 Pages</th></tr>"
        f"{body}</table></body></html>\n")
    (folder / "index.html").write_text(page, encoding="utf-8")
