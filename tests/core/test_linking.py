"""``link``: points to reaches (code, outfall, name match, spatial), and the reports and
assessment working from those links on real gaps (no target, no data, not located)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from pollution_map_plugin.core.db import create_database
from pollution_map_plugin.core.linking import LinkOptions, link
from pollution_map_plugin.core.network.network_import import NetworkImportOptions, import_network
from tests.core.test_network_import import D, tributary, trunk, write_lines

CRS = "EPSG:4490"


def _layer(rows: list[dict]) -> gpd.GeoDataFrame:
    geom = [r.pop("geometry") for r in rows]
    return gpd.GeoDataFrame(rows, geometry=geom, crs=CRS)


@pytest.fixture()
def linked_db(tmp_path):
    """A network of 主河 (west → east along 30° N) and 支流 (from the north-west at 106.02)."""
    path = write_lines(tmp_path / "n.geojson", trunk() + [tributary(106.0 + 2 * D, dy=3.0)])
    db = create_database(tmp_path / "l.gpkg")
    res = import_network(db, NetworkImportOptions([str(path)]))
    codes = res.rivers.set_index("name")["code"]
    main, trib = codes["主河"], codes["支流"]
    trib_reach = res.reaches.loc[res.reaches["river_code"] == trib, "code"].iloc[0]
    sec = dict(level="municipal", water_body_type="river")
    db.write("sections", _layer([
        dict(code="S1", name="一号断面", geometry=Point(106.005, 30.002), target_class=3, **sec),
        dict(code="S2", name="支流大桥", geometry=Point(106.0175, 30.006), **sec),
        dict(code="S3", name="远断面", geometry=Point(106.02, 30.6), river_code=main,
             target_class=2, **sec),
        dict(code="S4", name="未定位断面", geometry=None, target_class=3, river_code=main,
             **sec),
        dict(code="S5", name="给定河段", geometry=Point(106.035, 30.001),
             reach_code=trib_reach, **sec),
    ]))
    db.write("outfalls", _layer([
        dict(code="O1", name="支流排口", type="industrial", geometry=Point(106.016, 30.02)),
    ]))
    db.write("enterprises", _layer([
        dict(code="E1", name="有排口企业", outfall_code="O1", geometry=Point(106.1, 30.08)),
        dict(code="E2", name="无排口企业", geometry=Point(106.03, 29.99)),
        dict(code="E3", name="远企业", geometry=Point(107.0, 31.0)),
    ]))
    db.write("livestock_farms", _layer([dict(code="F1", name="猪场",
                                             geometry=Point(106.035, 30.01))]))
    db.write("petrol_stations", _layer([dict(code="P1", name="加油站",
                                             geometry=Point(106.005, 29.995))]))
    db.write("industrial_parks", _layer([dict(code="K1", name="园区", geometry=Polygon(
        [(106.0, 29.98), (106.01, 29.98), (106.01, 29.99), (106.0, 29.99)]))]))
    yield db, main, trib, trib_reach
    db.close()


def test_link_methods_distances_and_problems(linked_db):
    db, main, trib, trib_reach = linked_db
    rep = link(db)
    rows = rep.rows.set_index("code")
    assert rows.at["S1", "method"] == "spatial" and rows.at["S1", "status"] == "linked"
    assert rows.at["S1", "river_code"] == main and 100 < rows.at["S1", "distance_m"] < 125
    assert rows.at["S2", "method"] == "name" and rows.at["S2", "river_code"] == trib
    assert rows.at["S3", "status"] == "too_far" and "km from its river" in rows.at["S3", "note"]
    assert rows.at["S4", "status"] == "kept" and rows.at["S4", "note"] == "no coordinates"
    assert rows.at["S5", "status"] == "disagrees" and rows.at["S5", "reach_code"] == trib_reach
    assert rows.at["E1", "method"] == "outfall" and rows.at["E1", "river_code"] == trib
    assert rows.at["E1", "distance_m"] > 5000  # held to no tolerance: it discharges via O1
    assert rows.at["E2", "method"] == "spatial" and rows.at["E2", "river_code"] == main
    assert rows.at["E3", "status"] == "too_far" and "nearest reach" in rows.at["E3", "note"]
    assert rows.at["K1", "status"] == "linked" and rows.at["P1", "status"] == "linked"
    assert set(rep.problems()["code"]) == {"S3", "S5", "E3"}
    secs = db.read_layer("sections").set_index("code")
    assert secs.at["S1", "river_code"] == main and secs.at["S1", "link_method"] == "spatial"
    assert secs.at["S2", "reach_code"] is not None
    assert pd.isna(secs.at["S3", "reach_code"]) and secs.at["S3", "river_code"] == main
    assert secs.at["S5", "reach_code"] == trib_reach and secs.at["S5", "link_method"] == "code"
    ents = db.read_layer("enterprises").set_index("code")
    assert ents.at["E2", "river_code"] == main and pd.isna(ents.at["E3", "reach_code"])
    assert db.validate() == [] or not [m for m in db.validate() if "unknown" in m]
    # linking again changes nothing
    again = link(db).rows.set_index("code")
    assert again[["status", "reach_code", "river_code"]].equals(
        rows[["status", "reach_code", "river_code"]])


def test_tolerances_and_dry_run(linked_db):
    db, main, *_ = linked_db
    before = db.read_layer("enterprises")["reach_code"].tolist()
    rep = link(db, LinkOptions(tolerances_m={"enterprises": 10.0}, dry_run=True))
    assert rep.rows.set_index("code").at["E2", "status"] == "too_far"
    assert db.read_layer("enterprises")["reach_code"].tolist() == before
    with pytest.raises(ValueError, match="cannot link"):
        link(db, LinkOptions(tables=("rivers",)))


def test_reports_select_through_links_and_show_gaps(linked_db, tmp_path):
    from pollution_map_plugin.core.html import ExportContext, export_all

    db, main, trib, _ = linked_db
    link(db)
    m = pd.DataFrame({"section_code": ["S1", "S1", "S2", "S2"],
                      "sampled_on": pd.to_datetime(["2025-03-01"] * 4),
                      "parameter": ["NH3N", "TP", "NH3N", "TP"],
                      "value": [0.3, 0.05, 2.5, 0.5]})
    db.write("measurements", m)
    db.write("measurements", pd.DataFrame({"section_code": ["S4"], "sampled_on":
                                           pd.to_datetime(["2025-03-02"]),
                                           "parameter": ["NH3N"], "value": [0.2]}))
    ctx = ExportContext(db, period="2025")
    res = ctx.results.set_index("section_code")
    assert res.at["S1", "status"] == "meets_target"
    assert res.at["S2", "status"] == "no_target" and pd.isna(res.at["S2", "meets_target"])
    assert res.at["S3", "status"] == "no_data"
    assert res.at["S4", "status"] == "meets_target" and not bool(res.at["S4", "located"])
    sel = ctx.select(main)
    assert set(sel.sections["code"]) == {"S1", "S3", "S4"}
    assert set(sel.sources["enterprises"]["code"]) == {"E2"}
    assert set(ctx.select(trib).sources["enterprises"]["code"]) == {"E1"}
    assert ctx.river_codes(None) == [main, trib]  # no key river: those with content
    assert ctx.river_codes(["支流"]) == [trib]
    with pytest.raises(KeyError, match="unknown river"):
        ctx.river_codes(["黄河"])
    result = export_all(ctx, tmp_path / "html")
    assert len(result.reports) == 2 and not result.failed
    assert set(result.reports) == {main, trib}
    page = result.reports[main].read_text(encoding="utf-8")
    assert "无数据" in page and "未定位" in page and "未定位断面" in page
    trib_page = result.reports[trib].read_text(encoding="utf-8")
    assert "无水质目标" in trib_page


def test_assessment_never_counts_gaps_as_misses(linked_db):
    from pollution_map_plugin.core.assessment import assess

    db, *_ = linked_db
    m = pd.DataFrame({"section_code": ["S2", "S3"], "sampled_on": pd.to_datetime(
        ["2025-01-01"] * 2), "parameter": ["NH3N", "NH3N"], "value": [3.0, 3.0]})
    a = assess(m, db.read_layer("sections"), "2025")
    s = a.sections.set_index("section_code")
    assert s.at["S2", "status"] == "no_target" and s.at["S3", "status"] == "misses_target"
    assert s.at["S1", "status"] == "no_data"
    assert (s["status"] == "misses_target").sum() == 1
    assert s["located"].tolist() == [True, True, True, False, True]


def test_a_version_1_database_is_migrated_by_link(tmp_path, capsys):
    """Schema 1 had no link columns: ``link`` adds them (migration 1 → 2) and links."""
    import sqlite3

    from pollution_map_plugin.cli.main import main
    from pollution_map_plugin.core import schema
    from pollution_map_plugin.core.db import open_database

    path = write_lines(tmp_path / "n.geojson", trunk())
    db_path = tmp_path / "v1.gpkg"
    create_database(db_path).close()
    assert main(["import-network", str(db_path), str(path), "--no-link"]) == 0
    con = sqlite3.connect(db_path)
    for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # GPKG triggers
        con.create_function(fn, 1, lambda g: 0)
    for t in ("sections", "outfalls"):
        for c in schema.LINK:
            con.execute(f'ALTER TABLE "{t}" DROP COLUMN "{c.name}"')
    for t in ("enterprises", "sewage_plants", "livestock_farms", "petrol_stations",
              "industrial_parks"):
        for c in schema.WATER_LINK:
            con.execute(f'ALTER TABLE "{t}" DROP COLUMN "{c.name}"')
    con.execute("UPDATE schema_version SET version = 1")
    con.commit()
    con.close()
    with open_database(db_path) as db:
        assert db.schema_version() == 1
        assert any("older" in m for m in db.validate())
    capsys.readouterr()
    assert main(["link", str(db_path)]) == 0
    assert "migrated to schema version 3" in capsys.readouterr().err
    with open_database(db_path) as db:
        assert db.schema_version() == 3
        assert "link_method" in db.read_layer("enterprises").columns
        assert not [m for m in db.validate() if "missing column" in m or "older" in m]
