#!/usr/bin/env bash
# Rebuild the lock files from the hand-edited top-level pins (issue 16: the whole dependency set pinned).
#
#   requirements.txt      -> requirements.lock      (runtime: what production installs)
#   requirements-dev.txt  -> requirements-dev.lock  (runtime + tests and lint: what `make test` installs)
#
# Every package, transitive ones included, is pinned with an exact version. The dev lock is compiled
# with the runtime lock as a constraint, so both install the same runtime versions.
# pip-tools runs from its own venv (var/lock-tools), pinned here, never from .venv.
# The locks are resolved for the machine that runs this script: Debian 12 with Python 3.11 (the
# supported platform, docs/deploy.md). Run it after editing requirements*.txt and commit all four files:
#
#   bash scripts/lock.sh            # keep every pin the lock files already have, add what is new
#   bash scripts/lock.sh --upgrade  # also move transitive packages to their newest allowed versions
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_TOOLS_VERSION=7.6.2
PIP_VERSION=25.3
PYTHON=${PYTHON:-python3}
TOOLS=var/lock-tools

if [ ! -x "$TOOLS/bin/pip-compile" ] || ! "$TOOLS/bin/pip-compile" --version | grep -q " $PIP_TOOLS_VERSION\b"; then
    rm -rf "$TOOLS"
    "$PYTHON" -m venv "$TOOLS"
    "$TOOLS/bin/pip" install --disable-pip-version-check -q "pip==$PIP_VERSION" "pip-tools==$PIP_TOOLS_VERSION"
fi

compile() {
    CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh" "$TOOLS/bin/pip-compile" --quiet --resolver=backtracking \
        --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --newline=lf "$@"
}

compile "${@}" --output-file=requirements.lock requirements.txt
compile "${@}" --constraint=requirements.lock --output-file=requirements-dev.lock requirements-dev.txt
echo "requirements.lock and requirements-dev.lock written"
