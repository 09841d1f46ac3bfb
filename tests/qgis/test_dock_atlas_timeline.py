"""The dock's atlas and timeline buttons: the atlas PDFs with an index written in the
background, the atlas layout kept in the project; the monthly class layer for the
Temporal Controller with its map theme."""

from __future__ import annotations

import shutil
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


def test_a_reopened_project_gets_its_atlas_and_timeline_back(qgis_iface, qgis_new_project,
                                                             gappy_demo_db, demo_db_path,
                                                             tmp_path: Path, qtbot) -> None:
    from pollution_map_plugin.qgis_desktop.map_themes import thematic_layers

    dock = _loaded(qgis_iface, qgis_new_project, gappy_demo_db, qtbot)
    dock.message = lambda *_a: None
    out = tmp_path / "atlas"
    out.mkdir()
    dock.export_atlas(str(out))
    qtbot.waitUntil(lambda: (out / "index.html").is_file(), timeout=300_000)
    dock.show_timeline()
    qtbot.waitUntil(lambda: "section_timeline" in thematic_layers(dock.group()),
                    timeout=120_000)
    first = dock.group()
    before = {k: v.featureCount() for k, v in thematic_layers(first).items()}
    atlas = next(lay for lay in qgis_new_project.layoutManager().layouts()
                 if lay.atlas().enabled())
    coverage_id = atlas.atlas().coverageLayer().id()
    other = tmp_path / "other.gpkg"  # a second database, loaded last: the current one
    shutil.copy(demo_db_path, other)
    dock.load(str(other))
    qtbot.waitUntil(lambda: dock.group() is not first, timeout=120_000)
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=120_000)
    first_name = first.name()
    project_file = tmp_path / "saved.qgz"
    assert qgis_new_project.write(str(project_file))
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=60_000)
    qgis_new_project.clear()
    assert qgis_new_project.read(str(project_file))
    errors = []
    dock.error = errors.append
    dock.bind_project()

    def reopened_first():
        root = qgis_new_project.layerTreeRoot()
        return next((g for g in root.findGroups() if g.name() == first_name), None)

    qtbot.waitUntil(lambda: reopened_first() is not None and all(
        thematic_layers(reopened_first()).get(k) is not None
        and thematic_layers(reopened_first())[k].featureCount() == n
        for k, n in before.items()), timeout=180_000)
    atlas = next(lay for lay in qgis_new_project.layoutManager().layouts()
                 if lay.atlas().enabled())
    assert atlas.atlas().coverageLayer() is not None
    assert atlas.atlas().coverageLayer().id() == coverage_id  # the saved layout still works
    assert atlas.atlas().coverageLayer().featureCount() == before["atlas_coverage"] > 0
    dock.set_database(reopened_first())
    dock.update_maps()  # a later update of the maps keeps the atlas coverage and timeline
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=120_000)
    kept = thematic_layers(dock.group())
    assert kept["atlas_coverage"].id() == coverage_id and "section_timeline" in kept
    assert errors == []
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=60_000)
    dock.deleteLater()
