"""Time in QGIS: the sections' monthly classes as a temporal layer, a map theme for it,
animation frames and a GIF of one river's year, and the change map of any two periods.

* :func:`build_timeline` adds the layer "Section class by month" (one feature per section
  and month, ``start``/``end`` datetimes) to the thematic group with temporal properties
  set, so the Temporal Controller steps through the months; the map theme
  :data:`TIMELINE_THEME` shows it over the river backdrop.
* :func:`export_river_year` draws that theme month by month for one river (zoomed to its
  sections), a PNG per month and, where Pillow is installed (Debian: python3-pil), an
  animated GIF.
* :func:`change_between` recomputes the maps with the change map comparing two periods
  the user picks (any two: ``2019`` and ``2025-Q3``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsDateTimeRange,
    QgsFeature,
    QgsField,
    QgsLayerTreeGroup,
    QgsMapThemeCollection,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QVariant
from qgis.PyQt.QtGui import QColor, QFont, QPainter

from .cjk_fonts import map_font_family
from .layer_loading import group_layers, group_source
from .map_themes import BACKDROP, thematic_group, thematic_layers
from .qgis_compat import enum_value
from .retired_layers import retire
from .thematic_layers import PROP_THEMATIC, section_class_renderer
from .translation import tr

KIND = "section_timeline"
TIMELINE_THEME = "断面水质月变化"
FIELDS = (("code", QVariant.String), ("name", QVariant.String), ("level", QVariant.String),
          ("river_code", QVariant.String), ("month", QVariant.String),
          ("start", QVariant.DateTime), ("end", QVariant.DateTime),
          ("water_class", QVariant.Int), ("roman", QVariant.String),
          ("meets_target", QVariant.Int))


def class_history(target: str, period: str | None = None):
    """The monthly class history (core) of ``target``, up to the end of ``period``."""
    from ..core.assessment.database_reads import class_history_database
    from ..core.db import open_database

    with open_database(target) as db:
        return class_history_database(db, "month", period=period)


def _missing(value: Any) -> bool:
    """None, NaN or pandas' NA (a section without a target has no verdict)."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pandas.NA: its comparisons are NA, which has no truth value
        return True


def _qdatetime(value) -> QDateTime:
    d = value.date() if hasattr(value, "date") and callable(value.date) else value
    return QDateTime(QDate(d.year, d.month, d.day), QTime(0, 0))


def timeline_layer(sections: QgsVectorLayer, history) -> QgsVectorLayer:
    """A memory layer: one point per section and month with its class, temporal."""
    layer = QgsVectorLayer("Point?crs=" + sections.crs().authid(),
                           tr("Section class by month"), "memory")
    layer.dataProvider().addAttributes([QgsField(n, t) for n, t in FIELDS])
    layer.updateFields()
    geoms = {f["code"]: (f.geometry(), f["name"], f["level"], f["river_code"])
             for f in sections.getFeatures()}
    feats = []
    for rec in history.to_dict("records"):
        base = geoms.get(rec["section_code"])
        if base is None:
            continue
        f = QgsFeature(layer.fields())
        f.setGeometry(base[0])
        wc = rec.get("water_class")
        meets = rec.get("meets_target")
        f.setAttributes([rec["section_code"], base[1], base[2], base[3], rec["period"],
                         _qdatetime(rec["start"]), _qdatetime(rec["end"]),
                         None if _missing(wc) else int(wc),
                         rec.get("roman"),
                         None if _missing(meets) else int(bool(meets))])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    props = layer.temporalProperties()
    props.setIsActive(True)
    props.setMode(enum_value(Qgis, "VectorTemporalMode", "FeatureDateTimeStartAndEndFromFields",
                             QgsVectorLayerTemporalProperties,
                             "ModeFeatureDateTimeStartAndEndFromFields"))
    props.setStartField("start")
    props.setEndField("end")
    layer.setCustomProperty(PROP_THEMATIC, KIND)
    layer.setRenderer(section_class_renderer(mark_failing=False))
    return layer


def build_timeline(group: QgsLayerTreeGroup, project: QgsProject,
                   history=None) -> QgsVectorLayer:
    """Add (or refill) the temporal layer and (re)create :data:`TIMELINE_THEME`."""
    base = group_layers(group)
    if history is None:
        history = class_history(group_source(group).core_target())
    fresh = timeline_layer(base["sections"], history)
    old = thematic_layers(group).get(KIND)
    if old is not None:
        retire(project, old)
    project.addMapLayer(fresh, False)
    thematic_group(group).insertLayer(0, fresh)
    record = QgsMapThemeCollection.MapThemeRecord()
    layers = [fresh] + [base[k] for k in BACKDROP if k in base]
    record.setLayerRecords([QgsMapThemeCollection.MapThemeLayerRecord(lyr) for lyr in layers])
    collection = project.mapThemeCollection()
    if collection.hasMapTheme(TIMELINE_THEME):
        collection.update(TIMELINE_THEME, record)
    else:
        collection.insert(TIMELINE_THEME, record)
    return fresh


def month_range(month: str) -> QgsDateTimeRange:
    """``YYYY-MM`` as a temporal range [first day, first day of the next month)."""
    y, m = (int(x) for x in month.split("-"))
    start = QDateTime(QDate(y, m, 1), QTime(0, 0))
    end = QDateTime(QDate(y + m // 12, m % 12 + 1, 1), QTime(0, 0))
    return QgsDateTimeRange(start, end, True, False)


def river_extent(layer: QgsVectorLayer, river_code: str, crs, project) -> QgsRectangle:
    """The extent (in ``crs``) of the timeline's sections on ``river_code``."""
    from qgis.core import QgsCoordinateTransform, QgsFeatureRequest

    request = QgsFeatureRequest().setFilterExpression(
        f"\"river_code\" = '{river_code.replace(chr(39), chr(39) * 2)}'")
    rect = QgsRectangle()
    rect.setMinimal()
    for f in layer.getFeatures(request):
        rect.combineExtentWith(f.geometry().boundingBox())
    if rect.isEmpty() and rect.width() < 0:
        raise ValueError(tr("No section on river {0}").format(river_code))
    transform = QgsCoordinateTransform(layer.crs(), crs, project)
    out = transform.transformBoundingBox(rect)
    pad = max(out.width(), out.height(), 4000.0) * 0.15
    return QgsRectangle(out.xMinimum() - pad, out.yMinimum() - pad, out.xMaximum() + pad,
                        out.yMaximum() + pad)


def export_river_year(group: QgsLayerTreeGroup, project: QgsProject, river_code: str,
                      year: int, out_dir: Path | str, size: tuple[int, int] = (1200, 850),
                      gif: bool = True, title: str | None = None) -> list[Path]:
    """A PNG per month of ``year`` for ``river_code`` (its sections by class, month in the
    corner) and, with Pillow, ``<code>_<year>.gif``; the written files."""
    from .map_themes import projected_crs
    from .map_views import render, theme_settings

    layer = thematic_layers(group).get(KIND) or build_timeline(group, project)
    crs = projected_crs(group, project)
    extent = river_extent(layer, river_code, crs, project)
    layers = project.mapThemeCollection().mapThemeVisibleLayers(TIMELINE_THEME)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = []
    for m in range(1, 13):
        month = f"{year}-{m:02d}"
        settings = theme_settings(group, layers, project, size, 96.0, extent)
        settings.setIsTemporal(True)
        settings.setTemporalRange(month_range(month))
        image, _ = render(settings)
        _caption(image, f"{title or river_code}  {month}")
        path = out / f"{river_code}_{month}.png"
        if not image.save(str(path), "PNG"):
            raise RuntimeError(tr("Could not write {0}").format(path))
        frames.append(path)
    if gif:
        made = _gif(frames, out / f"{river_code}_{year}.gif")
        if made is not None:
            frames.append(made)
    return frames


def _caption(image, text: str) -> None:
    painter = QPainter(image)
    font = QFont(map_font_family())
    font.setPixelSize(max(14, image.height() // 30))
    font.setBold(True)
    painter.setFont(font)
    painter.fillRect(0, 0, image.width(), font.pixelSize() * 2, QColor(255, 255, 255, 210))
    painter.setPen(QColor("#1a1a1a"))
    painter.drawText(12, int(font.pixelSize() * 1.45), text)
    painter.end()


def _gif(frames: list[Path], path: Path, ms: int = 700) -> Path | None:
    """An animated GIF of ``frames`` (None without Pillow)."""
    try:
        from PIL import Image
    except ImportError:
        return None
    images = [Image.open(p).convert("P", palette=Image.ADAPTIVE) for p in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=ms, loop=0)
    return path


def change_between(group: QgsLayerTreeGroup, project: QgsProject, before: str, after: str,
                   density: bool = False) -> Any:
    """Recompute the maps with the change map comparing ``before`` with ``after`` (any
    two periods); returns the MapData (its ``compare`` is the pair)."""
    from .map_data import compute_map_data
    from .map_themes import build_maps

    data = compute_map_data(group_source(group).core_target(), after, (before, after))
    if data is not None:
        build_maps(group, data, project, density=density)
    return data


