"""The HTML export on the demo database: files, structure, data, i18n, basemaps,
offline, progress and cancel, the CLI (no QGIS, no browser)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.html import (
    ExportCancelled,
    ExportContext,
    export_all,
    export_overview,
    export_river_report,
)
from pollution_map_plugin.core.schema import SOURCE_LAYERS


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(html)
    return p.tags


def payload(html: str) -> dict:
    from pollution_map_plugin.core.html.page_reader import page_data

    return page_data(html)


def lonlat(data: dict, layer_id: str) -> tuple[np.ndarray, np.ndarray]:
    """Decoded lon/lat of a point layer (integer steps from the page origin)."""
    layer = {p["id"]: p for p in data["points"]}[layer_id]
    step = 1 / data["scale"]
    return (data["origin"][0] + np.array(layer["x"]) * step,
            data["origin"][1] + np.array(layer["y"]) * step)


def column(layer: dict, name: str) -> list:
    from pollution_map_plugin.core.html.page_reader import column as read_column

    return read_column(layer, name)


@pytest.fixture(scope="module")
def db(demo_db_path):
    with open_database(demo_db_path) as d:
        yield d


@pytest.fixture(scope="module")
def ctx(db):
    return ExportContext(db)


@pytest.fixture(scope="module")
def exported(ctx, tmp_path_factory):
    out = tmp_path_factory.mktemp("html_zh")
    return export_all(ctx, out)


def test_export_all_writes_index_overview_and_one_report_per_key_river(exported, db):
    rivers = db.read_layer("rivers")
    key = rivers.loc[rivers["key_river"].fillna(False).astype(bool), "code"].tolist()
    assert exported.index.name == "index.html" and exported.overview.name == "overview.html"
    assert sorted(exported.reports) == sorted(key)
    for path in exported.files:
        assert path.parent == exported.out_dir and path.stat().st_size > 1000
    index = exported.index.read_text(encoding="utf-8")
    hrefs = [a["href"] for tag, a in tags(index) if tag == "a"]
    assert "overview.html" in hrefs
    from urllib.parse import unquote

    assert sorted(unquote(h) for h in hrefs if h != "overview.html") == sorted(
        p.name for p in exported.reports.values())


def test_no_script_or_stylesheet_is_loaded_from_anywhere(exported):
    for path in exported.files:
        html = path.read_text(encoding="utf-8")
        for tag, attrs in tags(html):
            if tag == "script":
                assert "src" not in attrs, (path.name, attrs)
            if tag == "link":
                assert "href" not in attrs or not re.match(r"(https?:)?//", attrs["href"])
            if tag in ("img", "iframe"):
                assert not re.match(r"(https?:)?//", attrs.get("src", ""))
        assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html


def test_offline_page_starts_on_the_background_without_tiles(ctx, exported):
    data = payload(exported.overview.read_text(encoding="utf-8"))
    assert [b["id"] for b in data["bases"]] == ["background"]  # none: no tiles at all
    assert data["bases"][0]["show"] is True
    bg = data["background"][0]
    assert bg.get("geom") or {v["id"]: v for v in data["vectors"]}[bg["geomFrom"]]["geom"]


def test_overview_holds_every_source_and_section(exported, db):
    data = payload(exported.overview.read_text(encoding="utf-8"))
    points = {p["id"]: p for p in data["points"]}
    for name in SOURCE_LAYERS:
        layer = db.read_layer(name)
        assert points[name]["n"] == len(layer) == len(points[name]["x"]) == len(points[name]["y"])
        assert sorted(column(points[name], "code")) == sorted(layer["code"])
    secs = db.read_layer("sections")
    assert data["sections"]["n"] == len(secs)
    q = data["sections"]["quality"]
    assert len(q["cls"]) == len(q["hist"]) == len(q["fail"]) == len(secs)
    assert set(q["cls"]) <= set(range(7)) and any(q["cls"])
    assert any(len(h) > 1 for h in q["hist"])  # class history per year


def test_river_report_selects_what_discharges_to_the_river(ctx, exported, db):
    code = sorted(exported.reports)[1]
    data = payload(exported.reports[code].read_text(encoding="utf-8"))
    points = {p["id"]: p for p in data["points"]}
    outfalls = db.read_layer("outfalls")
    reaches = db.read_layer("reaches")
    mine = set(reaches.loc[reaches["river_code"] == code, "code"])
    expected = outfalls.loc[(outfalls["river_code"] == code) | outfalls["reach_code"].isin(mine)]
    assert sorted(column(points["outfalls"], "code")) == sorted(expected["code"])
    ents = db.read_layer("enterprises")
    exp_ents = ents.loc[ents["outfall_code"].isin(set(expected["code"]))]
    assert sorted(column(points["enterprises"], "code")) == sorted(exp_ents["code"])
    secs = db.read_layer("sections")
    assert sorted(column(data["sections"], "code")) == sorted(
        secs.loc[(secs["river_code"] == code) | secs["reach_code"].isin(mine), "code"])
    assert {v["id"] for v in data["vectors"]} >= {"river", "tributaries", "control_units",
                                                   "drinking_water_areas"}


def test_report_header_and_panel(ctx, exported, db):
    code = sorted(exported.reports)[0]
    html = exported.reports[code].read_text(encoding="utf-8")
    river = db.read_layer("rivers").set_index("code").loc[code]
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert river["name"] in title and "一河一策" in title
    for text in ("水系", "长度", "源头", "河口", "河长", "评价时段", "总体水质", "断面达标率",
                 "问题清单", "预警", "治理项目", "断面水质", "演示数据"):
        assert text in html, text
    chiefs = db.read_table("river_chiefs")
    for name in chiefs.loc[chiefs["river_code"] == code, "name"]:
        assert name in html
    problems = db.read_table("problems")
    for desc in problems.loc[problems["river_code"] == code, "description"]:
        assert desc.replace("&", "&amp;") in html
    # one clickable row per section, pointing at the map's section markers
    n = payload(html)["sections"]["n"]
    assert len(re.findall(r'data-psm-feature="sections:\d+"', html)) == n
    assert '<template id="psm-legend-tpl">' in html and "html lang=\"zh-CN\"" in html


def test_english_pages(db, tmp_path):
    ctx = ExportContext(db, lang="en")
    result = export_all(ctx, tmp_path, rivers=[ctx.river_codes()[0]])
    html = next(iter(result.reports.values())).read_text(encoding="utf-8")
    for text in ("One river, one policy", "Water system", "Problems", "Warnings",
                 "Remediation projects", "Water quality by section", "Legend", "synthetic"):
        assert text in html, text
    assert "一河一策" not in html and "问题清单" not in html
    data = payload(html)
    assert data["lang"] == "en" and data["t"]["history"] == "Class by year"
    assert "html lang=\"en\"" in html


def test_unknown_language_and_river_are_clear_errors(db, ctx, tmp_path):
    with pytest.raises(ValueError, match="language"):
        ExportContext(db, lang="fr")
    with pytest.raises(KeyError, match="NO-SUCH"):
        export_river_report(ctx, "NO-SUCH", tmp_path)


def test_gaode_shifts_the_data_to_gcj02(db, ctx, tmp_path):
    plain = payload(export_overview(ctx, tmp_path / "a").read_text(encoding="utf-8"))
    gaode = ExportContext(db, basemap="gaode", offline=False)
    shifted = payload(export_overview(gaode, tmp_path / "b").read_text(encoding="utf-8"))
    from pollution_map_plugin.core.coords import wgs84_to_gcj02

    ax, ay = lonlat(plain, "enterprises")
    bx, by = lonlat(shifted, "enterprises")
    x, y = wgs84_to_gcj02(ax, ay)
    assert np.allclose(bx, x, atol=2e-5) and np.allclose(by, y, atol=2e-5)
    assert not np.allclose(bx, ax, atol=1e-3)  # really shifted (hundreds of metres)
    assert [t["id"] for t in shifted["bases"]] == ["background", "gaode"]
    assert shifted["bases"][1]["show"] is True  # online: tiles shown at start


def test_tianditu_needs_a_key_and_never_invents_one(db, monkeypatch, tmp_path):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(ValueError, match="key"):
        ExportContext(db, basemap="tianditu")
    with pytest.raises(ValueError, match="letters and digits"):
        ExportContext(db, basemap="tianditu", tianditu_key="abc&callback=x" * 2)
    key = "0123456789abcdef0123456789abcdef"
    ctx = ExportContext(db, basemap="tianditu", offline=True, tianditu_key=key)
    data = payload(export_overview(ctx, tmp_path).read_text(encoding="utf-8"))
    tiles = {b["id"]: b for b in data["bases"]}["tianditu"]
    assert tiles["show"] is False  # offline: offered, not loaded at start
    assert all(t["url"].endswith("tk=" + key) for t in tiles["tiles"])


def test_progress_and_cancel(ctx, tmp_path):
    seen: list[tuple[float, str]] = []
    export_all(ctx, tmp_path / "ok", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert len(seen) >= len(ctx.river_codes()) + 3
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ExportCancelled):
        export_all(ctx, tmp_path / "cancelled", cancel=cancel)
    assert not (tmp_path / "cancelled" / "index.html").exists()


def test_cli_export_html(demo_db_path, tmp_path, capsys):
    from pollution_map_plugin.cli.main import main

    assert main(["export-html", str(demo_db_path), "--out", str(tmp_path / "all"), "--quiet",
                 "--lang", "en", "--basemap", "none"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "all" / "index.html") in out and "overview.html" in out
    assert main(["export-html", str(demo_db_path), "--out", str(tmp_path / "one"),
                 "--river", "R00002", "--quiet"]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.is_file() and written.parent == tmp_path / "one"
    assert main(["export-html", str(demo_db_path), "--out", str(tmp_path / "x"),
                 "--river", "NOPE", "--quiet"]) == 1
    assert "NOPE" in capsys.readouterr().err
