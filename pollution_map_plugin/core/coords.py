"""Coordinates as they arrive in Chinese source lists: DMS text, GCJ-02, BD-09.

* ``parse_coordinate`` reads decimal degrees or degrees-minutes-seconds
  (``106°33'12.5"``, ``106度33分12.5秒``, ``E106°33′12.5″``, ``106 33 12.5``).
* ``to_cgcs2000(lon, lat, crs)`` converts WGS84 / CGCS2000 / GCJ-02 / BD-09 to
  EPSG:4490.  CGCS2000 and WGS84 differ by centimetres, far below the accuracy of
  these lists, so they are treated as equal.
* GCJ-02 (Amap/Gaode, Tencent) is the public "mars" obfuscation: the forward
  WGS84→GCJ-02 formula is exact; its inverse is found by fixed-point iteration
  to better than 1e-9° (~0.1 mm).  BD-09 (Baidu) is a further shift of GCJ-02,
  inverted the same way.  Outside China's bounding box GCJ-02 is the identity.

All conversion functions accept scalars or numpy arrays.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np

from .geometry_io import EARTH_RADIUS_M

# Krasovsky 1940 ellipsoid, as used by the public GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

#: Where GCJ-02 applies (the bounding box used by every public implementation).
GCJ_BBOX = (72.004, 0.8293, 137.8347, 55.8271)
#: China's extent (lon min, lat min, lon max, lat max) for the "outside China" check:
#: Wusu/Pamir in the west, the Heilongjiang–Ussuri confluence in the east,
#: Zengmu Ansha in the south, Mohe in the north.
CHINA_BBOX = (73.4, 3.8, 135.1, 53.6)

CRS_NAMES = ("wgs84", "cgcs2000", "gcj02", "bd09")
_CRS_ALIASES = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84",
    "cgcs2000": "cgcs2000", "epsg:4490": "cgcs2000", "4490": "cgcs2000",
    "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "gaode": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "baidu": "bd09",
}
_ITERATION_TOLERANCE = 1e-10  # degrees (~0.01 mm)
_MAX_ITERATIONS = 30


def normalize_crs(name: str) -> str:
    """``wgs84``, ``cgcs2000``, ``gcj02`` or ``bd09`` for ``name``; ValueError otherwise."""
    key = str(name).strip().lower().replace("_", "")
    if key not in _CRS_ALIASES:
        raise ValueError(f"unknown source CRS {name!r}; use one of {', '.join(CRS_NAMES)}")
    return _CRS_ALIASES[key]


def in_box(lon, lat, box: tuple[float, float, float, float]):
    """True where (lon, lat) lies inside ``box`` (scalar or array)."""
    if isinstance(lon, (int, float)) and isinstance(lat, (int, float)):
        return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    inside = (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])
    return bool(inside) if inside.ndim == 0 else inside


def in_china(lon, lat):
    """True where the point lies within China's bounding box (``CHINA_BBOX``)."""
    return in_box(lon, lat, CHINA_BBOX)


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS84 (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
            + 0.2 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y / 30.0 * math.pi))
            * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
            + 0.1 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi))
            * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * math.pi)
    inside = in_box(lon, lat, GCJ_BBOX)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray, bool]:
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    return lon_a, lat_a, lon_a.ndim == 0 and lat_a.ndim == 0


def _out(lon: np.ndarray, lat: np.ndarray, scalar: bool):
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """WGS84 → GCJ-02 (exact public formula; identity outside the GCJ box)."""
    lon_a, lat_a, scalar = _arrays(lon, lat)
    dlon, dlat = _gcj_delta(lon_a, lat_a)
    return _out(lon_a + dlon, lat_a + dlat, scalar)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → BD-09 (exact public formula)."""
    lon_a, lat_a, scalar = _arrays(lon, lat)
    z = np.sqrt(lon_a ** 2 + lat_a ** 2) + 0.00002 * np.sin(lat_a * _X_PI)
    theta = np.arctan2(lat_a, lon_a) + 0.000003 * np.cos(lon_a * _X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def wgs84_to_bd09(lon, lat):
    """WGS84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def _invert(forward, lon, lat):
    """Solve forward(x) = (lon, lat) by fixed-point iteration x ← x + (target − forward(x))."""
    lon_t, lat_t, scalar = _arrays(lon, lat)
    x, y = lon_t.copy(), lat_t.copy()
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        ex, ey = lon_t - np.asarray(fx), lat_t - np.asarray(fy)
        x, y = x + ex, y + ey
        if np.all(np.abs(ex) < _ITERATION_TOLERANCE) and np.all(np.abs(ey) < _ITERATION_TOLERANCE):
            break
    return _out(x, y, scalar)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS84 by iteration (error < 1e-9°, far below 0.5 m)."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02 by iteration."""
    return _invert(gcj02_to_bd09, lon, lat)


def bd09_to_wgs84(lon, lat):
    """BD-09 → WGS84 by iteration of the composed forward formula."""
    return _invert(wgs84_to_bd09, lon, lat)


def to_cgcs2000(lon, lat, crs: str = "wgs84"):
    """Convert (lon, lat) from ``crs`` (wgs84, cgcs2000, gcj02, bd09) to EPSG:4490."""
    kind = normalize_crs(crs)
    if kind == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if kind == "bd09":
        return bd09_to_wgs84(lon, lat)
    lon_a, lat_a, scalar = _arrays(lon, lat)
    return _out(lon_a, lat_a, scalar)


def distance_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres (haversine, mean earth radius)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))


# --- text ------------------------------------------------------------------

_NUM = r"(\d+(?:\.\d*)?|\.\d+)"
_DMS_RE = re.compile(
    rf"^([NSEW])?\s*{_NUM}\s*°\s*(?:{_NUM}\s*'\s*)?(?:{_NUM}\s*\"\s*)?([NSEW])?$"
)
_DM_LOOSE_RE = re.compile(rf"^([NSEW])?\s*{_NUM}(?:[\s:]+{_NUM})(?:[\s:]+{_NUM})?\s*([NSEW])?$")
_DECIMAL_RE = re.compile(r"^([NSEW])?\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*°?\s*([NSEW])?$")
_REPLACEMENTS = (
    ("度", "°"), ("分", "'"), ("秒", '"'), ("º", "°"), ("˚", "°"),
    ("′′", '"'), ("″", '"'), ("”", '"'), ("“", '"'), ("''", '"'),
    ("′", "'"), ("’", "'"), ("‘", "'"), ("`", "'"), ("´", "'"),
    ("东经", "E"), ("西经", "W"), ("北纬", "N"), ("南纬", "S"),
    ("东", "E"), ("西", "W"), ("北", "N"), ("南", "S"),
)


def _hemisphere_sign(first: str | None, last: str | None) -> tuple[int, str | None]:
    if first and last and first != last:
        raise ValueError("two different hemisphere letters")
    letter = first or last
    return (-1 if letter in ("S", "W") else 1), letter


def parse_coordinate(value) -> tuple[float, str | None]:
    """Parse one coordinate; return (degrees, hemisphere letter or None).

    Accepts numbers, decimal text (``106.5533``, ``106.5533°E``) and DMS text
    (``106°33'12.5"``, ``106度33分12.5秒``, ``E106°33′12.5″``, ``29°33.2'``,
    ``106 33 12.5``).  Minutes and seconds must be below 60.  Raises ValueError
    with a short reason.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a coordinate: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        return number, None
    plain = str(value).strip()
    digits = plain.lstrip("+-").replace(".", "", 1)
    if digits.isascii() and digits.isdigit() and plain[:2] not in ("+-", "-+", "--", "++"):
        return float(plain), None  # the common case: decimal degrees
    text = unicodedata.normalize("NFKC", plain).upper()
    if not text:
        raise ValueError("empty")
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    match = _DECIMAL_RE.match(text)
    if match:
        sign, letter = _hemisphere_sign(match.group(1), match.group(3))
        return sign * float(match.group(2)), letter
    match = _DMS_RE.match(text) or _DM_LOOSE_RE.match(text)
    if not match:
        raise ValueError(f"not a coordinate: {value!r}")
    sign, letter = _hemisphere_sign(match.group(1), match.group(5))
    degrees = float(match.group(2))
    minutes = float(match.group(3)) if match.group(3) else 0.0
    seconds = float(match.group(4)) if match.group(4) else 0.0
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"minutes and seconds must be below 60: {value!r}")
    if match.group(4) and match.group(3) and "." in match.group(3):
        raise ValueError(f"decimal minutes followed by seconds: {value!r}")
    return sign * (degrees + minutes / 60.0 + seconds / 3600.0), letter


def format_dms(degrees: float, positive: str = "E", negative: str = "W", places: int = 1) -> str:
    """``106°33'12.5"E`` for 106.55347…, the inverse of ``parse_coordinate``."""
    letter = positive if degrees >= 0 else negative
    total = round(abs(degrees) * 3600.0, places)
    d, rest = divmod(total, 3600.0)
    m, s = divmod(rest, 60.0)
    return f"{int(d)}°{int(m)}'{s:.{places}f}\"{letter}"
