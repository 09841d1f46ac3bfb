"""Basemaps of the pages: OpenStreetMap, Tianditu (user key), Gaode (GCJ-02), none.

"none" draws the water systems and areas as the background instead of tiles.
Gaode's tiles are GCJ-02, so the page's data is shifted to GCJ-02 with
``core.coords.wgs84_to_gcj02`` when that basemap is chosen (CGCS2000 is taken as
WGS84 at this data's accuracy).  The Tianditu key comes from the caller (a
plugin setting, a CLI option or the ``TIANDITU_KEY`` environment variable) and
is only ever written into the exported page, never into the repository.

In offline mode a tile basemap is still offered in the layer control but not
shown at start: the page opens on the water-system background and makes no
request to another host unless the reader switches to the tiles.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .escaping import esc
from .page_strings import t

BASEMAPS = ("osm", "tianditu", "gaode", "none")
TIANDITU_ENV = "TIANDITU_KEY"
_KEY_RE = re.compile(r"^[0-9A-Za-z]{16,64}$")


@dataclass(frozen=True)
class TileSpec:
    """One Leaflet tile layer (several make one base layer, e.g. Tianditu + labels)."""

    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18


def resolve_basemap(basemap: str | None, offline: bool) -> str:
    """The basemap to use: ``none`` by default offline, ``osm`` online."""
    if basemap is None or basemap == "":
        return "none" if offline else "osm"
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {', '.join(BASEMAPS)}, not {basemap!r}")
    return basemap


def tianditu_key(key: str | None = None) -> str:
    """The Tianditu key from ``key`` or $TIANDITU_KEY; ValueError when none or malformed."""
    key = (key or os.environ.get(TIANDITU_ENV, "")).strip()
    if not key:
        raise ValueError(
            f"the tianditu basemap needs a key: pass --tianditu-key or set ${TIANDITU_ENV}"
        )
    if not _KEY_RE.match(key):
        raise ValueError("the Tianditu key must be letters and digits only")
    return key


def tile_specs(basemap: str, key: str | None = None) -> list[TileSpec]:
    """The tile layers of ``basemap`` (empty for ``none``)."""
    if basemap == "osm":
        return [TileSpec("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                         "&copy; OpenStreetMap contributors", "", 19)]
    if basemap == "tianditu":
        k = tianditu_key(key)
        tpl = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
               "&VERSION=1.0.0&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
               "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + k)
        attr = "&copy; 天地图 Tianditu"
        return [TileSpec(tpl % ("vec", "vec"), attr, "01234567", 18),
                TileSpec(tpl % ("cva", "cva"), attr, "01234567", 18)]
    if basemap == "gaode":
        return [TileSpec("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1"
                         "&scale=1&style=8&x={x}&y={y}&z={z}", "&copy; 高德地图 AutoNavi",
                         "1234", 18)]
    return []


def base_layers(basemap: str, offline: bool, lang: str, key: str | None = None) -> list[dict]:
    """The base layers for the page's JavaScript: the background and the tiles."""
    tiles = tile_specs(basemap, key)
    show_tiles = bool(tiles) and not offline
    layers = [{"id": "background", "label": t("background", lang), "show": not show_tiles,
               "labelHtml": esc(t("background", lang)), "tiles": []}]
    if tiles:
        layers.append({
            "id": basemap, "label": t(basemap, lang), "labelHtml": esc(t(basemap, lang)),
            "show": show_tiles,
            "tiles": [{"url": s.url, "attribution": s.attribution, "subdomains": s.subdomains,
                       "maxZoom": s.max_zoom} for s in tiles],
        })
    return layers


def coordinate_transform(basemap: str) -> Callable[[np.ndarray, np.ndarray], tuple] | None:
    """The lon/lat transform the page's data needs for ``basemap`` (None: identity)."""
    if basemap != "gaode":
        return None
    from .. import coords

    return coords.wgs84_to_gcj02
