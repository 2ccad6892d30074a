#!/usr/bin/env bash
# Set up everything the test suite needs and run it.
#
# System tools (headless Chromium, QGIS, PostgreSQL + PostGIS) come from Debian
# packages and are installed when running as root with apt-get available
# (always on CI); set NEAGEO_SKIP_APT=1 to skip that step.  Tests whose tool is
# missing are skipped locally, and fail on CI (CI=true).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

APT_PACKAGES=(chromium fonts-noto-cjk qgis python3-qgis gdal-bin python3-gdal postgresql postgresql-postgis)
if [ "${NEAGEO_SKIP_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

"$VENV_PY" -m pip install --quiet -e '.[maps,test,postgis,docs,dev]'
# GDAL's GeoPackage validator needs only sqlite3; the wheel's declared GDAL dependency is not needed.
"$VENV_PY" -m pip install --quiet --no-deps 'gdal-utils==3.13.3.0'
# cffconvert (CITATION.cff validation) pins jsonschema<4, which frictionless (the codebook's validator) cannot
# share; it works with jsonschema 4, and its other dependencies are in the test extra.
"$VENV_PY" -m pip install --quiet --no-deps 'cffconvert==2.0.0'

# A throwaway PostgreSQL + PostGIS cluster on localhost for the export tests.
if [ -z "${NEAGEO_TEST_PG:-}" ] && [ -f scripts/pg_test_cluster.sh ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  source scripts/pg_test_cluster.sh || echo "could not start a PostgreSQL test cluster; PostGIS tests will skip" >&2
fi

# Lint and type checks first: a finding fails the run before the tests start (NEAGEO_SKIP_CHECKS=1 skips them).
if [ "${NEAGEO_SKIP_CHECKS:-0}" != 1 ]; then
  PYTHON="$VENV_PY" bash scripts/check.sh
  # The map plugins' JavaScript (src/neageo/maps/assets/js): eslint and node's own test runner, with the
  # dev tools pinned in package-lock.json (npm ci).  Node >= 18.18 and npm are needed; CI fails without them.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "${NEAGEO_SKIP_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing Debian packages: nodejs npm" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    fi
  fi
  if command -v node >/dev/null && command -v npm >/dev/null; then
    npm ci --no-audit --no-fund --prefer-offline --loglevel=error
    npx --no-install eslint
    node --test tests/js/*.test.mjs
  elif [[ "${CI:-}" =~ ^(1|true|yes)$ ]]; then
    echo "node and npm are needed for the map plugins' JavaScript lint and tests (apt-get install nodejs npm)" >&2
    exit 1
  else
    echo "node/npm not found: skipping the JavaScript lint and tests (CI runs them)" >&2
  fi
fi

exec "$VENV_PY" -m pytest "$@"
