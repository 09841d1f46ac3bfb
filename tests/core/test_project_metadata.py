"""pyproject.toml's [project] table: the version of metadata.txt, and exactly the
third-party packages the plugin imports as runtime dependencies."""

from __future__ import annotations

import ast
import configparser
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+ (Debian 12 and 13)

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "pollution_map_plugin"
# What QGIS itself provides (not a Python package one installs for the plugin).
FROM_QGIS = {"qgis", "processing"}
# Import name → distribution name, where they differ.
DISTRIBUTION = {"osgeo": "gdal", "PIL": "pillow"}


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()


def _imported_top_level() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - FROM_QGIS - {PACKAGE.name}


def test_version_is_metadata_txt_version() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "metadata.txt", encoding="utf-8")
    assert _project()["version"] == parser["general"]["version"].strip()


def test_every_imported_package_is_declared_and_nothing_else() -> None:
    project = _project()
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        declared |= {_name(r) for r in extra}
    imported = {DISTRIBUTION.get(m, m) for m in _imported_top_level()}
    assert imported == declared
    assert "scipy" in declared and "networkx" not in declared
    assert all(re.search(r">=\d", r) for r in project["dependencies"]), "every floor given"
