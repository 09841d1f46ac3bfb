"""A hand-made river network with a known trace answer, written with the db API.

Main river RA flows east in three reaches (RA-1 → RA-2 → RA-3, 0.01° each ≈ 1 km);
tributary RB-1 joins at the end of RA-2.  Section S3 sits in the middle of RA-3,
section S1 in the middle of RA-1.

Sources: outfall O1 on RA-1 (upstream of S1 and S3) with enterprise E1 discharging
through it; outfall O2 on RB-1; farm F1 beside RA-2; outfall O3 on RA-3 *below* S3
(never upstream of it); enterprise E9 far from every river (never snapped).

Tracing upstream (UT) from S3 finds O1, E1, O2, F1; from S1 only O1 and E1.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

X0, Y0, D = 106.0, 29.5, 0.01
UPSTREAM_OF_S3 = {"O1", "E1", "O2", "F1"}
UPSTREAM_OF_S1 = {"O1", "E1"}
NOT_UPSTREAM = {"O3", "E9"}


def _xy(x: float, y: float) -> tuple[float, float]:
    return (X0 + x * D, Y0 + y * D)


def _gdf(rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=gpd.GeoSeries(geoms, crs="EPSG:4490"))


def build_tiny_network(path: Path) -> Path:
    """Create the GeoPackage at ``path`` (through ``core.db``) and return the path."""
    from pollution_map_plugin.core.db import create_database

    reaches = [
        ("RA-1", "RA", "RA-2", [(0, 0), (1, 0)], 1),
        ("RA-2", "RA", "RA-3", [(1, 0), (2, 0)], 1),
        ("RA-3", "RA", None, [(2, 0), (3, 0)], 2),
        ("RB-1", "RB", "RA-3", [(1.5, 1), (2, 0)], 1),
    ]
    with create_database(path) as db, db.transaction():
        db.write("rivers", _gdf(
            [{"code": "RA", "name": "甲河", "water_system": "长江", "key_river": True},
             {"code": "RB", "name": "乙河", "water_system": "长江", "parent_code": "RA"}],
            [MultiLineString([LineString([_xy(0, 0), _xy(3, 0)])]),
             MultiLineString([LineString([_xy(1.5, 1), _xy(2, 0)])])]))
        db.write("reaches", _gdf(
            [{"code": c, "river_code": r, "downstream_code": d, "length_km": 1.0,
              "stream_order": o} for c, r, d, _pts, o in reaches],
            [LineString([_xy(*p) for p in pts]) for _c, _r, _d, pts, _o in reaches]))
        db.write("control_units", _gdf(
            [{"code": "CU1", "name": "单元一", "water_system": "长江",
              "outlet_section_code": "S3"}],
            [MultiPolygon([Polygon([_xy(-1, -1), _xy(4, -1), _xy(4, 2), _xy(-1, 2)])])]))
        db.write("sections", _gdf(
            [{"code": "S3", "name": "出口断面", "level": "national", "river_code": "RA",
              "reach_code": "RA-3", "water_body_type": "river", "target_class": 3},
             {"code": "S1", "name": "源头断面", "level": "control", "river_code": "RA",
              "reach_code": "RA-1", "water_body_type": "river", "target_class": 2}],
            [Point(_xy(2.5, 0)), Point(_xy(0.5, 0))]))
        db.write("outfalls", _gdf(
            [{"code": "O1", "name": "排口一", "type": "industrial", "river_code": "RA",
              "reach_code": "RA-1", "discharge_m3_d": 500.0},
             {"code": "O2", "name": "排口二", "type": "sewage_plant", "river_code": "RB",
              "reach_code": "RB-1", "discharge_m3_d": 2000.0},
             {"code": "O3", "name": "排口三", "type": "other", "river_code": "RA",
              "reach_code": "RA-3", "discharge_m3_d": 100.0}],
            [Point(_xy(0.3, 0)), Point(_xy(1.75, 0.5)), Point(_xy(2.8, 0))]))
        db.write("enterprises", _gdf(
            [{"code": "915000000000000011", "name": "甲化工", "category": "key",
              "status": "operating", "cod_t_a": 120.0, "nh3n_t_a": 8.0, "tp_t_a": 1.0,
              "outfall_code": "O1"},
             {"code": "915000000000000099", "name": "远方企业", "category": "general",
              "status": "operating", "cod_t_a": 5.0}],
            [Point(_xy(0.2, 0.2)), Point(_xy(1.5, 30))]))
        db.write("livestock_farms", _gdf(
            [{"code": "F1", "name": "养殖场一", "species": "pig", "head_count": 800,
              "cod_t_a": 30.0, "nh3n_t_a": 2.0, "tp_t_a": 0.5}],
            [Point(_xy(1.5, 0.02))]))
    return path


def enterprise_codes() -> dict[str, str]:
    """Short names used in the docstring → the enterprises' credit codes."""
    return {"E1": "915000000000000011", "E9": "915000000000000099"}
