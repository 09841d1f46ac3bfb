"""The core: data model, assessment, tracing, import and HTML export.

Knows neither QGIS nor Qt, so that it runs in Processing, on the command line
and in plain Python alike.
"""
