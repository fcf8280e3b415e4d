#!/usr/bin/env bash
# Refresh the vendored front-end libraries in ocop/static/vendor/ from the npm registry.
#
# Nothing is loaded from a CDN at run time: the files below are committed and served by
# Django/whitenoise. Run this script only to upgrade (edit the versions, run, review the diff,
# update ocop/static/vendor/README.md).
#
#   bash scripts/vendor_static.sh                # the pinned versions below
#   ECHARTS_VERSION=6.1.0 HTMX_VERSION=2.0.11 bash scripts/vendor_static.sh
#
# Needs: npm (only `npm pack`, which downloads the package tarball; no install scripts run), tar.
set -euo pipefail

ECHARTS_VERSION="${ECHARTS_VERSION:-6.1.0}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/ocop/static/vendor"
TMP="$(mktemp -d /tmp/ocop-vendor.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
npm pack --silent "echarts@${ECHARTS_VERSION}" "htmx.org@${HTMX_VERSION}" >/dev/null
mkdir echarts htmx
tar xzf "echarts-${ECHARTS_VERSION}.tgz" -C echarts
tar xzf "htmx.org-${HTMX_VERSION}.tgz" -C htmx

# Apache ECharts: the FULL build (the "common"/"simple" builds cannot draw maps).
mkdir -p "$VENDOR/echarts"
cp echarts/package/dist/echarts.min.js "$VENDOR/echarts/echarts.min.js"
cp echarts/package/LICENSE "$VENDOR/echarts/LICENSE"
cp echarts/package/NOTICE "$VENDOR/echarts/NOTICE"
if [ -f echarts/package/licenses/LICENSE-d3 ]; then
  cp echarts/package/licenses/LICENSE-d3 "$VENDOR/echarts/LICENSE-d3"
fi

# htmx 2.x
mkdir -p "$VENDOR/htmx"
cp htmx/package/dist/htmx.min.js "$VENDOR/htmx/htmx.min.js"
cp htmx/package/LICENSE "$VENDOR/htmx/LICENSE"

echo "echarts ${ECHARTS_VERSION}: $(wc -c < "$VENDOR/echarts/echarts.min.js") bytes"
echo "htmx.org ${HTMX_VERSION}: $(wc -c < "$VENDOR/htmx/htmx.min.js") bytes"
echo "Now update the versions in ocop/static/vendor/README.md if they changed."
