"""Translation of user-facing strings (Qt's translator, context PollutionMap)."""

from qgis.PyQt.QtCore import QCoreApplication

CONTEXT = "PollutionMap"


def tr(text: str, context: str = CONTEXT) -> str:
    """Translate ``text`` with the plugin's translator (zh_CN shipped)."""
    return QCoreApplication.translate(context, text)
