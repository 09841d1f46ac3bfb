"""An output that is a device or a FIFO (``--out /dev/null``, ``/dev/stdout``) is written
into, never replaced: renaming a temporary file over /dev/null as root once turned the
machine's /dev/null into a regular file (a benchmark's output, seen by every later
process that wrote to it)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from pollution_map_plugin.core.atomic_files import write_csv_atomic, write_text_atomic


def _read_fifo(path: Path, out: list) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as handle:
            out.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    got: list = []
    reader = _read_fifo(fifo, got)
    write_csv_atomic(fifo, ["a", "b"], [[1, "甲"]])
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got == ["\ufeffa,b\r\n1,甲\r\n".encode()]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary left


def test_a_regular_file_is_still_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old", encoding="utf-8")
    inode = os.stat(path).st_ino
    write_text_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert os.stat(path).st_ino != inode  # a new file renamed over the old one
