"""The plugin ZIP vendors exactly what the HTML pages load, with each package's licence."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pollution_map_plugin.core.html.assets import ASSETS, files_used, inline_css, inline_js

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
VENDOR = "pollution_map_plugin/vendor/"


def _vendored(zip_path: Path) -> set[str]:
    with zipfile.ZipFile(zip_path) as zf:
        return {n[len(VENDOR):] for n in zf.namelist() if n.startswith(VENDOR)}


def test_zip_vendors_exactly_the_loaded_files_and_licences(plugin_zip: Path) -> None:
    want = set()
    for asset in ASSETS.values():
        want |= {f"{asset.package}/{f}" for f in files_used(asset, NODE_MODULES / asset.package)}
        want.add(f"{asset.package}/LICENSE")
        want.add(f"{asset.package}/package.json")  # its version, named in the pages' licences
    assert _vendored(plugin_zip) == want
    # What that is today: the scripts, the stylesheets and the images these inline.
    assert {"leaflet/dist/leaflet.js", "leaflet/dist/leaflet.css",
            "leaflet/dist/images/layers.png", "leaflet.fullscreen/Control.FullScreen.js",
            "leaflet.fullscreen/Control.FullScreen.css",
            "leaflet.fullscreen/icon-fullscreen.svg"} <= want
    assert len(want) < 20 and not any(n.endswith((".md", ".html", ".map")) for n in want)


def test_vendored_assets_inline_as_from_node_modules(plugin_zip: Path, tmp_path: Path) -> None:
    """Pages built from the ZIP's vendor/ are the same as from node_modules/: every
    image a stylesheet refers to is there (a missing one would become ``data:,``)."""
    with zipfile.ZipFile(plugin_zip) as zf:
        zf.extractall(tmp_path)
    vendor = tmp_path / VENDOR
    for asset in ASSETS.values():
        for rel in asset.css:
            got, want = (inline_css((d / asset.package / rel).read_text("utf-8"),
                                    d / asset.package / rel) for d in (vendor, NODE_MODULES))
            assert got == want and "url(data:,)" not in got, rel
        for rel in asset.js:
            got, want = (inline_js((d / asset.package / rel).read_text("utf-8"))
                         for d in (vendor, NODE_MODULES))
            assert got == want, rel
