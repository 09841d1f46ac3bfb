"""The panel's role helper (qgis_desktop/database_role.py): what it shows and greys out."""

from __future__ import annotations

from pollution_map_plugin.core.db.postgis_roles import RoleInfo, data_tables
from pollution_map_plugin.qgis_desktop.database_role import (
    ACTION_TABLES,
    RoleBadge,
    apply_role,
    disabled_actions,
    read_role,
)


def _info(role, value, district=None):
    return RoleInfo("u", role, district, dict.fromkeys(data_tables(), value))


def test_a_reader_gets_every_writing_action_greyed(qapp):
    from qgis.PyQt.QtWidgets import QPushButton

    reader = _info("reader", "none")
    assert disabled_actions(reader) == set(ACTION_TABLES)
    buttons = {name: QPushButton(name) for name in ACTION_TABLES}
    apply_role(reader, buttons)
    assert not any(b.isEnabled() for b in buttons.values())
    assert all("reader" in b.toolTip() for b in buttons.values())
    editor = _info("district-editor", "district", "甲区")
    assert disabled_actions(editor) == set()
    apply_role(editor, buttons)
    assert all(b.isEnabled() and "甲区" in b.toolTip() for b in buttons.values())


def test_one_table_missing_greys_only_its_actions(qapp):
    info = _info("municipal-editor", "all")
    info.editable["measurements"] = "none"
    assert disabled_actions(info) == {"import_measurements"}


def test_the_badge_says_the_role(qapp, demo_db_path):
    badge = RoleBadge()
    badge.show_role(_info("district-editor", "district", "甲区"))
    assert "district editor" in badge.text() and "甲区" in badge.text()
    assert "甲区" in badge.toolTip() and "enterprises" in badge.toolTip()
    badge.show_role(_info("reader", "none"))
    assert "Read only" in badge.toolTip()
    local = read_role(str(demo_db_path))  # a GeoPackage: the local file's user
    assert local.role == "local" and not disabled_actions(local)
    badge.show_role(local)
    assert "Local file" in badge.text()
    badge.show_error("cannot connect")
    assert badge.info is None and badge.toolTip() == "cannot connect"
