"""Scale dependence from the data's density: readable maps from one city to Chongqing.

A demo city's 200 reaches and 400 sources read well with symbology's sizes at any
scale; Chongqing's 100,000 reaches and 40,000 sources cover the whole page at the
municipality's scale.  The rules here keep roughly the same number of visible
features per page at every scale:

* reaches of low stream order appear only below a scale where the reaches then
  visible stay under :data:`REACH_TARGET` per page;
* point symbols shrink (down to a floor) below the scale where their layer holds more
  than :data:`POINT_TARGET` features per page.

"Per page" means a 250 mm map frame; the full-extent scale of a layer is its extent
over that frame.  Everything is computed from counts and extents the provider already
knows, so loading stays fast.
"""

from __future__ import annotations

import math

from qgis.core import QgsDataSourceUri, QgsProviderRegistry, QgsVectorLayer

from ..core.geometry_io import metres_per_degree

FRAME_M = 0.25  # the map frame of a page, metres
REACH_TARGET = 2500
WIDTH_TARGET = 1000  # reaches of the widest class per page before lines thin out
POINT_TARGET = 800
SIZE_TARGET = 300  # point symbols reach their full size only this sparse (per page)


def full_extent_scale(layer: QgsVectorLayer) -> float | None:
    """The scale denominator at which ``layer``'s extent fills a page's map frame."""
    extent = layer.extent()
    if extent.isEmpty() or not math.isfinite(extent.width()):
        return None
    width, height = extent.width(), extent.height()
    if layer.crs().isGeographic():
        kx, ky = metres_per_degree(extent.center().y())
        width *= kx
        height *= ky
    return max(width, height * 1.25, 1.0) / FRAME_M


def visible_from(count: int, full_scale: float | None, target: int) -> float:
    """Largest scale denominator at which ``count`` features spread over the full extent
    are at most ``target`` per page; 0 = always visible."""
    if full_scale is None or count <= target:
        return 0.0
    return full_scale * math.sqrt(target / count)


def size_factor(count: int, full_scale: float | None, floor: float = 0.3,
                target: int = SIZE_TARGET) -> str | None:
    """An expression (of ``@map_scale``) scaling symbol sizes down where a point layer
    is dense; None when the layer is sparse enough for full sizes everywhere."""
    if count <= POINT_TARGET:
        return None  # sparse enough for full sizes everywhere (a demo city)
    reference = visible_from(count, full_scale, target)
    if reference <= 0:
        return None
    return f"max({floor}, min(1, sqrt({reference:.0f} / @map_scale)))"


def order_counts(layer: QgsVectorLayer, field: str = "stream_order") -> dict[int, int]:
    """Reaches per stream order, by one GROUP BY in the database (empty if unknown)."""
    sql = 'SELECT "{f}", COUNT(*) FROM {t} GROUP BY "{f}"'
    try:
        if layer.providerType() == "ogr":
            from osgeo import ogr

            path, _, rest = layer.source().partition("|")
            table = rest.split("layername=")[-1].split("|")[0] or "reaches"
            ds = ogr.Open(path)
            result = ds.ExecuteSQL(sql.format(f=field, t=f'"{table}"'))
            rows = [(f.GetField(0), f.GetField(1)) for f in result]
            ds.ReleaseResultSet(result)
        elif layer.providerType() == "postgres":
            uri = QgsDataSourceUri(layer.source())
            meta = QgsProviderRegistry.instance().providerMetadata("postgres")
            conn = meta.createConnection(uri.uri(False), {})
            table = f'"{uri.schema() or "public"}"."{uri.table()}"'
            rows = conn.executeSql(sql.format(f=field, t=table))
        else:
            return {}
    except Exception:  # noqa: BLE001 - no counts: no scale rules, never a failed load
        return {}
    out: dict[int, int] = {}
    for order, n in rows:
        try:
            key = int(order) if order is not None else 1
        except (TypeError, ValueError):
            key = 1
        out[key] = out.get(key, 0) + int(n)
    return out


def order_visibility(counts: dict[int, int], full_scale: float | None,
                     orders: list[int]) -> dict[int, float]:
    """For each symbology order class (the last one means "and above"): the largest
    scale denominator at which it is drawn (0 = always)."""
    out = {}
    for i, order in enumerate(orders):
        shown = sum(n for k, n in counts.items() if k >= order)  # this class and above
        out[order] = 0.0 if i == len(orders) - 1 else visible_from(
            shown, full_scale, REACH_TARGET)
    return out
