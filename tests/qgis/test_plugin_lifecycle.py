"""Load and unload the packaged plugin the way QGIS does (``qgis.utils``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from qgis import utils
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from tests.fixtures.plugin import (
    PACKAGE,
    flush_deleted,
    packaged_plugin,
    plugin_objects,
    provider_present,
)


def _start() -> object:
    assert utils.loadPlugin(PACKAGE), "qgis.utils.loadPlugin failed"
    assert utils.startPlugin(PACKAGE), "qgis.utils.startPlugin failed"
    return utils.plugins[PACKAGE]


def _stop() -> None:
    assert utils.unloadPlugin(PACKAGE), "qgis.utils.unloadPlugin failed"
    flush_deleted()


def test_load_shows_toolbar_menu_dock_provider_and_unload_removes_them(
    packaged_plugin_dir: Path, qgis_iface, qgis_errors
) -> None:
    main_window = qgis_iface.mainWindow()
    before = plugin_objects(main_window)
    assert not any(before.values()), before
    with packaged_plugin(packaged_plugin_dir):
        plugin = _start()
        module = sys.modules[PACKAGE]
        assert Path(module.__file__).is_relative_to(packaged_plugin_dir), module.__file__

        found = plugin_objects(main_window)
        assert [t.objectName() for t in found["toolbars"]] == ["PollutionMapToolbar"]
        assert [m.objectName() for m in found["menus"]] == ["PollutionMapMenu"]
        assert [m.text() for m in found["menubar"]] == ["Pollution Map / 污染源地图"]
        assert [d.objectName() for d in found["docks"]] == ["PollutionMapDock"]
        names = {a.objectName() for a in found["actions"]}
        assert {"PollutionMapPanelAction", "PollutionMapAboutAction",
                "PollutionMapDependenciesAction"} <= names
        assert found["menus"][0].actions(), "the menu is empty"
        panel = main_window.findChild(type(found["actions"][0]), "PollutionMapPanelAction")
        assert panel in found["toolbars"][0].actions()
        assert not panel.icon().isNull()

        paths = sys.modules[f"{PACKAGE}.paths"]
        assert paths.is_installed_layout()
        assert paths.icon_path().is_file() and not QIcon(str(paths.icon_path())).isNull()
        assert paths.plugin_version() not in ("", "unknown")

        registry = QgsApplication.processingRegistry()
        provider = registry.providerById("pollutionmap")
        assert provider is not None and provider is plugin.provider
        assert registry.algorithmById("pollutionmap:about") is not None
        assert provider.import_errors == {}, provider.import_errors

        dock = found["docks"][0]
        main_window.show()
        dock.show()
        assert panel.isChecked()
        panel.trigger()
        assert not dock.isVisible() and not panel.isChecked()
        panel.trigger()
        assert dock.isVisible() and panel.isChecked()
        main_window.hide()

        _stop()
        assert not provider_present()
        assert not any(plugin_objects(main_window).values()), plugin_objects(main_window)
        leftovers = [m for m in sys.modules if m.startswith(PACKAGE)]
        assert leftovers == [], f"modules QGIS could not unload: {leftovers}"
    assert not qgis_errors, qgis_errors


def test_twenty_load_unload_cycles_leave_nothing_behind(
    packaged_plugin_dir: Path, qgis_iface, qgis_errors
) -> None:
    main_window = qgis_iface.mainWindow()
    children_before = len(main_window.findChildren(object))
    providers_before = len(QgsApplication.processingRegistry().providers())
    with packaged_plugin(packaged_plugin_dir):
        for cycle in range(20):
            _start()
            assert provider_present(), f"cycle {cycle}: no provider"
            assert len(plugin_objects(main_window)["toolbars"]) == 1, f"cycle {cycle}"
            _stop()
            assert not any(plugin_objects(main_window).values()), f"cycle {cycle}"
            assert not provider_present(), f"cycle {cycle}: provider left"
    flush_deleted()
    assert len(QgsApplication.processingRegistry().providers()) == providers_before
    assert len(main_window.findChildren(object)) == children_before
    assert PACKAGE not in utils.active_plugins and PACKAGE not in utils.plugins
    assert not qgis_errors, qgis_errors


@pytest.fixture
def chinese_locale():
    """QGIS's locale overridden to zh_CN for the test."""
    settings = QgsSettings()
    saved = {k: settings.value(k) for k in ("locale/overrideFlag", "locale/userLocale")}
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh_CN")
    yield
    for key, value in saved.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def test_chinese_locale_loads_the_compiled_translation(
    packaged_plugin_dir: Path, qgis_iface, chinese_locale, qgis_errors
) -> None:
    assert QgsApplication.locale().startswith("zh")
    with packaged_plugin(packaged_plugin_dir):
        plugin = _start()
        assert plugin.translator is not None, "no .qm loaded for zh_CN"
        menu = plugin_objects(qgis_iface.mainWindow())["menus"][0]
        assert menu.title() == "污染源地图"
        assert plugin.provider.name() == "污染源地图"
        about = QgsApplication.processingRegistry().algorithmById("pollutionmap:about")
        assert about.displayName() == "关于 / 版本"
        _stop()
        english = QCoreApplication.translate("PollutionMap", "Pollution Map")
        assert english == "Pollution Map", "translator left installed after unload"
    assert not qgis_errors, qgis_errors
