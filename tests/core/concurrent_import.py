"""Two real processes importing the same keys (issue 11.4): shared by the GeoPackage
and the PostGIS tests.

``start_holder`` runs an import in a child process that stops for ``hold_s`` seconds
inside its transaction, after writing its rows (the worst moment for a second
writer), and signals that moment with a marker file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pollution_map_plugin
from pollution_map_plugin.core.identifiers import credit_code_check_char

REPO = Path(pollution_map_plugin.__file__).resolve().parents[1]
HEADER = "企业名称,统一社会信用代码,行业,经度,纬度\n"
CODES = [body + credit_code_check_char(body) for body in
         (f"91500112MA5U0F{i:03d}" for i in range(1, 6))]

HOLDER = """
import pathlib, sys, time
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.db.gpkg import GeoPackageDatabase
from pollution_map_plugin.core.db.postgis import PostGISDatabase
from pollution_map_plugin.core.importer import import_file

target, source, marker, hold = sys.argv[1:5]
for cls in (GeoPackageDatabase, PostGISDatabase):
    def slow(self, prepared, upsert, _real=cls._insert):
        _real(self, prepared, upsert)
        pathlib.Path(marker).write_text("inside the transaction")
        time.sleep(float(hold))
    cls._insert = slow
with open_database(target) as db:
    r = import_file(db, "enterprises", source)
print(f"written: inserted {r.inserted}, updated {r.updated}, unchanged {r.unchanged}")
"""


def env() -> dict[str, str]:
    """The environment of a child: this checkout's package first."""
    return {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def write_list(path: Path, renamed: int | None = None) -> Path:
    """Five enterprises; ``renamed``: the index of one whose name differs."""
    lines = [f"{'改名' if i == renamed else ''}并发厂{i},{code},化工,106.5,29.6\n"
             for i, code in enumerate(CODES)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def start_holder(target: str, source: Path, marker: Path, hold_s: float) -> subprocess.Popen:
    """Start the slow import; return once it is inside its transaction."""
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, target, str(source), str(marker),
                             str(hold_s)], env=env(), cwd=str(REPO), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"holder ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("holder never reached its transaction")
        time.sleep(0.05)
    return proc


def cli_import(target: str, source: Path) -> subprocess.CompletedProcess:
    """The second import: the real command line, in its own process."""
    return subprocess.run([sys.executable, "-m", "pollution_map_plugin", "import", target,
                           "--layer", "enterprises", str(source)], env=env(), cwd=str(REPO),
                          text=True, capture_output=True, timeout=120)


def run_concurrent(target: str, tmp_path: Path) -> tuple[str, subprocess.CompletedProcess]:
    """The holder imports the list, the CLI imports it with one name changed meanwhile."""
    first = write_list(tmp_path / "first.csv")
    second = write_list(tmp_path / "second.csv", renamed=2)
    holder = start_holder(target, first, tmp_path / "inside", hold_s=2.0)
    result = cli_import(target, second)
    out, err = holder.communicate(timeout=120)
    assert holder.returncode == 0, err
    return out, result
