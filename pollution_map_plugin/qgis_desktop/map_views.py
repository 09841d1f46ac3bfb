"""A map theme drawn straight to an image (screen-size views, A3 at 300 dpi, animation
frames) and the labels QGIS's engine placed in it (what the tests check).
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsLayerTreeGroup,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage

from .layouts import fit_extent
from .map_themes import group_extent, projected_crs, theme_layers


def theme_settings(group: QgsLayerTreeGroup, key_or_layers, project: QgsProject,
                   size: tuple[int, int], dpi: float = 96.0,
                   extent: QgsRectangle | None = None) -> QgsMapSettings:
    """Map settings drawing map ``key``'s theme (or a list of layers) at ``size`` px."""
    layers = theme_layers(project, key_or_layers) if isinstance(key_or_layers, str) \
        else list(key_or_layers)
    crs = projected_crs(group, project)
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(*size))
    settings.setOutputDpi(dpi)
    settings.setBackgroundColor(QColor("#ffffff"))
    settings.setTransformContext(project.transformContext())
    settings.setExtent(fit_extent(extent if extent is not None
                                  else group_extent(group, crs, project), size[0] / size[1]))
    settings.setFlag(QgsMapSettings.Flag.Antialiasing, True)
    settings.setFlag(QgsMapSettings.Flag.DrawLabeling, True)
    return settings


def render(settings: QgsMapSettings) -> tuple[QImage, object]:
    """Draw ``settings``: (image, the labeling results)."""
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), job.takeLabelingResults()


def render_map_image(group: QgsLayerTreeGroup, key: str, project: QgsProject, path: Path,
                     size: tuple[int, int], dpi: float = 96.0,
                     extent: QgsRectangle | None = None) -> Path:
    """Map ``key`` as a PNG of ``size`` pixels at ``dpi`` (symbol and text sizes in mm
    and points follow the dpi, as in print)."""
    image, _ = render(theme_settings(group, key, project, size, dpi, extent))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if image.isNull() or not image.save(str(path), "PNG"):
        raise RuntimeError(f"could not write {path}")
    return Path(path)


def placed_labels(settings: QgsMapSettings) -> dict[str, list[str]]:
    """The label texts QGIS placed, per layer id (collisions already resolved)."""
    _, results = render(settings)
    out: dict[str, list[str]] = {}
    for label in results.allLabels() if results is not None else []:
        out.setdefault(label.layerID, []).append(label.labelText)
    return out
