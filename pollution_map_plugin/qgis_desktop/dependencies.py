"""Optional Python packages (geopandas, folium, scipy, …): check them, explain how to install.

QGIS's own Python often lacks geopandas or folium (on Windows especially).  The
plugin still loads; a feature that needs them calls :func:`require` first::

    from ..qgis_desktop.dependencies import require

    def export_html(self) -> None:
        if not require("geopandas", "folium"):
            return  # the message bar already says how to install them
        ...

Processing algorithms use ``PollutionAlgorithm.require_modules`` instead, which
raises a ``QgsProcessingException`` with the same explanation.
"""

from __future__ import annotations

import importlib
import sys

from qgis.core import Qgis, QgsMessageLog

from .translation import tr

# import name → (pip name, Debian/Ubuntu package)
PACKAGES: dict[str, tuple[str, str]] = {
    "geopandas": ("geopandas", "python3-geopandas"),
    "folium": ("folium", "python3-folium"),
    "branca": ("branca", "python3-branca"),
    "pandas": ("pandas", "python3-pandas"),
    "numpy": ("numpy", "python3-numpy"),
    "shapely": ("shapely", "python3-shapely"),
    "pyproj": ("pyproj", "python3-pyproj"),
    "psycopg2": ("psycopg2-binary", "python3-psycopg2"),
    "openpyxl": ("openpyxl", "python3-openpyxl"),
    "scipy": ("scipy", "python3-scipy"),
}
# What the plugin's main features need beyond QGIS itself: geopandas for every analysis,
# folium for the HTML maps, scipy for the river network (tracing, problem-water-body map,
# network import and linking).  pyproject.toml's [project] dependencies list them all.
OPTIONAL_FEATURE_MODULES = ("geopandas", "folium", "scipy")
LOG_TAG = "Pollution Map"


def is_available(module: str) -> bool:
    """True when ``module`` imports (a broken install counts as missing)."""
    if sys.modules.get(module, False) is None:  # explicitly blocked
        return False
    try:
        importlib.import_module(module)
    except Exception:  # noqa: BLE001 - any failure to import means unusable
        return False
    return True


def missing_modules(*modules: str) -> list[str]:
    """Those of ``modules`` that cannot be imported, in the given order."""
    return [m for m in modules if not is_available(m)]


def missing_packages_of(errors) -> list[str]:
    """Third-party packages whose absence caused the ``ImportError``s among ``errors``."""
    names = set()
    for error in errors:
        name = getattr(error, "name", None) if isinstance(error, ImportError) else None
        if name and not name.startswith(__package__.split(".")[0]):
            names.add(name.split(".")[0])
    return sorted(names)


def explain(error: BaseException) -> str:
    """The text to show for ``error``: how to install the missing package(s) when it is
    an ImportError of a third-party package, else the error itself."""
    missing = missing_packages_of([error])
    return install_hint(missing) if missing else str(error)


def install_hint(modules: list[str] | tuple[str, ...]) -> str:
    """A translated explanation of how to install ``modules`` into QGIS's Python."""
    pip_names = " ".join(PACKAGES.get(m, (m, ""))[0] for m in modules)
    apt_names = " ".join(PACKAGES.get(m, ("", f"python3-{m}"))[1] for m in modules)
    return tr(
        "This feature needs the Python package(s) {modules}, which QGIS's Python lacks. "
        "Windows: open the OSGeo4W Shell and run: python -m pip install {pip}. "
        "Debian/Ubuntu: sudo apt install {apt}. "
        "macOS: run {python} -m pip install {pip}. Then restart QGIS."
    ).format(modules=", ".join(modules), pip=pip_names, apt=apt_names, python=sys.executable)


def require(*modules: str, iface=None) -> bool:
    """True when every module imports; otherwise explain in the message bar and return False.

    ``iface`` defaults to ``qgis.utils.iface``; without one (``qgis_process``) the
    explanation goes to the QGIS message log.
    """
    missing = missing_modules(*modules)
    if not missing:
        return True
    text = install_hint(missing)
    if iface is None:
        from qgis import utils

        iface = utils.iface
    if iface is not None:
        iface.messageBar().pushMessage(
            tr("Missing Python packages"), text, Qgis.MessageLevel.Warning, 0
        )
    else:
        QgsMessageLog.logMessage(text, LOG_TAG, Qgis.MessageLevel.Warning)
    return False
