"""The dock's atlas and timeline buttons: the atlas PDFs with an index written in the
background, the atlas layout kept in the project; the monthly class layer for the
Temporal Controller with its map theme."""

from __future__ import annotations

from pathlib import Path

from pollution_map_plugin.qgis_desktop.dock import PollutionDock


def _loaded(qgis_iface, project, db, qtbot) -> PollutionDock:
    dock = PollutionDock(qgis_iface)
    dock.project = project
    dock.load(str(db))
    qtbot.waitUntil(lambda: dock.data is not None, timeout=120_000)
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=120_000)
    return dock


def test_the_atlas_button_writes_a_pdf_per_key_river(qgis_iface, qgis_new_project,
                                                     demo_db_path, tmp_path: Path,
                                                     qtbot) -> None:
    dock = _loaded(qgis_iface, qgis_new_project, demo_db_path, qtbot)
    messages = []
    dock.message = lambda text, *_a: messages.append(text)
    assert dock.atlas_button.isEnabled()
    out = tmp_path / "atlas"
    out.mkdir()
    assert dock.export_atlas(str(out)) is not None
    qtbot.waitUntil(lambda: (out / "index.html").is_file() or bool(messages), timeout=300_000)
    pdfs = sorted(out.glob("*.pdf"))
    assert pdfs and (out / "index.csv").is_file(), messages
    assert all(p.stat().st_size > 10_000 for p in pdfs)
    assert not list(out.glob(".pollution-atlas-*"))  # no temporary folder left
    layouts = [lay.name() for lay in qgis_new_project.layoutManager().layouts()]
    assert any("一河一策" in name for name in layouts)
    dock.deleteLater()


def test_the_timeline_button_adds_the_temporal_layer(qgis_iface, qgis_new_project,
                                                     gappy_demo_db, qtbot) -> None:
    from pollution_map_plugin.qgis_desktop.section_timeline import TIMELINE_THEME

    dock = _loaded(qgis_iface, qgis_new_project, gappy_demo_db, qtbot)
    dock.message = lambda *_a: None
    dock.show_timeline()
    themes = qgis_new_project.mapThemeCollection()
    qtbot.waitUntil(lambda: themes.hasMapTheme(TIMELINE_THEME), timeout=120_000)
    temporal = [layer for layer in qgis_new_project.mapLayers().values()
                if layer.temporalProperties() is not None
                and layer.temporalProperties().isActive()]
    assert len(temporal) == 1 and temporal[0].featureCount() > 0
    dock.deleteLater()
