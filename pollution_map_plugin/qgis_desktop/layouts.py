"""Print layouts of the five maps: title, map, legend, scale bar, north arrow, period
and data source, exported to PNG and PDF with QgsLayoutExporter.

The layouts are A4 landscape; at the default 150 dpi a PNG is 1753 × 1240 pixels.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsLayerTreeGroup,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPrintLayout,
    QgsProject,
    QgsRectangle,
    QgsSymbolLayerUtils,
    QgsTextFormat,
)
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont

from ..core.geometry_io import metres_per_degree
from .cjk_fonts import map_font_family
from .layer_loading import group_source
from .layout_legend import (  # noqa: F401 - the legend helpers, as before
    COUNTED,
    build_legend,
    graduated_presence,
    item_counts,
    item_filters,
    present_items,
)
from .map_data import MapData
from .map_themes import MAP_BY_KEY, MAPS, group_extent, projected_crs
from .qgis_compat import (
    distance_kilometers,
    layout_millimeters,
)
from .translation import tr

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
MAP_RECT = (10.0, 24.0, 212.0, 170.0)  # x, y, w, h
DEFAULT_DPI = 150


def expected_png_size(dpi: int = DEFAULT_DPI) -> tuple[int, int]:
    """Pixel size of an exported page at ``dpi`` (QGIS truncates)."""
    return int(PAGE_W / 25.4 * dpi), int(PAGE_H / 25.4 * dpi)


def layout_point(x: float, y: float) -> QgsLayoutPoint:
    return QgsLayoutPoint(x, y, layout_millimeters())


def layout_size(w: float, h: float) -> QgsLayoutSize:
    return QgsLayoutSize(w, h, layout_millimeters())


def literal(text: str) -> str:
    """``text`` shown as it is by a layout label, which evaluates ``[% … %]`` as QGIS
    expressions: text from the data must never run (``[% env('PGPASSWORD') %]``)."""
    return str(text).replace("[%", "[% '[' %]%")


def add_label(layout: QgsPrintLayout, text: str, rect: tuple[float, float, float, float],
           size: float, bold: bool = False, colour: str = "#1a1a1a",
           align=Qt.AlignmentFlag.AlignLeft, item_id: str = "") -> QgsLayoutItemLabel:
    item = QgsLayoutItemLabel(layout)
    item.setText(literal(text))
    item.setCustomProperty(AUTO_TEXT, literal(text))
    if item_id:
        item.setId(item_id)
    fmt = QgsTextFormat()
    font = QFont(map_font_family())
    font.setBold(bold)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor(colour))
    if hasattr(item, "setTextFormat"):
        item.setTextFormat(fmt)
    else:  # QGIS < 3.24
        font.setPointSizeF(size)
        item.setFont(font)
        item.setFontColor(QColor(colour))
    item.setHAlign(align)
    item.attemptMove(layout_point(rect[0], rect[1]))
    item.attemptResize(layout_size(rect[2], rect[3]))
    layout.addLayoutItem(item)
    return item


def fit_extent(extent: QgsRectangle, aspect: float, margin: float = 0.05) -> QgsRectangle:
    """``extent`` grown by ``margin`` and to the width/height ``aspect`` of the frame."""
    if extent.isEmpty():
        return extent
    w, h = extent.width() * (1 + 2 * margin), extent.height() * (1 + 2 * margin)
    if w < 1e-9 or h < 1e-9:
        w = h = max(w, h, 1000.0)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    c = extent.center()
    return QgsRectangle(c.x() - w / 2, c.y() - h / 2, c.x() + w / 2, c.y() + h / 2)


def subtitle(key: str, data: MapData | None) -> str:
    """The period line of map ``key``."""
    if data is None:
        return ""
    if key == "change" and data.compare:
        return tr("Periods: {0}").format(data.change_label)
    if key in ("sections", "problems"):
        return tr("Period: {0}").format(data.period)
    return tr("Data as of {0}").format(data.period)


def build_layout(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                 project: QgsProject | None = None,
                 extent: QgsRectangle | None = None) -> QgsPrintLayout:
    """The print layout of map ``key`` (themes must exist: ``themes.build_maps``);
    ``extent`` (map CRS) zooms in, default: the whole database."""
    return run_steps(layout_steps(group, key, data, project, extent))


def run_steps(steps: Iterator[None]) -> Any:
    """Run a step generator to its end; its return value."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def layout_steps(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                 project: QgsProject | None = None,
                 extent: QgsRectangle | None = None) -> Iterator[None]:
    """:func:`build_layout` in steps (``yield`` between the frame, the legend and the
    rest), so the panel can build a layout over several event-loop turns; returns the
    layout."""
    project = project or QgsProject.instance()
    spec = MAP_BY_KEY[key]
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 page
    layout.setName(layout_name(group, key))
    page = layout.pageCollection().page(0)
    page.setPageSize(layout_size(PAGE_W, PAGE_H))

    add_label(layout, spec.title, (10, 6, 277, 11), 20, bold=True, item_id="pm_title")
    add_label(layout, subtitle(key, data), (10, 16, 212, 6), 10, colour="#404040",
           item_id="pm_subtitle")

    crs = projected_crs(group, project)
    item = QgsLayoutItemMap(layout)
    item.setId("pm_map")
    item.attemptResize(layout_size(MAP_RECT[2], MAP_RECT[3]))  # size first: the extent's aspect
    item.attemptMove(layout_point(MAP_RECT[0], MAP_RECT[1]))
    item.setCrs(crs)
    item.setFollowVisibilityPreset(True)
    item.setFollowVisibilityPresetName(spec.theme)
    item.setFrameEnabled(True)
    item.setFrameStrokeColor(QColor("#4d4d4d"))
    item.setBackgroundColor(QColor("#ffffff"))
    layout.addLayoutItem(item)
    extent = extent if extent is not None else group_extent(group, crs, project)
    item.setExtent(fit_extent(extent, MAP_RECT[2] / MAP_RECT[3]))  # scale for the legend
    yield

    legend = yield from build_legend(layout, item, key, project, group)
    yield
    # the legend takes what it needs on the right, the map the rest
    legend_w = max(legend.sizeWithUnits().width(), 40.0)
    legend.attemptMove(layout_point(PAGE_W - 10 - legend_w, MAP_RECT[1]))
    map_w = PAGE_W - 10 - legend_w - 4 - MAP_RECT[0]
    item.attemptResize(layout_size(map_w, MAP_RECT[3]))
    item.setExtent(fit_extent(extent, map_w / MAP_RECT[3]))
    add_scale_bar(layout, item)
    add_north_arrow(layout, project, MAP_RECT[0] + map_w - 16)
    add_label(layout, footer_text(group, data, crs), (10, 197, 277, 8), 7, colour="#595959",
           item_id="pm_footer")
    return layout


def footer_text(group: QgsLayerTreeGroup, data: MapData | None, crs) -> str:
    """The footer: data source, synthetic notice, CRS and date."""
    footer = tr("Data source: {0}").format(group_source(group).label())
    if data is not None and data.synthetic:
        footer += " · " + tr("synthetic demo data")
    footer += " · " + tr("CRS: {0}").format(crs.authid())
    return footer + " · " + tr("Made with QGIS on {0}").format(date.today().isoformat())


def layout_name(group: QgsLayerTreeGroup, key: str) -> str:
    return f"{MAP_BY_KEY[key].zh} – {group.name()}"


def ensure_layout(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                  project: QgsProject | None = None) -> tuple[str, QgsPrintLayout]:
    """Map ``key``'s layout in the project's layout manager: (file basename, layout).

    A layout already there (the user may have edited its title or added a logo) is
    kept; its period line and footer are brought up to date.  A missing one is built.
    """
    return run_steps(ensure_layout_steps(group, key, data, project))


def ensure_layout_steps(group: QgsLayerTreeGroup, key: str, data: MapData | None,
                        project: QgsProject | None = None) -> Iterator[None]:
    """:func:`ensure_layout` in steps (see :func:`layout_steps`)."""
    project = project or QgsProject.instance()
    manager = project.layoutManager()
    layout = manager.layoutByName(layout_name(group, key))
    if layout is None:
        layout = yield from layout_steps(group, key, data, project)
        yield
        manager.addLayout(layout)
    else:
        for item_id, text in (("pm_subtitle", subtitle(key, data)),
                              ("pm_footer", footer_text(group, data,
                                                        projected_crs(group, project)))):
            item = layout.itemById(item_id)
            if isinstance(item, QgsLayoutItemLabel):
                update_auto_text(item, text)
    return page_basename(key, data), layout


AUTO_TEXT = "pm/auto-text"  # a label's text as the plugin last wrote it


def update_auto_text(item: QgsLayoutItemLabel, text: str) -> bool:
    """Bring a plugin-written label (period line, footer) up to date, unless the user
    has edited it since (its text differs from what the plugin wrote): their text
    stays.  True when updated."""
    written = item.customProperty(AUTO_TEXT)
    if written is not None and item.text() != written:
        return False
    item.setText(literal(text))
    item.setCustomProperty(AUTO_TEXT, literal(text))
    return True


def ensure_layouts(group: QgsLayerTreeGroup, data: MapData | None,
                   project: QgsProject | None = None,
                   keys: tuple[str, ...] | None = None) -> list[tuple[str, QgsPrintLayout]]:
    """:func:`ensure_layout` of ``keys`` (default: all five)."""
    return [ensure_layout(group, key, data, project)
            for key in keys or tuple(m.key for m in MAPS)]


def page_basename(key: str, data: MapData | None) -> str:
    """``3_pollution_2025``: the map's number, key and period (files sort as listed)."""
    period = (data.change_label.replace(" → ", "-") if key == "change" and data
              and data.compare else (data.period if data else ""))
    period = period.replace("/", "_")
    return f"{MAPS.index(MAP_BY_KEY[key]) + 1}_{key}" + (f"_{period}" if period else "")


def nice_segment(width_km: float, share: float = 0.12) -> float:
    """A round segment length (1-2-5 series) of about ``share`` of the map width
    (1 km when the map has no extent: a database with nothing located yet)."""
    if not math.isfinite(width_km) or width_km <= 0:
        return 1.0
    target = max(width_km * share, 1e-6)
    exp = math.floor(math.log10(target))
    return min((m * 10 ** exp for m in (1, 2, 5, 10)), key=lambda v: abs(v - target))


def _map_width_km(map_item: QgsLayoutItemMap) -> float:
    extent = map_item.extent()
    if map_item.crs().isGeographic():
        return extent.width() * metres_per_degree(extent.center().y())[0] / 1000.0
    return extent.width() / 1000.0


def add_scale_bar(layout: QgsPrintLayout, map_item: QgsLayoutItemMap) -> QgsLayoutItemScaleBar:
    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle("Single Box")
    bar.setLinkedMap(map_item)
    bar.applyDefaultSize(distance_kilometers())
    bar.setUnits(distance_kilometers())
    bar.setUnitLabel("km")
    bar.setNumberOfSegments(2)
    bar.setNumberOfSegmentsLeft(0)
    bar.setUnitsPerSegment(nice_segment(_map_width_km(map_item)))
    bar.setHeight(2.0)
    bar.setBackgroundEnabled(True)
    bar.setBackgroundColor(QColor(255, 255, 255, 220))
    layout.addLayoutItem(bar)
    bar.attemptMove(layout_point(MAP_RECT[0] + 4, MAP_RECT[1] + MAP_RECT[3] - 13))
    return bar


def add_north_arrow(layout: QgsPrintLayout, project: QgsProject, x: float) -> QgsLayoutItemPicture:
    arrow = QgsLayoutItemPicture(layout)
    path = QgsSymbolLayerUtils.svgSymbolNameToPath("arrows/NorthArrow_02.svg",
                                                   project.pathResolver())
    arrow.setPicturePath(path)
    arrow.attemptResize(layout_size(12, 16))
    arrow.attemptMove(layout_point(x, MAP_RECT[1] + 3))
    layout.addLayoutItem(arrow)
    return arrow


def export_layout_file(layout: QgsPrintLayout, path: Path, dpi: int = DEFAULT_DPI) -> Path:
    """Export ``layout`` to ``path`` (``.png`` or ``.pdf``); raise on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exporter = QgsLayoutExporter(layout)
    if path.suffix.lower() == ".png":
        # Render the page and save it with Qt: exportToImage would also try to
        # georeference the PNG through GDAL, which cannot update PNG files (noise on 3.22).
        rendered = exporter.renderPageToImage(0, QSize(), dpi)
        if rendered.isNull() or not rendered.save(str(path), "PNG"):
            raise RuntimeError(tr("Could not write {0}").format(path))
        return path
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    if exporter.exportToPdf(str(path), settings) != QgsLayoutExporter.ExportResult.Success:
        raise RuntimeError(tr("Could not write {0}").format(path))
    return path


def export_layout(layout: QgsPrintLayout, out_dir: Path | str, basename: str,
                  dpi: int = DEFAULT_DPI) -> tuple[Path, Path]:
    """Export ``layout`` to ``basename``.png and .pdf in ``out_dir``; raise on failure."""
    out = Path(out_dir)
    return (export_layout_file(layout, out / f"{basename}.png", dpi),
            export_layout_file(layout, out / f"{basename}.pdf", dpi))


def export_maps(group: QgsLayerTreeGroup, data: MapData | None, out_dir: Path | str,
                project: QgsProject | None = None, keys: tuple[str, ...] | None = None,
                dpi: int = DEFAULT_DPI, feedback=None) -> list[Path]:
    """Build and export the layouts of ``keys`` (default all five), synchronously; the
    written files.  For scripts and the CLI: the panel exports in the background
    (``map_export.MapExportTask``).  The layouts are not added to the project."""
    project = project or QgsProject.instance()
    files: list[Path] = []
    keys = keys or tuple(m.key for m in MAPS)
    for i, key in enumerate(keys):
        if feedback is not None and feedback.isCanceled():
            break
        layout = build_layout(group, key, data, project)
        files.extend(export_layout(layout, out_dir, page_basename(key, data), dpi))
        if feedback is not None:
            feedback.setProgress(100.0 * (i + 1) / len(keys))
    return files
