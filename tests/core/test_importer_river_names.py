"""A bureau's list names the river (所在河流 长江), not its code: the code of the one river
of that name is stored (noted); a name several rivers share is left as it is (noted)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from pollution_map_plugin.core.db import create_database
from pollution_map_plugin.core.importer import import_file


@pytest.fixture
def db(tmp_path: Path):
    with create_database(tmp_path / "n.gpkg") as database:
        rivers = gpd.GeoDataFrame(
            {"code": ["R01", "R02", "R04", "R05"], "name": ["长江", "嘉陵江", "沅江", "沅江"],
             "water_system": ["长江", "长江", "沅江", "沅江"]},
            geometry=[LineString([(105 + i, 29), (105.5 + i, 29.5)]) for i in range(4)],
            crs="EPSG:4490")
        database.write("rivers", rivers)
        yield database


def test_river_names_become_codes(db, tmp_path: Path) -> None:
    source = tmp_path / "断面.csv"
    source.write_text("断面编码,断面名称,断面级别,水体类型,所在河流,经度,纬度,水质目标\n"
                      "A1,甲,国控,河流,长江,106.5,29.6,Ⅲ\n"
                      "A2,乙,国控,河流, 嘉陵江 ,106.5,29.7,Ⅱ\n"
                      "A3,丙,国控,河流,R01,106.5,29.8,Ⅱ\n"
                      "A4,丁,国控,河流,沅江,106.5,29.9,Ⅱ\n", encoding="utf-8")
    report = import_file(db, "sections", source)
    assert (report.accepted, report.rejected) == (4, 0)
    stored = dict(zip(*db.read_table("sections", columns=["code", "river_code"]).T.values))
    assert stored == {"A1": "R01", "A2": "R02", "A3": "R01", "A4": "沅江"}
    assert any("a river's name read as its code on 2 row(s) (lines 2, 3)" in w
               for w in report.warnings), report.warnings
    assert any("沅江 name(s) several rivers" in w for w in report.warnings)
