"""Where the plugin's files are, in the development tree and in the installed plugin.

Two layouts exist:

* the development tree: ``metadata.txt``, ``resources/`` and ``node_modules/`` sit
  at the repository top level, beside the ``pollution_map_plugin/`` package;
* the installed plugin (the ZIP built by ``scripts/package.py``): everything sits
  inside ``pollution_map_plugin/``, and the pinned JS/CSS assets are in ``vendor/``.

This module imports neither QGIS nor Qt, so the core and the CLI may use it.
"""

from __future__ import annotations

import configparser
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_NAME = PACKAGE_DIR.name


def is_installed_layout() -> bool:
    """True when running from the packaged plugin (metadata.txt inside the package)."""
    return (PACKAGE_DIR / "metadata.txt").is_file()


def base_dir() -> Path:
    """The folder holding ``metadata.txt`` and ``resources/``."""
    return PACKAGE_DIR if is_installed_layout() else PACKAGE_DIR.parent


def metadata_path() -> Path:
    """Path of ``metadata.txt``."""
    return base_dir() / "metadata.txt"


def resources_dir() -> Path:
    """The ``resources/`` folder: icons, QML styles, translations."""
    return base_dir() / "resources"


def icons_dir() -> Path:
    """``resources/icons/``."""
    return resources_dir() / "icons"


def help_path() -> Path:
    """The usage guide: ``help/usage.html`` in the installed plugin (made from
    ``docs/usage.md`` at packaging), ``docs/usage.md`` in the development tree."""
    if is_installed_layout():
        return PACKAGE_DIR / "help" / "usage.html"
    return PACKAGE_DIR.parent / "docs" / "usage.md"


def icon_path(name: str = "icon.svg") -> Path:
    """Path of icon ``name`` (the plugin icon by default)."""
    return icons_dir() / name


def styles_dir() -> Path:
    """``resources/styles/``: QML styles."""
    return resources_dir() / "styles"


def i18n_dir() -> Path:
    """``resources/i18n/``: ``.ts`` sources, and the ``.qm`` files in the installed plugin."""
    return resources_dir() / "i18n"


def vendor_dir() -> Path:
    """Bundled JS/CSS assets: ``vendor/`` when installed, ``node_modules/`` in development.

    Both hold one folder per npm package with the package's own layout, e.g.
    ``vendor_dir() / "leaflet" / "dist" / "leaflet.js"``.
    """
    if is_installed_layout():
        return PACKAGE_DIR / "vendor"
    return PACKAGE_DIR.parent / "node_modules"


@lru_cache(maxsize=1)
def metadata() -> dict[str, str]:
    """The ``[general]`` section of ``metadata.txt`` (empty when it is unreadable)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(metadata_path(), encoding="utf-8")
    except (OSError, configparser.Error):
        return {}
    return dict(parser["general"]) if parser.has_section("general") else {}


def plugin_version() -> str:
    """The plugin version from ``metadata.txt`` (``"unknown"`` when missing)."""
    return metadata().get("version", "unknown").strip() or "unknown"
