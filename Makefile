# Pollution Source Map — developer commands. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PY := .venv/bin/python
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup demo test test-matrix test-core lint package deploy bench reliability translations clean

setup:
	@bash scripts/setup.sh

demo: setup
	@$(PY) scripts/demo.py

test: setup
	@bash scripts/run_tests.sh

# The whole suite in a Debian chroot per QGIS version (trixie: 3.40, forky: 3.44),
# built by debootstrap and cached in /var/cache/pollution-map/chroots; as root.  Not part
# of `make test`.  SUITES="trixie" for one; "host" runs this machine on a clean copy.
test-matrix:
	@nice -n 10 bash scripts/test_matrix.sh $(SUITES)

test-core: setup
	@$(PY) -m pytest tests/core -p no:pytest_qgis -p no:pytestqt -q

# ruff, the Qt 6 readiness check (skipped without ../shared) and the plugin repository's
# upload scanners (Bandit, detect-secrets) on a freshly built ZIP.
lint: setup
	@.venv/bin/ruff check pollution_map_plugin tests scripts benchmarks
	@$(PY) scripts/qt6_check.py
	@$(PY) scripts/security_scan.py

package: setup
	@$(PY) scripts/package.py

deploy: package
	@$(PY) scripts/deploy.py dist/pollution_map_plugin-$(VERSION).zip

# Collect tr() strings into resources/i18n/*.ts (translate them, then `make package`).
translations: setup
	@$(PY) scripts/update_translations.py

bench: setup
	@$(PY) benchmarks/run_all.py

# Kill demo-db, import and export-html at random moments, fill a small tmpfs (as root);
# figures for the RELIABILITY section of BENCHMARKS.md.  RUNS=60 by default.
reliability: setup
	@$(PY) scripts/reliability.py --runs $(or $(RUNS),60)

clean:
	rm -rf dist build tests/artifacts .pytest_cache demo-output .qgis-settings
