#!/usr/bin/env bash
# Runs the Python black-box suite against the pcentral server binary.
#   tests/sdk/python/run.sh [extra pytest args]
#   tests/sdk/python/run.sh --venv-only    (prepare the venv and stop; other suites use it)
# Env: PCENTRAL_BIN (default <repo>/target/debug/pcentral, built with cargo when missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
VENV="$HERE/.venv"
# shellcheck source=../../pinned-venv.sh
. "$REPO/tests/pinned-venv.sh"
pinned_venv "$VENV" "$HERE/requirements.txt"
if [ "${1:-}" = "--venv-only" ]; then
    exit 0
fi

if [ -z "${PCENTRAL_BIN:-}" ]; then
    PCENTRAL_BIN="$REPO/target/debug/pcentral"
fi
if [ ! -x "$PCENTRAL_BIN" ]; then
    (cd "$REPO" && cargo build -p pcentral-server)
fi
if [ ! -x "$PCENTRAL_BIN" ]; then
    echo "run.sh: server binary not found at $PCENTRAL_BIN" >&2
    exit 1
fi
export PCENTRAL_BIN

cd "$HERE"
exec "$VENV/bin/python" -m pytest -q "$@"
