"""core.coords: GCJ-02 / BD-09 conversions and DMS parsing."""

from __future__ import annotations

import numpy as np
import pytest

from pollution_map_plugin.core import coords
from pollution_map_plugin.core.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    distance_m,
    format_dms,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china,
    normalize_crs,
    parse_coordinate,
    to_cgcs2000,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# Published point pairs (lon, lat) → (lon, lat).
# WGS84 → GCJ-02: the test table of the eviltransform project (Shanghai, Shenzhen, Beijing).
WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    # coordtransform (Rust port of wandergis/coordtransform), point (116.404, 39.915)
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]
# GCJ-02 → BD-09, same source.
GCJ_BD = [((116.404, 39.915), (116.41036949371029, 39.92133699351021))]
# One-step (approximate) inverses published by the same project: ours must be within 1 m.
APPROX_INVERSES = [
    (gcj02_to_wgs84, (116.404, 39.915), (116.39775550083061, 39.91359571849836)),
    (bd09_to_gcj02, (116.404, 39.915), (116.39762729119315, 39.90865673957631)),
]


def _grid() -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.meshgrid(np.linspace(74.0, 134.0, 41), np.linspace(18.0, 53.0, 29))
    return lon.ravel(), lat.ravel()


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wgs, gcj) -> None:
    got = wgs84_to_gcj02(*wgs)
    assert distance_m(*got, *gcj) < 0.01
    back = gcj02_to_wgs84(*gcj)
    assert distance_m(*back, *wgs) < 0.01


@pytest.mark.parametrize(("gcj", "bd"), GCJ_BD)
def test_gcj02_to_bd09_matches_published_pairs(gcj, bd) -> None:
    assert gcj02_to_bd09(*gcj) == pytest.approx(bd, abs=1e-9)
    assert distance_m(*bd09_to_gcj02(*bd), *gcj) < 0.01


@pytest.mark.parametrize(("inverse", "point", "approx"), APPROX_INVERSES)
def test_inverse_close_to_published_one_step_inverse(inverse, point, approx) -> None:
    assert distance_m(*inverse(*point), *approx) < 1.0


def test_round_trips_across_china_below_a_millimetre() -> None:
    lon, lat = _grid()
    for forward, inverse in ((wgs84_to_gcj02, gcj02_to_wgs84), (wgs84_to_bd09, bd09_to_wgs84),
                             (gcj02_to_bd09, bd09_to_gcj02)):
        back = inverse(*forward(lon, lat))
        assert distance_m(lon, lat, *back).max() < 0.001
        # and the other way round: the inverse is a true inverse of the forward formula
        again = forward(*inverse(lon, lat))
        assert distance_m(lon, lat, *again).max() < 0.001


def test_shift_sizes_are_plausible() -> None:
    lon, lat = _grid()
    gcj = wgs84_to_gcj02(lon, lat)
    bd = gcj02_to_bd09(*gcj)
    shift = distance_m(lon, lat, *gcj)
    assert shift.min() > 20 and shift.max() < 1000
    baidu = distance_m(*gcj, *bd)
    assert baidu.min() > 500 and baidu.max() < 1200
    # Chongqing: WGS84 → GCJ-02 about half a kilometre
    assert 300 < distance_m(106.55, 29.56, *wgs84_to_gcj02(106.55, 29.56)) < 700


def test_gcj02_is_identity_outside_china() -> None:
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_scalar_and_array_forms_agree() -> None:
    lon, lat = np.array([106.5, 107.1]), np.array([29.5, 30.2])
    arr = gcj02_to_wgs84(lon, lat)
    assert isinstance(arr[0], np.ndarray)
    for i in range(2):
        assert gcj02_to_wgs84(lon[i], lat[i]) == pytest.approx((arr[0][i], arr[1][i]), abs=1e-12)


def test_to_cgcs2000() -> None:
    assert to_cgcs2000(106.5, 29.5, "cgcs2000") == (106.5, 29.5)
    assert to_cgcs2000(106.5, 29.5, "WGS84") == (106.5, 29.5)
    gcj = wgs84_to_gcj02(106.5, 29.5)
    assert distance_m(*to_cgcs2000(*gcj, "gcj02"), 106.5, 29.5) < 0.001
    bd = wgs84_to_bd09(106.5, 29.5)
    assert distance_m(*to_cgcs2000(*bd, "BD-09"), 106.5, 29.5) < 0.001
    assert normalize_crs("EPSG:4490") == "cgcs2000"
    with pytest.raises(ValueError, match="unknown source CRS"):
        to_cgcs2000(1, 2, "utm49")


def test_in_china() -> None:
    assert in_china(106.5, 29.5)
    assert not in_china(29.5, 106.5)
    assert not in_china(2.35, 48.85)
    assert list(in_china(np.array([106.5, 0.0]), np.array([29.5, 0.0]))) == [True, False]


DMS = 106 + 33 / 60 + 12.5 / 3600


@pytest.mark.parametrize(("text", "degrees", "letter"), [
    ("106°33'12.5\"", DMS, None),
    ("106度33分12.5秒", DMS, None),
    ("E106°33′12.5″", DMS, "E"),
    ("106°33′12.5″E", DMS, "E"),
    ("东经106°33'12.5\"", DMS, "E"),
    ("106 33 12.5", DMS, None),
    ("106:33:12.5", DMS, None),
    ("１０６°３３′１２．５″", DMS, None),  # full-width
    ("106°33.20833333'", DMS, None),
    ("106.5", 106.5, None),
    ("106.5°E", 106.5, "E"),
    (" 29.25 ", 29.25, None),
    ("N29°15'", 29.25, "N"),
    ("S12°30'", -12.5, "S"),
    (106.5, 106.5, None),
    (29, 29.0, None),
])
def test_parse_coordinate(text, degrees, letter) -> None:
    value, got_letter = parse_coordinate(text)
    assert value == pytest.approx(degrees, abs=1e-8)
    assert got_letter == letter


@pytest.mark.parametrize("text", ["", "abc", "106°61'", "106°33'75\"", "E106N", "1e5x",
                                  "106°33.5'12\"", float("nan"), True])
def test_parse_coordinate_rejects(text) -> None:
    with pytest.raises(ValueError):
        parse_coordinate(text)


def test_format_dms_round_trip() -> None:
    text = format_dms(DMS)
    assert text == "106°33'12.5\"E"
    assert parse_coordinate(text)[0] == pytest.approx(DMS, abs=1e-6)


def test_module_has_no_qgis() -> None:
    assert "qgis" not in coords.__dict__
