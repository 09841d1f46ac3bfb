"""The package's import graph: no cycles, no reaching into another module's private members.

Read statically from the sources (every ``import``, function-level ones included), so
the check needs neither QGIS nor Qt.  Attribute access ``x._name`` where ``x`` is not
``self``/``cls`` is a reach into a private member, except the few third-party
conventions listed in ``THIRD_PARTY_PRIVATE`` (public API of their libraries).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "pollution_map_plugin"

# Underscore names that are public API of a third-party library, or the shapely 1.8
# internals the one coordinate fast path uses (documented in core/geometry_io.py).
THIRD_PARTY_PRIVATE = {
    "_replace",  # namedtuple / urllib SplitResult
    "_asdict",  # namedtuple
    "_fields",  # namedtuple
    "_geometry_column_name",  # geopandas GeoDataFrame
    "_geom",  # shapely 1.8 geometry pointer (geometry_io fast path)
    "_lgeos",  # shapely 1.8 GEOS handle (geometry_io fast path)
    "_name",  # ctypes CDLL path of shapely 1.8's GEOS
}


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in (REPO / PACKAGE).rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (relative imports resolved)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                subs = [f"{target}.{a.name}" for a in node.names
                        if f"{target}.{a.name}" in modules]
                candidates = subs if len(subs) == len(node.names) else [target, *subs]
            elif isinstance(node, ast.Import):
                candidates = [a.name for a in node.names]
            else:
                continue
            deps |= {c for c in candidates if c in modules and c != name}
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 100  # the whole package was read
    assert "pollution_map_plugin.core.schema" in graph["pollution_map_plugin.core.db.backend"]
    assert cycles(graph) == []


def private_reaches(path: Path) -> list[str]:
    """``x._name`` accesses in ``path`` where ``x`` is not ``self`` or ``cls``, and
    private names imported from another module."""
    found = []
    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):  # ``from .styles import _fmt``
            found += [f"{where}:{node.lineno}: {a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
            continue
        if not isinstance(node, ast.Attribute):
            continue
        attr = node.attr
        if not attr.startswith("_") or attr.startswith("__") or attr in THIRD_PARTY_PRIVATE:
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            continue
        found.append(f"{where}:{node.lineno}: .{attr}")
    return found


def test_the_private_member_check_catches_a_reach(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from __future__ import annotations\nfrom .styles import _fmt, alpha\n"
                     "def f(db):\n    return db._exec('x'), self._ok\n")
    assert sorted(r.rsplit(": ", 1)[1] for r in private_reaches(probe)) == ["._exec", "_fmt"]


def test_no_module_reaches_into_private_members() -> None:
    reaches = [r for path, _ in _modules().values() for r in private_reaches(path)]
    assert reaches == []

