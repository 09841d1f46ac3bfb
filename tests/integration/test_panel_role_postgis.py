"""The panel on a shared PostGIS database: the connected user's role in the dock, and a
reader's writing actions greyed out (credentials from the environment, never the project)."""

from __future__ import annotations

import pytest

from pollution_map_plugin.qgis_desktop.dock import PollutionDock
from tests.integration.test_shared_db_postgis import shared, target  # noqa: F401 - fixtures


@pytest.mark.parametrize("who", ["reader", "ed_a"])
def test_the_dock_shows_the_role_and_greys_what_it_cannot_do(shared, who, qgis_iface,  # noqa: F811
                                                            qgis_new_project, qtbot,
                                                            monkeypatch) -> None:
    dsn_admin, _connect, users = shared
    user = users[who]
    host = dsn_admin.split("@")[1].split("/")[0]
    rest = dsn_admin.split("@")[1].split("/", 1)[1]
    monkeypatch.setenv("PGPASSWORD", f"pw-{user}")  # not in the DSN, not in the project
    dsn = f"postgresql://{user}@{host}/{rest}"
    dock = PollutionDock(qgis_iface)
    dock.project = qgis_new_project
    dock.load(dsn)
    qtbot.waitUntil(lambda: dock.role_badge.info is not None, timeout=120_000)
    info = dock.role_badge.info
    dock._fill_load_menu()
    network = next(a for a in dock.load_menu.actions() if a.text().startswith(
        ("Import river network", "导入河网")))
    if who == "reader":
        assert info.role == "reader" and not network.isEnabled()
        assert "reader" in network.toolTip().lower() or "只读" in network.toolTip() \
            or info.label() in network.toolTip()
    else:
        assert info.role == "district-editor" and info.district == "甲区"
        assert "甲区" in dock.role_badge.text() + dock.role_badge.toolTip()
    assert f"pw-{user}" not in dock.role_badge.text() + dock.role_badge.toolTip()
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=120_000)
    dock.deleteLater()
