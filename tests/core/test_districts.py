"""Districts (区县, issue 14): the demo's polygons agree with every point's district
attribute, statistics by district add up, polygon files import with clear errors, and a
version-2 database migrates to the districts table."""

from __future__ import annotations

import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Polygon

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import open_current, open_database
from pollution_map_plugin.core.district_import import (
    DistrictImportError,
    DistrictImportOptions,
    import_districts,
    read_districts,
)
from pollution_map_plugin.core.district_stats import (
    CLASS_COLUMNS,
    DistrictStatsRequest,
    district_statistics,
)
from pollution_map_plugin.core.polygon_lookup import polygon_of_points
from tests.fixtures.old_schema import build_old_database


def test_demo_districts_hold_their_points(demo_dataset):
    districts = demo_dataset["districts"]
    assert len(districts) == 6 and districts["code"].is_unique
    assert all(c.startswith("500") and len(c) == 6 for c in districts["code"])
    for layer in ("sections", *schema.SOURCE_LAYERS):
        frame = demo_dataset[layer]
        idx = polygon_of_points(frame.geometry.x, frame.geometry.y, list(districts.geometry))
        assert (idx >= 0).all(), layer
        names = np.asarray(districts["name"])[idx]
        assert (names == frame["district"].to_numpy()).all(), layer


def test_polygon_of_points_first_hit_and_outside():
    squares = [Polygon([(0, 0), (1, 0), (1, 1), (0, 1)]),
               Polygon([(1, 0), (2, 0), (2, 1), (1, 1)])]
    idx = polygon_of_points(np.array([0.5, 1.5, 3.0]), np.array([0.5, 0.5, 0.5]), squares)
    assert idx.tolist() == [0, 1, -1]


def test_polygon_of_points_holes_parts_and_a_staircase():
    from shapely.geometry import MultiPolygon

    ring = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (3, 1), (3, 3), (1, 3)]])
    parts = MultiPolygon([Polygon([(10, 0), (11, 0), (11, 1), (10, 1)]),
                          Polygon([(12, 0), (13, 0), (13, 1), (12, 1)])])
    stairs = Polygon([(20, 0), (23, 0), (23, 1), (22, 1), (22, 2), (21, 2), (21, 3), (20, 3)])
    x = np.array([0.5, 2.0, 10.5, 11.5, 12.5, 20.5, 22.5, 22.5, 30.0])
    y = np.array([0.5, 2.0, 0.5, 0.5, 0.5, 2.5, 0.5, 1.5, 0.0])
    got = polygon_of_points(x, y, [ring, parts, stairs]).tolist()
    assert got == [0, -1, 1, -1, 1, 2, 2, -1, -1]
    rng = np.random.default_rng(3)
    px, py = rng.uniform(-1, 24, 2000), rng.uniform(-1, 5, 2000)
    from shapely.geometry import Point

    want = [next((k for k, g in enumerate([ring, parts, stairs]) if g.contains(Point(a, b))),
                 -1) for a, b in zip(px, py)]
    assert polygon_of_points(px, py, [ring, parts, stairs]).tolist() == want


def test_statistics_add_up(demo_db_path, demo_dataset):
    with open_database(demo_db_path) as db:
        stats = district_statistics(db, DistrictStatsRequest(period="2025"))
    table = stats.table
    body, total = table.iloc[:-1], table.iloc[-1]
    assert stats.placed_by == "polygon" and stats.period == "2025"
    assert list(body["district"]) == list(demo_dataset["districts"]["name"])
    assert total["sections"] == len(demo_dataset["sections"])
    assert (body[list(CLASS_COLUMNS)].sum(axis=1) + body["no_data"] == body["sections"]).all()
    for layer in schema.SOURCE_LAYERS:
        assert total[f"n_{layer}"] == len(demo_dataset[layer]), layer
        by_attr = demo_dataset[layer].groupby("district").size()
        for _, row in body.iterrows():
            assert row[f"n_{layer}"] == by_attr.get(row["district"], 0), (layer, row["district"])
    cod = sum(demo_dataset[t]["cod_t_a"].fillna(0).sum() for t in schema.SOURCE_LAYERS
              if "cod_t_a" in demo_dataset[t])
    assert total["cod_t_a"] == pytest.approx(cod)
    share = body["meeting_target"] / body["with_target"]
    assert np.allclose(body["share_meeting_target"], share, equal_nan=True)
    assert 0 < total["meeting_target"] < total["with_target"]  # the demo plants failures


def test_points_move_with_the_polygons(tmp_path, demo_db_path):
    path = tmp_path / "moved.gpkg"
    shutil.copy(demo_db_path, path)
    with open_database(path) as db:
        d = db.read_layer("districts")
        first = d.iloc[0]
        d = d.iloc[[0]].copy()
        d["geometry"] = [first.geometry.envelope.buffer(5)]  # one district covers all
        with db.transaction():
            db.write("districts", d, mode="replace")
        stats = district_statistics(db)
    assert stats.table.iloc[0]["sections"] == stats.table.iloc[-1]["sections"]
    assert sum(stats.disagreements.values()) > 0  # the attributes disagree now


def _write(frame: gpd.GeoDataFrame, path) -> str:
    frame.to_file(path, driver="GeoJSON")
    return str(path)


def test_import_reads_names_codes_and_reprojects(tmp_path, demo_db_path, demo_dataset):
    src = demo_dataset["districts"].rename(columns={"name": "XZQMC", "code": "XZQDM"})
    src = src.drop(columns=["region"]).to_crs("EPSG:4545")
    shp = tmp_path / "d.shp"
    src.to_file(shp, encoding="utf-8")
    path = tmp_path / "db.gpkg"
    shutil.copy(demo_db_path, path)
    with open_database(path) as db:
        report = import_districts(db, DistrictImportOptions(str(shp)))
        back = db.read_layer("districts")
    assert report.written == 6 and not report.rejected
    assert list(back["code"]) == list(demo_dataset["districts"]["code"])
    assert back.geometry.area.sum() == pytest.approx(
        demo_dataset["districts"].geometry.area.sum(), rel=1e-3)


def test_import_rejects_bad_features_and_refuses_bad_files(tmp_path):
    square = Polygon([(106, 29), (106.1, 29), (106.1, 29.1), (106, 29.1)])
    frame = gpd.GeoDataFrame({"名称": ["甲区", None, "丙县"], "adcode": [500101, 500102, 500103]},
                             geometry=[square, square, LineString([(106, 29), (107, 30)])],
                             crs="EPSG:4490")
    out, report = read_districts(DistrictImportOptions(_write(frame, tmp_path / "a.geojson")))
    assert list(out["name"]) == ["甲区"] and list(out["code"]) == ["500101"]
    assert [why for _, why in report.rejected] == ["no name", "not a polygon (LineString)"]
    dup = frame.iloc[[0, 0]].copy()
    with pytest.raises(DistrictImportError, match="duplicate"):
        read_districts(DistrictImportOptions(_write(dup, tmp_path / "b.geojson")))
    nameless = gpd.GeoDataFrame({"x": [1]}, geometry=[square], crs="EPSG:4490")
    with pytest.raises(DistrictImportError, match="no district name field.*x"):
        read_districts(DistrictImportOptions(_write(nameless, tmp_path / "c.geojson")))
    with pytest.raises(DistrictImportError, match="no such file"):
        read_districts(DistrictImportOptions(str(tmp_path / "none.shp")))


def test_a_version_2_database_migrates_to_districts(tmp_path, demo_dataset, capsys):
    path = tmp_path / "v2.gpkg"
    build_old_database(path, 2, demo_dataset)
    with open_database(path) as db:
        assert db.schema_version() == 2 and "districts" not in db._tables()
        stats = district_statistics(db)  # attributes only, and reading never migrates
        assert stats.placed_by == "attribute"
        assert stats.table.iloc[-1]["sections"] == len(demo_dataset["sections"])
    with open_current(path) as db:
        assert db.schema_version() == schema.SCHEMA_VERSION == 3
        assert db.count("districts") == 0
        with db.transaction():
            db.write("districts", demo_dataset["districts"], mode="replace")
        assert not [m for m in db.validate() if "districts" in m or "older" in m]
    with open_database(path) as db:
        assert len(db.read_layer("districts")) == 6


def test_cli_stats_and_import(tmp_path, demo_db_path, capsys):
    assert main(["districts", "stats", str(demo_db_path), "--period", "2025",
                 "--format", "csv"]) == 0
    frame = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert frame.iloc[-1]["district"] == "合计 Total" and len(frame) == 7
    assert main(["districts", "import", str(demo_db_path), str(tmp_path / "no.shp")]) == 1
    assert "no such file" in capsys.readouterr().err
