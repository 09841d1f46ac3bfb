"""Base class of the plugin's Processing algorithms: ids, groups, translation, icon.

A subclass sets ``NAME`` (the id inside the provider, lower case) and ``GROUP_ID``
(a key of :func:`group_names`, or ``""`` for the provider's top level), returns its
translated ``displayName()`` and ``shortHelpString()`` through ``self.tr("...")`` and
implements ``initAlgorithm`` and ``processAlgorithm``.  ``createInstance`` needs no
override.  Modules import geopandas/folium inside ``processAlgorithm`` after
``self.require_modules(...)``, never at module level, so that the plugin loads
without them.
"""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtGui import QIcon

from .. import paths
from ..qgis_layer.dependencies import install_hint, missing_modules
from ..qgis_layer.i18n import tr


def group_names() -> dict[str, str]:
    """Group id → translated group name, shared by every algorithm module."""
    return {
        "database": tr("Database"),
        "demo": tr("Demo data"),
        "import": tr("Import"),
        "analysis": tr("Assessment and tracing"),
        "maps": tr("Maps"),
        "html": tr("HTML reports"),
    }


class PollutionAlgorithm(QgsProcessingAlgorithm):
    """Common boilerplate of the provider's algorithms."""

    NAME: str = ""
    GROUP_ID: str = ""

    def tr(self, text: str) -> str:
        """Translate ``text`` in the plugin's context (collected into the .ts file)."""
        return tr(text)

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:
        return self.NAME

    def group(self) -> str:
        return group_names().get(self.GROUP_ID, "")

    def groupId(self) -> str:
        return self.GROUP_ID

    def shortHelpString(self) -> str:
        return ""

    def icon(self) -> QIcon:
        return QIcon(str(paths.icon_path()))

    def helpUrl(self) -> str:
        return paths.metadata().get("homepage", "")

    def createInstance(self) -> PollutionAlgorithm:
        return type(self)()

    def require_modules(self, *modules: str) -> None:
        """Raise a ``QgsProcessingException`` explaining how to install missing modules."""
        missing = missing_modules(*modules)
        if missing:
            raise QgsProcessingException(install_hint(missing))
