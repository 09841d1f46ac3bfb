"""Output paths that must not be written: the inputs, the open database, its sidecars.

Every command that writes a file (a rejects file, ``--out``, a layer output, the
rendered maps, the HTML export) asks here first, so that no output can overwrite
the data it is made from::

    check_output(args.rejects, database=args.db, inputs=[args.file])
    check_output_dir(args.out, database=db)

A refused path raises :class:`OutputPathError` (a ``ValueError``) before anything
is written.  PostgreSQL targets have no files and protect nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SIDECARS = ("-wal", "-shm", "-journal")


class OutputPathError(ValueError):
    """An output path is an input, the database or one of its sidecar files."""


def _database_file(database: Any) -> Path | None:
    """The GeoPackage file of ``database`` (an open database, a path or a target)."""
    if database is None:
        return None
    path = getattr(database, "path", None)
    if path is not None:
        return Path(path)
    if hasattr(database, "kind"):  # an open PostGIS database: no file
        return None
    from .db.targets import is_postgres_target

    text = os.fspath(database) if isinstance(database, os.PathLike) else str(database)
    if is_postgres_target(database) or not text.lower().endswith(".gpkg"):
        return None  # a DSN, service=…, a saved connection's name: no file
    return Path(text).expanduser()


def protected_paths(database: Any = None, inputs: Iterable[Any] = ()) -> list[tuple[Path, str]]:
    """(path, why) of every file an output must not be: the database, its sidecar
    files (``-wal``, ``-shm``, ``-journal``) and the inputs."""
    out: list[tuple[Path, str]] = []
    db_file = _database_file(database)
    if db_file is not None:
        out.append((db_file, "the database"))
        out += [(Path(str(db_file) + s), f"a file of the database ({s[1:]})") for s in SIDECARS]
    for item in inputs:
        if item is not None and str(item).strip():
            out.append((Path(os.fspath(item)).expanduser(), "an input file"))
    return out


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))


def _same(a: Path, b: Path, key_a: str) -> bool:
    if key_a == _key(b):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)  # hard links
    except OSError:
        return False


def check_output(path: Any, *, database: Any = None, inputs: Iterable[Any] = (),
                 what: str = "output file") -> Path | None:
    """``path`` as a Path, or OutputPathError when it is the database, one of its
    sidecars or an input (also through a symbolic or hard link).  None stays None."""
    if path is None or not str(path).strip():
        return None
    out = Path(os.fspath(path)).expanduser()
    key = _key(out)
    for protected, why in protected_paths(database, inputs):
        if _same(out, protected, key):
            raise OutputPathError(
                f"refusing to write the {what} {str(out)!r}: it is {why} "
                f"({protected.name}); choose another path")
    if out.is_dir():
        raise OutputPathError(f"the {what} {str(out)!r} is a folder; give a file name")
    return out


def check_output_dir(path: Any, *, database: Any = None, inputs: Iterable[Any] = (),
                     files: Iterable[str] = (), what: str = "output folder") -> Path:
    """``path`` as a Path, or OutputPathError when the folder is a protected file (or
    another existing file), or when one of ``files`` inside it would be."""
    if path is None or not str(path).strip():
        raise OutputPathError(f"no {what} given")
    out = Path(os.fspath(path)).expanduser()
    key = _key(out)
    protected = protected_paths(database, inputs)
    for item, why in protected:
        if _same(out, item, key):
            raise OutputPathError(
                f"refusing to use {str(out)!r} as the {what}: it is {why}; choose a folder")
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"the {what} {str(out)!r} is a file, not a folder")
    for name in files:
        check_output(out / name, database=database, inputs=inputs)
    return out
