"""Files that appear complete or not at all: write beside, flush, rename.

A file is written under a hidden temporary name in its own folder (same file
system, so the rename is atomic), flushed to disk, and renamed over the target
only when complete.  An interruption (kill, Ctrl-C, full disk) leaves the previous
file, if any, untouched; a failure removes the temporary file.

    write_text_atomic(out / "index.html", html)
    with replacing(path) as tmp:   # build a whole file (e.g. a GeoPackage) at tmp
        ...
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import stat
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

PARTIAL = ".partial"  # in every temporary name, so leftovers are recognisable
_LEFTOVER_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}" + re.escape(PARTIAL))


def temporary_path(path: Path | str) -> Path:
    """A hidden, unique temporary name beside ``path`` with the same suffix."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{PARTIAL}"
                          f"{path.suffix}")


def fsync_dir(folder: Path | str) -> None:
    """Flush a folder's entries (a rename) to disk, where the platform allows it."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(str(folder), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_file(path: Path | str) -> None:
    """Flush a file's content to disk (best effort: the rename keeps it atomic)."""
    with contextlib.suppress(OSError):
        fd = os.open(str(path), os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(folder: Path | str, name: str) -> list[Path]:
    """Remove temporary files for ``name`` in ``folder`` left by processes that died."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in Path(folder).iterdir():
            match = _LEFTOVER_RE.match(entry.name)
            if not match or match["name"] != name or _alive(int(match["pid"]), entry):
                continue
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def _alive(pid: int, entry: Path) -> bool:
    """Whether the process that made ``entry`` may still be writing it."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would terminate the process there: go by age
        with contextlib.suppress(OSError):
            return time.time() - entry.stat().st_mtime < 24 * 3600
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _is_special(path: Path) -> bool:
    """Whether ``path`` exists and is not a regular file (a device, a FIFO, a socket):
    renaming a file over it would replace the device node itself."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    The block must leave a complete, closed file at the temporary path.  On any
    exception the temporary file (and its SQLite sidecars) is removed and ``path``
    is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    special = _is_special(path)
    remove_leftovers(path.parent, path.name)
    tmp = temporary_path(path)
    try:
        yield tmp
        fsync_file(tmp)
        if special:  # /dev/null, /dev/stdout, a FIFO: written into, never replaced
            with open(tmp, "rb") as source, open(path, "wb") as target:
                shutil.copyfileobj(source, target)
            os.remove(tmp)
            return
        os.replace(tmp, path)
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.remove(str(tmp) + suffix)
        raise
    fsync_dir(path.parent)


def write_bytes_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    path = Path(path)
    with replacing(path) as tmp, open(tmp, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def write_text_atomic(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    return write_bytes_atomic(path, text.encode(encoding))


def write_csv_atomic(path: Path | str, header: Sequence[str],
                     rows: Iterable[Sequence[object]]) -> Path:
    """Write a CSV report (UTF-8 with BOM, so Excel opens it) to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return write_text_atomic(path, buffer.getvalue(), encoding="utf-8-sig")
