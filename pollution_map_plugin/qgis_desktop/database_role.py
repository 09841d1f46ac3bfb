"""The panel's view of the connected user's role on a shared PostGIS database.

``read_role(source)`` asks the core (``core.db.postgis_roles.connected_role``) which
role the user has — reader, district editor, municipal editor, administrator, the
tables' owner, or a local GeoPackage — and what they may edit; ``RoleBadge`` shows it
in one line (with what may be edited as its tooltip); ``disabled_actions(info)`` says
which of the panel's writing actions to grey out, and ``apply_role(info, widgets)``
does so with a tooltip saying why.  Nothing here holds or shows a password: the
connection comes from the layer group's ``DataSource`` (QGIS's authentication
database, a service file or the environment).
"""

from __future__ import annotations

from typing import Any

from qgis.PyQt.QtWidgets import QLabel, QWidget

from .translation import tr

#: The panel's actions that write to the database, and the tables each one writes.
ACTION_TABLES: dict[str, tuple[str, ...]] = {
    "import_network": ("rivers", "reaches"),
    "link": ("sections", "outfalls", "enterprises", "sewage_plants"),
    "import_measurements": ("measurements",),
    "import_sources": ("enterprises", "sewage_plants", "livestock_farms", "petrol_stations",
                       "outfalls"),
    "edit_problems": ("problems", "projects"),
}


def read_role(source: Any) -> Any:
    """The ``RoleInfo`` of the user connected to ``source`` (a ``DataSource``, or a
    core target).  Runs a few catalogue queries: call it off the GUI thread (a task)
    for a remote server."""
    from ..core.db import open_database
    from ..core.db.postgis_roles import connected_role

    target = source.core_target() if hasattr(source, "core_target") else source
    with open_database(target, check=False) as db:
        return connected_role(db)


def role_text(info: Any) -> str:
    """One line: the role (and district) in the user's language."""
    from .translation import qgis_locale

    language = "zh" if qgis_locale().lower().startswith("zh") else "en"
    label = info.label(language)
    if info.role == "local":
        return tr("Local file: every change allowed")
    if info.role == "owner":
        return tr("Database owner: every change allowed")
    return tr("Your role: {0}").format(label)


def disabled_actions(info: Any) -> set[str]:
    """The actions of :data:`ACTION_TABLES` the user cannot perform (a reader: all;
    a district editor: none, but only their district's rows are changed)."""
    return {action for action, tables in ACTION_TABLES.items()
            if not all(info.may_edit(t) for t in tables)}


def apply_role(info: Any, widgets: dict[str, QWidget | Any]) -> None:
    """Grey out the widgets (or QActions) of ``widgets`` (action name → widget) the
    role cannot use, with a tooltip saying why; enable the others."""
    off = disabled_actions(info)
    for action, widget in widgets.items():
        if widget is None:
            continue
        allowed = action not in off
        widget.setEnabled(allowed)
        if not allowed:
            widget.setToolTip(tr("Your database role ({0}) cannot change these tables")
                              .format(info.label()))
        elif info.district:
            widget.setToolTip(tr("Changes only rows of {0}; other districts' rows are "
                                 "refused and recorded").format(info.district))


class RoleBadge(QLabel):
    """A one-line label with the connected user's role; tooltip: what they may edit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info: Any = None
        self.setWordWrap(True)

    def show_role(self, info: Any) -> None:
        self.info = info
        self.setText(role_text(info))
        editable = sorted(t for t, v in info.editable.items() if v != "none")
        if not editable:
            self.setToolTip(tr("Read only: you can view and assess, not change data"))
        elif info.district:
            self.setToolTip(tr("May edit the rows of {0} in: {1}").format(
                info.district, ", ".join(editable)))
        else:
            self.setToolTip(tr("May edit: {0}").format(", ".join(editable)))

    def show_error(self, message: str) -> None:
        self.info = None
        self.setText(tr("Role unknown"))
        self.setToolTip(message)
