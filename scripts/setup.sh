#!/usr/bin/env bash
# One-time (idempotent) set-up of a Debian 12/13 machine for the plugin:
# Debian's QGIS, Python packages, PostgreSQL/PostGIS, Chromium, Qt tools,
# a .venv on /usr/bin/python3 with the system site packages, pinned dev tools
# from PyPI, and the pinned Leaflet assets from npm for offline HTML.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Debian packages by name only (no version numbers: Debian 12 and 13 both work).  The
# plugin's runtime needs are pyproject.toml's [project] dependencies; networkx is for the
# benchmarks' side-by-side alternative only.
APT_PACKAGES=(
  qgis python3-qgis qgis-providers
  python3-geopandas python3-folium python3-psycopg2 python3-openpyxl python3-scipy
  python3-networkx python3-hypothesis python3-pytest python3-selenium python3-markdown
  python3-pil
  python3-venv python3-pip
  qttools5-dev-tools
  postgresql postgresql-postgis postgis
  chromium chromium-driver
  xvfb xauth zip make fonts-wqy-microhei
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm (for the pinned Leaflet assets): Debian's only where none is installed.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The virtual environment: Debian's Python, so that `import qgis` works.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import qgis.core' 2>/dev/null; then
  rm -rf .venv
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
# pyproj looks for PROJ's data under sys.prefix, which in a venv is .venv.
if [ ! -e .venv/share/proj ] && [ -d /usr/share/proj ]; then
  mkdir -p .venv/share && ln -s /usr/share/proj .venv/share/proj
fi
stamp=.venv/.requirements-dev.sha
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# Leaflet and its plugins for offline HTML, pinned by package-lock.json.
if [ -f package-lock.json ]; then
  lockhash=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f node_modules/.lock.sha ] || [ "$(cat node_modules/.lock.sha)" != "$lockhash" ]; then
    npm ci --silent --no-audit --no-fund
    echo "$lockhash" > node_modules/.lock.sha
  fi
fi
echo "setup: ok ($(.venv/bin/python -c 'from qgis.core import Qgis; print("QGIS", Qgis.version())'))"
