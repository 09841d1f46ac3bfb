"""Offline assets: Leaflet and plugins from npm, inlined with no remote reference."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pollution_map_plugin.core.html import assets

REPO = Path(__file__).resolve().parents[2]
# what would make the browser load something: a script or stylesheet link, a CSS url()
# (a plain <a href> in Leaflet's attribution is only a link, loaded on a click)
REMOTE_URL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import""", re.I)


def test_package_json_pins_every_asset_package():
    pkg = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    for asset in assets.ASSETS.values():
        version = pkg["dependencies"][asset.package]
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin exact versions"
        assert lock["packages"][f"node_modules/{asset.package}"]["version"] == version


def test_every_asset_file_is_found():
    for asset in assets.ASSETS.values():
        for rel in asset.js + asset.css:
            assert assets.asset_path(asset.package, rel).is_file()


def test_bundle_is_inline_and_refers_to_no_other_host():
    html = assets.bundle_html()
    assert "leafletjs.com" in html and "Control.FullScreen" in html
    assert not REMOTE_URL.search(html)
    assert not assets.remote_references(html)
    assert "sourceMappingURL" not in html
    # every stylesheet image became a data URI (no request for a missing local file)
    for m in re.finditer(r"url\(([^)]*)\)", html):
        assert m.group(1).strip("'\"").startswith(("data:", "#")), m.group(0)[:80]


def test_inline_css_makes_data_uris(tmp_path):
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    css = tmp_path / "a.css"
    out = assets.inline_css(".a{background:url('img.png')} .b{background:url(missing.png)}", css)
    assert 'url("data:image/png;base64,' in out and "url(data:,)" in out
    with pytest.raises(assets.AssetError):
        assets.inline_css(".a{background:url(https://cdn.example/x.png)}", css)


def test_missing_assets_say_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "search_dirs", lambda: [tmp_path])
    with pytest.raises(assets.AssetError, match="make setup"):
        assets.asset_path("leaflet", "dist/leaflet.js")


def test_remote_references_finds_cdn_tags():
    html = ('<script src="https://cdn.jsdelivr.net/x.js"></script>'
            '<link rel="stylesheet" href="//cdn.example/a.css"><script>var a="//x";</script>')
    assert len(assets.remote_references(html)) == 2


def test_every_page_carries_the_licences_of_what_it_bundles(demo_db_path):
    """Leaflet, the fullscreen plugin, supercluster and the KDBush compiled into it: each
    licence complete (every line of its file) in the page's footer."""
    import html as html_lib

    from pollution_map_plugin.core.db import open_database
    from pollution_map_plugin.core.html import ExportContext
    from pollution_map_plugin.core.html.overview import overview_page
    from pollution_map_plugin.core.html.report import river_page

    names = [title for title, *_ in assets.licences()]
    assert names == ["Leaflet", "Leaflet.Control.FullScreen", "Supercluster", "KDBush"]
    with open_database(demo_db_path) as db:
        ctx = ExportContext(db, lang="en")
        pages = [overview_page(ctx), river_page(ctx, ctx.river_codes()[0])[0]]
    for page in pages:
        footer = html_lib.unescape(page[page.index('<footer class="psm-footer">'):])
        assert 'href="#psm-licences"' in page and "Licences" in footer
        for _title, package, version, text in assets.licences():
            assert version and f"npm: {package}" in footer
            for line in text.splitlines():
                assert line.strip() in footer, (package, line)
