"""The dock's database tasks run one at a time (GDAL 3.10 crashes on two GeoPackage
readers at once), in order, and a newer request of one key supersedes the older one."""

from __future__ import annotations

import threading
import time

from pollution_map_plugin.qgis_desktop.tasks import TaskQueue


def _recorder():
    lock = threading.Lock()
    state = {"active": 0, "most": 0, "started": []}

    def work(name: str, seconds: float):
        def run(_progress, cancelled):
            with lock:
                state["active"] += 1
                state["most"] = max(state["most"], state["active"])
                state["started"].append(name)
            end = time.monotonic() + seconds
            while time.monotonic() < end and not cancelled():
                time.sleep(0.01)
            with lock:
                state["active"] -= 1
            return name
        return run

    return state, work


def test_tasks_run_one_at_a_time_in_order(qgis_app, qtbot) -> None:
    state, work = _recorder()
    queue, done = TaskQueue(), []
    for name in ("a", "b", "c"):
        queue.submit(name, work(name, 0.2), done.append)
    assert queue.pending() == 3
    qtbot.waitUntil(lambda: len(done) == 3, timeout=20_000)
    assert state["most"] == 1  # never two at once
    assert state["started"] == ["a", "b", "c"] == done
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=5_000)


def test_a_newer_request_of_a_key_supersedes_the_older(qgis_app, qtbot) -> None:
    state, work = _recorder()
    queue, done, errors = TaskQueue(), [], []
    queue.submit("running", work("old", 5.0), done.append, errors.append, key="assess:x")
    qtbot.waitUntil(lambda: state["started"] == ["old"], timeout=10_000)
    queue.submit("other", work("other", 0.05), done.append, errors.append, key="assess:y")
    queue.submit("waiting", work("mid", 0.05), done.append, errors.append, key="assess:x")
    queue.submit("newest", work("new", 0.05), done.append, errors.append, key="assess:x")
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=20_000)
    # the running "old" was cancelled (its result dropped), "mid" replaced before it ran
    assert done == ["other", "new"]
    assert state["started"] == ["old", "other", "new"]
    assert state["most"] == 1 and errors == []


def test_a_failing_task_does_not_stall_the_queue(qgis_app, qtbot) -> None:
    queue, done, errors = TaskQueue(), [], []

    def boom(_progress, _cancelled):
        raise ValueError("unreadable database")

    queue.submit("fails", boom, done.append, errors.append)
    queue.submit("next", lambda _p, _c: "ok", done.append, errors.append)
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=20_000)
    assert [str(e) for e in errors] == ["unreadable database"] and done == ["ok"]
