#!/usr/bin/env python3
"""Reliability: interrupt demo-db, import and export-html at random moments, and run them
on a nearly full disk; after every run check that nothing was lost or left half-made.

    python scripts/reliability.py --runs 60            # `make reliability`
    python scripts/reliability.py --runs 6 --json r.json

Faults: SIGKILL or SIGINT (Ctrl-C) after a random delay (0 to 1.3 × the command's
undisturbed duration), and a full disk: a tmpfs (``--disk-mb``, default 20) that the
script mounts and unmounts itself (root only; otherwise that part is reported as not
run), filled to leave a random amount free, up to about what the command needs.  After each run:

* database: byte-identical to before (after SQLite's own recovery of a hot journal),
  or the new one complete (``validate()`` finds nothing, every table has the rows
  expected); ``PRAGMA integrity_check`` ok;
* HTML folder: no ``index.html``, or every page it links to is there and complete (or
  the index lists it as missing); no visible page truncated;
* full disk: the error names the real cause, never "cannot rollback".

"Data lost" counts runs where one of the first two failed, "errors misreported" runs
of the third; both must be 0.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CLI = [sys.executable, "-m", "pollution_map_plugin"]
SPACE_ERRORS = ("no space left", "disk is full", "disk full", "errno 28", "file too large")
# free space left on the small disk, at most: about what each command needs, so that
# most runs run out of space at some point and some just make it
FREE_AT_MOST = {"demo-db": 4 << 20, "import": 3 << 19, "html": 1 << 19}
HREF_RE = re.compile(r'<a href="([^"#?]+\.html)"')


@dataclass
class Tally:
    """Runs, faults and failures per scenario."""

    runs: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    misreported: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, scenario: str, fault: bool, outcome: str, problem: str | None,
            misreport: str | None = None) -> None:
        self.runs[scenario] = self.runs.get(scenario, 0) + 1
        self.faults[scenario] = self.faults.get(scenario, 0) + int(fault)
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if problem:
            self.lost.append(f"{scenario}: {problem}")
        if misreport:
            self.misreported.append(f"{scenario}: {misreport}")

    def summary(self) -> dict:
        return {"runs": sum(self.runs.values()), "faults_injected": sum(self.faults.values()),
                "data_lost": len(self.lost), "errors_misreported": len(self.misreported),
                "per_scenario": self.runs, "faults_per_scenario": self.faults,
                "outcomes": self.outcomes, "problems": self.lost + self.misreported,
                "seconds": round(self.seconds, 1)}


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}


def run(cmd: list[str], delay: float | None = None, sig: int = signal.SIGKILL
        ) -> tuple[int, str, bool]:
    """Run ``cmd``; with ``delay``, send ``sig`` after that many seconds unless it has
    finished.  Returns (exit code, stderr, whether the fault hit it while running)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=REPO,
                                env=env())
        hit = False
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(sig)
            hit = True
            proc.wait()
        err.seek(0)
        return proc.returncode, err.read().decode("utf-8", "replace"), hit


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def recover(path: Path) -> str:
    """Open the database as the next user would (rolls back a hot journal), check it."""
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def counts(path: Path) -> dict[str, int]:
    from pollution_map_plugin.core.db import open_database

    with open_database(path) as db:
        return db.counts()


def complete(path: Path, expected: dict[str, int]) -> str | None:
    """None when ``path`` is a sound database with the expected rows, else why not."""
    from pollution_map_plugin.core.db import open_database

    try:
        with open_database(path) as db:
            problems, got = db.validate(), db.counts()
    except Exception as exc:  # noqa: BLE001 - a broken database is the finding
        return f"cannot open: {exc}"
    if problems:
        return f"validate: {problems[:2]}"
    if {k: v for k, v in got.items() if k != "schema_version"} != \
            {k: v for k, v in expected.items() if k != "schema_version"}:
        return "row counts differ from a complete build"
    return None


def check_db(path: Path, before: str | None, expected: dict[str, int] | None,
             may_vanish: bool = False) -> tuple[str, str | None]:
    """(outcome, problem): kept byte-identical, complete new one, or data lost."""
    if not path.exists():
        return ("absent", None) if before is None or may_vanish else ("lost", "database gone")
    integrity = recover(path)
    if integrity != "ok":
        return "lost", f"integrity_check: {integrity}"
    if digest(path) == before:
        return "identical", None
    why = complete(path, expected) if expected is not None else "changed"
    return ("complete", None) if why is None else ("lost", why)


def check_html(out: Path) -> tuple[str, str | None]:
    """(outcome, problem) of an export folder."""
    pages = list(out.glob("*.html")) if out.exists() else []
    for page in pages:
        if not page.read_bytes().rstrip().endswith(b"</html>"):
            return "lost", f"truncated page {page.name}"
    index = out / "index.html"
    if not index.exists():
        return "no index", None
    html = index.read_text(encoding="utf-8")
    for href in HREF_RE.findall(html):
        if not (out / unquote(href)).is_file():
            return "lost", f"index links to missing {unquote(href)}"
    listed = 'class="psm-missing"' in html
    return ("index lists missing" if listed else "complete set"), None


def space_error(code: int, err: str) -> str | None:
    """None when a failed run named the real cause of a full disk."""
    low = err.lower()
    if code == 0:
        return None
    if "cannot rollback" in low or "no transaction is active" in low:
        return "reported 'cannot rollback' instead of the full disk"
    if not any(s in low for s in SPACE_ERRORS):
        return f"unclear error on a full disk: {err.strip().splitlines()[-1:]}"
    return None


# --- the scenarios ----------------------------------------------------------------------


class Scenarios:
    """Inputs built once in ``work``; each scenario prepares, faults and checks."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.base = work / "base.gpkg"
        code, err, _ = run([*CLI, "demo-db", str(self.base)])
        if code:
            raise SystemExit(f"demo-db failed: {err}")
        self.base_counts = counts(self.base)
        self.csv = work / "measurements.csv"
        self.csv_rows = self._measurements_csv(self.csv)
        self.html = work / "html-base"
        code, err, _ = run([*CLI, "export-html", str(self.base), "--out", str(self.html),
                            "--quiet"])
        if code:
            raise SystemExit(f"export-html failed: {err}")
        self.after_import = dict(self.base_counts)
        self.after_import["measurements"] += self.csv_rows
        self.durations = {name: self._time(name) for name in ("demo-db", "import", "html")}

    def _measurements_csv(self, path: Path) -> int:
        conn = sqlite3.connect(str(self.base))
        sections = [r[0] for r in conn.execute("SELECT code FROM sections")]
        units = dict(conn.execute("SELECT parameter, max(unit) FROM measurements GROUP BY 1"))
        conn.close()
        n = 0
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["断面编码", "采样日期", "监测项目", "监测值", "单位"])
            for month in range(1, 13):
                for code in sections:
                    for parameter, unit in units.items():
                        writer.writerow([code, f"2031-{month:02d}-10", parameter, "0.5",
                                         unit or ""])
                        n += 1
        return n

    def command(self, name: str, folder: Path) -> list[str]:
        db = folder / "db.gpkg"
        if name == "demo-db":
            return [*CLI, "demo-db", str(db), "--overwrite"]
        if name == "import":
            return [*CLI, "import", str(db), str(self.csv), "--layer", "measurements",
                    "--rejects", str(folder / "rejects.csv")]
        return [*CLI, "export-html", str(db), "--out", str(folder / "html"), "--quiet"]

    def prepare(self, name: str, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.base, folder / "db.gpkg")
        if name == "html":
            shutil.copytree(self.html, folder / "html")

    def _time(self, name: str) -> float:
        folder = self.work / f"time-{name}"
        self.prepare(name, folder)
        start = time.perf_counter()
        code, err, _ = run(self.command(name, folder))
        if code:
            raise SystemExit(f"{name} failed undisturbed: {err}")
        shutil.rmtree(folder)
        return time.perf_counter() - start

    def check(self, name: str, folder: Path, before: str | None) -> tuple[str, str | None]:
        db = folder / "db.gpkg"
        if name == "demo-db":
            return check_db(db, before, self.base_counts)
        if name == "import":
            return check_db(db, before, self.after_import)
        outcome, problem = check_db(db, before, None)
        if problem or outcome != "identical":
            return outcome, problem or "export-html changed the database"
        return check_html(folder / "html")


def kill_runs(sc: Scenarios, tally: Tally, runs: int, rng: random.Random) -> None:
    for k in range(runs):
        name = ("demo-db", "import", "html")[k % 3]
        folder = sc.work / f"kill-{k}"
        sc.prepare(name, folder)
        before = digest(folder / "db.gpkg")
        delay = rng.uniform(0.0, 1.3 * sc.durations[name])
        sig = rng.choice((signal.SIGKILL, signal.SIGINT))
        _, _, hit = run(sc.command(name, folder), delay, sig)
        outcome, problem = sc.check(name, folder, before)
        tally.add(f"kill {name}", hit, outcome, problem)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def small_disk(size_mb: int) -> Iterator[Path | None]:
    """A tmpfs of ``size_mb`` mounted for the block (None unless root on Linux)."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        yield None
        return
    mount = Path(tempfile.mkdtemp(prefix="pm-disk-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if done.returncode:
        print(f"cannot mount a tmpfs: {done.stderr.strip()}", file=sys.stderr)
        mount.rmdir()
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)
        mount.rmdir()


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until ``leave`` bytes are free."""
    st = os.statvfs(disk)
    size = max(0, st.f_bavail * st.f_frsize - leave)
    with open(disk / "filler", "wb") as handle, contextlib.suppress(OSError):
        chunk = b"\0" * (1 << 20)
        while size > 0:
            handle.write(chunk[: min(size, len(chunk))])
            size -= len(chunk)


def disk_runs(sc: Scenarios, tally: Tally, runs: int, rng: random.Random, size_mb: int
              ) -> bool:
    with small_disk(size_mb) as disk:
        if disk is None:
            return False
        for k in range(runs):
            name = ("demo-db", "import", "html")[k % 3]
            folder = disk / f"run-{k}"
            sc.prepare(name, folder)
            before = digest(folder / "db.gpkg")
            fill(disk, rng.randint(0, FREE_AT_MOST[name]))
            code, err, _ = run(sc.command(name, folder))
            problem = space_error(code, err)
            (disk / "filler").unlink()
            outcome, lost = sc.check(name, folder, before)
            tally.add(f"full disk {name}", code != 0, outcome, lost, problem)
            shutil.rmtree(folder, ignore_errors=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=60, help="interruptions (default 60)")
    parser.add_argument("--disk-runs", type=int, default=None,
                        help="runs on a nearly full disk (default: runs / 2)")
    parser.add_argument("--disk-mb", type=int, default=20, help="size of the tmpfs (MB)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    tally = Tally()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pm-reliability-") as tmp:
        sc = Scenarios(Path(tmp))
        kill_runs(sc, tally, args.runs, rng)
        disk = disk_runs(sc, tally, args.runs // 2 if args.disk_runs is None
                         else args.disk_runs, rng, args.disk_mb)
    tally.seconds = time.perf_counter() - start
    figures = {**tally.summary(), "disk_tested": disk,
               "durations_s": {k: round(v, 2) for k, v in sc.durations.items()}}
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if not disk:
        print("full disk: not run (needs root to mount a tmpfs)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    return 1 if tally.lost or tally.misreported else 0


if __name__ == "__main__":
    sys.exit(main())
