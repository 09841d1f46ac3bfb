"""Every QGIS test starts with pytest-qgis's canvas idle (tests/fixtures/plugin.py)."""


def test_every_qgis_test_waits_for_the_canvas_first(request, qgis_canvas):
    assert request.fixturenames.index("canvas_idle") == 0  # before any project clear
    assert not qgis_canvas.isDrawing()
