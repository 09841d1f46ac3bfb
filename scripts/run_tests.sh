#!/usr/bin/env bash
# Every test: lint, the core without QGIS, then QGIS, PostGIS and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
PY=.venv/bin/python

echo "== ruff"
.venv/bin/ruff check pollution_map_plugin tests scripts benchmarks

echo "== core tests (no QGIS, no Qt)"
$PY -m pytest tests/core -p no:pytest_qgis -p no:pytestqt -p no:cacheprovider -q "$@"

echo "== QGIS, PostGIS and browser tests"
$PY -m pytest tests/qgis tests/integration -p no:cacheprovider -q "$@"
