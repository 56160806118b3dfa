#!/usr/bin/env bash
# Install everything the test suite needs into .venv, then run the whole suite.
# Extra pytest arguments are passed through: scripts/test.sh -k profiling
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

exec .venv/bin/python -m pytest "$@"
