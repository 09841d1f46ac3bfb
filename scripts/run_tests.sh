#!/usr/bin/env bash
# Every test: the core without QGIS, then QGIS, PostGIS and browser tests, then lint
# (ruff, the Qt 6 readiness check, Bandit and detect-secrets on the built ZIP).
# Runs all three even when one fails, and fails when any did.
set -uo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
PY=.venv/bin/python
status=0

echo "== core tests (no QGIS, no Qt)"
$PY -m pytest tests/core -p no:pytest_qgis -p no:pytestqt -p no:cacheprovider -q "$@" || status=1

echo "== QGIS, PostGIS and browser tests"
$PY -m pytest tests/qgis tests/integration -p no:cacheprovider -q "$@" || status=1

echo "== ruff"
.venv/bin/ruff check pollution_map_plugin tests scripts benchmarks || status=1

echo "== Qt 6 readiness (QGIS's pyqt5to6 script; skipped without ../shared)"
$PY scripts/qt6_check.py || status=1

echo "== Bandit and detect-secrets on the built plugin ZIP"
$PY scripts/security_scan.py || status=1

exit $status
