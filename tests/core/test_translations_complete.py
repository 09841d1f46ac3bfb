"""The zh_CN translation is complete: ``scripts/update_translations.py --check`` passes.

The check fails when a ``tr()`` string of the plugin is missing from
``resources/i18n/pollution_map_zh_CN.ts``, still unfinished, or translated with other
``{placeholders}`` than its source.  It runs without QGIS: the script imports neither
QGIS nor Qt, which the second test makes sure of.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "update_translations.py"
FORBIDDEN_TOP = {"qgis", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip", "processing"}


def test_translations_complete() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert result.returncode == 0, (
        "zh_CN translation incomplete: run scripts/update_translations.py and translate "
        f"the unfinished entries\n{result.stdout}\n{result.stderr}")


def test_translation_script_needs_no_qgis() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN_TOP
