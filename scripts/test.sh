#!/usr/bin/env bash
# The whole test suite from a fresh machine: system packages, .venv, lint, then pytest on SQLite
# and PostgreSQL (127.0.0.1:5432, trust auth; a fresh database per run, dropped after) and the job
# queue on its embedded backend and on Redis (127.0.0.1:6379).  Extra arguments go to pytest.
# Lint is ruff, then `lint-imports`: the rooms' import rules of ../shared/DESIGN.md, written as
# import-linter contracts in pyproject.toml ([tool.importlinter]); a broken contract fails the run.
# The suite does not depend on how it is started: `nohup bash scripts/test.sh &` (SIGINT ignored,
# no terminal, stdin closed) passes too, as the tests stop the processes they start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/setup.sh test
.venv/bin/ruff check .
.venv/bin/lint-imports --no-logo
set +e
.venv/bin/python -m pytest -n "${KHLANG_TEST_WORKERS:-2}" --dist loadgroup -p no:cacheprovider --durations=25 "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests (exit 5): treated as a failure of the test command" >&2
  exit 1
fi
exit "$rc"
