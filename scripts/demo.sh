#!/usr/bin/env bash
# Install Khlang and run the demo: an SQLite database in ./instance with a realistic demo district,
# served at http://127.0.0.1:5000 .  Set PORT to change the port.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export KHLANG_INSTANCE="${KHLANG_INSTANCE:-$PWD/instance}"
.venv/bin/khlang --instance "$KHLANG_INSTANCE" demo run --host 127.0.0.1 --port "${PORT:-5000}"
