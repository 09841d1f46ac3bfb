"""Hostile database values stay text in every exported page (no QGIS, no browser)."""

from __future__ import annotations

import json
import re

import pytest

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.html import export_all
from pollution_map_plugin.core.html.folium_elements import GZIP_TYPE
from pollution_map_plugin.core.html.page_reader import SPEC_RE, unpack
from tests.fixtures.browser import XSS_ENTERPRISE, XSS_RIVER_CODE


@pytest.fixture(scope="module")
def exported(xss_db_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("xss_out")
    with open_database(xss_db_path) as db:
        return export_all(db, out)


def test_hostile_river_gets_a_safe_file_inside_the_output_folder(exported):
    path = exported.reports[XSS_RIVER_CODE]
    assert path.parent == exported.out_dir
    assert ".." not in path.name and "<" not in path.name and "/" not in path.name
    assert sorted(p.name for p in exported.out_dir.iterdir()) == sorted(
        p.name for p in exported.files)  # nothing written elsewhere


@pytest.mark.parametrize("raw", [
    XSS_ENTERPRISE, "<script>alert('river')</script>", "<svg onload=alert(2)>",
    "<script>alert(3)</script>", "<i>chief</i>", "<b>bold</b>",
])
def test_no_hostile_markup_reaches_any_page(exported, raw):
    for path in exported.files:
        html = path.read_text(encoding="utf-8")
        assert raw not in html, (path.name, raw)


def test_hostile_names_are_present_as_escaped_text(exported):
    report = exported.reports[XSS_RIVER_CODE].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;river&#39;)&lt;/script&gt;" in report  # header, title
    assert "&lt;i&gt;chief&lt;/i&gt;" in report and "&lt;svg onload=alert(2)&gt;" in report
    index = exported.index.read_text(encoding="utf-8")
    assert "../../&lt;script&gt;" in index
    overview = exported.overview.read_text(encoding="utf-8")
    # the data: JSON (configuration, escaped for a script element) or gzipped JSON in
    # base64 (layers: nothing but the base64 alphabet inside the element)
    found = False
    for m in SPEC_RE.finditer(overview):
        kind, body = m.group(2), m.group(3)
        if kind == "gzip":
            assert re.fullmatch(r"[A-Za-z0-9+/=]*", body.strip())
            found |= XSS_ENTERPRISE in json.dumps(unpack(kind, body), ensure_ascii=False)
        else:
            assert "<" not in body and ">" not in body
    assert found  # the hostile name is in the data, as data


def test_no_element_carries_an_event_handler_or_a_foreign_script(exported):
    from tests.core.test_html_export import tags

    for path in exported.files:
        found = tags(path.read_text(encoding="utf-8"))
        handlers = [(t, a) for t, a in found for k in a if k.lower().startswith("on")]
        assert not handlers, (path.name, handlers[:3])
        assert not [t for t, _ in found if t in ("img", "iframe", "object", "embed")]
        scripts = [a for t, a in found if t == "script"]
        assert all("src" not in a for a in scripts)
        code = [a for a in scripts if "data-psm-spec" not in a]
        # the inlined assets, folium's switches, our page code and the map script
        assert len(code) <= 8 or path.name == "index.html"
        # every other script element is data: one per layer and the page's configuration
        typed = [a for a in scripts if "type" in a]  # inert: not run by the browser
        assert typed == [a for a in scripts if "data-psm-spec" in a]
        assert {a["type"] for a in typed} <= {"application/json", GZIP_TYPE}
