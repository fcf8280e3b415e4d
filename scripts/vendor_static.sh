#!/usr/bin/env bash
# Refresh the vendored front-end libraries in ocop/static/vendor/ from the npm registry.
#
# Nothing is loaded from a CDN at run time: the files below are committed and served by
# Django/whitenoise. Run this script only to upgrade (edit the versions, run, review the diff,
# update ocop/static/vendor/README.md).
#
#   bash scripts/vendor_static.sh                # the pinned versions below
#   HTMX_VERSION=2.0.11 bash scripts/vendor_static.sh
#
# ECharts is a custom build (issue 17: only the charts and components the pages use, ~227 KB
# compressed instead of 368 KB): its recipe is scripts/echarts-build/ (entry.js, package.json and
# package-lock.json pin echarts and esbuild); `npm ci` there installs exactly the locked versions
# from the registry (node_modules/ is not committed), esbuild bundles entry.js. To upgrade ECharts:
# edit the version in scripts/echarts-build/package.json (and the banner), `npm install` there to
# update the lock, run this script.
#
# Needs: npm (`npm pack` for htmx, `npm ci --ignore-scripts` for the ECharts build), tar.
set -euo pipefail

HTMX_VERSION="${HTMX_VERSION:-2.0.11}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/ocop/static/vendor"
TMP="$(mktemp -d /tmp/ocop-vendor.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null
mkdir htmx
tar xzf "htmx.org-${HTMX_VERSION}.tgz" -C htmx

# Apache ECharts: custom build (scripts/echarts-build/entry.js lists what is included).
BUILD="$ROOT/scripts/echarts-build"
mkdir -p "$VENDOR/echarts"
(cd "$BUILD" && npm ci --silent --no-audit --no-fund --ignore-scripts && npm run --silent build)
cp "$BUILD/node_modules/echarts/LICENSE" "$VENDOR/echarts/LICENSE"
cp "$BUILD/node_modules/echarts/NOTICE" "$VENDOR/echarts/NOTICE"
if [ -f "$BUILD/node_modules/echarts/licenses/LICENSE-d3" ]; then
  cp "$BUILD/node_modules/echarts/licenses/LICENSE-d3" "$VENDOR/echarts/LICENSE-d3"
fi
ECHARTS_VERSION="$(node -p "require('$BUILD/node_modules/echarts/package.json').version")"

# htmx 2.x
mkdir -p "$VENDOR/htmx"
cp htmx/package/dist/htmx.min.js "$VENDOR/htmx/htmx.min.js"
cp htmx/package/LICENSE "$VENDOR/htmx/LICENSE"

echo "echarts ${ECHARTS_VERSION}: $(wc -c < "$VENDOR/echarts/echarts.min.js") bytes"
echo "htmx.org ${HTMX_VERSION}: $(wc -c < "$VENDOR/htmx/htmx.min.js") bytes"
echo "Now update the versions in ocop/static/vendor/README.md if they changed."
