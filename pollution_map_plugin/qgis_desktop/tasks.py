"""Long work off the GUI thread: a QgsTask that runs a function, and the database load.

``run_task(description, func, on_done)`` runs ``func(progress, cancelled)`` in QGIS's
task manager (progress bar and cancel button in the status bar) and calls
``on_done(result)`` back on the main thread; failures go to the message log and
``on_error``.
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from typing import Any, Callable

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask

from .translation import tr

LOG_TAG = "Pollution Map"
_RUNNING: set[QgsTask] = set()  # Python must keep running tasks alive (overridden run)


def log(message: str, level: Any = Qgis.MessageLevel.Info) -> None:
    """Write to QGIS's message log under the plugin's tab."""
    QgsMessageLog.logMessage(message, LOG_TAG, level)


class FunctionTask(QgsTask):
    """Runs ``func(progress, cancelled)`` in a worker thread."""

    def __init__(self, description: str, func: Callable[..., Any],
                 on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 on_finished: Callable[[], None] | None = None) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.func = func
        self.on_done = on_done
        self.on_error = on_error
        self.on_finished = on_finished  # always called last: done, failed or cancelled
        self.result: Any = None
        self.exception: BaseException | None = None
        self.worker: threading.Thread | None = None

    def run(self) -> bool:
        # The function runs in a thread that Python starts, not in the task manager's
        # pooled Qt thread: pyproj 3.7.0-3.7.2 (Debian 13) keeps its PROJ context per
        # thread and crashes when a pooled Qt thread calls it again (pyproj#1509).
        self.worker = threading.Thread(target=self._call, name=self.description(), daemon=True)
        self.worker.start()
        self.worker.join()
        return self.exception is None and not self.isCanceled()

    def _call(self) -> None:
        try:
            self.result = self.func(self.setProgress, self.isCanceled)
        except Exception as exc:  # noqa: BLE001 - reported on the main thread
            self.exception = exc
            log(f"{self.description()}: {exc}\n{traceback.format_exc()}",
                Qgis.MessageLevel.Critical)

    def finished(self, ok: bool) -> None:
        _RUNNING.discard(self)
        try:
            if ok and self.on_done is not None:
                self.on_done(self.result)
            elif not ok and self.exception is not None and self.on_error is not None:
                self.on_error(self.exception)
            elif not ok:
                log(tr("{0}: cancelled").format(self.description()), Qgis.MessageLevel.Warning)
        except Exception as exc:  # noqa: BLE001 - a callback must not kill QGIS
            log(f"{self.description()}: {exc}\n{traceback.format_exc()}",
                Qgis.MessageLevel.Critical)
            if self.on_error is not None:
                self.on_error(exc)
        finally:
            if self.on_finished is not None:
                self.on_finished()


class TaskQueue:
    """Runs the dock's database tasks one at a time, in order.

    Two tasks reading one GeoPackage at once crash GDAL 3.10's columnar reader
    (QGIS 3.40, Debian 13), and two assessments of one database are wasted work
    anyway.  ``submit`` with a ``key`` replaces a task of that key still waiting
    (the latest request wins) and cancels one of that key already running.
    """

    def __init__(self) -> None:
        self._waiting: list[tuple[str | None, FunctionTask]] = []
        self._running: tuple[str | None, FunctionTask] | None = None

    def submit(self, description: str, func: Callable[..., Any],
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               key: str | None = None) -> FunctionTask:
        task = FunctionTask(description, func, on_done, on_error, self._finished)
        if key is not None:
            self._waiting = [(k, t) for k, t in self._waiting if k != key]
            if self._running is not None and self._running[0] == key:
                running = self._running[1]
                running.on_done = None  # superseded: its result must not land
                with contextlib.suppress(RuntimeError):  # already deleted by QGIS
                    running.cancel()
        self._waiting.append((key, task))
        if self._running is None:
            self._start_next()
        return task

    def pending(self) -> int:
        """Tasks waiting or running."""
        return len(self._waiting) + (self._running is not None)

    def clear(self) -> None:
        """Forget waiting tasks (the running one is left to ``stop_tasks``)."""
        self._waiting = []

    def _start_next(self) -> None:
        self._running = None
        if not self._waiting:
            return
        self._running = self._waiting.pop(0)
        task = self._running[1]
        _RUNNING.add(task)
        QgsApplication.taskManager().addTask(task)

    def _finished(self) -> None:
        self._start_next()


def stop_tasks(timeout_s: float = 15.0) -> int:
    """Cancel the plugin's running tasks, drop their callbacks and wait for their
    threads (the plugin is being unloaded: its modules are about to go away).
    Returns the number of tasks stopped."""
    tasks = list(_RUNNING)
    for task in tasks:
        if isinstance(task, ProgressTask):
            task.finish(False)
            continue
        task.on_done = task.on_error = None
        try:
            task.cancel()
        except RuntimeError:  # deleted by the task manager
            _RUNNING.discard(task)
    for task in tasks:
        worker = getattr(task, "worker", None)
        if worker is not None:
            worker.join(timeout_s)
    return len(tasks)


def run_task(description: str, func: Callable[..., Any],
             on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None) -> FunctionTask:
    """Start ``func`` as a QgsTask; returns the task (already queued)."""
    task = FunctionTask(description, func, on_done, on_error)
    _RUNNING.add(task)
    QgsApplication.taskManager().addTask(task)
    return task


class ProgressTask(QgsTask):
    """A status-bar task for work the main thread does step by step (building layers,
    composing pages): ``setProgress`` shows where it is, the user's cancel is seen
    through ``isCanceled()``, ``finish(ok)`` ends it.  (QGIS 3.22's proxy progress
    task cannot be cancelled.)"""

    def __init__(self, description: str) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        self._done = threading.Event()
        self._ok = False

    def run(self) -> bool:
        while not self._done.wait(0.05):
            if self.isCanceled():
                return False
        return self._ok

    def finish(self, ok: bool) -> None:
        self._ok = ok
        self._done.set()

    def start(self) -> ProgressTask:
        _RUNNING.add(self)  # Python must keep the task alive while QGIS runs it
        QgsApplication.taskManager().addTask(self)
        return self

    def finished(self, _ok: bool) -> None:
        _RUNNING.discard(self)


class Feedback:
    """Adapter of a task's (progress, cancelled) callbacks to a QgsFeedback-like object."""

    def __init__(self, progress: Callable[[float], None], cancelled: Callable[[], bool]) -> None:
        self._progress = progress
        self._cancelled = cancelled

    def setProgress(self, value: float) -> None:
        self._progress(value)

    def isCanceled(self) -> bool:
        return bool(self._cancelled())
