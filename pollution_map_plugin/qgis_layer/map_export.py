"""Export the print layouts without freezing QGIS.

Drawing a map of a Chongqing-size database takes seconds, and
``QgsLayoutExporter`` draws on the main thread.  So the maps are drawn first, each
by QGIS's own background renderer (``QgsMapRendererTask``, layer clones in a worker
thread, labels included), as sub-tasks of one cancellable task.  Then, one page per
event-loop turn, a throw-away clone of each layout gets its map frame filled with that
picture and is exported to PNG and PDF: titles, legend, scale bar and north arrow
stay vector, and the layouts in the project are never touched.

Files are written into a temporary folder beside the output and moved into place
only when the whole set is done; a cancel or an error leaves the output folder as it
was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from qgis.core import (
    QgsApplication,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsMapRendererTask,
    QgsPrintLayout,
    QgsTask,
)
from qgis.PyQt.QtCore import QSizeF, QTimer

from .i18n import tr
from .tasks import log

MAP_ITEM_ID = "pm_map"
_RUNNING: set[MapExportTask] = set()


def map_item(layout: QgsPrintLayout) -> QgsLayoutItemMap | None:
    """The layout's main map (by id, else the first map item)."""
    item = layout.itemById(MAP_ITEM_ID)
    if isinstance(item, QgsLayoutItemMap):
        return item
    maps = [i for i in layout.items() if isinstance(i, QgsLayoutItemMap)]
    return maps[0] if maps else None


class MapExportTask(QgsTask):
    """Export ``pages`` [(basename, layout)] to ``out_dir`` as PNG and PDF.

    ``on_done(files)`` or ``on_error(exc)`` is called on the main thread; a cancel calls
    neither and writes nothing.
    """

    def __init__(self, pages: list[tuple[str, QgsPrintLayout]], out_dir: Path | str,
                 dpi: int, on_done: Callable[[list[Path]], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__(tr("Exporting the maps"), QgsTask.Flag.CanCancel)
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".pollution-maps-", dir=self.out_dir))
        self.dpi = dpi
        self.on_done, self.on_error = on_done, on_error
        self.pages: list[tuple[str, QgsPrintLayout, Path]] = []
        self.renderers: list[QgsMapRendererTask] = []
        self.failures: list[str] = []
        self.files: list[Path] = []
        for basename, layout in pages:
            item = map_item(layout)
            if item is None:
                continue
            picture = self.tmp / f"{basename}.map.png"
            rect = item.rect()  # scene units: mm
            size = QSizeF(rect.width() / 25.4 * dpi, rect.height() / 25.4 * dpi)
            settings = item.mapSettings(item.extent(), size, dpi, True)
            renderer = QgsMapRendererTask(settings, str(picture), "PNG")
            renderer.errorOccurred.connect(
                lambda _code, b=basename: self.failures.append(b))
            self.addSubTask(renderer, [], QgsTask.SubTaskDependency.ParentDependsOnSubTask)
            self.renderers.append(renderer)
            self.pages.append((basename, layout, picture))

    def start(self) -> MapExportTask:
        _RUNNING.add(self)
        QgsApplication.taskManager().addTask(self)
        return self

    def run(self) -> bool:  # worker thread: the maps are drawn by the sub-tasks
        return not self.isCanceled() and not self.failures and all(
            picture.is_file() for _b, _l, picture in self.pages)

    def finished(self, ok: bool) -> None:
        if not ok:
            self._cleanup()
            if self.isCanceled():
                log(tr("Map export cancelled; nothing was written"))
                return
            self._fail(RuntimeError(tr("Could not draw the maps: {0}").format(
                ", ".join(self.failures) or tr("unknown error"))))
            return
        self.todo = list(self.pages)
        QTimer.singleShot(0, self._compose_next)

    # -- main thread, one page per event-loop turn --------------------------------------
    def _compose_next(self) -> None:
        from .layouts import export_layout

        try:
            if not self.todo:
                self._publish()
                return
            basename, layout, picture = self.todo.pop(0)
            page = picture_layout(layout, picture)
            self.files.extend(export_layout(page, self.tmp, basename, self.dpi))
            QTimer.singleShot(0, self._compose_next)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self._cleanup()
            self._fail(exc)

    def _publish(self) -> None:
        """Move the finished set into the output folder (each file by rename)."""
        final = []
        for path in self.files:
            target = self.out_dir / path.name
            os.replace(path, target)
            final.append(target)
        self._cleanup()
        if self.on_done is not None:
            self.on_done(final)

    def _fail(self, exc: BaseException) -> None:
        _RUNNING.discard(self)
        log(str(exc))
        if self.on_error is not None:
            self.on_error(exc)

    def _cleanup(self) -> None:
        _RUNNING.discard(self)
        shutil.rmtree(self.tmp, ignore_errors=True)


def picture_layout(layout: QgsPrintLayout, picture: Path) -> QgsPrintLayout:
    """A clone of ``layout`` whose map frame shows the pre-drawn ``picture``."""
    page = layout.clone()
    item = map_item(page)
    if item is None:
        return page
    item.setFollowVisibilityPreset(False)
    item.setKeepLayerSet(True)
    item.setLayers([])
    item.setBackgroundEnabled(False)
    image = QgsLayoutItemPicture(page)
    image.setPicturePath(str(picture))
    image.setResizeMode(QgsLayoutItemPicture.ResizeMode.Stretch)
    page.addLayoutItem(image)
    image.attemptMove(item.positionWithUnits())
    image.attemptResize(item.sizeWithUnits())
    page.moveItemToBottom(image)
    return page
