"""Offline assets: Leaflet and its plugins inlined into every exported page.

The JavaScript and CSS come from npm (``package.json``, pinned by
``package-lock.json``).  In a development checkout they are in
``node_modules/``; in the installed plugin, ``scripts/package.py`` copies what
:data:`ASSETS` uses (:func:`files_used`) to ``pollution_map_plugin/vendor/`` with
their licences.  Nothing is fetched at
run time: every script and stylesheet is written into the page, and every
``url(...)`` of a stylesheet becomes a ``data:`` URI, so the page makes no
request to any other host (nor to a missing local file).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # pollution_map_plugin/
REPO_DIR = PACKAGE_DIR.parent


@dataclass(frozen=True)
class Asset:
    """One npm package's files used by the pages (paths inside the package)."""

    package: str
    js: tuple[str, ...] = ()
    css: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # other files the pages inline (images as data URIs)
    title: str = ""  # for the pages' licences list
    bundled_in: str = ""  # a package compiled into another one's script (kdbush)


MARKER_IMAGES = ("dist/images/marker-icon.png", "dist/images/marker-icon-2x.png",
                 "dist/images/marker-shadow.png")
ASSETS: dict[str, Asset] = {
    "leaflet": Asset("leaflet", ("dist/leaflet.js",), ("dist/leaflet.css",), MARKER_IMAGES,
                     "Leaflet"),
    "fullscreen": Asset(
        "leaflet.fullscreen", ("Control.FullScreen.js",), ("Control.FullScreen.css",),
        title="Leaflet.Control.FullScreen",
    ),
    "supercluster": Asset("supercluster", ("dist/supercluster.min.js",), title="Supercluster"),
    "kdbush": Asset("kdbush", title="KDBush", bundled_in="supercluster"),
}
DEFAULT_BUNDLE = ("leaflet", "fullscreen", "supercluster")
LICENCE_MARKERS = ("license", "licence", "copying")


class AssetError(RuntimeError):
    """A Leaflet asset is missing (run ``make setup``, which runs ``npm ci``)."""


def search_dirs() -> list[Path]:
    """Folders holding npm packages: the plugin's vendor/, then node_modules/."""
    dirs: list[Path] = []
    try:
        from pollution_map_plugin import paths  # the foundation's helper, when present

        dirs.append(Path(paths.vendor_dir()))
    except (ImportError, AttributeError):
        pass
    for d in (PACKAGE_DIR / "vendor", REPO_DIR / "node_modules"):
        if d not in dirs:
            dirs.append(d)
    return dirs


def asset_path(package: str, relpath: str) -> Path:
    """The file ``relpath`` of npm package ``package``; AssetError when absent."""
    for d in search_dirs():
        p = d / package / relpath
        if p.is_file():
            return p
    where = ", ".join(str(d) for d in search_dirs())
    raise AssetError(
        f"asset {package}/{relpath} not found in {where}; run `make setup` (npm ci)"
    )


_SOURCE_MAP = re.compile(r"^\s*//[#@] sourceMappingURL=.*$|/\*[#@] sourceMappingURL=.*?\*/", re.M)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".svg":
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _local_file(url: str, base: Path) -> Path | None:
    """The file a relative ``url(...)`` of stylesheet ``base`` names (None if absent)."""
    if "://" in url or url.startswith("//"):
        raise AssetError(f"stylesheet {base} refers to a remote resource {url}")
    target = (base.parent / url.split("?")[0].split("#")[0]).resolve()
    return target if target.is_file() else None


def inline_css(text: str, base: Path) -> str:
    """CSS with every relative ``url(...)`` replaced by a data URI of the file."""

    def repl(m: re.Match) -> str:
        url = m.group(2).strip()
        if url.startswith(("data:", "#")):
            return m.group(0)
        target = _local_file(url, base)
        if target is None:
            return "url(data:,)"  # a missing optional image: nothing to load
        return f'url("{_data_uri(target)}")'

    return _CSS_URL.sub(repl, _SOURCE_MAP.sub("", text))


def files_used(asset: Asset, package_root: Path) -> list[str]:
    """What the pages read from the npm package at ``package_root`` (POSIX paths inside
    it): the asset's scripts and stylesheets and the files its stylesheets inline.
    ``scripts/package.py`` vendors exactly these (and the licence)."""
    root = package_root.resolve()
    used = {*asset.js, *asset.css, *asset.files}
    for rel in asset.css:
        css = root / rel
        for m in _CSS_URL.finditer(_SOURCE_MAP.sub("", css.read_text(encoding="utf-8"))):
            url = m.group(2).strip()
            target = None if url.startswith(("data:", "#")) else _local_file(url, css)
            if target is not None:
                if root not in target.parents:
                    raise AssetError(f"stylesheet {css} refers to {url} outside its package")
                used.add(target.relative_to(root).as_posix())
    return sorted(used)


def inline_js(text: str) -> str:
    """JavaScript safe to place in a ``<script>`` element (no source-map fetch)."""
    return _SOURCE_MAP.sub("", text).replace("</script", "<\\/script")


@cache
def asset_html(name: str) -> str:
    asset = ASSETS[name]
    parts: list[str] = []
    for rel in asset.css:
        p = asset_path(asset.package, rel)
        css = inline_css(p.read_text(encoding="utf-8"), p).replace("</style", "<\\/style")
        parts.append(f"<style data-asset=\"{asset.package}/{rel}\">\n{css}\n</style>")
    for rel in asset.js:
        p = asset_path(asset.package, rel)
        js = inline_js(p.read_text(encoding="utf-8"))
        parts.append(f"<script data-asset=\"{asset.package}/{rel}\">\n{js}\n</script>")
    return "\n".join(parts)


def data_uri(package: str, relpath: str) -> str:
    """A file of an npm package as a ``data:`` URI (Leaflet's marker images)."""
    return _data_uri(asset_path(package, relpath))


def package_dir(package: str) -> Path:
    """The folder of npm package ``package`` (vendor/ or node_modules/)."""
    for d in search_dirs():
        if (d / package).is_dir():
            return d / package
    raise AssetError(f"npm package {package} not found; run `make setup` (npm ci)")


@cache
def licences(names: tuple[str, ...] = DEFAULT_BUNDLE) -> tuple[tuple[str, str, str, str], ...]:
    """(title, package, version, licence text) of every package the pages carry: the
    assets ``names`` and the packages compiled into them."""
    import json

    wanted = [n for n in ASSETS if n in names or ASSETS[n].bundled_in in names]
    out = []
    for name in wanted:
        a = ASSETS[name]
        root = package_dir(a.package)
        meta = json.loads((root / "package.json").read_text(encoding="utf-8")) \
            if (root / "package.json").is_file() else {}
        texts = [p.read_text(encoding="utf-8", errors="replace")
                 for p in sorted(root.iterdir()) if p.is_file()
                 and any(m in p.name.lower() for m in LICENCE_MARKERS)]
        if not texts:
            raise AssetError(f"npm package {a.package} has no licence file")
        out.append((a.title or a.package, a.package, str(meta.get("version", "")),
                    "\n\n".join(t.strip() for t in texts)))
    return tuple(out)


def bundle_html(names: tuple[str, ...] = DEFAULT_BUNDLE) -> str:
    """The inline ``<style>`` and ``<script>`` elements of assets ``names``."""
    return "\n".join(asset_html(n) for n in names)


_REMOTE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*['\"]?\s*(?:https?:)?//", re.I
)


def remote_references(html: str) -> list[str]:
    """Tags of ``html`` that would load something from another host."""
    return [m.group(0) for m in _REMOTE.finditer(html)]
