"""Hand-drawn river networks with known answers, for the tests of core.network.

Coordinates are given on a grid of ``STEP`` degrees (~1 km) around Chongqing; lines are
drawn with the flow unless a case says otherwise.

The tree (10 reaches, main river m flowing east, tributary t from the north joining at
x=2, tributary u from the south joining at x=4, and v joining u)::

    T1 (2,2)->(2,1), T2 (2,1)->(2,0)
    M1 (0,0)->(1,0) M2 ->(2,0) M3 ->(3,0) M4 ->(4,0) M5 ->(5,0)   outlet M5
    V1 (3,-1)->(4,-1); U1 (4,-2)->(4,-1), U2 (4,-1)->(4,0)
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, Polygon

LON0, LAT0, STEP = 106.5, 29.5, 0.01


def at(x: float, y: float) -> tuple[float, float]:
    return (LON0 + x * STEP, LAT0 + y * STEP)


def line(*pts) -> LineString:
    return LineString([at(*p) for p in pts])


def point(x: float, y: float) -> Point:
    return Point(*at(x, y))


def box(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    return Polygon([at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)])


# code, river, downstream, length_km, order, points
TREE = [
    ("M1", "m", "M2", 2.0, 3, [(0, 0), (1, 0)]),
    ("M2", "m", "M3", 2.0, 3, [(1, 0), (2, 0)]),
    ("M3", "m", "M4", 2.0, 3, [(2, 0), (3, 0)]),
    ("M4", "m", "M5", 2.0, 3, [(3, 0), (4, 0)]),
    ("M5", "m", None, 2.0, 3, [(4, 0), (5, 0)]),
    ("T1", "t", "T2", 1.0, 1, [(2, 2), (2, 1)]),
    ("T2", "t", "M3", 1.0, 1, [(2, 1), (2, 0)]),
    ("U1", "u", "U2", 3.0, 1, [(4, -2), (4, -1)]),
    ("U2", "u", "M5", 1.0, 2, [(4, -1), (4, 0)]),
    ("V1", "v", "U2", 1.5, 1, [(3, -1), (4, -1)]),
]

#: Upstream distances (to the reach's downstream end) from the downstream end of M5.
TREE_UT_FROM_M5 = {"M5": 0.0, "M4": 2.0, "U2": 2.0, "M3": 4.0, "U1": 3.0, "V1": 3.0,
                   "M2": 6.0, "T2": 6.0, "M1": 8.0, "T1": 7.0}


def reaches(rows=TREE, *, links: bool = True, drop=()) -> gpd.GeoDataFrame:
    """A reaches GeoDataFrame (EPSG:4490) from rows like ``TREE``."""
    data = [r for r in rows if r[0] not in drop]
    frame = pd.DataFrame({
        "code": [r[0] for r in data],
        "river_code": [r[1] for r in data],
        "downstream_code": [r[2] for r in data],
        "length_km": [r[3] for r in data],
        "stream_order": [r[4] for r in data],
    })
    if not links:
        frame = frame.drop(columns="downstream_code")
    return gpd.GeoDataFrame(frame, geometry=[line(*r[5]) for r in data], crs="EPSG:4490")


def points(layer_rows: list[dict]) -> gpd.GeoDataFrame:
    """A point layer from dicts with ``xy`` (grid coordinates) and attributes."""
    rows = [dict(r) for r in layer_rows]
    geoms = [point(*r.pop("xy")) if r.get("xy") is not None else None for r in rows]
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4490")


def tree_dataset() -> dict[str, gpd.GeoDataFrame]:
    """The tree with sections, sources of every kind and two control units."""
    sections = points([
        {"code": "S_OUT", "name": "出口断面", "reach_code": "M5", "xy": (5, 0)},
        {"code": "S_MID", "name": "中游断面", "reach_code": "M3", "xy": (2.5, 0)},
        {"code": "S_T", "name": "支流断面", "reach_code": "T2", "xy": (2, 0.5)},
        {"code": "S_NOREACH", "name": "无河段断面", "reach_code": None, "xy": (4, -1.5)},
        {"code": "S_FAR", "name": "远离河流", "reach_code": None, "xy": (10, 10)},
    ])
    sections["level"] = "national"
    sections["water_body_type"] = "river"
    outfalls = points([
        {"code": "O_M4", "name": "排口M4", "type": "industrial", "reach_code": "M4",
         "xy": (3.5, 0.05)},
        {"code": "O_T1", "name": "排口T1", "type": "sewage_plant", "reach_code": "T1",
         "xy": (2.02, 1.5)},
        {"code": "O_NEAR", "name": "无河段排口", "type": "other", "reach_code": None,
         "xy": (4.03, -1.25)},  # 1/4 up U1 -> nearest reach U1
        {"code": "O_M3_LOW", "name": "断面下游排口", "type": "industrial", "reach_code": "M3",
         "xy": (2.75, 0)},  # below S_MID on the same reach
    ])
    enterprises = points([
        {"code": "E_BIG", "name": "大企业", "industry": "化工", "outfall_code": "O_M4",
         "cod_t_a": 200.0, "nh3n_t_a": 10.0, "tp_t_a": 2.0, "xy": (3.5, 0.5)},
        {"code": "E_SMALL", "name": "小企业", "industry": "食品", "outfall_code": "O_M4",
         "cod_t_a": 20.0, "nh3n_t_a": 1.0, "tp_t_a": 0.2, "xy": (3.4, 0.5)},
        {"code": "E_NOOUT", "name": "无排口企业", "industry": "造纸", "outfall_code": None,
         "cod_t_a": 50.0, "nh3n_t_a": 2.0, "tp_t_a": 0.5, "xy": (1.5, 0.1)},  # near M2
        {"code": "E_BADOUT", "name": "排口不存在", "industry": "电镀", "outfall_code": "O_XX",
         "cod_t_a": 5.0, "nh3n_t_a": 0.5, "tp_t_a": 0.1, "xy": (0.5, -0.1)},  # near M1
        {"code": "E_LOST", "name": "远处企业", "industry": "电镀", "outfall_code": None,
         "cod_t_a": 999.0, "nh3n_t_a": 9.0, "tp_t_a": 9.0, "xy": (20, 20)},
    ])
    plants = points([
        {"code": "P1", "name": "污水厂", "standard": "一级A", "outfall_code": "O_T1",
         "cod_t_a": 100.0, "nh3n_t_a": 5.0, "tp_t_a": 1.0, "wastewater_t_a": 1e6,
         "xy": (2.3, 1.5)},
    ])
    farms = points([
        {"code": "F1", "name": "养猪场", "species": "pig", "cod_t_a": 30.0, "nh3n_t_a": 3.0,
         "tp_t_a": 0.6, "xy": (3.5, -0.97)},  # 3 % of a grid step from V1
        {"code": "F_FAR", "name": "远养殖场", "species": "cattle", "cod_t_a": 30.0,
         "xy": (3.5, -6.0)},  # 4.4 km from U1: beyond the farms' 3 km
    ])
    units = gpd.GeoDataFrame(pd.DataFrame({
        "code": ["CU_UP", "CU_DOWN", "CU_ELSE"],
        "name": ["上游单元", "下游单元", "无关单元"],
        "water_system": ["w", "w", "w"],
    }), geometry=[box(-0.5, -0.5, 2.6, 2.5), box(2.6, -2.5, 5.5, 0.5),
                  box(10, 10, 11, 11)], crs="EPSG:4490")
    return {"reaches": reaches(), "sections": sections, "outfalls": outfalls,
            "enterprises": enterprises, "sewage_plants": plants, "livestock_farms": farms,
            "control_units": units}
