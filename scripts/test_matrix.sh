#!/usr/bin/env bash
# `make test-matrix`: the whole suite on each QGIS version users run, one Debian chroot
# per suite.  Needs root, debootstrap and Debian's archive (plus PyPI and npm for the
# set-up inside).  Not part of `make test`: CI runs the README's test command here.
#
#   scripts/test_matrix.sh [SUITE...]        default: trixie forky
#
#   trixie  Debian 13        QGIS 3.40, Python 3.13
#   forky   Debian testing   QGIS 3.44, Python 3.14
#   host    this machine (no chroot), on a clean copy in $CHROOT_CACHE/../host
#
# Each chroot is built once by debootstrap from Debian's own archive and cached outside
# the repository in $CHROOT_CACHE/<suite> (default /var/cache/pollution-map/chroots),
# reused when present (REBUILD=1 builds it again).  Every run copies a clean
# `git archive HEAD` of this repository, and ../shared beside it, to /work/main and
# /work/shared inside, runs scripts/setup.sh there (Debian packages by name, the .venv,
# PyPI and npm pins) and then scripts/run_tests.sh, in a private mount and PID namespace
# with /proc, /dev, /dev/pts, a fresh /dev/shm and /sys (Chromium and Xvfb need them);
# the PostGIS fixture starts its own server as the postgres user.  Nothing outlives a
# run: ending the namespace ends every process started in it.
#
# Prints per suite the QGIS and Python versions and the pass/fail counts; logs go to
# $MATRIX_LOGS/<suite>.log (default /var/cache/pollution-map/logs).  Exit status 1 when
# any suite failed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
SHARED=$(cd .. && pwd)/shared
CACHE=${CHROOT_CACHE:-/var/cache/pollution-map/chroots}
LOGS=${MATRIX_LOGS:-/var/cache/pollution-map/logs}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITES=("$@")
[ "${#SUITES[@]}" -gt 0 ] || SUITES=(trixie forky)

if [ "$(id -u)" != 0 ]; then
  echo "test-matrix: needs root (debootstrap, chroot, mounts)" >&2
  exit 2
fi
case "$CACHE" in "$REPO"|"$REPO"/*)
  echo "test-matrix: the chroot cache must be outside the repository" >&2; exit 2;;
esac
command -v debootstrap >/dev/null || {
  echo "test-matrix: installing debootstrap"
  apt-get install -y -q debootstrap >/dev/null
}
mkdir -p "$CACHE" "$LOGS"

build_chroot() {  # suite dir
  local suite=$1 dir=$2
  if [ -f "$dir/.pollution-map-ready" ] && [ "${REBUILD:-0}" != 1 ]; then
    echo "test-matrix: $suite: reusing $dir"
    return
  fi
  echo "test-matrix: $suite: debootstrap into $dir"
  rm -rf --one-file-system "$dir"
  # An older debootstrap (Debian 12's) has no script for a newer suite: sid's fits.
  local script=()
  [ -e "/usr/share/debootstrap/scripts/$suite" ] || script=(/usr/share/debootstrap/scripts/sid)
  debootstrap --variant=minbase --include=ca-certificates,make,git,procps \
    "$suite" "$dir" "$MIRROR" "${script[@]}" || return 1
  echo "deb $MIRROR $suite main" > "$dir/etc/apt/sources.list"
  # Testing's Release file expires within days; a mirror that lags behind (or a frozen
  # one) would stop apt there, so its validity date is not enforced in these test chroots.
  printf 'APT::Install-Recommends "false";\nAcquire::Check-Valid-Until "false";\n' \
    > "$dir/etc/apt/apt.conf.d/90pollution-map"
  # No service starts during package installs (PostgreSQL's cluster, D-Bus...): the tests
  # start what they need themselves.
  printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  touch "$dir/.pollution-map-ready"
}

# Inside the chroot (or the host's clean copy): set-up, versions, the whole suite.
INNER='
  set -uo pipefail
  cd "${MATRIX_WORK:-/work/main}" || exit 2
  bash scripts/setup.sh || { echo "MATRIX setup failed"; exit 3; }
  echo "MATRIX qgis $(.venv/bin/python -c "from qgis.core import Qgis; print(Qgis.version())")"
  echo "MATRIX python $(.venv/bin/python -c "import sys; print(sys.version.split()[0])")"
  echo "MATRIX debian $(cat /etc/debian_version)"
  bash scripts/run_tests.sh
  echo "MATRIX exit $?"'
export INNER

# TLS trust and proxy settings from this machine (the names only in this list), so pip and
# npm inside reach PyPI and npm the way they do here; the CA certificates themselves are
# copied into the chroot (update-ca-certificates) by run_suite.
pass_env() {
  PASS_ENV=()
  local v
  for v in SSL_CERT_FILE SSL_CERT_DIR REQUESTS_CA_BUNDLE PIP_CERT NODE_EXTRA_CA_CERTS \
           PIP_DEFAULT_TIMEOUT http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    if [ -n "${!v:-}" ]; then PASS_ENV+=("$v=${!v}"); fi
  done
}
pass_env
export -f pass_env

# Runs in a new mount + PID namespace (see the unshare call below).
run_inside() {  # dir
  local dir=$1
  pass_env
  mount --make-rprivate /
  mount -t proc proc "$dir/proc"
  mount --rbind /sys "$dir/sys"
  mount --rbind /dev "$dir/dev"
  mount -t tmpfs -o size=2g,mode=1777 shm "$dir/dev/shm"
  mount -t tmpfs -o mode=1777 tmp "$dir/tmp"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb "${PASS_ENV[@]}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "$INNER"
}

run_suite() {  # suite dir
  local suite=$1 dir=$2
  if [ "$suite" = host ]; then  # this machine, on a clean copy beside its own ../shared
    echo "test-matrix: host: git archive HEAD ($(git rev-parse --short HEAD)) into $dir"
    rm -rf --one-file-system "$dir"
    mkdir -p "$dir/main"
    git archive HEAD | tar -x -C "$dir/main" || return 1
    if [ -d "$SHARED" ]; then cp -a "$SHARED" "$dir/shared" || return 1; fi
    MATRIX_WORK=$dir/main unshare --pid --fork --kill-child --mount-proc \
      /usr/bin/env -i HOME="$HOME" LANG=C.UTF-8 TERM=dumb PATH="$PATH" MATRIX_WORK="$dir/main" \
      "${PASS_ENV[@]}" \
      /bin/bash -c "$INNER"
    return
  fi
  build_chroot "$suite" "$dir" || { echo "MATRIX debootstrap failed"; return 1; }
  echo "test-matrix: $suite: copying git archive HEAD ($(git rev-parse --short HEAD)) and ../shared"
  rm -rf --one-file-system "$dir/work"
  mkdir -p "$dir/work/main"
  git archive HEAD | tar -x -C "$dir/work/main" || return 1
  if [ -d "$SHARED" ]; then cp -a "$SHARED" "$dir/work/shared" || return 1; fi
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
    chroot "$dir" update-ca-certificates >/dev/null || return 1
  fi
  export -f run_inside
  unshare --mount --pid --fork --kill-child bash -c 'run_inside "$1"' _ "$dir"
}

summary=()
overall=0
for suite in "${SUITES[@]}"; do
  dir=$CACHE/$suite
  [ "$suite" = host ] && dir=$(dirname "$CACHE")/host
  log=$LOGS/$suite.log
  start=$(date +%s)
  run_suite "$suite" "$dir" > >(tee "$log") 2>&1 || true
  wait
  secs=$(( $(date +%s) - start ))
  qgis=$(sed -n 's/^MATRIX qgis //p' "$log" | tail -1)
  python=$(sed -n 's/^MATRIX python //p' "$log" | tail -1)
  debian=$(sed -n 's/^MATRIX debian //p' "$log" | tail -1)
  rc=$(sed -n 's/^MATRIX exit //p' "$log" | tail -1)
  # pytest's two summary lines: core, then QGIS/PostGIS/browser.
  counts=$(grep -E '^=*[ ]*[0-9]+ (passed|failed|error)' "$log" | sed -E 's/ in [0-9.]+s.*//; s/=+//g; s/^ +//' | paste -sd'|' -)
  status=FAIL
  [ "$rc" = 0 ] && status=PASS
  [ "$status" = PASS ] || overall=1
  summary+=("$(printf '%-8s Debian %-8s QGIS %-8s Python %-7s %s  [%s]  %ds  log %s' \
    "$suite" "${debian:-?}" "${qgis:-?}" "${python:-?}" "$status" "${counts:-no pytest summary}" "$secs" "$log")")
done

echo
echo "== test matrix ($(date -u +%F))"
printf '%s\n' "${summary[@]}"
exit $overall
