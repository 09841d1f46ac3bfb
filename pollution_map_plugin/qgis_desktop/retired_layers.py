"""Replaced thematic layers, kept alive until the map canvases have stopped drawing.

``build_maps`` replaces a thematic layer by a fresh one.  Deleting the old layer at
once, while a canvas render job (a thread, with its label engine) may still read it,
corrupted QGIS 3.22's heap on a reopened project (glibc's malloc checker aborted the
desktop reopen in about half of the runs; with the old layers released only after the
drawing stopped, none did).  So in the desktop the old layer is taken out of the
project at once (no tree node, no theme, no registry entry) and deleted a moment
later, once no canvas draws; headless (no canvas) it is removed at once.
"""

from __future__ import annotations

from qgis.core import QgsMapLayer, QgsProject
from qgis.PyQt.QtCore import QTimer

#: milliseconds between the checks; a layer lives at least this long after retiring
POLL_MS = 1000

_retired: list[QgsMapLayer] = []
_timer: QTimer | None = None


def _canvases() -> list:
    try:
        from qgis.utils import iface
    except ImportError:  # pragma: no cover - QGIS without its Python utilities
        return []
    if iface is None:
        return []
    try:
        return list(iface.mapCanvases())
    except (AttributeError, RuntimeError):
        return []


def retire(project: QgsProject, layer: QgsMapLayer) -> None:
    """Take ``layer`` out of ``project``; delete it once no canvas draws."""
    canvases = _canvases()
    if not canvases:
        project.removeMapLayer(layer.id())
        return
    taken = project.takeMapLayer(layer)
    if taken is None:
        return
    _retired.append(taken)
    _arm()


def _arm() -> None:
    global _timer
    if _timer is None:
        _timer = QTimer()
        _timer.setSingleShot(True)
        _timer.timeout.connect(_check)
    _timer.start(POLL_MS)


def _check() -> None:
    if any(_drawing(canvas) for canvas in _canvases()):
        _arm()
        return
    release_all()


def _drawing(canvas) -> bool:
    try:
        return bool(canvas.isDrawing())
    except RuntimeError:  # a canvas deleted meanwhile
        return False


def pending() -> int:
    """How many replaced layers wait to be deleted."""
    return len(_retired)


def release_all() -> None:
    """Delete every retired layer now (also when the plugin unloads)."""
    global _timer
    if _timer is not None:
        _timer.stop()
        _timer.deleteLater()
        _timer = None
    # the layers were taken back by Python (takeMapLayer): dropping the last
    # reference deletes each one, here on the main thread
    _retired.clear()
