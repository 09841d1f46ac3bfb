"""Compact geometry and column encodings of the page data decode to the input."""

from __future__ import annotations

import numpy as np
import pytest
from shapely import wkb, wkt

from pollution_map_plugin.core.geometry_io import flatten, point_coords, read_wkb
from pollution_map_plugin.core.html.layer_encoding import (
    SCALE,
    encode_column,
    encode_lines,
    encode_polygons,
)

ORIGIN = (105.0, 28.0)


def decode_part(flat: list) -> np.ndarray:
    """The page's decoding (map.js latlngs): cumulative steps from the origin."""
    d = np.array(flat, dtype=float).reshape(-1, 2).cumsum(axis=0)
    return d / SCALE + np.array(ORIGIN)


@pytest.mark.parametrize("text", [
    "LINESTRING (106.1 29.5, 106.10002 29.49999, 106.2 29.6)",
    "LINESTRING Z (106.1 29.5 3, 106.3 29.7 4)",
    "MULTILINESTRING ((106 29, 106.5 29.5), (107 30, 107.25 30.125, 107.5 30.5))",
])
def test_lines_round_trip(text):
    g = wkt.loads(text)
    parts = encode_lines([g], origin=ORIGIN)[0]
    expected = [np.asarray(p.coords)[:, :2] for p in getattr(g, "geoms", [g])]
    assert len(parts) == len(expected)
    for part, coords in zip(parts, expected):
        assert np.allclose(decode_part(part), coords, atol=6e-6)


def test_polygons_with_holes_round_trip():
    g = wkt.loads("MULTIPOLYGON (((106 29, 107 29, 107 30, 106 29), (106.6 29.2, 106.8 29.2, "
                  "106.8 29.4, 106.6 29.2)), ((108 31, 108.5 31, 108.5 31.5, 108 31)))")
    polys = encode_polygons([g, None, wkt.loads("POLYGON EMPTY")], origin=ORIGIN)
    assert polys[1] == [] and polys[2] == []
    assert [len(p) for p in polys[0]] == [2, 1]  # outer + hole, outer
    outer = decode_part(polys[0][0][0])
    assert np.allclose(outer, np.asarray(g.geoms[0].exterior.coords), atol=6e-6)


@pytest.mark.parametrize("kwargs", [{"big_endian": True}, {"srid": 4490}, {}])
def test_wkb_reader_handles_byte_order_and_ewkb(kwargs):
    g = wkt.loads("MULTILINESTRING ((1 2, 3 4), (5 6, 7 8, 9 10))")
    rings: list = []
    structure, end = read_wkb(wkb.dumps(g, **kwargs), 0, rings)
    assert end == len(wkb.dumps(g, **kwargs))
    assert [rings[i].tolist() for i in flatten(structure, "line")] == [
        [[1, 2], [3, 4]], [[5, 6], [7, 8], [9, 10]]]


def test_points_and_columns():
    from shapely.geometry import Point

    x, y = point_coords([Point(106.5, 29.5), None, wkt.loads("POINT EMPTY")])
    assert x[0] == 106.5 and y[0] == 29.5 and np.isnan(x[1:]).all()
    assert encode_column([1.23456, None, 2.0, float("nan")]) == [1.235, None, 2, None]
    enc = encode_column(["a", "b"] * 20)
    assert enc["k"] == ["a", "b"] and enc["i"][:3] == [0, 1, 0]
