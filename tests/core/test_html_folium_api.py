"""The pages are folium documents: ``build_river_map`` / ``build_overview_map`` return a
``folium.Map`` made of folium elements, and the documented extension example runs."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import folium
import pytest
from folium.map import Layer

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.html import ExportContext, build_overview_map, build_river_map
from pollution_map_plugin.core.html import folium_elements as fe
from pollution_map_plugin.core.html.assets import remote_references

USAGE = Path(__file__).resolve().parents[2] / "docs" / "usage.md"
EXAMPLE_RE = re.compile(r"<!-- folium-example[^>]*-->\s*```python\n(.*?)```", re.S)


def example_code() -> str:
    """The folium example of ``docs/usage.md``, exactly as documented."""
    return EXAMPLE_RE.search(USAGE.read_text(encoding="utf-8")).group(1)


def run_example(demo_db_path: Path, where: Path) -> Path:
    """Run the documented example in ``where`` (with the demo database as demo.gpkg)."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(demo_db_path, where / "demo.gpkg")
    before = Path.cwd()
    os.chdir(where)
    try:
        exec(compile(example_code(), str(USAGE), "exec"), {"__name__": "example"})  # noqa: S102
    finally:
        os.chdir(before)
    return where / "R00002_planning.html"


@pytest.fixture(scope="module")
def ctx(demo_db_path):
    with open_database(demo_db_path) as db:
        return ExportContext(db, lang="en")


def test_river_map_is_a_folium_map_of_folium_elements(ctx):
    m = build_river_map(ctx, "R00002")
    assert isinstance(m, folium.Map)
    kids = list(m._children.values())
    layers = [k for k in kids if isinstance(k, Layer)]
    kinds = {type(k) for k in layers}
    assert {fe.PsmBackground, fe.PsmVectorLayer, fe.PsmPointLayer, fe.PsmSectionLayer} <= kinds
    assert all(isinstance(k, folium.elements.JSCSSMixin) for k in layers)
    # the controls are elements too, the layer control is folium's (subclassed)
    assert {fe.PsmLegend, fe.PsmSearch, fe.PsmTimeSlider, fe.PsmTables, fe.PsmReady} <= {
        type(k) for k in kids}
    assert any(isinstance(k, folium.LayerControl) for k in kids)
    # no CDN: the map and every element link nothing
    assert all(not getattr(k, "default_js", []) for k in [m, *kids])


def test_overview_map_renders_offline_with_its_assets_once(ctx):
    html = build_overview_map(ctx).get_root().render()
    assert remote_references(html) == []
    for asset in ("leaflet/dist/leaflet.js", "supercluster/dist/supercluster.min.js",
                  "psm/page.js"):
        assert html.count(f'data-asset="{asset}"') == 1, asset
    assert '<html lang="en">' in html


def test_documented_example_extends_and_saves_offline(demo_db_path, tmp_path):
    page = run_example(demo_db_path, tmp_path / "example")
    html = page.read_text(encoding="utf-8")
    assert remote_references(html) == []
    assert "Site visits 2026" in html and "Planned interceptor sewer" in html
    assert "Visit 14 March" in html and "L.marker(" in html
    # the planner's layers are listed by the page's own layer control, built on load
    control = html[html.index("L.control.layers("):]
    script = html[:html.index("L.control.layers(")]
    assert "Site visits 2026" in script[script.rindex("base_layers"):]
    assert control
    # the page's own parts are still there
    assert 'data-psm-spec="1"' in html and "psm-legend-tpl" in html


def test_source_symbols_are_valid_css_data_uris():
    """A raw quote ends url("…") and a raw # starts a fragment: neither may be in a URI."""
    from pollution_map_plugin.core.html.symbols import source_css

    uris = re.findall(r'url\("(data:[^"]*)"\)', source_css())
    assert len(uris) == source_css().count("url(")
    assert all("#" not in u and "<" not in u for u in uris)
