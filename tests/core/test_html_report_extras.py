"""A river report carries the tracing service's main sources per failing section and the
assessment's change words (no QGIS, no browser)."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.html import ExportContext
from pollution_map_plugin.core.html.report import river_page

ROW_RE = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)


@pytest.fixture(scope="module")
def ctx_and_pages(demo_db_path):
    with open_database(demo_db_path) as db:
        ctx = ExportContext(db)
        pages = {code: river_page(ctx, code)[0] for code in ctx.river_codes()}
    return ctx, pages


def block(html: str, name: str) -> str:
    m = re.search(rf'<section class="psm-block psm-block-{name}">(.*?)</section>', html, re.S)
    return m.group(1) if m else ""


def test_failing_sections_list_their_main_sources_with_shares(ctx_and_pages):
    ctx, pages = ctx_and_pages
    att = ctx.attribution()
    assert att is not None
    seen = 0
    for code, page in pages.items():
        entries = att.river_sources(code, top=5)
        trace = html_lib.unescape(block(page, "trace"))
        if not entries:
            assert trace == ""
            continue
        for e in entries:
            assert e["section_name"] in trace
            for src in e.get("sources", []):
                assert src["name"] in trace
                assert f"{src['share']:.0%}" in trace
                seen += 1
    assert seen > 0  # the demo has failing sections with sources


def test_trace_rows_link_to_the_sources_on_the_map(ctx_and_pages):
    ctx, pages = ctx_and_pages
    linked = [p for p in pages.values() if re.search(
        r'psm-block-trace.*?data-psm-feature="(outfalls|enterprises|sewage_plants|'
        r'livestock_farms):\d+"', p, re.S)]
    assert linked


def test_change_against_the_year_before(ctx_and_pages):
    ctx, pages = ctx_and_pages
    b = ctx.bundle
    assert b.compare is not None
    before, after = b.compare
    page = next(iter(pages.values()))
    change = block(page, "change")
    assert before in change and after in change
    words = set(b.change["change_method_zh"].dropna())
    assert any(w in change for w in words)


def test_item_series_carry_limits_target_non_detects_and_trend(ctx_and_pages):
    from pollution_map_plugin.core import gb3838
    from pollution_map_plugin.core.html.report_charts import section_series

    ctx, _ = ctx_and_pages
    secs = ctx.points("sections", ctx.select(ctx.river_codes()[0]).sections)[0]
    series = section_series(ctx, secs)
    assert len(series) == len(secs)
    raw = ctx.item_series()
    checked = 0
    for (code, tc, body), items in zip(secs[["code", "target_class", "water_body_type"]]
                                       .itertuples(index=False), series):
        for it in items:
            assert it["limits"] == list(gb3838.limits(it["p"], body or "river"))
            assert it["target"] == gb3838.class_limit(it["p"], int(tc), body or "river")
            rows = raw.loc[(raw["section_code"] == code) & (raw["parameter"] == it["p"])]
            assert it["years"] == rows["year"].tolist()
            assert it["nd"] == rows["nd"].tolist()  # every sample of the year a non-detect
            assert it["trend"]  # the Spearman verdict is written, in the page's language
            assert "too few" not in it["trend"] and "periods" not in it["trend"], it["trend"]
            checked += 1
    assert checked > 10
    assert raw["nd"].any() and any(any(it["nd"]) for items in series for it in items)


def test_overview_lists_the_district_statistics(demo_db_path):
    from pollution_map_plugin.core.html.overview import overview_page

    with open_database(demo_db_path) as db:
        ctx = ExportContext(db)
        page = overview_page(ctx)
    stats = ctx.district_table()
    assert stats is not None and len(stats) >= 2
    rows = ROW_RE.findall(block(page, "districts"))
    body = [html_lib.unescape(re.sub(r"<[^>]+>", "|", r)) for r in rows[1:]]
    assert len(body) == len(stats)
    for line, (name, n) in zip(body, zip(stats["district"], stats["sections"])):
        cells = [c for c in line.split("|") if c]
        assert cells[0] == name and cells[1] == str(int(n))
