#!/usr/bin/env python3
"""Build the installable plugin ZIP: ``dist/pollution_map_plugin-<version>.zip``.

The ZIP has one top folder, ``pollution_map_plugin/``, holding the Python package,
``metadata.txt``, ``LICENSE``, ``resources/`` (icons, styles, the ``.qm`` translations
compiled here with Qt's ``lrelease``), ``help/usage.html`` and ``vendor/`` (of each npm
package in ``node_modules/``, only the files the HTML pages load, as
``core/html/assets.py`` says, and the package's licence).  Tests, caches and ``.ts``
sources stay out.  The last line printed is the ZIP's path.
"""

from __future__ import annotations

import argparse
import configparser
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "pollution_map_plugin"
EXCLUDED_DIRS = {"__pycache__", "tests", "test", ".pytest_cache", ".ruff_cache", ".git"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo", ".ts", ".qm", ".orig", ".rej", ".swp"}
LICENSE_MARKERS = ("license", "licence", "copying")
LRELEASE_CANDIDATES = ("lrelease", "/usr/lib/qt5/bin/lrelease", "lrelease-qt5",
                       "/usr/lib/qt6/bin/lrelease", "lrelease-qt6")
FIXED_DATE = (2020, 1, 1, 0, 0, 0)  # reproducible ZIP entries


def plugin_version() -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "metadata.txt", encoding="utf-8")
    return parser["general"]["version"].strip()


def _skip(path: Path, excluded_dirs: set[str], excluded_suffixes: set[str]) -> bool:
    return (
        any(part in excluded_dirs for part in path.parts)
        or path.suffix in excluded_suffixes
        or path.name.endswith("~")
        or path.name == ".DS_Store"
    )


def copy_tree(src: Path, dst: Path, excluded_dirs: set[str] = EXCLUDED_DIRS,
              excluded_suffixes: set[str] = EXCLUDED_SUFFIXES) -> int:
    """Copy the files of ``src`` into ``dst`` except excluded ones; return the count."""
    count = 0
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_dir() or _skip(rel, excluded_dirs, excluded_suffixes):
            continue
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        count += 1
    return count


def find_lrelease() -> str:
    """Qt's ``lrelease`` (Debian: qttools5-dev-tools); exit with advice when absent."""
    for candidate in LRELEASE_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    sys.exit("package: lrelease not found; install it: sudo apt install qttools5-dev-tools")


def compile_translations(i18n_src: Path, i18n_dst: Path) -> list[Path]:
    """Compile every ``.ts`` of ``i18n_src`` into ``.qm`` files in ``i18n_dst``."""
    ts_files = sorted(i18n_src.glob("*.ts"))
    if not ts_files:
        return []
    lrelease = find_lrelease()
    i18n_dst.mkdir(parents=True, exist_ok=True)
    compiled = []
    for ts in ts_files:
        qm = i18n_dst / (ts.stem + ".qm")
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)
        if not qm.is_file():
            sys.exit(f"package: lrelease produced no {qm.name}")
        compiled.append(qm)
    return compiled


def html_assets():
    """``core/html/assets.py`` loaded by itself (not the ``core.html`` package, which
    needs folium and geopandas): what the pages read from each npm package."""
    path = REPO / PACKAGE / "core" / "html" / "assets.py"
    spec = importlib.util.spec_from_file_location("_pollution_map_html_assets", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def vendor_files(node_modules: Path) -> dict[str, list[str]]:
    """Per npm package, the files to bundle: those the pages load, and the licence."""
    assets = html_assets()
    files: dict[str, list[str]] = {}
    for asset in assets.ASSETS.values():
        src = node_modules / asset.package
        used = files.setdefault(asset.package, [])
        used += [f for f in assets.files_used(asset, src) if f not in used]
        licences = sorted(p.name for p in src.iterdir() if p.is_file()
                          and any(m in p.name.lower() for m in LICENSE_MARKERS))
        if not licences:
            sys.exit(f"package: node_modules/{asset.package} has no LICENSE file; "
                     "cannot bundle it")
        used += [n for n in licences if n not in used]
        if (src / "package.json").is_file() and "package.json" not in used:
            used.append("package.json")  # the version the pages' licences list names
    return files


def copy_vendor(dst: Path) -> list[str]:
    """Copy what the pages load of the pinned npm packages, with their licences, into
    ``dst`` (``vendor/``); warn when they are not installed."""
    node_modules = REPO / "node_modules"
    if not node_modules.is_dir():
        print("package: WARNING: node_modules/ is absent (run `make setup`); "
              "the ZIP has no vendor/ assets", file=sys.stderr)
        return []
    copied = []
    for name, files in sorted(vendor_files(node_modules).items()):
        for rel in files:
            target = dst / name / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(node_modules / name / rel, target)
        copied.append(f"{name} ({len(files)} files)")
    return copied


HELP_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pollution Source Map · 使用说明</title>
<style>body{{font:15px/1.55 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;
max-width:56rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}code,pre{{background:#f3f3f3}}
pre{{padding:.6rem;overflow:auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2rem .5rem}}</style></head>
<body>
{body}
</body></html>
"""


def write_help(target: Path) -> None:
    """The usage guide as one offline HTML page (Debian: python3-markdown)."""
    try:
        import markdown
    except ImportError:
        sys.exit("package: python3-markdown is needed for the bundled help: "
                 "sudo apt install python3-markdown")
    text = (REPO / "docs" / "usage.md").read_text(encoding="utf-8")
    body = markdown.markdown(text, extensions=["tables", "fenced_code"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(HELP_PAGE.format(body=body), encoding="utf-8")


def stage(root: Path) -> Path:
    """Lay out the plugin folder under ``root``; return it."""
    plugin = root / PACKAGE
    copy_tree(REPO / PACKAGE, plugin)
    for name in ("metadata.txt", "LICENSE"):
        shutil.copy2(REPO / name, plugin / name)
    copy_tree(REPO / "resources", plugin / "resources")
    qms = compile_translations(REPO / "resources" / "i18n", plugin / "resources" / "i18n")
    print(f"package: compiled {', '.join(q.name for q in qms) or 'no translations'}")
    write_help(plugin / "help" / "usage.html")
    vendored = copy_vendor(plugin / "vendor")
    print(f"package: vendor/ {', '.join(vendored) or '(none)'}")
    return plugin


def write_zip(plugin: Path, zip_path: Path) -> int:
    """Zip ``plugin`` (with itself as the top folder); return the number of files."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_suffix(".zip.part")
    files = sorted(p for p in plugin.rglob("*") if p.is_file())
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(plugin.parent).as_posix(), FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    tmp.replace(zip_path)
    return len(files)


def check_zip(zip_path: Path) -> None:
    """Fail when the ZIP lacks the essentials or holds junk."""
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
    tops = {n.split("/", 1)[0] for n in names}
    if tops != {PACKAGE}:
        sys.exit(f"package: the ZIP must have one top folder {PACKAGE}/, has {sorted(tops)}")
    for required in ("__init__.py", "metadata.txt", "LICENSE", "resources/icons/icon.svg",
                     "help/usage.html"):
        if f"{PACKAGE}/{required}" not in names:
            sys.exit(f"package: {required} missing from the ZIP")
    junk = [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))
            or "/tests/" in n]
    if junk:
        sys.exit(f"package: junk in the ZIP: {junk[:5]}")


def build(dist: Path) -> Path:
    """Build and check the ZIP in ``dist``; return its path."""
    zip_path = dist / f"{PACKAGE}-{plugin_version()}.zip"
    with tempfile.TemporaryDirectory(prefix="pollution-map-package-") as tmp:
        plugin = stage(Path(tmp))
        count = write_zip(plugin, zip_path)
    check_zip(zip_path)
    print(f"package: {count} files, {zip_path.stat().st_size // 1024} KiB")
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist",
                        help="output folder (default: dist/)")
    args = parser.parse_args(argv)
    print(build(args.dist.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
