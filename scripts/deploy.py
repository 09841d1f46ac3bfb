#!/usr/bin/env python3
"""Install the plugin ZIP into a QGIS profile and enable it.

Usage::

    python scripts/deploy.py dist/pollution_map_plugin-0.1.0.zip [--profile NAME]

The profiles folder is ``$QGIS_CUSTOM_CONFIG_PATH/profiles`` when that variable is
set, otherwise QGIS's default (``~/.local/share/QGIS/QGIS3/profiles`` on Linux; the
``QGIS4`` folder for QGIS 4).  The profile is ``--profile``, else the default one
named in ``profiles.ini``, else ``default``.  The plugin replaces any earlier copy in
``<profile>/python/plugins/`` and is enabled in ``<profile>/QGIS/QGIS3.ini``
(``QGIS4.ini``) under ``[PythonPlugins]``.  Restart QGIS afterwards.
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "pollution_map_plugin"


def qgis_major() -> int:
    """3 or 4: the QGIS whose Python this is (3 when QGIS is not importable)."""
    try:
        from qgis.core import Qgis
    except ImportError:
        return 3
    version = Qgis.versionInt() if hasattr(Qgis, "versionInt") else Qgis.QGIS_VERSION_INT
    return version // 10000


def profiles_root(major: int) -> Path:
    """The folder holding QGIS's profiles."""
    custom = os.environ.get("QGIS_CUSTOM_CONFIG_PATH")
    if custom:
        return Path(custom).expanduser() / "profiles"
    app = f"QGIS{major}"
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "QGIS" / app / "profiles"


def default_profile(root: Path) -> str:
    """The default profile named in ``profiles.ini`` (``default`` otherwise)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(root / "profiles.ini", encoding="utf-8")
        return parser.get("core", "defaultProfile", fallback="default") or "default"
    except configparser.Error:
        return "default"


def enable_in_ini(ini: Path, plugin: str = PACKAGE) -> None:
    """Set ``<plugin>=true`` under ``[PythonPlugins]``, editing the file as text.

    Qt's INI dialect has quirks configparser would mangle, so only the one line changes.
    """
    text = ini.read_text(encoding="utf-8") if ini.is_file() else ""
    lines = text.splitlines()
    line = f"{plugin}=true"
    try:
        start = lines.index("[PythonPlugins]")
    except ValueError:
        if lines and lines[-1].strip():
            lines.append("")
        lines += ["[PythonPlugins]", line]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")),
                   len(lines))
        key = re.compile(rf"^{re.escape(plugin)}\s*=")
        for i in range(start + 1, end):
            if key.match(lines[i]):
                lines[i] = line
                break
        else:
            lines.insert(start + 1, line)
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")


def install(zip_path: Path, profile_dir: Path, major: int = 3) -> Path:
    """Unpack ``zip_path`` into the profile's plugins folder and enable it; return it."""
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        if not names or any(not n.startswith(f"{PACKAGE}/") for n in names):
            raise SystemExit(f"deploy: {zip_path} is not a {PACKAGE} plugin ZIP")
        plugins = profile_dir / "python" / "plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=plugins, prefix=".deploy-") as tmp:
            zf.extractall(tmp)
            target = plugins / PACKAGE
            if target.exists():
                shutil.rmtree(target)
            Path(tmp, PACKAGE).rename(target)
    enable_in_ini(profile_dir / "QGIS" / f"QGIS{major}.ini")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path, help="the plugin ZIP (make package)")
    parser.add_argument("--profile", help="profile name (default: QGIS's default profile)")
    parser.add_argument("--qgis-major", type=int, choices=(3, 4), default=None,
                        help="QGIS major version (default: that of the installed QGIS)")
    args = parser.parse_args(argv)
    if not args.zip.is_file():
        parser.error(f"{args.zip} does not exist; run `make package` first")
    major = args.qgis_major or qgis_major()
    root = profiles_root(major)
    profile_dir = root / (args.profile or default_profile(root))
    target = install(args.zip, profile_dir, major)
    print(f"deploy: installed {target} and enabled it in profile {profile_dir.name}; "
          "restart QGIS to load it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
