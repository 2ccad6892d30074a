#!/usr/bin/env bash
# Lint and type checks (CI runs them before the tests; a finding fails the run).
#
#   bash scripts/check.sh            # with the project's .venv, or PYTHON=/path/to/python
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
"$PY" -m ruff check .
"$PY" -m mypy
