#!/usr/bin/env bash
# Runs the Python black-box suite against the pcentral server binary.
#   tests/sdk/python/run.sh [extra pytest args]
#   tests/sdk/python/run.sh --venv-only    (prepare the venv and stop; other suites use it)
# Env: PCENTRAL_BIN (default <repo>/target/debug/pcentral, built with cargo when missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
STAMP="$HERE/.stamp-requirements"

fresh_venv=0
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    fresh_venv=1
fi

req_hash="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [ "$fresh_venv" = 1 ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$req_hash" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
    echo "$req_hash" > "$STAMP"
fi
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
