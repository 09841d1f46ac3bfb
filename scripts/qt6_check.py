#!/usr/bin/env python3
"""Qt 6 / QGIS 4 readiness: QGIS's PyQt5→PyQt6 migration script in report mode.

Runs ``../shared/tools/pyqt5to6/pyqt5to6.py`` (QGIS's script with its enum table; it is a
tool, not copied into the repository) on each checked folder and fails when it would change
anything, printing its diff.  Where ``../shared`` does not exist (a fresh clone) it says so
and skips (exit 0), as CI runs it where the folder exists.  ``--require`` makes a missing
script an error.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO.parent / "shared" / "tools" / "pyqt5to6" / "pyqt5to6.py"
CHECKED = ("pollution_map_plugin", "tests", "scripts", "benchmarks")
DEPENDENCIES = ("tokenize_rt", "astpretty")  # the script's own (requirements-dev.txt)


def check(folder: Path, script: Path) -> tuple[bool, str]:
    """Run the script on ``folder``; ``(clean, its output)``."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    done = subprocess.run([sys.executable, str(script), str(folder)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    output = (done.stdout + done.stderr).replace(
        "PyQt or QGIS classes not available for introspection, loading enums from cached "
        "file.\n", "")
    # Exit 0 and no diff is clean; an ERROR line (an enum it cannot map) is a finding too.
    clean = done.returncode == 0 and "\n+++" not in output and "ERROR" not in output
    return clean, output.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", type=Path, default=SCRIPT, help="pyqt5to6.py to run")
    parser.add_argument("--require", action="store_true",
                        help="fail (rather than skip) when the script is absent")
    parser.add_argument("folders", nargs="*", default=list(CHECKED),
                        help=f"folders to check (default: {' '.join(CHECKED)})")
    args = parser.parse_args(argv)
    if not args.script.is_file():
        message = f"qt6-check: {args.script} not found"
        if args.require:
            print(f"{message}; it is required", file=sys.stderr)
            return 2
        print(f"{message} (no ../shared here): Qt 6 readiness check SKIPPED")
        return 0
    missing = [m for m in DEPENDENCIES if importlib.util.find_spec(m) is None]
    if missing:
        print(f"qt6-check: the migration script needs {', '.join(missing)}: "
              "run `make setup` (requirements-dev.txt)", file=sys.stderr)
        return 2
    failed = []
    for name in args.folders:
        clean, output = check(REPO / name, args.script)
        if not clean:
            failed.append(name)
            print(f"qt6-check: {name}: the PyQt5→PyQt6 script would change:\n{output}\n")
    if failed:
        print(f"qt6-check: FAILED in {', '.join(failed)}: use scoped enums that exist on "
              "QGIS 3.22 and 4 (see processing_provider/processing_enums.py, "
              "qgis_desktop/qgis_compat.py)",
              file=sys.stderr)
        return 1
    print(f"qt6-check: ok ({', '.join(args.folders)}: no PyQt5-only enum or API)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
