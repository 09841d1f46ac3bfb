"""Translation of user-facing strings (Qt's translator, context PollutionMap).

Every user-facing string goes through :func:`tr`; ``scripts/update_translations.py``
collects the ``tr("...")`` literals into ``resources/i18n/pollution_map_zh_CN.ts`` and
``scripts/package.py`` compiles it to ``.qm``.  The plugin installs the translator
(:func:`install_translator`) when the QGIS locale is Chinese.
"""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from .. import paths

CONTEXT = "PollutionMap"
QM_PREFIX = "pollution_map_"
# QGIS locale prefixes → the shipped translation.
SHIPPED = {"zh": "zh_CN"}


def tr(text: str, context: str = CONTEXT) -> str:
    """Translate ``text`` with the plugin's translator (zh_CN shipped)."""
    return QCoreApplication.translate(context, text)


def tr_noop(text: str) -> str:
    """Mark ``text`` for translation where it is defined; :func:`tr` it where shown."""
    return text


def qgis_locale() -> str:
    """The locale QGIS runs in (e.g. ``"zh_CN"``, ``"en_US"``)."""
    return QgsApplication.locale() or QLocale().name()


def translation_file(locale: str | None = None) -> str | None:
    """The ``.qm`` file for ``locale`` (QGIS's by default), or None when none is shipped."""
    locale = (locale or qgis_locale()).replace("-", "_")
    name = SHIPPED.get(locale.split("_")[0].lower())
    if name is None:
        return None
    path = paths.i18n_dir() / f"{QM_PREFIX}{name}.qm"
    return str(path) if path.is_file() else None


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Load and install the translator for ``locale``; None when there is nothing to load.

    Keep the returned translator and pass it to :func:`remove_translator` on unload.
    """
    qm = translation_file(locale)
    if qm is None:
        return None
    translator = QTranslator()
    if not translator.load(qm):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: QTranslator | None) -> None:
    """Uninstall a translator returned by :func:`install_translator`."""
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
