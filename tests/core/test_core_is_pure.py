"""The core (and the modules it may use) imports neither QGIS nor Qt.

Checked twice: statically, by parsing every module's imports (relative ones resolved),
and dynamically, by importing every core module in a fresh interpreter in which
``qgis``, PyQt, PySide and sip cannot be imported.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "pollution_map_plugin"
CORE = REPO / PACKAGE / "core"
# The synthetic-data generator lives outside the core but is as pure: it may use the core.
SYNTHETIC = REPO / PACKAGE / "synthetic_data"
# Modules outside core/ that the core may import: they must be pure too.
SHARED = [REPO / PACKAGE / "__init__.py", REPO / PACKAGE / "paths.py"]
FORBIDDEN_TOP = {"qgis", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip", "shiboken2",
                 "shiboken6", "processing"}
ALLOWED_INTERNAL = (f"{PACKAGE}.core", f"{PACKAGE}.paths")
SYNTHETIC_ALLOWED = (*ALLOWED_INTERNAL, f"{PACKAGE}.synthetic_data")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _nodes(tree: ast.AST, module_level_only: bool):
    """Every node of ``tree``; without function bodies when ``module_level_only``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if module_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _imported_names(
    path: Path, module: str, module_level_only: bool = False
) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[tuple[int, str]] = []
    for node in _nodes(tree, module_level_only):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append((node.lineno, module))
            names += [(node.lineno, f"{module}.{a.name}") for a in node.names
                      if module == PACKAGE]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            fname = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            arg = node.args[0]
            if fname in ("import_module", "__import__") and isinstance(arg, ast.Constant) \
                    and isinstance(arg.value, str):
                names.append((node.lineno, arg.value))
    return names


def _violations(
    path: Path, module: str | None = None, module_level_only: bool = False,
    allowed: tuple[str, ...] = ALLOWED_INTERNAL,
) -> list[str]:
    found = []
    for line, name in _imported_names(path, module or _module_name(path), module_level_only):
        top = name.split(".")[0]
        internal_ok = name == PACKAGE or name.startswith(allowed)
        if top in FORBIDDEN_TOP or (top == PACKAGE and not internal_ok):
            found.append(f"{path}:{line}: imports {name}")
    return found


def test_core_modules_exist() -> None:
    assert len(list(CORE.rglob("*.py"))) >= 2


def test_no_core_module_imports_qgis_or_qt() -> None:
    # classFactory() imports the QGIS side lazily: only module-level imports count there.
    problems = [v for f in sorted(CORE.rglob("*.py")) for v in _violations(f)]
    problems += [v for f in SHARED for v in _violations(f, module_level_only=True)]
    problems += [v for f in sorted(SYNTHETIC.rglob("*.py"))
                 for v in _violations(f, allowed=SYNTHETIC_ALLOWED)]
    assert not problems, "the core must not import QGIS, Qt or the QGIS layer:\n" + \
        "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "from qgis.core import QgsProject\n",
        "import PyQt5.QtCore\n",
        "from ..qgis_desktop import translation\n",
        "import importlib\nimportlib.import_module('qgis.gui')\n",
    ],
)
def test_the_static_check_catches_violations(tmp_path: Path, source: str) -> None:
    """A checker that cannot fail is no check: feed it bad modules."""
    fake = tmp_path / "probe.py"
    fake.write_text(source, encoding="utf-8")
    assert _violations(fake, f"{PACKAGE}.core.probe"), f"not caught: {source!r}"
    fake.write_text("import json\nfrom . import schema\nfrom ..paths import vendor_dir\n")
    assert not _violations(fake, f"{PACKAGE}.core.probe")


BLOCKED_IMPORT_PROBE = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys
    FORBIDDEN = {forbidden!r}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in FORBIDDEN:
                raise ImportError(f"the core imported {{name}}")
            return None

    sys.meta_path.insert(0, Blocker())
    sys.path.insert(0, {repo!r})
    import {package}.core as core
    import {package}.synthetic_data as synthetic
    failures = []
    names = [m.name for pkg in (core, synthetic)
             for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
    for name in ["{package}.paths", *names]:
        try:
            importlib.import_module(name)
        except Exception as exc:
            failures.append(f"{{name}}: {{type(exc).__name__}}: {{exc}}")
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)
    print(len(names), "modules")
    if failures or leaked:
        print("\\n".join(failures + [f"loaded: {{m}}" for m in leaked]))
        sys.exit(1)
    """
)


def test_core_imports_with_qgis_and_qt_blocked() -> None:
    probe = BLOCKED_IMPORT_PROBE.format(
        forbidden=sorted(FORBIDDEN_TOP), repo=str(REPO), package=PACKAGE
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=REPO, timeout=300)
    assert run.returncode == 0, (
        f"core import with QGIS/Qt blocked failed:\n{run.stdout}\n{run.stderr}"
    )
