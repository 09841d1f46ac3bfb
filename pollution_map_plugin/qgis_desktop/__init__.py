"""The thin QGIS layer: layers, styles, themes, layouts, map tools, dock, dialogs."""
