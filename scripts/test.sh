#!/usr/bin/env bash
# Install everything the test suite needs into .venv, then run the whole suite.
# Extra pytest arguments are passed through: scripts/test.sh -k profiling
set -euo pipefail
cd "$(dirname "$0")/.."

# Page and PDF tests drive Debian's Chromium (never a downloaded browser build).
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "note: chromium is not installed; page and PDF tests will be skipped" \
             "(install it with: sudo apt-get install chromium)" >&2
    fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

# The JupyterLab sidebar, built from labextension/ with its lock file (npm registry).
if command -v npm >/dev/null 2>&1; then
    bash scripts/build_labextension.sh >/dev/null
else
    echo "note: Node.js/npm is not installed; the sidebar is not built and its tests" \
         "will be skipped" >&2
fi

exec .venv/bin/python -m pytest "$@"
