"""Pollution Source Map (污染源地图): a QGIS plugin for river-chief pollution maps.

QGIS calls :func:`classFactory`.  This module imports neither QGIS nor Qt, so that
the core and the command line (``python -m pollution_map_plugin``) run without them.
"""

from __future__ import annotations


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    """Create the plugin for QGIS; ``iface`` is None under ``qgis_process``."""
    from .plugin import PollutionMapPlugin

    return PollutionMapPlugin(iface)
