"""Base class of the plugin's Processing algorithms: ids, groups, translation, icon.

A subclass sets ``NAME`` (the id inside the provider, lower case) and ``GROUP_ID``
(a key of :func:`group_names`, or ``""`` for the provider's top level), returns its
translated ``displayName()`` and ``shortHelpString()`` through ``self.tr("...")`` and
implements ``initAlgorithm`` and ``processAlgorithm``.  ``createInstance`` needs no
override.  Modules import geopandas/folium inside ``processAlgorithm`` after
``self.require_modules(...)``, never at module level, so that the plugin loads
without them.

Databases: an algorithm that opens one takes it through ``database_input.
DatabaseInputMixin`` (one input for all).  ``core_target`` accepts a GeoPackage, a DSN,
``service=NAME``, the name of a PostgreSQL connection saved in QGIS (``pg:NAME`` or
``NAME``) and a DSN with ``authcfg=ID`` (QGIS's authentication database), so a password
never needs to be a parameter.  A password that is one is masked in the algorithm's
Python command (the Processing history), in the dialog's log (the ``Database…Parameter``
classes) and in what the algorithms report.  ``qgis_process`` itself echoes its inputs
verbatim: pass a saved connection, ``authcfg``, ``service`` or the ``PGPASSWORD`` /
``.pgpass`` of libpq there, never ``password=``.
"""

from __future__ import annotations

import dataclasses
import re

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtGui import QIcon

from .. import paths
from ..qgis_desktop.dependencies import install_hint, missing_modules
from ..qgis_desktop.translation import tr

_AUTHCFG_KV_RE = re.compile(r"(?:^|\s)authcfg\s*=\s*'?([A-Za-z0-9]+)'?(?=\s|$)")


def split_authcfg(target: str) -> tuple[str, str]:
    """``(target without authcfg, authcfg id)`` of a DSN (``authcfg`` is QGIS's, not
    libpq's keyword)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    if "://" in target:
        parts = urlsplit(target)
        query = parse_qsl(parts.query, keep_blank_values=True)
        authcfg = next((v for k, v in query if k == "authcfg"), "")
        rest = [(k, v) for k, v in query if k != "authcfg"]
        return urlunsplit(parts._replace(query=urlencode(rest))), authcfg
    match = _AUTHCFG_KV_RE.search(target)
    if not match:
        return target, ""
    rest = target[:match.start()].rstrip() + " " + target[match.end():].lstrip()
    return rest.strip(), match.group(1)


def core_target(target: str) -> str:
    """What ``core.db.open_database`` accepts, for any database parameter (see the
    module doc); a password from QGIS's auth system stays in memory only."""
    from ..core.db.targets import scrub
    from ..qgis_desktop.connection import TargetError, resolve

    text = (target or "").strip()
    if not text or text.lower().endswith(".gpkg"):
        return text
    rest, authcfg = split_authcfg(text)
    try:
        source = resolve(rest)
    except TargetError as exc:
        raise QgsProcessingException(scrub(str(exc))) from None
    if authcfg:
        source = dataclasses.replace(source, authcfg=authcfg)
    return source.core_target()


def masked(value: object) -> object:
    """``value`` with any password masked (strings only)."""
    from ..core.db.targets import scrub

    return scrub(value) if isinstance(value, str) else value


def _masking(base: type) -> type:
    """``base`` whose value, shown in the Processing dialog's log, has its password
    masked (the dialog logs ``valueAsPythonString`` of every parameter)."""

    class Masked(base):  # type: ignore[misc, valid-type]
        def valueAsPythonString(self, value: object, context) -> str:  # noqa: N802 - Qt API
            return super().valueAsPythonString(masked(value), context)

    Masked.__name__ = Masked.__qualname__ = "Masked" + base.__name__
    return Masked


# The database parameters: a GeoPackage file, or a connection string / saved connection.
DatabaseFileParameter = _masking(QgsProcessingParameterFile)
DatabaseStringParameter = _masking(QgsProcessingParameterString)
DatabaseDestinationParameter = _masking(QgsProcessingParameterFileDestination)


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

    def asPythonCommand(self, parameters: dict, context) -> str:  # noqa: N802 - Qt API
        """The command for the Processing history, with any password masked."""
        safe = {k: masked(v) for k, v in parameters.items()}
        return super().asPythonCommand(safe, context)

    def check_outputs(self, files: tuple = (), folders: tuple = (), database: object = None,
                      inputs: tuple = ()) -> None:
        """QgsProcessingException when an output file or folder is an input, the
        database or one of its sidecar files (nothing is written then)."""
        from ..core.output_paths import OutputPathError, check_output, check_output_dir

        try:
            for path in files:
                check_output(path, database=database, inputs=inputs)
            for path in folders:
                check_output_dir(path, database=database, inputs=inputs)
        except OutputPathError as exc:
            raise QgsProcessingException(str(exc)) from None

    def require_modules(self, *modules: str) -> None:
        """Raise a ``QgsProcessingException`` explaining how to install missing modules."""
        missing = missing_modules(*modules)
        if missing:
            raise QgsProcessingException(install_hint(missing))
