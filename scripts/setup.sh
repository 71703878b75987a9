#!/usr/bin/env bash
# Shared set-up for scripts/demo.sh and scripts/test.sh: a virtual environment in .venv with Khlang
# installed (editable) from the pinned dependencies in pyproject.toml.  Usage: setup.sh [extra]
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ -n "$extra" ]; then
  .venv/bin/python -m pip install -q -e ".[$extra]" 2>&1 | grep -v -E "^WARNING: Location|^\s*$" || true
else
  .venv/bin/python -m pip install -q -e . 2>&1 | grep -v -E "^WARNING: Location|^\s*$" || true
fi
.venv/bin/python -c "import itembank, psychometrics, web" # fails loudly if the install did not work
