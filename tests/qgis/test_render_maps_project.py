"""``render-maps --project``: the five maps printed from the project's saved layouts, as
the panel prints them, so a user's edits to the title, a logo or the footer survive
(issue 14.7); the project file is not changed."""

from __future__ import annotations

from qgis.core import QgsLayoutItemLabel

from pollution_map_plugin.qgis_desktop import layouts, render
from pollution_map_plugin.qgis_desktop.layer_loading import load_database
from pollution_map_plugin.qgis_desktop.layouts import ensure_layout
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_themes import MAPS, build_maps


def test_render_maps_prints_the_saved_layouts(qgis_new_project, demo_db_path, tmp_path,
                                              monkeypatch):
    data = compute_map_data(demo_db_path)
    group = load_database(demo_db_path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    _basename, layout = ensure_layout(group, "sections", data, qgis_new_project)
    layout.itemById("pm_title").setText("某某区生态环境局 断面水质图")
    layout.itemById("pm_footer").setText("内部资料 · 请勿外传")
    logo = QgsLayoutItemLabel(layout)
    logo.setId("our_logo")
    logo.setText("LOGO")
    layout.addLayoutItem(logo)
    project_file = tmp_path / "bureau.qgz"
    assert qgis_new_project.write(str(project_file))
    stamp = project_file.stat().st_mtime_ns

    printed: dict[str, tuple] = {}
    original = layouts.export_layout

    def record(lay, out_dir, basename, dpi=150):
        title, footer = lay.itemById("pm_title"), lay.itemById("pm_footer")
        printed[basename] = (title.text() if title else None,
                             footer.text() if footer else None,
                             lay.itemById("our_logo") is not None)
        return original(lay, out_dir, basename, dpi)

    monkeypatch.setattr(layouts, "export_layout", record)
    files = render.render_maps(demo_db_path, tmp_path / "maps", dpi=50,
                               project_file=project_file)
    assert len(files) == 2 * len(MAPS) and all(f.is_file() for f in files)
    sections = printed[next(k for k in printed if "_sections" in k)]
    assert sections == ("某某区生态环境局 断面水质图", "内部资料 · 请勿外传", True)
    others = [v for v in printed.values() if v is not sections]
    assert len(others) == len(MAPS) - 1 and not any(v[2] for v in others)
    assert project_file.stat().st_mtime_ns == stamp  # the user's project is not changed

    # without the project: fresh layouts, the user's edits are not there
    printed.clear()
    monkeypatch.setattr(layouts, "export_layout", record)
    render.render_maps(demo_db_path, tmp_path / "fresh", dpi=50)
    assert not any(v[2] for v in printed.values())
